// SPDX-License-Identifier: BSD-3-Clause
/* The rflesion subcommands. Each takes the arguments after its name (argv[0] is the
 * command name) and returns the process exit code (table in rflesion --help). */
#ifndef RFL_COMMANDS_H
#define RFL_COMMANDS_H

int rfl_cmd_check(int argc, char **argv);
int rfl_cmd_run(int argc, char **argv);
int rfl_cmd_sweep(int argc, char **argv);
int rfl_cmd_merge(int argc, char **argv);
int rfl_cmd_report(int argc, char **argv);
int rfl_cmd_figures(int argc, char **argv);

#endif

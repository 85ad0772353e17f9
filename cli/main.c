// SPDX-License-Identifier: BSD-3-Clause
/* rflesion: the command-line entry point. Parses the global options (--help, --version),
 * then hands the remaining arguments to a subcommand from the table below, whose return
 * value is the exit code (table in the usage text and in the README). It does no work of
 * its own besides turning GSL's abort-on-error handler off for the whole program. */
#include <getopt.h>
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <string.h>

#include "cli_common.h"
#include "commands.h"
#include "provenance.h"
#include "temp_registry.h"

typedef struct {
  const char *name;
  int (*run)(int argc, char **argv);
  const char *summary;
} command;

static const command commands[] = {
    {"check", rfl_cmd_check,
     "validate a case, print it resolved (as a case file) and report its grid and geometry"},
    {"run", rfl_cmd_run, "simulate a case: lesion size, generator figures, safety flags"},
    {"sweep", rfl_cmd_sweep, "run a parameter sweep (serial, MPI task farm or job-array shards) into a table"},
    {"merge", rfl_cmd_merge, "merge the results of a sweep's shards into one table"},
    {"report", rfl_cmd_report, "write one self-contained HTML page of a run's result file or of a sweep"},
    {"figures", rfl_cmd_figures, "draw a finished run's figures again from its .h5 (range, crop, format, dpi)"},
};
#define NCOMMANDS ((int)(sizeof commands / sizeof commands[0]))

static void usage(FILE *f) {
  fputs("Usage: rflesion [--help] [--version] COMMAND [ARGS...]\n"
        "Simulate the thermal lesion of a radiofrequency needle electrode near nerve roots.\n"
        "\n"
        "Commands:\n",
        f);
  for (int i = 0; i < NCOMMANDS; i++) fprintf(f, "  %-7s %s\n", commands[i].name, commands[i].summary);
  fputs("\n"
        "Global options:\n"
        "  -h, --help     this help ('rflesion COMMAND --help' for a command's options)\n"
        "  -V, --version  print the version, the commit and how it was built\n"
        "\n",
        f);
  fputs(rfl_cli_exit_codes_help, f);
  fputs("\nCase files: docs/case-format.md.\n", f);
}

int main(int argc, char **argv) {
  gsl_set_error_handler_off();
  rfl_temp_install_signal_cleanup(); /* Ctrl-C and SIGTERM leave no temporary files */
  static const struct option longopts[] = {{"help", no_argument, NULL, 'h'},
                                           {"version", no_argument, NULL, 'V'},
                                           {NULL, 0, NULL, 0}};
  opterr = 0;
  int opt;
  while ((opt = getopt_long(argc, argv, "+hV", longopts, NULL)) != -1) {
    switch (opt) {
      case 'h':
        usage(stdout);
        return 0;
      case 'V':
        rfl_provenance_print(stdout);
        return 0;
      default:
        fprintf(stderr, "rflesion: unknown option '%s'\n\n", argv[optind - 1]);
        usage(stderr);
        return 2;
    }
  }
  if (optind >= argc) {
    fputs("rflesion: expected a command, found none\n\n", stderr);
    usage(stderr);
    return 2;
  }
  const char *name = argv[optind];
  for (int i = 0; i < NCOMMANDS; i++)
    if (strcmp(commands[i].name, name) == 0) {
      int sub_argc = argc - optind;
      char **sub_argv = argv + optind;
      optind = 0; /* let the command's getopt_long start afresh */
      return commands[i].run(sub_argc, sub_argv);
    }
  fprintf(stderr, "rflesion: expected a command (");
  for (int i = 0; i < NCOMMANDS; i++) fprintf(stderr, "%s%s", i ? ", " : "", commands[i].name);
  fprintf(stderr, "), found '%s'\n\n", name);
  usage(stderr);
  return 2;
}

// SPDX-License-Identifier: BSD-3-Clause
/* Temporary files in flight (NAME.tmp.PID while an atomic write is under way), so that
 * SIGINT and SIGTERM can remove them before the process ends: the handler unlinks every
 * registered name (async-signal-safe: no locks, no allocation) and exits 130 (SIGINT) or
 * 143 (SIGTERM). A name that does not fit the fixed table is simply not registered; a
 * resumed sweep removes such leftovers of dead processes (rfl_temp_name_pid). */
#ifndef RFL_TEMP_REGISTRY_H
#define RFL_TEMP_REGISTRY_H

void rfl_temp_register(const char *path);
void rfl_temp_unregister(const char *path);

/* Installs the SIGINT and SIGTERM handlers (once per process). */
void rfl_temp_install_signal_cleanup(void);

/* The PID of a temporary's file name "BASE.tmp.PID" (digits only after the last ".tmp."),
 * or 0 when name is not one. */
long rfl_temp_name_pid(const char *name);

#endif

// SPDX-License-Identifier: BSD-3-Clause
/* Starting the built rflesion binary from a test (header-only, one per test program):
 * `binary` is set from the program's first argument, `out_path` and `err_path` to files
 * that receive standard output and error; run() starts the binary with posix_spawn, waits,
 * and leaves what it printed in out_text and err_text; RUN() asserts the exit code and
 * shows both texts when it differs. */
#ifndef RFL_TESTS_CLI_RUNNER_H
#define RFL_TESTS_CLI_RUNNER_H

#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "test_support.h"

extern char **environ;

static const char *binary;
static char out_path[128], err_path[128];
static char *out_text, *err_text;

/* The whole file as a string, or NULL if it cannot be opened. */
static char *read_text(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *s = malloc((size_t)n + 1);
  size_t got = fread(s, 1, (size_t)n, f);
  s[got] = '\0';
  fclose(f);
  return s;
}

/* Loads out_text and err_text from the files the child wrote ("" if missing). */
static void read_outputs(void) {
  free(out_text);
  free(err_text);
  out_text = read_text(out_path);
  err_text = read_text(err_path);
  if (!out_text) out_text = strdup("");
  if (!err_text) err_text = strdup("");
}

/* Runs the binary with args (NULL-terminated); returns its exit code (-1 if it crashed). */
static int run(const char *const *args) {
  const char *argv[40] = {binary};
  int n = 1;
  for (; args[n - 1] && n < 39; n++) argv[n] = args[n - 1];
  argv[n] = NULL;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&fa, 2, err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  pid_t pid;
  int rc = posix_spawn(&pid, binary, &fa, NULL, (char *const *)argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) fail_msg("cannot start %s", binary);
  int status;
  if (waitpid(pid, &status, 0) != pid) fail_msg("waitpid failed");
  read_outputs();
  if (!WIFEXITED(status)) {
    print_error("%s crashed (signal %d); stderr:\n%s\n", binary, WTERMSIG(status), err_text);
    return -1;
  }
  return WEXITSTATUS(status);
}

#define RUN(expected_code, ...)                                                         \
  do {                                                                                  \
    const char *const args_[] = {__VA_ARGS__, NULL};                                    \
    int code_ = run(args_);                                                             \
    if (code_ != (expected_code))                                                       \
      fail_msg("exit code %d, expected %d\nstdout:\n%.3000s\nstderr:\n%s", code_,       \
               (expected_code), out_text, err_text);                                    \
  } while (0)

#endif

/* Tests of the rflesion program as a user meets it: the built binary (path given as the
 * first argument) is started with posix_spawn, and its exit code, standard output and
 * standard error are checked: --help, --version, usage errors, `check` on every shipped
 * case (exit 0, output that is itself a valid case file) and on bad input (exit 2 with the
 * reader's message). */
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_support.h"

extern char **environ;

static const char *binary;
static char out_path[64], err_path[64];
static char *out_text, *err_text;

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return strdup("");
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *s = malloc((size_t)n + 1);
  size_t got = fread(s, 1, (size_t)n, f);
  s[got] = '\0';
  fclose(f);
  return s;
}

/* Runs the binary with args (NULL-terminated); returns its exit code (-1 if it crashed). */
static int run(const char *const *args) {
  free(out_text);
  free(err_text);
  out_text = err_text = NULL;
  const char *argv[32] = {binary};
  int n = 1;
  for (; args[n - 1] && n < 31; n++) argv[n] = args[n - 1];
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
  out_text = slurp(out_path);
  err_text = slurp(err_path);
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
      fail_msg("exit code %d, expected %d\nstdout:\n%.2000s\nstderr:\n%s", code_,       \
               (expected_code), out_text, err_text);                                    \
  } while (0)

static void test_help_version(void **state) {
  (void)state;
  RUN(0, "--help");
  assert_contains(out_text, "Usage: rflesion");
  assert_contains(out_text, "  check ");
  assert_contains(out_text, "  run ");
  assert_contains(out_text, "Exit codes:\n  0  ok\n  1  a safety flag was raised");
  assert_contains(out_text, "  2  bad input or usage\n  3  numerical failure");
  assert_contains(out_text, "  4  I/O or system failure");
  RUN(0, "-h");
  RUN(0, "--version");
  assert_contains(out_text, "rflesion 0.");
  RUN(0, "check", "--help");
  assert_contains(out_text, "Usage: rflesion check CASE");
  assert_contains(out_text, "--set SECTION.KEY=VALUE");
}

static void test_usage_errors(void **state) {
  (void)state;
  RUN(2, NULL);
  assert_contains(err_text, "rflesion: expected a command, found none");
  RUN(2, "frobnicate");
  assert_contains(err_text, "rflesion: expected a command (check, run, sweep, merge), found 'frobnicate'");
  RUN(2, "--frobnicate");
  assert_contains(err_text, "rflesion: unknown option '--frobnicate'");
  RUN(2, "check");
  assert_contains(err_text, "rflesion check: expected one case file, found 0 arguments");
  RUN(2, "check", "--bogus", "x.ini");
  assert_contains(err_text, "rflesion check: unknown option or missing value '--bogus'");
}

static void check_case(const char *path) {
  RUN(0, "check", path);
  assert_contains(out_text, "[probe]");
  assert_contains(out_text, "; ---- grid ----\n; cells per axis");
  assert_contains(out_text, "; ---- cells per material ----");
  assert_contains(out_text, "; ---- electrode [probe] ----");
  assert_contains(out_text, "cells per radius at the tip");
  /* the whole output is itself a valid case file */
  char copy[96];
  snprintf(copy, sizeof copy, "%s.ini", out_path);
  FILE *f = fopen(copy, "wb");
  fputs(out_text, f);
  fclose(f);
  RUN(0, "check", "--quiet", copy);
  assert_string_equal(out_text, "");
  unlink(copy);
}

static void test_check_cases(void **state) {
  (void)state;
  check_case(RFL_SOURCE_DIR "/cases/default.ini");
  check_case(RFL_SOURCE_DIR "/cases/reference/rc1.ini");
  check_case(RFL_SOURCE_DIR "/cases/reference/rc2.ini");
  check_case(RFL_SOURCE_DIR "/cases/reference/rc3.ini");
  check_case(RFL_SOURCE_DIR "/cases/reference/rc3b.ini");
}

static void test_check_set(void **state) {
  (void)state;
  RUN(0, "check", "--set", "generator.duration_s=120", "-s", "output.times_s=60, 120",
      RFL_SOURCE_DIR "/cases/reference/rc1.ini");
  assert_contains(out_text, "duration_s = 120\n");
  assert_contains(out_text, "times_s = 60, 120\n");
  RUN(2, "check", "--set", "generator.duration_s=abc", RFL_SOURCE_DIR "/cases/reference/rc1.ini");
  assert_string_equal(err_text, "rflesion: --set generator.duration_s=abc: [generator] duration_s: "
                                "expected a number of s in [0.1, 7200], found 'abc'\n");
  RUN(0, "check", "-q", "--set", "generator.set_temperature_C=30",
      RFL_SOURCE_DIR "/cases/reference/rc1.ini");
  RUN(0, "check", "--set", "generator.set_temperature_C=30", RFL_SOURCE_DIR "/cases/reference/rc1.ini");
  assert_contains(err_text, "rflesion: warning: --set generator.set_temperature_C=30: [generator] "
                            "set_temperature_C: 30 C is not above the initial 37 C");
}

static void test_check_bad_input(void **state) {
  (void)state;
  RUN(2, "check", RFL_SOURCE_DIR "/tests/data/bad_spacing.ini");
  assert_string_equal(err_text, "rflesion: " RFL_SOURCE_DIR "/tests/data/bad_spacing.ini:7: [grid] "
                                "spacing_mm: expected cells of at most 0.2117 mm at the tip of "
                                "[probe] (3 cells per radius 0.635 mm), found '0.5' (1.27 cells "
                                "per radius; cell at the tip 0.5 mm)\n");
  assert_string_equal(out_text, "");
  RUN(2, "check", RFL_SOURCE_DIR "/tests/data/bad_key.ini");
  assert_string_equal(err_text, "rflesion: " RFL_SOURCE_DIR "/tests/data/bad_key.ini:4: [probe] "
                                "tip_lenght_mm: unknown key, did you mean 'tip_length_mm'?\n");
  RUN(2, "check", RFL_SOURCE_DIR "/tests/data/binary.ini");
  assert_contains(err_text, "binary.ini:3: expected a text file, found a NUL byte at column 1");
  RUN(2, "check", RFL_SOURCE_DIR "/tests/data/no_such_case.ini");
  assert_contains(err_text, "no_such_case.ini: expected a readable case file, found an error: No "
                            "such file or directory");
  RUN(2, "check", RFL_SOURCE_DIR "/tests");
  assert_contains(err_text, "tests: expected a case file, found a directory");
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: test_cli PATH_TO_RFLESION\n");
    return 2;
  }
  binary = argv[1];
  snprintf(out_path, sizeof out_path, "/tmp/rfl_cli_out_%d", (int)getpid());
  snprintf(err_path, sizeof err_path, "/tmp/rfl_cli_err_%d", (int)getpid());
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_help_version),  cmocka_unit_test(test_usage_errors),
      cmocka_unit_test(test_check_cases),   cmocka_unit_test(test_check_set),
      cmocka_unit_test(test_check_bad_input),
  };
  int failed = cmocka_run_group_tests(tests, NULL, NULL);
  free(out_text);
  free(err_text);
  unlink(out_path);
  unlink(err_path);
  return failed;
}

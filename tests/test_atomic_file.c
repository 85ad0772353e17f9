// SPDX-License-Identifier: BSD-3-Clause
/* Whole-or-nothing writes (postproc/atomic_file): the content lands under the real name only
 * complete, no temporary file is left behind, and failures name the path. */
#include "test_support.h"
/* after test_support.h (cmocka's include order) */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <unistd.h>

#include "atomic_file.h"
#include "temp_registry.h"

static char dir[RFL_PATH_MAX];

static int make_dir(void **state) {
  (void)state;
  snprintf(dir, sizeof dir, "%s/tests/atomic_file", RFL_BINARY_DIR);
  mkdir(dir, 0777);
  return 0;
}

static void read_all(const char *path, char *buf, size_t size) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  size_t n = fread(buf, 1, size - 1, f);
  buf[n] = '\0';
  fclose(f);
}

/* Files in dir whose name holds ".tmp." (left-over temporaries). */
static int temporaries(void) {
  int n = 0;
  DIR *d = opendir(dir);
  assert_non_null(d);
  for (struct dirent *e; (e = readdir(d));) n += strstr(e->d_name, ".tmp.") != NULL;
  closedir(d);
  return n;
}

static void writes_and_replaces_whole_files(void **state) {
  (void)state;
  char path[RFL_PATH_MAX + 16], buf[64];
  snprintf(path, sizeof path, "%s/a.txt", dir);
  assert_int_equal(rfl_atomic_write(path, "first\n", 6), RFL_OK);
  read_all(path, buf, sizeof buf);
  assert_string_equal(buf, "first\n");
  rfl_atomic_file a;
  assert_int_equal(rfl_atomic_open(&a, path), RFL_OK);
  fprintf(a.f, "second %d\n", 2);
  read_all(path, buf, sizeof buf); /* not yet committed: the old content stays */
  assert_string_equal(buf, "first\n");
  assert_int_equal(rfl_atomic_commit(&a), RFL_OK);
  read_all(path, buf, sizeof buf);
  assert_string_equal(buf, "second 2\n");
  assert_int_equal(temporaries(), 0);
}

static void failures_name_the_path_and_leave_nothing(void **state) {
  (void)state;
  char path[RFL_PATH_MAX + 32];
  snprintf(path, sizeof path, "%s/no-such-dir/b.txt", dir);
  rfl_error_clear();
  assert_int_equal(rfl_atomic_write(path, "x", 1), RFL_EIO);
  assert_contains(rfl_error_message(), "no-such-dir/b.txt.tmp.");
  assert_contains(rfl_error_message(), ": cannot create: ");
  assert_int_equal(temporaries(), 0);
}

/* Only regular files are replaced: a directory, FIFO or device node under the name is
 * refused before anything is written (a device node was replaced by a regular file). */
static void refuses_what_is_not_a_regular_file(void **state) {
  (void)state;
  char path[RFL_PATH_MAX + 32];
  static const struct {
    const char *name, *kind;
  } cases[] = {{"c.dir", "a directory"}, {"c.fifo", "a FIFO"}, {"/dev/null", "a character device"}};
  snprintf(path, sizeof path, "%s/c.dir", dir);
  mkdir(path, 0777);
  snprintf(path, sizeof path, "%s/c.fifo", dir);
  remove(path);
  assert_int_equal(mkfifo(path, 0666), 0);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    if (cases[i].name[0] == '/') snprintf(path, sizeof path, "%s", cases[i].name);
    else snprintf(path, sizeof path, "%s/%s", dir, cases[i].name);
    char expected[RFL_PATH_MAX + 256];
    snprintf(expected, sizeof expected, "%s: expected a regular file or a new name to write, found %s (rflesion "
             "replaces only regular files; give another name)", path, cases[i].kind);
    rfl_error_clear();
    assert_int_equal(rfl_atomic_write(path, "x", 1), RFL_EUSAGE);
    assert_string_equal(rfl_error_message(), expected);
    rfl_error_clear();
    assert_int_equal(rfl_output_check("--json", path), RFL_EUSAGE);
    assert_contains(rfl_error_message(), "--json ");
    assert_contains(rfl_error_message(), cases[i].kind);
  }
  struct stat sb;
  assert_int_equal(stat("/dev/null", &sb), 0);
  assert_true(S_ISCHR(sb.st_mode));
  assert_int_equal(temporaries(), 0);
  rfl_error_clear();
  assert_int_equal(rfl_output_check("--json", "/dev/stdout"), RFL_EUSAGE);
  assert_contains(rfl_error_message(), "found a link to a process's open file");
}

/* A symbolic link stays a link: its target gets the content (it used to be replaced by a
 * regular file while the target kept the old content). */
static void writes_through_a_symbolic_link(void **state) {
  (void)state;
  char link[RFL_PATH_MAX + 32], target[RFL_PATH_MAX + 32], buf[64];
  snprintf(link, sizeof link, "%s/link.txt", dir);
  snprintf(target, sizeof target, "%s/sub", dir);
  mkdir(target, 0777);
  snprintf(target, sizeof target, "%s/sub/target.txt", dir);
  remove(link);
  assert_int_equal(rfl_atomic_write(target, "old\n", 4), RFL_OK);
  assert_int_equal(symlink("sub/target.txt", link), 0);
  assert_int_equal(rfl_atomic_write(link, "new\n", 4), RFL_OK);
  struct stat sb;
  assert_int_equal(lstat(link, &sb), 0);
  assert_true(S_ISLNK(sb.st_mode));
  read_all(target, buf, sizeof buf);
  assert_string_equal(buf, "new\n");
  assert_int_equal(rfl_output_check("--json", link), RFL_OK);
  /* a dangling link: the file is created at its target */
  remove(target);
  assert_int_equal(rfl_atomic_write(link, "again\n", 6), RFL_OK);
  read_all(target, buf, sizeof buf);
  assert_string_equal(buf, "again\n");
  assert_int_equal(temporaries(), 0);
}

/* Paths are checked before any work: a missing directory is named. */
static void output_check_names_the_problem(void **state) {
  (void)state;
  rfl_error_clear();
  assert_int_equal(rfl_output_check("--json", "no-such-dir-rfl/x.json"), RFL_EUSAGE);
  assert_string_equal(rfl_error_message(), "--json no-such-dir-rfl/x.json: expected an existing directory "
                                           "'no-such-dir-rfl', found none (No such file or directory)");
  assert_int_equal(rfl_output_check("--json", ""), RFL_EUSAGE);
  assert_int_equal(rfl_output_check("--json", "x/"), RFL_EUSAGE);
  assert_int_equal(rfl_output_check("--json", "new-file.json"), RFL_OK);
  assert_int_equal(rfl_output_dir_check("--out", "new-dir"), RFL_OK);
  assert_int_equal(rfl_output_dir_check("--out", "no-such-dir-rfl/sub"), RFL_EUSAGE);
  assert_int_equal(rfl_output_dir_check("--out", "/dev/null"), RFL_EUSAGE);
  assert_string_equal(rfl_error_message(), "--out /dev/null: expected '/dev/null' to be a directory, found a "
                                           "character device");
}

static void temporary_names(void **state) {
  (void)state;
  assert_int_equal(rfl_temp_name_pid("case-000001.row.tmp.1234"), 1234);
  assert_int_equal(rfl_temp_name_pid("a.tmp.b.tmp.77"), 77);
  assert_int_equal(rfl_temp_name_pid("case-000001.row"), 0);
  assert_int_equal(rfl_temp_name_pid("x.tmp."), 0);
  assert_int_equal(rfl_temp_name_pid("x.tmp.12a"), 0);
  assert_int_equal(rfl_temp_name_pid(".tmp.12"), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(writes_and_replaces_whole_files),
      cmocka_unit_test(failures_name_the_path_and_leave_nothing),
      cmocka_unit_test(refuses_what_is_not_a_regular_file),
      cmocka_unit_test(writes_through_a_symbolic_link),
      cmocka_unit_test(output_check_names_the_problem),
      cmocka_unit_test(temporary_names),
  };
  return cmocka_run_group_tests(tests, make_dir, NULL);
}

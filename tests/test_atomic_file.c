/* Whole-or-nothing writes (postproc/atomic_file): the content lands under the real name only
 * complete, no temporary file is left behind, and failures name the path. */
#include "test_support.h"
/* after test_support.h (cmocka's include order) */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "atomic_file.h"

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
  /* the real name is a directory: the finished file cannot be renamed over it */
  snprintf(path, sizeof path, "%s/c.dir", dir);
  mkdir(path, 0777);
  rfl_error_clear();
  assert_int_equal(rfl_atomic_write(path, "x", 1), RFL_EIO);
  assert_contains(rfl_error_message(), "c.dir: cannot rename the finished file into place: ");
  assert_int_equal(temporaries(), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(writes_and_replaces_whole_files),
      cmocka_unit_test(failures_name_the_path_and_leave_nothing),
  };
  return cmocka_run_group_tests(tests, make_dir, NULL);
}

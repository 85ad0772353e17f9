// SPDX-License-Identifier: BSD-3-Clause
/* Tests of the rflesion program as a user meets it: the built binary (path given as the
 * first argument) is started with posix_spawn, and its exit code, standard output and
 * standard error are checked: --help, --version, usage errors, `check` on every case file
 * under cases/ (exit 0, no warning, output that is itself a valid case file), and on one
 * small case file per kind of mistake (exit 2 with the reader's located message), an
 * unreadable file included. */
#define _XOPEN_SOURCE 700 /* nftw() */
#include <fcntl.h>
#include <ftw.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_support.h"
/* after test_support.h (cmocka's include order) */
#include "case_reader.h"
#include "cli_runner.h"

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
  /* every command's help ends with the one exit-code table */
  static const char *const commands[] = {"check", "run", "sweep", "merge", "report", "figures"};
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; ++i) {
    RUN(0, commands[i], "--help");
    assert_contains(out_text, "Exit codes:\n  0  ok\n  1  a safety flag was raised");
    assert_contains(out_text, "  4  I/O or system failure");
  }
}

static void test_usage_errors(void **state) {
  (void)state;
  RUN(2, NULL);
  assert_contains(err_text, "rflesion: expected a command, found none");
  RUN(2, "frobnicate");
  assert_contains(err_text, "rflesion: expected a command (check, run, sweep, merge, report, figures), found 'frobnicate'");
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
  char copy[sizeof out_path + 8];
  snprintf(copy, sizeof copy, "%s.ini", out_path);
  FILE *f = fopen(copy, "wb");
  fputs(out_text, f);
  fclose(f);
  RUN(0, "check", "--quiet", copy);
  assert_string_equal(out_text, "");
  unlink(copy);
}

static int checked_cases;

static int check_one(const char *path, const struct stat *sb, int type, struct FTW *ftw) {
  (void)sb;
  (void)ftw;
  size_t n = strlen(path);
  if (type != FTW_F || n < 4 || strcmp(path + n - 4, ".ini") != 0) return 0;
  check_case(path);
  if (err_text[0]) fail_msg("rflesion check %s warned:\n%s", path, err_text);
  checked_cases++;
  return 0;
}

/* Every case file under cases/ (clinical/ and reference/ included, and any added later)
 * passes `rflesion check` without a warning. */
static void test_check_cases(void **state) {
  (void)state;
  checked_cases = 0;
  assert_int_equal(nftw(RFL_SOURCE_DIR "/cases", check_one, 16, FTW_PHYS), 0);
  assert_true(checked_cases >= 12); /* default, 4 reference and 7 clinical cases today */
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

/* run and sweep take -s for --set as check does (an invalid value stops them before any
 * work, with the reader's message). */
static void test_short_set(void **state) {
  (void)state;
  RUN(0, "run", "--help");
  assert_contains(out_text, "  -s, --set SECTION.KEY=VALUE\n");
  RUN(0, "sweep", "--help");
  assert_contains(out_text, "  -s, --set SECTION.KEY=VALUE\n");
  RUN(2, "run", "-s", "generator.duration_s=abc", RFL_SOURCE_DIR "/cases/reference/rc1.ini");
  assert_string_equal(err_text, "rflesion: --set generator.duration_s=abc: [generator] duration_s: "
                                "expected a number of s in [0.1, 7200], found 'abc'\n");
  /* the shipped case's output times follow the duration */
  RUN(0, "check", "--set", "generator.duration_s=60", RFL_SOURCE_DIR "/cases/default.ini");
  assert_contains(out_text, "\ntimes_s = rf_end, end   ; = 60, 90 s\n");
  RUN(0, "sweep", "--dry-run", "-s", "generator.duration_s=45",
      RFL_SOURCE_DIR "/cases/reference/rc1.ini");
  /* explicit times in seconds past the run say what to type instead */
  RUN(2, "sweep", "--dry-run", "-s", "output.times_s=90", "-s", "generator.duration_s=45",
      RFL_SOURCE_DIR "/cases/reference/rc1.ini");
  assert_contains(err_text, "rflesion: sweep case 0 of 1 (): --set output.times_s=90: [output] "
                            "times_s: expected times in [0, 45] s (duration_s + cooldown_s), found "
                            "'90'; for times that follow the run type --set output.times_s=rf_end "
                            "(or fractions such as 0.5*rf_end)\n");
}

static void test_check_bad_input(void **state) {
  (void)state;
  RUN(2, "check", RFL_SOURCE_DIR "/tests/data/bad_spacing.ini");
  assert_string_equal(err_text, "rflesion: " RFL_SOURCE_DIR "/tests/data/bad_spacing.ini:7: [grid] "
                                "spacing_mm: expected cells of at most 0.2117 mm at the tip of "
                                "[probe] (3 cells per radius 0.635 mm), found '0.5' (1.27 cells "
                                "per radius; cell at the tip 0.5 mm); for this probe type --set "
                                "grid.spacing_mm=0.211\n");
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

/* ---- one case file per kind of mistake ----------------------------------------------- */

#define MIN_PROBE "[probe]\ngauge = 18\ntip_length_mm = 10\n"

typedef struct {
  const char *name;     /* file written in the scratch directory */
  const char *text;     /* its contents */
  size_t len;           /* bytes of text */
  const char *message;  /* stderr after "rflesion: DIR/NAME" */
} mistake;

#define ROW(name, text, message) {name, text, sizeof text - 1, message}
#define ELF_START "\x7f" "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0\x3e\0"
#define NUL_LINE "[probe]\ngauge = 18\ntip_length_mm = 1\0\0\0"

static const mistake mistakes[] = {
    ROW("unknown_key.ini", "[probe]\ngauge = 18\ntip_lenght_mm = 10\n",
        ":3: [probe] tip_lenght_mm: unknown key, did you mean 'tip_length_mm'?"),
    ROW("unknown_section.ini", MIN_PROBE "[genrator]\nduration_s = 60\n",
        ":4: [genrator]: unknown section, did you mean '[generator]'?"),
    ROW("missing_key.ini", "; no tip length\n[probe]\ngauge = 18\n",
        ":2: [probe]: missing required key 'tip_length_mm'"),
    ROW("duplicate_key.ini", MIN_PROBE "gauge = 20\n",
        ":4: [probe] gauge: duplicate key (first given on line 2)"),
    ROW("out_of_range.ini", MIN_PROBE "[generator]\nset_temperature_C = 400\n",
        ":5: [generator] set_temperature_C: expected a number of C in [-50, 150], found '400'"),
    ROW("wrong_unit.ini", MIN_PROBE "[grid]\nspacing_mm = 0.2 mm\n",
        ":5: [grid] spacing_mm: expected a number of mm in [0.01, 5], found '0.2 mm'"),
    ROW("wrong_type.ini", "[probe]\ngauge = 18.5\ntip_length_mm = 10\n",
        ":2: [probe] gauge: expected an integer of G in [10, 30], found '18.5'"),
    ROW("probe_outside.ini", MIN_PROBE "tip_mm = 0, 0, 25\n",
        ":4: [probe] tip_mm: expected a point inside the domain [-20, 20] x [-20, 20] x [-20, "
        "20] mm, found '0, 0, 25'"),
    ROW("structure_outside.ini",
        MIN_PROBE "[structure root]\nshape = capsule\npoints_mm = 30, 0, -5; 30, 0, 5\n"
                  "radius_mm = 1.5\nmaterial = nerve\nrole = protected\n",
        ":6: [structure root] points_mm: expected a structure overlapping the domain [-20, 20] "
        "x [-20, 20] x [-20, 20] mm, found '30, 0, -5; 30, 0, 5' (entirely outside)"),
    ROW("too_coarse.ini", MIN_PROBE "[grid]\nspacing_mm = 0.3\n",
        ":5: [grid] spacing_mm: expected cells of at most 0.2117 mm at the tip of [probe] (3 "
        "cells per radius 0.635 mm), found '0.3' (2.12 cells per radius; cell at the tip 0.3 "
        "mm); for this probe type --set grid.spacing_mm=0.211"),
    ROW("too_many_cells.ini",
        MIN_PROBE "[grid]\ndomain_min_mm = -1000, -1000, -1000\n"
                  "domain_max_mm = 1000, 1000, 1000\nspacing_mm = 0.01\ngrowth = 1\n",
        ":7: [grid] spacing_mm: expected at most 100000 cells along each axis, found '0.01' "
        "giving 200000 cells along x"),
    ROW("empty.ini", "", ": expected a case file with a [probe] section, found an empty file"),
    ROW("binary.ini", ELF_START, ":1: expected text, found control byte 0x7f at column 1"),
    ROW("nul.ini", NUL_LINE, ":3: expected a text file, found a NUL byte at column 18 (binary "
                             "data?)"),
    ROW("not_hdf5.ini", MIN_PROBE "[grid]\nvoxel_file = vox.h5\nvoxel_labels = 1:bone_cortical\n",
        ":5: [grid] voxel_file: expected an HDF5 file, found 'vox.h5' (no HDF5 signature)"),
};

static char scratch[64];

static void scratch_path(char *buf, size_t size, const char *name) {
  snprintf(buf, size, "%s/%s", scratch, name);
}

static void write_file(const char *name, const char *text, size_t len) {
  char path[128];
  scratch_path(path, sizeof path, name);
  FILE *f = fopen(path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(text, 1, len, f), len);
  assert_int_equal(fclose(f), 0);
}

/* `rflesion check DIR/NAME` exits 2 with exactly "rflesion: DIR/NAME<message>" on stderr. */
static void expect_check_error(const char *name, const char *message) {
  char path[128], expected[1024];
  scratch_path(path, sizeof path, name);
  RUN(2, "check", path);
  snprintf(expected, sizeof expected, "rflesion: %s%s\n", path, message);
  assert_string_equal(err_text, expected);
  assert_string_equal(out_text, "");
}

static int setup_scratch(void **state) {
  (void)state;
  snprintf(scratch, sizeof scratch, "/tmp/rfl_cli_cases_XXXXXX");
  if (!mkdtemp(scratch)) return -1;
  return chmod(scratch, 0755); /* the unreadable-file test runs as another user */
}

static int remove_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw) {
  (void)sb;
  (void)type;
  (void)ftw;
  return remove(path);
}

static int teardown_scratch(void **state) {
  (void)state;
  return nftw(scratch, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void test_check_mistakes(void **state) {
  (void)state;
  write_file("vox.h5", "label,material\n1,bone\n", 22); /* not HDF5 */
  for (size_t i = 0; i < sizeof mistakes / sizeof mistakes[0]; i++) {
    write_file(mistakes[i].name, mistakes[i].text, mistakes[i].len);
    expect_check_error(mistakes[i].name, mistakes[i].message);
  }

  /* enormous: 1 MiB of comments after a valid case */
  static char huge[RFL_CASE_MAX_BYTES + 4096];
  size_t n = (size_t)snprintf(huge, sizeof huge, "%s", MIN_PROBE);
  while (n + 40 < sizeof huge) n += (size_t)snprintf(huge + n, sizeof huge - n, "%s", "; padding\n");
  write_file("huge.ini", huge, n);
  char message[256];
  snprintf(message, sizeof message, ": expected a case file of at most %d bytes, found %zu bytes",
           RFL_CASE_MAX_BYTES, n);
  expect_check_error("huge.ini", message);

  /* a grid within the builder's limits that does not fit in the job's memory (SLURM's, as
   * the child sees it): the estimate, the limit and its source, what to change */
  setenv("SLURM_MEM_PER_NODE", "300", 1);
  const char *text = MIN_PROBE "[grid]\nspacing_mm = 0.04\ngrowth = 1\n";
  write_file("memory.ini", text, strlen(text));
  expect_check_error("memory.ini",
                     ":5: [grid] spacing_mm: expected a grid whose run fits in memory, found "
                     "'0.04' giving 1e+09 cells and an estimated 270 GiB, over the limit of 300 MiB "
                     "(SLURM_MEM_PER_NODE = 300 MB); shrink the fine box or the domain (the "
                     "electrode needs cells of at most 0.212 mm at its tip), or run with more "
                     "memory");
  unsetenv("SLURM_MEM_PER_NODE");
}

/* run and sweep refuse a run that does not fit before it starts (exit 2), with a spacing
 * that fits; check prints the estimate and the limit it is checked against. */
static void test_memory_limit(void **state) {
  (void)state;
  setenv("SLURM_MEM_PER_NODE", "100", 1);
  /* the grid is automatic: the error names the accuracy target (at the [solver] header) */
  RUN(2, "run", RFL_SOURCE_DIR "/cases/reference/rc1.ini", "--no-output");
  assert_contains(err_text, "rflesion: " RFL_SOURCE_DIR "/cases/reference/rc1.ini:99: [solver] "
                            "accuracy_mm: expected an accuracy target whose grid fits in memory, "
                            "found '0.1' giving 0.2 mm cells, ");
  assert_contains(err_text, "over the limit of 100 MiB (SLURM_MEM_PER_NODE = 100 MB)");
  assert_string_equal(out_text, "");
  RUN(2, "sweep", RFL_SOURCE_DIR "/cases/reference/rc1.ini", "--dry-run", "--vary",
      "generator.duration_s=30,60");
  assert_contains(err_text, "rflesion: sweep case 1 of 2 (generator.duration_s=60): " RFL_SOURCE_DIR
                            "/cases/reference/rc1.ini:99: [solver] accuracy_mm: expected an accuracy "
                            "target whose grid fits in memory, found '0.1' giving 0.2 mm cells");
  setenv("SLURM_MEM_PER_NODE", "4000", 1);
  setenv("SLURM_NTASKS_PER_NODE", "2", 1);
  RUN(0, "check", RFL_SOURCE_DIR "/cases/reference/rc1.ini");
  unsetenv("SLURM_MEM_PER_NODE");
  unsetenv("SLURM_NTASKS_PER_NODE");
  assert_contains(out_text, "; memory estimate     : 155.4 MiB for a run with its HDF5 file (423 "
                            "bytes per cell;\n;                       --figures adds 23 MiB):\n");
  assert_contains(out_text, ";   multigrid (both solvers)           23.6 MiB\n");
  assert_contains(out_text, "; memory limit        : 2000.0 MiB (SLURM_MEM_PER_NODE = 4000 MB for "
                            "the node's tasks)\n");
}

/* A file the user may not read (tests run as root, which reads anything: the child drops
 * to nobody before it starts rflesion). */
/* A structure swallowed by the probe has no tissue to measure: check refuses it at its
 * section line (it used to pass, and run failed after setup naming an internal function). */
static void test_check_structure_in_probe(void **state) {
  (void)state;
  static const char text[] = "[probe]\ngauge = 18\ntip_length_mm = 10\ntip_mm = 0, 0, -5\n"
                             "[structure root]\nshape = capsule\npoints_mm = 0,0,-3; 0,0,3\nradius_mm = 0.3\n"
                             "material = fat\n";
  char path[128], expected[512];
  write_file("swallowed.ini", text, strlen(text));
  scratch_path(path, sizeof path, "swallowed.ini");
  RUN(2, "check", "-q", path);
  snprintf(expected, sizeof expected,
           "rflesion: %s:5: [structure root]: expected some part of the structure in tissue inside the grid, found "
           "none (it lies inside an electrode, in a non-tissue material or outside the grid)\n",
           path);
  assert_string_equal(err_text, expected);
  RUN(2, "run", "-q", "--no-output", path);
  assert_string_equal(err_text, expected);
}

/* run reads the case as check does: its --set options, and warnings past the kept ones
 * counted in one line (18 unused materials: 16 kept, "... and 2 more"). */
static void test_run_warnings(void **state) {
  (void)state;
  static char text[8192];
  size_t n = (size_t)snprintf(text, sizeof text,
                              "[probe]\ndiameter_mm = 1.27\ntip_length_mm = 10\n"
                              "[grid]\ndomain_min_mm = -6, -6, -6\ndomain_max_mm = 6, 6, 12\n"
                              "[generator]\nduration_s = 30\nramp_s = 0\n[output]\ntimes_s = end\n");
  for (int i = 0; i < 18; i++)
    n += (size_t)snprintf(text + n, sizeof text - n,
                          "[material m%02d]\nkind = metal\nrho_kg_m3 = 8000\nc_J_kgK = 500\n"
                          "k_W_mK = 15\ndk_dT_percent_per_C = 0\n", i);
  write_file("warnings.ini", text, n);
  char path[128];
  scratch_path(path, sizeof path, "warnings.ini");
  RUN(0, "run", "--no-output", "--set", "generator.duration_s=0.5", path);
  assert_contains(err_text, "rflesion: warning: ");
  assert_contains(err_text, ":12: [material m00]: defined but not used\n");
  assert_contains(err_text, "rflesion: warning: ... and 2 more warnings\n");
  assert_null(strstr(err_text, "[material m17]"));
  assert_contains(out_text, "Lesion");
  RUN(0, "run", "-q", "--no-output", "--set", "generator.duration_s=0.5", path);
  assert_string_equal(err_text, "");
  RUN(2, "run", "--no-output", "--set", "generator.duration_s=0", path);
  assert_contains(err_text, "rflesion: --set generator.duration_s=0: [generator] duration_s: expected");
}

static void test_check_unreadable(void **state) {
  (void)state;
  char path[128], expected[512];
  write_file("locked.ini", MIN_PROBE, strlen(MIN_PROBE));
  scratch_path(path, sizeof path, "locked.ini");
  assert_int_equal(chmod(path, 0), 0);
  free(out_text);
  free(err_text);
  out_text = err_text = NULL;
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (out < 0 || err < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) _exit(70);
    if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
      _exit(77);
    execl(binary, binary, "check", path, (char *)NULL);
    _exit(78);
  }
  int status;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  read_outputs();
  assert_true(WIFEXITED(status));
  if (WEXITSTATUS(status) == 77) {
    print_message("test_check_unreadable: cannot drop root privileges; skipped\n");
    skip();
  }
  if (WEXITSTATUS(status) == 78) {
    print_message("test_check_unreadable: the binary cannot be run as nobody; skipped\n");
    skip();
  }
  assert_int_equal(WEXITSTATUS(status), 2);
  snprintf(expected, sizeof expected,
           "rflesion: %s: expected a readable case file, found an error: Permission denied\n", path);
  assert_string_equal(err_text, expected);
  assert_string_equal(out_text, "");
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
      cmocka_unit_test(test_check_bad_input), cmocka_unit_test(test_short_set),
      cmocka_unit_test_setup_teardown(test_check_mistakes, setup_scratch, teardown_scratch),
      cmocka_unit_test_setup_teardown(test_check_structure_in_probe, setup_scratch, teardown_scratch),
      cmocka_unit_test_setup_teardown(test_check_unreadable, setup_scratch, teardown_scratch),
      cmocka_unit_test_setup_teardown(test_run_warnings, setup_scratch, teardown_scratch),
      cmocka_unit_test(test_memory_limit),
  };
  int failed = cmocka_run_group_tests(tests, NULL, NULL);
  free(out_text);
  free(err_text);
  unlink(out_path);
  unlink(err_path);
  return failed;
}

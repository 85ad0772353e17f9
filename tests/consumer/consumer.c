// SPDX-License-Identifier: BSD-3-Clause
/* A program outside the project that uses the installed rflesion library: reads a case with
 * an override, runs it, prints its figures, and shows that bad input is a status with a
 * message (never an exit). Usage: consumer CASE; prints NAME=VALUE lines. */
#include <math.h>
#include <rflesion.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: consumer CASE\n");
    return 2;
  }
  printf("version=%s\n", rflesion_version());
  /* bad input comes back as a status */
  const char *bad[] = {"generator.duration_s=abc"};
  rflesion_case *c = NULL;
  rflesion_status st = rflesion_case_read(argv[1], bad, 1, &c);
  printf("bad_status=%d exit_code=%d case_null=%d\n", (int)st, rflesion_exit_code(st), c == NULL);
  printf("bad_message=%s\n", rflesion_last_error());

  const char *sets[] = {"generator.duration_s=10"};
  if ((st = rflesion_case_read(argv[1], sets, 1, &c)) != RFLESION_OK) {
    fprintf(stderr, "consumer: %s\n", rflesion_last_error());
    return rflesion_exit_code(st);
  }
  rflesion_run_options opt = {.threads = 1, .h5path = NULL};
  rflesion_result *r = NULL;
  if ((st = rflesion_run(c, &opt, &r)) != RFLESION_OK) {
    fprintf(stderr, "consumer: %s\n", rflesion_last_error());
    rflesion_case_free(c);
    return rflesion_exit_code(st);
  }
  const char *names[] = {"lesion_width_mm", "lesion_length_mm", "lesion_volume_mm3", "power_W", "root.margin_mm",
                         "root.peak_C"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    double v = NAN;
    if (rflesion_result_number(r, names[i], &v) != RFLESION_OK) {
      fprintf(stderr, "consumer: %s\n", rflesion_last_error());
      return 1;
    }
    printf("%s=%.17g\n", names[i], v);
  }
  double dummy;
  printf("unknown_status=%d\n", (int)rflesion_result_number(r, "no_such_metric", &dummy));
  printf("nflags=%d\n", rflesion_result_flag_count(r));
  for (int i = 0; i < rflesion_result_flag_count(r); i++) printf("flag=%s\n", rflesion_result_flag(r, i));
  rflesion_result_free(r);
  rflesion_case_free(c);
  return 0;
}

// SPDX-License-Identifier: BSD-3-Clause
/* Placing the probes of a case given by trajectory ([probe] entry_mm with target_mm, or
 * with approach = parallel / perpendicular against a structure's course): the keys that
 * belong together, and the tip, direction and shaft length they give (trajectory.h). A
 * probe given by tip_mm and direction is left as read. */
#include "case_reading.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "course.h"
#include "ini_text.h"

/* The keys of a placement by trajectory, entry_mm first. */
static const char *const trajectory_keys[] = {"entry_mm",     "target_mm", "approach",     "course",
                                              "course_at_mm", "offset_mm", "overshoot_mm", NULL};

int reader_trajectory_key(const char *key) {
  for (int i = 0; trajectory_keys[i]; i++)
    if (strcmp(trajectory_keys[i], key) == 0) return 1;
  return 0;
}

/* The structure the course names, or an error at the key. */
static rfl_status find_course(reader *r, entry_rec *course, const rfl_shape **shape) {
  const rfl_case *c = &r->c;
  near_miss nm = {NULL, 0, course->text};
  for (int s = 0; s < c->nstructures; s++) {
    if (strcmp(c->structures[s].name, course->text) == 0) {
      *shape = &c->structures[s].shape;
      if (rfl_course_exists(*shape)) return RFL_OK;
      return reader_fail_entry(r, course, "expected a structure with a course (shape = capsule of 2 or more "
                               "points, or cylinder), found '%s' (shape = %s)", course->text,
                               shape_words[(*shape)->kind]);
    }
    reader_near_consider(&nm, c->structures[s].name);
  }
  char what[RFL_NAME_MAX + 96];
  if (nm.best)
    snprintf(what, sizeof what, "the name of a [structure] section (did you mean '%s'?)", nm.best);
  else
    snprintf(what, sizeof what, "the name of a [structure] section");
  return reader_fail_expected(r, course, what);
}

/* The keys of an approach along a course: course and course_at_mm, no target_mm, and
 * offset_mm only when parallel. */
static rfl_status check_course_keys(reader *r, int sec, const rfl_trajectory *t, const rfl_shape **shape) {
  entry_rec *target = reader_find_entry(r, sec, "target_mm"), *course = reader_find_entry(r, sec, "course");
  entry_rec *at = reader_find_entry(r, sec, "course_at_mm"), *offset = reader_find_entry(r, sec, "offset_mm");
  char why[64];
  snprintf(why, sizeof why, " (approach = %s)", rfl_approach_name(t->approach));
  if (target)
    return reader_fail_entry(r, target, "expected no target_mm with approach = %s (the course sets the "
                             "target), found '%s'", rfl_approach_name(t->approach), target->text);
  if (!course) return reader_missing_key(r, sec, "course", why);
  if (!at) return reader_missing_key(r, sec, "course_at_mm", why);
  if (offset && t->approach != RFL_APPROACH_PARALLEL)
    return reader_fail_entry(r, offset, "expected approach = parallel with it, found approach = %s",
                             rfl_approach_name(t->approach));
  RFL_CHECK(find_course(r, course, shape));
  double len = rfl_course_length(*shape);
  if (t->course_at > len * (1.0 + 1e-12))
    return reader_fail_entry(r, at, "expected an arc length along the course of '%s' (0 to %.6g mm), found '%s'",
                             course->text, len * 1e3, at->text);
  return RFL_OK;
}

/* The keys of a straight trajectory: target_mm, and none of the course's. */
static rfl_status check_target_keys(reader *r, int sec) {
  if (!reader_find_entry(r, sec, "target_mm"))
    return reader_missing_key(r, sec, "target_mm", " (with entry_mm, unless approach = parallel or perpendicular)");
  for (int i = 3; trajectory_keys[i]; i++) {
    entry_rec *e = reader_find_entry(r, sec, trajectory_keys[i]);
    if (e) return reader_fail_entry(r, e, "expected approach = parallel or perpendicular with it, found "
                                    "approach = %s", reader_found_text(r, r->sections[sec].kind, "approach", "target"));
  }
  return RFL_OK;
}

static rfl_status place_probe(reader *r, int sec, rfl_probe *pr) {
  entry_rec *entry = reader_find_entry(r, sec, "entry_mm");
  if (!entry) {
    for (int i = 1; trajectory_keys[i]; i++) {
      entry_rec *e = reader_find_entry(r, sec, trajectory_keys[i]);
      if (e) return reader_fail_entry(r, e, "expected entry_mm with it (a probe placed by trajectory), found no entry_mm");
    }
    return RFL_OK;
  }
  static const char *const placed[] = {"tip_mm", "direction"};
  for (int i = 0; i < 2; i++) {
    entry_rec *e = reader_find_entry(r, sec, placed[i]);
    if (e) return reader_fail_both(r, e, entry, "tip_mm and direction, or entry_mm and a target");
  }
  entry_rec *shaft = reader_find_entry(r, sec, "shaft_length_mm");
  if (shaft)
    return reader_fail_entry(r, shaft, "expected no shaft_length_mm with entry_mm (the shaft runs back to the "
                             "entry point), found '%s'", shaft->text);
  rfl_trajectory *t = &pr->trajectory;
  const rfl_shape *course = NULL;
  if (t->approach == RFL_APPROACH_TARGET)
    RFL_CHECK(check_target_keys(r, sec));
  else
    RFL_CHECK(check_course_keys(r, sec, t, &course));
  t->given = 1;
  char buf[96];
  switch (rfl_trajectory_place(t, course, pr->tip_length, &pr->tip, &pr->direction, &pr->shaft_length)) {
    case RFL_PLACE_OK: return RFL_OK;
    case RFL_PLACE_NO_LENGTH:
      return reader_fail_entry(r, reader_find_entry(r, sec, "target_mm"),
                               "expected a target apart from entry_mm, found the same point '%s'",
                               rfl_ini_shown(entry->text, buf, sizeof buf));
    case RFL_PLACE_NO_SIDE:
      return reader_fail_entry(r, entry, "expected an entry point off the line of the course at course_at_mm "
                               "(it sets the side the probe comes from), found '%s' on it",
                               rfl_ini_shown(entry->text, buf, sizeof buf));
    case RFL_PLACE_SHORT:
      break;
  }
  return reader_fail_entry(r, entry, "expected an entry point more than tip_length_mm (%g mm) back from the tip "
                           "along the probe's axis (the insulated shaft runs back to it), found '%s'",
                           pr->tip_length * 1e3, rfl_ini_shown(entry->text, buf, sizeof buf));
}

rfl_status reader_place_probes(reader *r) {
  for (int p = 0; p < r->c.nprobes; p++) {
    int sec = reader_find_section(r, p == 0 ? S_PROBE : S_RETURN_PROBE, "");
    r->c.probes[p].trajectory.given = 0;
    if (sec >= 0) RFL_CHECK(place_probe(r, sec, &r->c.probes[p]));
  }
  return RFL_OK;
}

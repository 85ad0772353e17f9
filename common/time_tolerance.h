// SPDX-License-Identifier: BSD-3-Clause
/* The tolerances of the run's time schedule: when two instants are one, and how a step
 * reads the generator's state just after its start. Kept in one place so that the
 * generator's events, the solver's steps and the output times agree. */
#ifndef RFL_TIME_TOLERANCE_H
#define RFL_TIME_TOLERANCE_H

/* Two times (s) closer than this are the same instant: an event, an output time or the end
 * of the run a step has landed on is not scheduled again. */
#define RFL_TIME_SAME_S 1e-9

/* The generator's state during the step that starts at t is read at t + this (s): a pulse
 * edge or the end of RF at t counts for the step after it. */
#define RFL_TIME_AFTER_S 1e-12

/* A step within this fraction of the time left to the next event lands on the event. */
#define RFL_TIME_LANDS_FRACTION 1e-9

#endif

// SPDX-License-Identifier: BSD-3-Clause
/* The registry of generator modes: one X(word, NAME) per mode, in the order of the
 * rfl_generator_mode enum it generates (case.h). The word is the case file's
 * [generator] mode; the mode's type is rfl_generator_<word>, defined in its own file
 * generator_<word>.c (see generator.h for what a type provides).
 *
 * Adding a mode: its file, its test, and one line here. */
#ifndef RFL_GENERATOR_MODES_H
#define RFL_GENERATOR_MODES_H

#define RFL_GENERATOR_MODE_LIST(X)                                                  \
  X(temperature, TEMPERATURE) /* PI control of V on the thermocouple */             \
  X(power, POWER)             /* constant power (with voltage limit) */             \
  X(pulsed, PULSED)           /* pulsed RF: bursts at fixed voltage, temperature limit */

#endif

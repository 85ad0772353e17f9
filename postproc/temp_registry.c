// SPDX-License-Identifier: BSD-3-Clause
/* Registry of temporary files in flight (temp_registry.h). Slots are claimed with atomic
 * compare-and-swap (free -> busy -> ready), so writers on several threads need no lock and
 * the signal handler only reads names of slots marked ready. */
#include "temp_registry.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "case.h" /* RFL_PATH_MAX */

#define SLOTS 64
enum { FREE, BUSY, READY };

static struct {
  int state;
  char name[RFL_PATH_MAX + 48];
} slots[SLOTS];

void rfl_temp_register(const char *path) {
  if (strlen(path) >= sizeof slots[0].name) return;
  for (int i = 0; i < SLOTS; i++) {
    int expected = FREE;
    if (!__atomic_compare_exchange_n(&slots[i].state, &expected, BUSY, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
      continue;
    memcpy(slots[i].name, path, strlen(path) + 1);
    __atomic_store_n(&slots[i].state, READY, __ATOMIC_RELEASE);
    return;
  }
}

void rfl_temp_unregister(const char *path) {
  for (int i = 0; i < SLOTS; i++) {
    if (__atomic_load_n(&slots[i].state, __ATOMIC_ACQUIRE) != READY || strcmp(slots[i].name, path) != 0) continue;
    int expected = READY;
    if (__atomic_compare_exchange_n(&slots[i].state, &expected, FREE, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) return;
  }
}

static void remove_and_exit(int sig) {
  for (int i = 0; i < SLOTS; i++)
    if (__atomic_load_n(&slots[i].state, __ATOMIC_ACQUIRE) == READY) unlink(slots[i].name);
  _exit(128 + sig);
}

void rfl_temp_install_signal_cleanup(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = remove_and_exit;
  sigemptyset(&sa.sa_mask);
  sigaddset(&sa.sa_mask, SIGINT);
  sigaddset(&sa.sa_mask, SIGTERM);
  const int sigs[2] = {SIGINT, SIGTERM};
  for (int i = 0; i < 2; i++) {
    struct sigaction old;
    /* a signal ignored on purpose (nohup, a background job) stays ignored */
    if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN) continue;
    sigaction(sigs[i], &sa, NULL);
  }
}

long rfl_temp_name_pid(const char *name) {
  const char *t = NULL;
  for (const char *p = strstr(name, ".tmp."); p; p = strstr(p + 1, ".tmp.")) t = p;
  if (!t || t == name || !t[5]) return 0;
  long pid = 0;
  for (const char *p = t + 5; *p; p++) {
    if (*p < '0' || *p > '9' || pid > 100000000L) return 0;
    pid = 10 * pid + (*p - '0');
  }
  return pid;
}

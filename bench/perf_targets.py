#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The performance targets, each measured for this build and for a baseline build in the
same run (runs of the two builds interleaved, so that a change in the machine's load hits
both alike), medians of REPEAT runs under /usr/bin/time -v. Prints markdown.

  perf_targets.py --new BIN --base BIN [--new-kernels K --base-kernels K] [-r REPEAT]

BIN is an rflesion executable, K the bench/kernels executable of the same build. Figures:
wall time of RC-1, RC-3 and the default case; peak memory per cell; the linear-solver
iterations per step; RC-1-like sweep throughput (two single-thread runs at once on the 2
cores); 2 threads against 1; RC-1 beside a competing 2-thread job against alone; passive
against active OpenMP waiting; the Joule heat and damage kernels as a fraction of the triad.
"""
import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time

RC1 = "cases/reference/rc1.ini"
RC3 = "cases/reference/rc3.ini"
DEFAULT = "cases/default.ini"
RC1_REF = {"width_mm": 9.305, "length_mm": 16.748, "distal_mm": 2.705}
RC3_MARGIN_REF, RC3_PEAK_REF = 1.385, 46.765


def run(binary, case, threads, work, env_extra=None, sets=()):
    """One run: (wall s, peak RSS bytes, summary dict, potential and heat iterations, steps)."""
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    env.pop("OMP_WAIT_POLICY", None)
    env.update(env_extra or {})
    js = os.path.join(work, f"r{os.getpid()}_{time.monotonic_ns()}.json")
    cmd = ["/usr/bin/time", "-v", binary, "run", case, "--no-output", "--verbose", "--threads", str(threads),
           "--json", js]
    for s in sets:
        cmd += ["--set", s]
    p = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if p.returncode not in (0, 1):
        sys.exit(f"perf_targets: {' '.join(cmd)} failed ({p.returncode}):\n{p.stderr[-2000:]}")
    err = p.stderr
    m = re.search(r"Elapsed \(wall clock\) time.*: (\S+)", err)
    wall = 0.0
    for part in m.group(1).split(":"):
        wall = wall * 60 + float(part)
    rss = 1024 * int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", err).group(1))
    pot = sum(int(x) for x in re.findall(r"iterations: potential (\d+)", err))
    heat = sum(int(x) for x in re.findall(r"iterations: potential \d+, heat (\d+)", err))
    steps = len(re.findall(r"iterations: potential", err))
    with open(js) as f:
        summary = json.load(f)
    os.remove(js)
    return {"wall": wall, "rss": rss, "sum": summary, "pot": pot, "heat": heat, "steps": steps}


def medians(runs):
    return {"wall": statistics.median(r["wall"] for r in runs), "rss": statistics.median(r["rss"] for r in runs),
            "last": runs[-1]}


def interleaved(builds, repeat, fn):
    """fn(binary) -> measurement, repeated for each build in turn; {build: [measurements]}."""
    out = {name: [] for name in builds}
    for _ in range(repeat):
        for name, binary in builds.items():
            out[name].append(fn(binary))
    return out


def rc1_dev(s):
    return max(abs(s["lesion"][k] - v) for k, v in RC1_REF.items())


def nerve(s):
    for st in s["structures"]:
        if st.get("role") == "protected":
            return st
    return None


def concurrent_pair(binary, work):
    """Two single-thread RC-1 runs started together on the 2 cores: cases per hour."""
    t0 = time.monotonic()
    procs = []
    for i in range(2):
        env = dict(os.environ, OMP_NUM_THREADS="1")
        env.pop("OMP_WAIT_POLICY", None)
        procs.append(subprocess.Popen([binary, "run", RC1, "--quiet", "--no-output", "--threads", "1"], env=env,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    for p in procs:
        if p.wait() not in (0, 1):
            sys.exit("perf_targets: concurrent RC-1 run failed")
    return 2 * 3600.0 / (time.monotonic() - t0)


class Competitor:
    """Another 2-thread job on the same cores: RC-1 of the given build in a loop."""

    def __init__(self, binary):
        env = dict(os.environ, OMP_NUM_THREADS="2")
        env.pop("OMP_WAIT_POLICY", None)
        loop = f'while :; do "{binary}" run {RC1} --quiet --no-output --threads 2 >/dev/null 2>&1; done'
        self.p = subprocess.Popen(["bash", "-c", loop], env=env, start_new_session=True)
        time.sleep(1.0)

    def stop(self):
        os.killpg(self.p.pid, signal.SIGTERM)
        self.p.wait()


def kernels(kern, threads):
    out = subprocess.run([kern, RC1, "--threads", str(threads)], env=dict(os.environ, OMP_NUM_THREADS=str(threads)),
                         capture_output=True, text=True, check=True).stdout
    d = {}
    for line in out.splitlines():
        w = line.split()
        if len(w) > 2 and w[0] == "kernel":
            d[w[1]] = float(dict(zip(w[2::2], w[3::2]))["gbs"])
        elif w and w[0] == "triad_case":
            d["triad_case"] = float(dict(zip(w[1::2], w[2::2]))["gbs"])
    return d


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--new", required=True)
    ap.add_argument("--base", required=True)
    ap.add_argument("--new-kernels")
    ap.add_argument("--base-kernels")
    ap.add_argument("-r", "--repeat", type=int, default=3)
    a = ap.parse_args()
    builds = {"new": a.new, "base": a.base}
    rep = a.repeat
    work = tempfile.mkdtemp()
    print(f"Machine: {os.cpu_count()} cores, "
          f"{int(open('/proc/meminfo').readline().split()[1]) / 2**20:.1f} GiB, "
          f"{next(l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name'))}; "
          f"load average {open('/proc/loadavg').read().split()[0]} before the run. "
          f"Medians of {rep} runs; this build and the baseline interleaved.")
    print()
    print("| figure | target | this build | baseline | ratio | note |")
    print("|---|---|---|---|---|---|", flush=True)

    def row(figure, target, new, base, ratio, note=""):
        print(f"| {figure} | {target} | {new} | {base} | {ratio} | {note} |", flush=True)

    m = {}

    def measure(key, case, threads):
        runs = interleaved(builds, rep, lambda b: run(b, case, threads, work))
        m[key] = {n: medians(runs[n]) for n in builds}

    def walls(key, figure, target, note_fn):
        n, b = m[key]["new"], m[key]["base"]
        row(figure, target, f"{n['wall']:.2f} s", f"{b['wall']:.2f} s", f"{n['wall'] / b['wall']:.2f}",
            note_fn(n["last"]["sum"], b["last"]["sum"]))

    def mem_row(key, name):
        cells = m[key]["new"]["last"]["sum"]["grid"]["cells"]
        n, b = m[key]["new"]["rss"] / cells, m[key]["base"]["rss"] / cells
        row(f"peak memory per cell, {name}", "<= 150 B", f"{n:.0f} B", f"{b:.0f} B", f"{n / b:.2f}",
            f"peak RSS {m[key]['new']['rss'] / 2**20:.1f} MiB (baseline {m[key]['base']['rss'] / 2**20:.1f}), "
            f"{cells} cells; load-independent")

    def iterations_row(key, name):
        its = {}
        for build in builds:
            last = m[key][build]["last"]
            its[build] = (last["pot"] / last["steps"], last["heat"] / last["steps"], last["pot"] + last["heat"])
        n, b = its["new"], its["base"]
        row(f"linear-solver iterations, {name}", "fewer", f"{n[2]} ({n[0]:.1f} potential + {n[1]:.1f} heat per step)",
            f"{b[2]} ({b[0]:.1f} + {b[1]:.1f})", f"{n[2] / b[2]:.2f}",
            f"{m[key]['new']['last']['steps']} steps; load-independent")

    measure("r1_2", RC1, 2)
    walls("r1_2", "RC-1, 2 threads", "<= 2.0 s",
          lambda n, b: f"max deviation from the reference {rc1_dev(n):.3f} mm (baseline {rc1_dev(b):.3f})")
    iterations_row("r1_2", "RC-1")
    mem_row("r1_2", "RC-1")
    measure("r1_1", RC1, 1)
    walls("r1_1", "RC-1, 1 thread", "<= 3.3 s", lambda n, b: f"{n['grid']['cells']} cells, {n['steps']} steps")
    n, b = (m["r1_1"][x]["wall"] / m["r1_2"][x]["wall"] for x in ("new", "base"))
    row("RC-1, 2 threads against 1", ">= 1.8x", f"{n:.2f}x", f"{b:.2f}x", f"{n / b:.2f}", "")

    def rc3_note(n, b):
        nn, nb = nerve(n), nerve(b)
        return (f"margin {nn['margin_mm']:.3f} mm (ref {RC3_MARGIN_REF}; baseline {nb['margin_mm']:.3f}), "
                f"peak {nn['peak_C']:.3f} C (ref {RC3_PEAK_REF}; baseline {nb['peak_C']:.3f})")

    measure("r3", RC3, 2)
    walls("r3", "RC-3, 2 threads", "<= 2.5 s", rc3_note)
    iterations_row("r3", "RC-3")
    measure("rd", DEFAULT, 2)
    walls("rd", "default case, 2 threads", "<= 8 s", lambda n, b: f"{n['grid']['cells']} cells, {n['steps']} steps")
    iterations_row("rd", "default case")
    mem_row("rd", "default case")
    if a.new_kernels and a.base_kernels:
        kn, kb = kernels(a.new_kernels, 2), kernels(a.base_kernels, 2)
        for k in ("joule_heat", "damage_update"):
            fn, fb = kn[k] / kn["triad_case"], kb[k] / kb["triad_case"]
            row(f"{k}, 2 threads, of triad", ">= 30 %", f"{fn:.0%}", f"{fb:.0%}", f"{fn / fb:.2f}", "")
    pol = {}
    for policy in ("passive", "active"):
        pol[policy] = interleaved(builds, rep, lambda bb: run(bb, RC1, 2, work, {"OMP_WAIT_POLICY": policy}))
    pn, pb = (statistics.median(r["wall"] for r in pol["passive"][x]) /
              statistics.median(r["wall"] for r in pol["active"][x]) for x in ("new", "base"))
    row("RC-1, OMP_WAIT_POLICY passive against active, 2 threads", "close to 1", f"{pn:.2f}", f"{pb:.2f}",
        f"{pn / pb:.2f}", "")
    thr = interleaved(builds, rep, lambda b: concurrent_pair(b, work))
    n, b = statistics.median(thr["new"]), statistics.median(thr["base"])
    row("sweep throughput, RC-1, two 1-thread runs at once", ">= 1500 cases/hour", f"{n:.0f} /h", f"{b:.0f} /h",
        f"{n / b:.2f}", "")
    comp = Competitor(a.base)
    try:
        loaded = interleaved(builds, rep, lambda bb: run(bb, RC1, 2, work))
    finally:
        comp.stop()
    ln, lb = (statistics.median(r["wall"] for r in loaded[x]) / m["r1_2"][x]["wall"] for x in ("new", "base"))
    row("RC-1 beside another 2-thread job, against without", "<= 2.5x", f"{ln:.2f}x", f"{lb:.2f}x", f"{ln / lb:.2f}",
        "competitor: the baseline's RC-1 on 2 threads in a loop")
    print()
    print(f"Load average {open('/proc/loadavg').read().split()[0]} after the run.")


if __name__ == "__main__":
    main()

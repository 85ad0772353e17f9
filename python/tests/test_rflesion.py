# SPDX-License-Identifier: BSD-3-Clause
"""The rflesion package against real output: runs the tiny case of the sweep tests
(tests/data/sweep_tiny.ini, a quarter domain with a protected nerve that is flagged) and a
two-case sweep of it with the program in $RFLESION_EXE (else rflesion on PATH), then
compares what the package reads with the program's JSON summary and CSV table.

Run from the top of the source tree:
    RFLESION_EXE=build/release/cli/rflesion PYTHONPATH=python/src \\
        /usr/bin/python3 -m unittest discover -s python/tests
"""
import csv
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True  # no __pycache__ in the source tree

import h5py
import numpy as np

import rflesion

try:  # the plots need matplotlib (python3-matplotlib); the rest does not
    import matplotlib

    matplotlib.use("Agg")
    import rflesion.plot
except ImportError:
    matplotlib = None

HERE = os.path.dirname(os.path.abspath(__file__))
CASE = os.path.normpath(os.path.join(HERE, "..", "..", "tests", "data", "sweep_tiny.ini"))
TIMES = ["--set", "output.times_s=5,10"]
WORK = None
EXE = None


def setUpModule():
    global WORK, EXE
    EXE = rflesion.program.find_program()
    WORK = tempfile.mkdtemp(prefix="rflesion-python-tests-")
    # the reference: the program itself with --json, exit 1 (the nerve is flagged)
    p = subprocess.run([EXE, "run", CASE, "--output", os.path.join(WORK, "ref.h5"), "--json",
                        os.path.join(WORK, "ref.json"), "--threads", "1", "--quiet"] + TIMES)
    if p.returncode != 1:
        raise RuntimeError("the reference run exited with %d, expected 1" % p.returncode)


def tearDownModule():
    shutil.rmtree(WORK, ignore_errors=True)


_SWEEP = []


def tiny_sweep():
    """The two-case sweep (6 and 8 s at 70 C) through rflesion.sweep, run once."""
    if not _SWEEP:
        _SWEEP.append(rflesion.sweep(CASE, out=os.path.join(WORK, "sweep"),
                                     vary={"generator.duration_s": [6, 8], "generator.set_temperature_C": 70},
                                     threads=1, exe=EXE))
    return _SWEEP[0]


def close(a, b, rel=1e-9):
    """JSON numbers have 10 significant digits; null is NaN."""
    if a is None or b is None:
        return (a is None or math.isnan(a)) and (b is None or math.isnan(b))
    return math.isclose(a, b, rel_tol=rel, abs_tol=1e-12)


class ResultTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.r = rflesion.Result(os.path.join(WORK, "ref.h5"))
        with open(os.path.join(WORK, "ref.json")) as f:
            cls.js = json.load(f)

    @classmethod
    def tearDownClass(cls):
        cls.r.close()

    def test_metrics_equal_the_json_summary(self):
        m, js = self.r.metrics, self.js
        pairs = [("time_s", js["time_s"]), ("power_W", js["generator"]["power_W"]),
                 ("voltage_V", js["generator"]["voltage_V"]), ("impedance_ohm", js["generator"]["impedance_ohm"]),
                 ("thermocouple_max_C", js["generator"]["thermocouple_max_C"]),
                 ("peak_tissue_run_C", js["peak_tissue_C"]["run"]), ("isotherm_C", js["isotherm"]["threshold_C"]),
                 ("energy_electrical_J", js["energy_J"]["electrical"]), ("cells", js["grid"]["cells"]),
                 ("steps", js["steps"]), ("nflags", len(js["flags"]))]
        for k in ("width_mm", "length_mm", "distal_mm", "volume_mm3"):
            pairs += [("lesion_" + k, js["lesion"][k]), ("isotherm_" + k, js["isotherm"][k]),
                      ("final_lesion_" + k, js["after_cooldown"]["lesion"][k])]
        for name, want in pairs:
            self.assertTrue(close(m[name], want), "%s: %r != %r" % (name, m[name], want))
        self.assertGreater(m["lesion_width_mm"], 1.0)
        self.assertEqual(self.r.units["metrics"]["lesion_volume_mm3"], "mm^3")
        self.assertEqual(self.r.units["metrics"]["power_W"], "W")

    def test_structures_and_flags_equal_the_json_summary(self):
        self.assertEqual(len(self.r.structures), len(self.js["structures"]))
        for s, j in zip(self.r.structures, self.js["structures"]):
            self.assertEqual((s["name"], s["role"], s["flags"]), (j["name"], j["role"], j["flags"]))
            for k in ("margin_mm", "isotherm_margin_mm", "peak_C", "threshold_crossed_s", "max_omega"):
                self.assertTrue(close(s[k], j[k]), k)
        self.assertEqual(self.r.flags, self.js["flags"])
        self.assertEqual(self.r.flags, ["protected_within_margin:root", "protected_over_threshold:root"])
        self.assertEqual(self.r.units["structures"]["margin_mm"], "mm")

    def test_grid_fields_and_coordinates_agree(self):
        g = self.r.grid
        self.assertEqual(g.shape, (len(g.z_mm) - 1, len(g.y_mm) - 1, len(g.x_mm) - 1))
        self.assertEqual(g.shape[0] * g.shape[1] * g.shape[2], self.js["grid"]["cells"])
        for a in "xyz":
            faces = getattr(g, a + "_mm")
            np.testing.assert_allclose(getattr(g, a + "c_mm"), 0.5 * (faces[1:] + faces[:-1]), rtol=1e-12)
            np.testing.assert_allclose(getattr(g, "d" + a + "_mm"), np.diff(faces), rtol=1e-12)
        self.assertEqual((g.x_mm[0], g.x_mm[-1], g.z_mm[0], g.z_mm[-1]), (0.0, 12.0, -12.0, 12.0))
        for name in ("temperature_C", "peak_temperature_C", "omega", "cem43_min", "potential_V"):
            self.assertEqual(self.r.field(name, t=10).shape, g.shape)
        self.assertEqual(g.material_names, ["muscle", "steel", "nerve"])
        self.assertEqual(g.part_names, ["tissue", "active", "shaft"])
        self.assertEqual(g.probe_names, ["probe"])
        tissue = self.r.tissue
        self.assertEqual(tissue.sum(), np.sum(g.part == 0))  # no metal outside the electrode
        self.assertGreater(np.sum(g.part == 1), 0)
        T = self.r.field("temperature_C", t=10)
        self.assertEqual(T.units, "C")
        self.assertTrue(close(float(T.values[tissue].max()), self.js["peak_tissue_C"]["end"], rel=1e-6))

    def test_time_lookup(self):
        np.testing.assert_array_equal(self.r.times, [5.0, 10.0])
        self.assertEqual(list(self.r.fields), [5.0, 10.0])
        self.assertEqual(self.r.field("omega", t=5).time_s, 5.0)
        self.assertEqual(self.r.fields[10.0].temperature_C.time_s, 10.0)
        self.assertEqual(self.r.field("omega").time_s, 10.0)  # the last saved time
        self.assertEqual(self.r.field("omega", t=6.9, nearest=True).time_s, 5.0)
        self.assertEqual(self.r.fields.nearest(8).voltage_V, self.r.fields[10].voltage_V)
        with self.assertRaises(rflesion.NotSavedError) as e:
            self.r.field("temperature_C", t=90)
        self.assertEqual(str(e.exception), "%s: no fields saved at t = 90 s; saved times: 5, 10 s "
                         "(pass nearest=True for the closest)" % self.r.path)
        with self.assertRaises(rflesion.NotSavedError) as e:
            self.r.field("temperature", t=10)
        self.assertEqual(str(e.exception), "%s: no field 'temperature' at t = 10 s; fields: cem43_min, lesion, "
                         "omega, peak_temperature_C, potential_V, temperature_C" % self.r.path)
        omega5, omega10 = self.r.field("omega", 5).values, self.r.field("omega", 10).values
        self.assertTrue(np.all(omega10 >= omega5))  # damage only grows

    def test_unfold_mirrors_the_quarter_domain(self):
        self.assertEqual(self.r.symmetry, "xy")
        T = self.r.field("temperature_C", t=10)
        U = T.unfold()
        nz, ny, nx = T.shape
        self.assertEqual(U.shape, (nz, 2 * ny, 2 * nx))
        np.testing.assert_array_equal(U.values, U.values[:, ::-1, :])
        np.testing.assert_array_equal(U.values, U.values[:, :, ::-1])
        np.testing.assert_array_equal(U.values[:, ny:, nx:], T.values)
        full = self.r.full_domain
        self.assertEqual(full.shape, U.shape)
        np.testing.assert_allclose(full.x_mm, -full.x_mm[::-1], atol=1e-12)
        self.assertEqual((full.x_mm[0], full.x_mm[-1], len(full.x_mm)), (-12.0, 12.0, 2 * nx + 1))
        np.testing.assert_allclose(full.xc_mm, 0.5 * (full.x_mm[1:] + full.x_mm[:-1]), rtol=1e-12)
        np.testing.assert_array_equal(full.z_mm, self.r.grid.z_mm)
        self.assertEqual(full.part.shape, U.shape)
        np.testing.assert_array_equal(self.r.unfold(self.r.grid.material), full.material)

    def test_series_and_structure_history(self):
        s = self.r.series
        self.assertEqual(len(s["t_s"]), self.js["steps"])
        self.assertEqual(self.r.units["series"]["power_W"], "W")
        # the series' last step is the end of RF (no cool-down); the summary's power comes
        # from the end-of-RF conductance, the step's from the step's own
        self.assertTrue(close(s["voltage_V"][-1], self.js["generator"]["voltage_V"]))
        self.assertTrue(close(s["thermocouple_C"][-1], self.js["generator"]["thermocouple_C"]))
        self.assertTrue(close(s["power_W"][-1], self.js["generator"]["power_W"], rel=1e-3))
        peak = self.r.structure_peak_C["root"]
        self.assertEqual(len(peak), len(s["t_s"]))
        self.assertTrue(close(float(peak.max()), self.js["structures"][0]["peak_C"], rel=1e-6))

    def test_case_and_lesion_snapshots(self):
        r = self.r
        self.assertEqual(r.case.get("generator", "duration_s"), "10")
        self.assertEqual(rflesion.case_value(r.case, "case", "title"), "untitled")
        self.assertEqual(rflesion.case_value(r.case, "output", "times_s"), "5, 10")
        self.assertEqual(r.case.get("structure root", "points_mm"), "4.5, 0, -12; 4.5, 0, 12")
        self.assertEqual(r.case_attrs["generator"]["duration_s"], 10.0)
        self.assertEqual(r.case_attrs["generator"]["mode"], "temperature")
        self.assertEqual(r.case_attrs[""]["path"], CASE)
        # named as the case file's keys, in its units
        self.assertEqual(r.case_attrs["generator"]["ki_V_per_Ks"], 1.0)
        self.assertEqual(r.case_attrs["generator"]["pulse_width_ms"], 20.0)
        self.assertEqual(r.case_attrs["tissue"]["background"], "muscle")
        self.assertEqual([m["name"] for m in r.materials], ["muscle", "steel", "nerve"])
        self.assertEqual(r.case_structures[0]["shape"], "capsule")
        self.assertEqual(r.probes[0]["radius_mm"], 1.25)
        # the growth row at 10 s is the end of RF: written once, as end_of_rf
        self.assertEqual([x["snapshot"] for x in r.lesion], ["growth", "end_of_rf", "final"])
        self.assertTrue(close(r.lesion[0]["lesion_width_mm"], self.js["growth"][0]["lesion"]["width_mm"]))
        self.assertTrue(close(r.lesion[1]["lesion_width_mm"], self.js["growth"][1]["lesion"]["width_mm"]))
        self.assertEqual((r.format_version, r.attrs["format"]), (1, "rflesion-h5"))
        prov = self.js["provenance"]
        self.assertEqual(r.version, prov["version"])
        self.assertEqual((r.provenance["commit"], r.provenance["case_hash"], r.provenance["hdf5_version"]),
                         (prov["commit"], prov["case_hash"], prov["hdf5"]))
        self.assertRegex(prov["case_hash"], "^[0-9a-f]{16}$")

    def test_refuses_files_that_are_not_results(self):
        other = os.path.join(WORK, "other.h5")
        with h5py.File(other, "w") as f:
            f.attrs["format"] = np.bytes_("something-else")
        with self.assertRaises(rflesion.FormatError) as e:
            rflesion.Result(other)
        self.assertEqual(str(e.exception), "%s: not an rflesion result (root attribute 'format' is "
                         "'something-else', expected 'rflesion-h5')" % other)
        newer = os.path.join(WORK, "newer.h5")
        shutil.copy(os.path.join(WORK, "ref.h5"), newer)
        with h5py.File(newer, "r+") as f:
            f.attrs["format_version"] = np.int32(99)
        with self.assertRaises(rflesion.FormatError) as e:
            rflesion.Result(newer)
        self.assertEqual(str(e.exception), "%s: format_version 99 is not one this package reads (1); use "
                         "the rflesion Python package of the program that wrote it" % newer)
        text = os.path.join(WORK, "text.h5")
        with open(text, "w") as f:
            f.write("not hdf5\n")
        with self.assertRaisesRegex(rflesion.FormatError, "^%s: cannot open as an HDF5 file" % text):
            rflesion.Result(text)


class ProgramTest(unittest.TestCase):
    def test_run_returns_the_result_and_the_summary(self):
        out = os.path.join(WORK, "run.h5")
        r, js = rflesion.run(CASE, sets={"output.times_s": "5,10"}, output=out, json=True, threads=1, exe=EXE)
        with r:
            self.assertEqual(r.exit_code, 1)
            self.assertEqual(r.flags, js["flags"])
            self.assertTrue(close(r.metrics["lesion_volume_mm3"], js["lesion"]["volume_mm3"]))
            with rflesion.Result(os.path.join(WORK, "ref.h5")) as ref:
                np.testing.assert_array_equal(r.field("temperature_C").values, ref.field("temperature_C").values)

    def test_run_without_flags_exits_0(self):
        sets = ["structure:root.points_mm=11, 0, -12; 11, 0, 12", "structure:root.threshold_C=60"]
        with rflesion.run(CASE, sets=sets, output=os.path.join(WORK, "safe.h5"), threads=1, exe=EXE) as r:
            self.assertEqual((r.exit_code, r.flags), (0, []))

    def test_run_raises_with_the_programs_message(self):
        with self.assertRaises(rflesion.RflesionError) as e:
            rflesion.run(CASE, sets=["generator.duration_s=abc"], output=os.path.join(WORK, "bad.h5"), exe=EXE)
        msg = ("rflesion: --set generator.duration_s=abc: [generator] duration_s: expected a number "
               "of s in [0.1, 7200], found 'abc'")
        self.assertEqual(e.exception.returncode, 2)
        self.assertEqual(e.exception.stderr.strip(), msg)
        self.assertEqual(str(e.exception), "rflesion exited with code 2 (bad input or usage): " + msg)
        self.assertFalse(os.path.exists(os.path.join(WORK, "bad.h5")))

    def test_missing_program(self):
        env = os.environ.pop(rflesion.program.ENV_EXE, None)
        path = os.environ.get("PATH")
        os.environ["PATH"] = WORK
        try:
            with self.assertRaisesRegex(FileNotFoundError, "^rflesion program not found"):
                rflesion.run(CASE)
        finally:
            os.environ["PATH"] = path
            if env is not None:
                os.environ[rflesion.program.ENV_EXE] = env


class SweepTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = os.path.join(WORK, "sweep")
        cls.t = tiny_sweep()

    def test_rows_equal_the_csv(self):
        t = self.t
        self.assertEqual(t.exit_code, 1)  # the 8 s case is flagged
        self.assertEqual(t.path, os.path.join(self.dir, "results.h5"))
        with open(os.path.join(self.dir, "results.csv"), newline="") as f:
            rows = list(csv.DictReader(f))
        self.assertEqual(len(t), 2)
        self.assertEqual(t.columns, list(rows[0].keys()))
        for mine, theirs in zip(t.rows, rows):
            for k, v in theirs.items():
                if isinstance(mine[k], str):
                    self.assertEqual(mine[k], v, k)
                else:
                    self.assertTrue(close(mine[k], float(v) if v != "nan" else None), k)
        from_csv = rflesion.SweepTable(os.path.join(self.dir, "results.csv"))
        self.assertEqual(from_csv.columns, t.columns)
        np.testing.assert_allclose(from_csv["lesion_width_mm"], t["lesion_width_mm"], rtol=1e-9)
        self.assertEqual(list(t["status"]), ["ok", "flagged"])
        self.assertEqual(list(t["generator.duration_s"]), [6.0, 8.0])
        self.assertEqual(t.rows[1]["flags"], "protected_over_threshold:root")
        self.assertLess(t["lesion_width_mm"][0], t["lesion_width_mm"][1])

    def test_manifest_and_columns(self):
        with open(os.path.join(self.dir, "sweep.txt")) as f:
            self.assertEqual(self.t.manifest, f.read())
        self.assertEqual(self.t.varied, ["generator.set_temperature_C", "generator.duration_s"])
        self.assertEqual(self.t.units("root.margin_mm"), "mm")
        self.assertEqual(self.t.units("lesion_volume_mm3"), "mm^3")
        with self.assertRaises(rflesion.NotSavedError) as e:
            self.t["width"]
        self.assertTrue(str(e.exception).startswith("%s: no column 'width'; columns: case, status, message,"
                                                    % self.t.path))

    def test_failed_case_is_a_row(self):
        out = os.path.join(WORK, "failing")
        t = rflesion.sweep(CASE, out=out, vary={"solver.max_iterations": [1, 200], "generator.duration_s": 5,
                                                "generator.set_temperature_C": 70}, threads=1, exe=EXE)
        self.assertEqual(t.exit_code, 3)
        self.assertEqual(list(t["status"]), ["failed", "ok"])
        self.assertTrue(t.rows[0]["message"].startswith("potential solve did not converge"))
        self.assertTrue(math.isnan(t.rows[0]["lesion_width_mm"]))
        from_csv = rflesion.SweepTable(os.path.join(out, "results.csv"))
        self.assertEqual(from_csv.rows[0]["message"], t.rows[0]["message"])  # quoted in the CSV
        self.assertEqual([r["exit_code"] for r in from_csv.rows], [3, 0])
        self.assertTrue(math.isnan(from_csv.rows[0]["root.peak_C"]))
        self.assertTrue(close(from_csv.rows[1]["root.peak_C"], t.rows[1]["root.peak_C"]))

    def test_bad_vary_raises(self):
        with self.assertRaises(rflesion.RflesionError) as e:
            rflesion.sweep(CASE, out=os.path.join(WORK, "badsweep"), vary=["generator.duration_s=5,abc"], exe=EXE)
        self.assertEqual(e.exception.returncode, 2)
        self.assertIn("[generator] duration_s: expected a number of s in [0.1, 7200], found 'abc'",
                      e.exception.stderr)


@unittest.skipIf(matplotlib is None, "matplotlib is not installed (Debian: python3-matplotlib)")
class PlotTest(unittest.TestCase):
    def png(self, fig, name):
        path = os.path.join(WORK, name)
        fig.savefig(path, dpi=60)
        matplotlib.pyplot.close(fig)
        with open(path, "rb") as f:
            head = f.read(8)
        self.assertEqual(head, b"\x89PNG\r\n\x1a\n")
        self.assertGreater(os.path.getsize(path), 5000)

    def test_slice(self):
        with rflesion.Result(os.path.join(WORK, "ref.h5")) as r:
            tip, d, u = rflesion.plot.slice_frame(r)
            np.testing.assert_array_equal(u, [1.0, 0.0, 0.0])  # towards the nerve at x = 4.5 mm
            fig = rflesion.plot.slice_plot(r, "peak_temperature_C", t=10)
            ax = fig.axes[0]
            self.assertEqual(ax.get_xlabel(), "distance from the probe axis (mm)")
            self.assertEqual(ax.get_ylabel(), "along the probe axis from the tip (mm)")
            self.assertEqual(ax.get_title(), "peak temperature at t = 10 s")
            self.assertEqual(fig.axes[1].get_ylabel(), "peak temperature (\u00b0C)")
            self.assertEqual(ax.get_xlim(), (-12.0, 12.0))  # unfolded: both sides of the axis
            self.assertEqual([t.get_text() for t in ax.texts], ["root"])
            self.assertEqual(ax.texts[0].get_color(), "red")  # flagged
            P = np.array([[4.5, 3.8, 5.2, 0.0], [0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]])
            np.testing.assert_array_equal(rflesion.plot.structure_inside(r.case, "root", P),
                                          [True, True, True, False])
            self.png(fig, "slice.png")
            fig = rflesion.plot.slice_plot(r, "omega", t=5)
            self.assertEqual(fig.axes[1].get_ylabel(), "Omega")
            self.png(fig, "omega.png")

    def test_series(self):
        with rflesion.Result(os.path.join(WORK, "ref.h5")) as r:
            fig = rflesion.plot.series_plot(r)
        labels = [ax.get_ylabel() for ax in fig.axes]
        self.assertEqual(labels, ["temperature (\u00b0C)", "power (W)", "impedance (ohm)"])
        self.assertEqual(fig.axes[1].get_xlabel(), "time (s)")
        self.assertEqual([t.get_text() for t in fig.axes[0].get_legend().get_texts()],
                         ["thermocouple", "set point", "hottest tissue", "root (peak)"])
        self.assertEqual([t.get_text() for t in fig.axes[2].get_legend().get_texts()], ["tissue", "generator reads"])
        self.png(fig, "series.png")

    def test_sweep(self):
        t = tiny_sweep()
        fig = rflesion.plot.sweep_plot(t, "lesion_width_mm", "generator.duration_s", "generator.set_temperature_C")
        ax = fig.axes[0]
        self.assertEqual((ax.get_xlabel(), ax.get_ylabel()), ("generator.duration (s)", "lesion width (mm)"))
        np.testing.assert_array_equal(ax.lines[0].get_xdata(), [6.0, 8.0])
        np.testing.assert_array_equal(ax.lines[0].get_ydata(), t["lesion_width_mm"])
        self.png(fig, "sweep.png")


if __name__ == "__main__":
    unittest.main()

#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Reads the HDF5 result file with h5py, the way a user's script would, and checks it.

Usage: h5_readback.py H5_WRITER OUTDIR

H5_WRITER (tests/h5_writer.c) writes the synthetic run of tests/h5out_fixture.h; this script
writes it twice (uniform float32, graded float64) and checks: the grid coordinates and
labels, every field against its closed form per cell (shape (nz, ny, nx), dtype, chunking
and gzip), a `units` attribute on every dataset, the compound tables (summary, case), the
case attributes, and that every DataItem of the XDMF sidecar names an existing dataset with
the shape and type it declares. Exit 0 on success, 1 on a failed check, 77 (skip) without
h5py or numpy. Run with Debian's /usr/bin/python3 (python3-h5py, python3-numpy).
"""
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

try:
    import h5py
    import numpy as np
except ImportError as e:  # the skip must be visible in the ctest log
    print("SKIPPED: h5py/numpy not importable (%s); install python3-h5py python3-numpy" % e)
    sys.exit(77)

NX, NY, NZ = 6, 5, 4
VOLTAGE = 20.5
GRADED = {
    "x": [-3.0, -1.5, -0.5, 0.0, 0.5, 1.5, 3.0],
    "y": [-2.5, -1.0, -0.25, 0.25, 1.0, 2.5],
    "z": [0.0, 0.5, 1.0, 2.0, 4.0],
}
UNIFORM = {
    "x": list(np.arange(NX + 1) - 3.0),
    "y": list(np.arange(NY + 1) - 2.5),
    "z": list(np.arange(NZ + 1) * 1.0),
}

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def expected_fields(t):
    k, j, i = np.meshgrid(np.arange(NZ), np.arange(NY), np.arange(NX), indexing="ij")
    T = 37.0 + i + 10.0 * j + 100.0 * k + t / 30.0
    return {
        "temperature_C": T,
        "peak_temperature_C": T + 2.0,
        "omega": 0.5 * (i + j + k),
        "cem43_min": 2.0 ** k * (i + 1),
        "potential_V": VOLTAGE / (1.0 + i + j + k),
    }, (i, j, k)


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def check_file(path, graded, double):
    label = "%s (%s, %s)" % (os.path.basename(path), "graded" if graded else "uniform",
                             "float64" if double else "float32")
    print("checking", label)
    with h5py.File(path, "r") as f:
        check(text(f.attrs["program"]) == "rflesion", "root attribute program")
        check(int(f.attrs["format_version"]) == 1, "format_version")

        # every dataset carries units
        missing = []
        f.visititems(lambda name, obj: missing.append(name)
                     if isinstance(obj, h5py.Dataset) and "units" not in obj.attrs else None)
        check(not missing, "datasets without units: %s" % missing)

        # grid
        faces = GRADED if graded else UNIFORM
        for a, n in (("x", NX), ("y", NY), ("z", NZ)):
            xf = f["grid/%s_mm" % a]
            check(xf.shape == (n + 1,), "%s_mm shape %s" % (a, xf.shape))
            check(np.allclose(xf[()], faces[a], atol=1e-12), "%s_mm values" % a)
            check(text(xf.attrs["units"]) == "mm", "%s_mm units" % a)
            xc = f["grid/%sc_mm" % a][()]
            check(np.allclose(xc, 0.5 * (np.array(faces[a][:-1]) + np.array(faces[a][1:]))),
                  "%sc_mm values" % a)
        fields, (i, j, k) = expected_fields(0.0)
        mat = f["grid/material"]
        check(mat.dtype == np.uint8 and mat.shape == (NZ, NY, NX), "material dtype/shape")
        check(np.array_equal(mat[()], (i + j + k) % 3), "material values")
        names = [text(s) for s in mat.attrs["names"]]
        check(names == ["muscle", "steel", "nerve"], "material names %s" % names)
        part = f["grid/part"][()]
        check(part[0, 0, 0] == 1 and part[2, 0, 1] == 2 and part[1, 1, 1] == 0, "part values")
        probe = f["grid/probe"][()]
        check(probe.dtype == np.int8 and np.array_equal(probe, np.where(part > 0, 0, -1)),
              "probe: 0 in the electrode, -1 elsewhere")
        lesion = f["fields/t_090.000/lesion"][()]
        check(lesion.dtype == np.uint8 and lesion[1, 1, 1] == 1 and lesion[0, 1, 0] == 0 and lesion[1, 0, 0] == 1,
              "lesion mask")

        # fields
        times = list(f["fields/times_s"][()])
        check(times == [30.0, 90.0], "fields/times_s %s" % times)
        for t in times:
            g = f["fields/t_%07.3f" % t]
            check(g.attrs["time_s"] == t, "time_s attribute")
            check(g.attrs["voltage_V"] == VOLTAGE, "voltage_V attribute")
            want, _ = expected_fields(t)
            units = {"temperature_C": "C", "peak_temperature_C": "C", "omega": "1",
                     "cem43_min": "min", "potential_V": "V"}
            for name, e in want.items():
                d = g[name]
                check(d.shape == (NZ, NY, NX), "%s shape %s" % (name, d.shape))
                check(d.dtype == (np.float64 if double else np.float32), "%s dtype %s" % (name, d.dtype))
                check(d.chunks is not None and d.compression == "gzip", "%s chunked+gzip" % name)
                check(text(d.attrs["units"]) == units[name], "%s units" % name)
                rtol = 1e-12 if double else (1e-6 if name == "potential_V" else 0.0)
                check(np.allclose(d[()], e, rtol=rtol, atol=0.0),
                      "%s at t=%g: max error %g" % (name, t, np.max(np.abs(d[()] - e))))

        # series
        s = f["series"]
        check(np.array_equal(s["t_s"][()], 15.0 * np.arange(7)), "series t_s")
        check(np.isinf(s["impedance_ohm"][0]) and s["impedance_ohm"][3] == 203.0, "series impedance")
        check(list(s["rf_on"][()]) == [1, 1, 1, 1, 1, 1, 0], "series rf_on")
        check(text(s["power_W"].attrs["units"]) == "W", "series units")

        # summary tables
        st = f["summary/structures"][()]
        check([text(n) for n in st["name"]] == ["root", "medial_branch"], "structure names")
        check(np.allclose(st["margin_mm"], [1.25, -0.5]), "structure margins")
        check(list(st["protected_over_threshold"]) == [1, 0], "structure flag columns")
        check(text(st["flags"][0]) == "protected_over_threshold", "structure flags text")
        check(st["threshold_crossed_s"][0] == 61.25, "threshold_crossed_s")
        cols = f["summary/structures"].dtype.names
        units = text(f["summary/structures"].attrs["units"]).split(",")
        check(len(units) == len(cols), "one unit per column (%d vs %d)" % (len(units), len(cols)))
        check(dict(zip(cols, units))["peak_C"] == "C", "peak_C unit")
        m = f["summary/metrics"][0]
        check(m["lesion_width_mm"] == 8.5 and m["nflags"] == 1 and m["cells"] == NX * NY * NZ,
              "metrics record")
        les = f["summary/lesion"][()]
        check([text(x) for x in les["snapshot"]] == ["growth", "end_of_rf", "final"],
              "lesion rows")
        check(np.isnan(les["lesion_distal_mm"][0]), "no lesion at 30 s: distal NaN")
        check([text(x) for x in f["summary/flags"][()]] == ["protected_over_threshold:root"], "flags")
        check(text(f["summary/flag_text"][0]).startswith("root reached 47.5 C (limit 45 C)"), "flag_text")
        check([text(x) for x in f["summary/findings"][()]] == ["target_not_covered:medial_branch"], "findings")
        check(text(f["summary/finding_text"][0]).endswith("(it reaches 0.50 mm into it)"), "finding_text")
        check(f["summary"].attrs["nflags"] == 1 and f["summary"].attrs["nfindings"] == 1, "nflags, nfindings")
        check(m["target_not_covered"] == 1, "metrics count the findings too")
        check(f["summary/structure_peak_C"].shape == (7, 2), "structure_peak_C shape")

        # case
        c = f["case"]
        ini = text(c.attrs["ini"])
        check("[generator]" in ini and "set_temperature_C = 85" in ini, "case ini text")
        check(c["generator"].attrs["set_temperature_C"] == 85.0, "generator attribute")
        check(text(c["generator"].attrs["mode"]) == "temperature", "generator mode")
        check(list(c["output"].attrs["times_s"]) == [30.0, 90.0], "output times")
        mats = c["materials"][()]
        check(text(mats["name"][2]) == "nerve" and mats["sigma_S_per_m"][2] == 0.3456, "materials table")
        check(text(c["probes"][0]["material"]) == "steel", "probes table")

    check_xdmf(path)


def check_xdmf(path):
    """Every DataItem names a dataset of the .h5 (by its base name) with the declared shape."""
    xmf = os.path.splitext(path)[0] + ".xmf"
    root = ET.parse(xmf).getroot()
    check(root.tag == "Xdmf" and root.get("Version") == "3.0", "Xdmf root")
    grids = root.findall("./Domain/Grid/Grid")
    check(len(grids) == 2, "two temporal grids")
    with h5py.File(path, "r") as f:
        for g in grids:
            t = float(g.find("Time").get("Value"))
            check(f["fields/%s" % g.get("Name")].attrs["time_s"] == t, "Time Value of " + g.get("Name"))
            topo = [int(x) for x in g.find("Topology").get("Dimensions").split()]
            check(topo == [NZ + 1, NY + 1, NX + 1], "topology node counts %s" % topo)
            for item in g.iter("DataItem"):
                fname, dset = item.text.strip().split(":", 1)
                check(fname == os.path.basename(path), "DataItem file %s" % fname)
                d = f[dset]
                dims = tuple(int(x) for x in item.get("Dimensions").split())
                check(d.shape == dims, "%s: shape %s vs %s" % (dset, d.shape, dims))
                check(d.dtype.itemsize == int(item.get("Precision")), "%s precision" % dset)
                kind = {"Float": "f", "UChar": "u", "Char": "i"}[item.get("NumberType")]
                check(d.dtype.kind == kind, "%s number type" % dset)


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    writer, outdir = sys.argv[1], sys.argv[2]
    os.makedirs(outdir, exist_ok=True)
    for graded, double in ((False, False), (True, True)):
        path = os.path.join(outdir, "readback_%s_%s.h5" % ("graded" if graded else "uniform",
                                                           "f64" if double else "f32"))
        args = [writer, path] + (["--graded"] if graded else []) + (["--double"] if double else [])
        subprocess.run(args, check=True)
        check_file(path, graded, double)
    if failures:
        print("%d check(s) failed" % len(failures))
        return 1
    print("all h5py checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())

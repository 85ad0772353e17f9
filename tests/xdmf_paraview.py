# SPDX-License-Identifier: BSD-3-Clause
"""Opens the XDMF sidecar in ParaView, the way a user would, and renders it.

Usage (under an X server; ctest runs it with xvfb-run -a -s "-screen 0 1024x768x24 -noreset"):
    pvpython xdmf_paraview.py H5_WRITER OUTDIR

H5_WRITER (tests/h5_writer.c) writes the synthetic graded-grid run of tests/h5out_fixture.h.
Checks:
  * OpenDataFile on the .xmf (by absolute path: the Xdmf3 reader resolves the HDF5 file
    against the path's directory part) picks an Xdmf3 reader with the time steps 30 and 90 s;
  * every field and label is a cell array with the range its closed form gives, at both
    times (src.CellData[...].GetRange(); servermanager.Fetch is not used, it returns wrong
    values for all but the first z-layer of this reader's output);
  * vtkXdmf3Reader, read directly, gives a rectilinear grid with the graded face
    coordinates (mm) and the cell values in the right order (x fastest);
  * a Surface rendering coloured by temperature, saved as a PNG, is a real image: more than
    10 KB and more than 100 distinct colours.
Exit 0 on success, 1 on a failed check.
"""
import os
import subprocess
import sys

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


NX, NY, NZ = 6, 5, 4
XF = [-3.0, -1.5, -0.5, 0.0, 0.5, 1.5, 3.0]
YF = [-2.5, -1.0, -0.25, 0.25, 1.0, 2.5]
ZF = [0.0, 0.5, 1.0, 2.0, 4.0]


def temperature(i, j, k, t):
    return 37.0 + i + 10.0 * j + 100.0 * k + t / 30.0


def close(a, b, tol=1e-5):
    return abs(a - b) <= tol * max(1.0, abs(b))


def expected_ranges(t):
    tmin, tmax = temperature(0, 0, 0, t), temperature(NX - 1, NY - 1, NZ - 1, t)
    return {
        "temperature_C": (tmin, tmax),
        "peak_temperature_C": (tmin + 2.0, tmax + 2.0),
        "omega": (0.0, 0.5 * (NX + NY + NZ - 3)),
        "cem43_min": (1.0, 2.0 ** (NZ - 1) * NX),
        "potential_V": (20.5 / (NX + NY + NZ - 2), 20.5),
        "material": (0.0, 2.0),
        "part": (0.0, 2.0),
        "probe": (-1.0, 0.0),
        "structure": (0.0, 2.0),
        "lesion": (0.0, 1.0),
    }


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    writer, outdir = sys.argv[1], os.path.abspath(sys.argv[2])
    os.makedirs(outdir, exist_ok=True)
    h5 = os.path.join(outdir, "paraview_graded.h5")
    xmf = os.path.join(outdir, "paraview_graded.xmf")
    png = os.path.join(outdir, "paraview_graded.png")
    for p in (xmf, png):
        if os.path.exists(p):
            os.remove(p)
    subprocess.run([writer, h5, "--graded"], check=True)

    from paraview import simple as pv

    src = pv.OpenDataFile(xmf)
    check(src is not None, "OpenDataFile found a reader")
    if src is None:
        return 1
    print("reader:", src.GetXMLName(), "times:", list(src.TimestepValues))
    check(src.GetXMLName().startswith("Xdmf3Reader"), "an Xdmf3 reader")
    check(list(src.TimestepValues) == [30.0, 90.0], "time steps %s" % list(src.TimestepValues))
    for t in (30.0, 90.0):
        src.UpdatePipeline(t)
        arrays = set(src.CellData.keys())
        for name, (lo, hi) in expected_ranges(t).items():
            check(name in arrays, "cell array %s at t=%g (have %s)" % (name, t, sorted(arrays)))
            if name in arrays:
                r = src.CellData[name].GetRange()
                check(close(r[0], lo) and close(r[1], hi),
                      "%s range at t=%g: %s, expected (%g, %g)" % (name, t, r, lo, hi))
        check(len(src.PointData.keys()) == 0, "no point arrays")

    # the reader itself: geometry and the order of the cell values
    from vtkmodules.vtkCommonExecutionModel import vtkStreamingDemandDrivenPipeline
    from vtkmodules.vtkIOXdmf3 import vtkXdmf3Reader
    from vtkmodules.util.numpy_support import vtk_to_numpy

    r = vtkXdmf3Reader()
    r.SetFileName(xmf)
    r.UpdateInformation()
    r.GetOutputInformation(0).Set(vtkStreamingDemandDrivenPipeline.UPDATE_TIME_STEP(), 90.0)
    r.Update()
    grid = r.GetOutputDataObject(0)
    check(grid.GetClassName() == "vtkRectilinearGrid", "rectilinear grid, got %s" % grid.GetClassName())
    check(tuple(grid.GetDimensions()) == (NX + 1, NY + 1, NZ + 1), "node dimensions %s" % (grid.GetDimensions(),))
    for name, arr, want in (("x", grid.GetXCoordinates(), XF), ("y", grid.GetYCoordinates(), YF),
                            ("z", grid.GetZCoordinates(), ZF)):
        got = [float(v) for v in vtk_to_numpy(arr)]
        check(all(close(a, b, 1e-12) for a, b in zip(got, want)) and len(got) == len(want),
              "%s face coordinates %s" % (name, got))
    T = vtk_to_numpy(grid.GetCellData().GetArray("temperature_C"))
    bad = [(i, j, k) for k in range(NZ) for j in range(NY) for i in range(NX)
           if not close(float(T[i + NX * (j + NY * k)]), temperature(i, j, k, 90.0))]
    check(not bad, "temperature cell order: %d wrong, first %s" % (len(bad), bad[:3]))

    # render: Surface coloured by temperature (the default for rectilinear grids is Outline)
    view = pv.GetActiveViewOrCreate("RenderView")
    view.ViewSize = [800, 600]
    view.ViewTime = 90.0
    disp = pv.Show(src, view)
    disp.Representation = "Surface"
    pv.ColorBy(disp, ("CELLS", "temperature_C"))
    disp.RescaleTransferFunctionToDataRange(True, False)
    disp.SetScalarBarVisibility(view, True)
    view.CameraPosition = [12.0, -14.0, 10.0]
    view.CameraFocalPoint = [0.0, 0.0, 2.0]
    view.CameraViewUp = [0.0, 0.0, 1.0]
    view.ResetCamera()
    pv.Render(view)
    pv.SaveScreenshot(png, view, ImageResolution=[800, 600])

    check(os.path.exists(png), "PNG written")
    if os.path.exists(png):
        size = os.path.getsize(png)
        from vtkmodules.vtkIOImage import vtkPNGReader

        rd = vtkPNGReader()
        rd.SetFileName(png)
        rd.Update()
        img = vtk_to_numpy(rd.GetOutput().GetPointData().GetScalars())
        colours = len({tuple(p[:3]) for p in img.tolist()})
        print("PNG: %d bytes, %d distinct colours" % (size, colours))
        check(size > 10 * 1024, "PNG larger than 10 KB (%d bytes)" % size)
        check(colours > 100, "PNG has more than 100 colours (%d)" % colours)

    if failures:
        print("%d check(s) failed" % len(failures))
        return 1
    print("all ParaView checks passed")
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # Skip the interpreter's teardown: destroying the render window's GLX context at exit
    # fails under Xvfb ("GLXBadContext") and turns a passed check into exit code 1.
    os._exit(code)

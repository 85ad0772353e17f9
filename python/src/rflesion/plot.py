# SPDX-License-Identifier: BSD-3-Clause
"""matplotlib figures of a result and of a sweep: a slice through the probe axis, the
generator and thermocouple time series, a metric against a varied parameter.

Each helper draws into the given matplotlib Axes (or a new figure) and returns the figure;
save it with fig.savefig("name.png"). Select a backend first where there is no display
(matplotlib.use("Agg")).
"""
import numpy as np
import matplotlib.pyplot as plt
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .result import case_value
from .sweep_table import column_units

DEGREE_UNITS = {"C": "\u00b0C", "mm^3": "mm\u00b3", "1": ""}
SLICE_SAMPLES = 400  # samples per side of the slice plane


def quantity_name(name, units=None):
    """A name without its unit suffix, in words: 'peak_temperature_C' -> 'peak temperature'."""
    units = column_units(name) if units is None else units
    suffix = {"mm^3": "mm3"}.get(units, units)
    if suffix and name.endswith("_" + suffix):
        name = name[: -len(suffix) - 1]
    name = name.replace("_", " ")
    return "Omega" if name == "omega" else name


def label(name, units=None):
    """An axis label from a column or field name and its unit: 'lesion_width_mm' ->
    'lesion width (mm)', 'temperature_C' -> 'temperature (\u00b0C)', 'omega' -> 'Omega'."""
    units = column_units(name) if units is None else units
    base = quantity_name(name, units)
    shown = DEGREE_UNITS.get(units, units)
    return "%s (%s)" % (base, shown) if shown and units != "-" else base


def _new_axes(ax, **fig_kw):
    if ax is not None:
        return ax.figure, ax
    fig, ax = plt.subplots(**fig_kw)
    return fig, ax


def _vector(text):
    return np.array([float(v) for v in text.split(",")])


def _structure_point(case, name, origin):
    """The point of a structure nearest `origin`, from its geometry in the resolved case."""
    section = "structure " + name
    shape = case_value(case, section, "shape")
    if shape in ("capsule", "cylinder"):
        pts = [_vector(p) for p in case_value(case, section, "points_mm").split(";")]
        best = None
        for a, b in zip(pts[:-1], pts[1:]):
            ab = b - a
            s = np.clip(np.dot(origin - a, ab) / np.dot(ab, ab), 0.0, 1.0)
            p = a + s * ab
            best = p if best is None or np.linalg.norm(p - origin) < np.linalg.norm(best - origin) else best
        return best
    if shape == "sphere":
        return _vector(case_value(case, section, "centre_mm"))
    if shape == "box":
        lo, hi = _vector(case_value(case, section, "min_mm")), _vector(case_value(case, section, "max_mm"))
        return np.clip(origin, lo, hi)
    if shape == "halfspace":
        return _vector(case_value(case, section, "point_mm"))
    return None


def _segment_distance(P, a, b):
    """Distance of the points P (3, ...) from the segment a-b, and the position along it."""
    ab = b - a
    rel = P - a.reshape(3, *([1] * (P.ndim - 1)))
    s = np.tensordot(ab, rel, axes=1) / np.dot(ab, ab)
    closest = a.reshape(3, *([1] * (P.ndim - 1))) + np.clip(s, 0, 1)[None] * ab.reshape(3, *([1] * (P.ndim - 1)))
    return np.linalg.norm(P - closest, axis=0), s


def structure_inside(case, name, P):
    """Boolean: which of the points P (3, ...) in mm lie in the structure (its geometry in
    the resolved case); None for an unknown shape."""
    section = "structure " + name
    shape = case_value(case, section, "shape")
    radius = float(case_value(case, section, "radius_mm", "0"))
    if shape in ("capsule", "cylinder"):
        pts = [_vector(p) for p in case_value(case, section, "points_mm").split(";")]
        inside = np.zeros(P.shape[1:], bool)
        for a, b in zip(pts[:-1], pts[1:]):
            dist, s = _segment_distance(P, a, b)
            inside |= (dist <= radius) & ((shape == "capsule") | ((s >= 0) & (s <= 1)))
        return inside
    if shape == "sphere":
        c = _vector(case_value(case, section, "centre_mm")).reshape(3, *([1] * (P.ndim - 1)))
        return np.linalg.norm(P - c, axis=0) <= radius
    if shape == "box":
        lo, hi = (_vector(case_value(case, section, k)).reshape(3, *([1] * (P.ndim - 1)))
                  for k in ("min_mm", "max_mm"))
        return np.all((P >= lo) & (P <= hi), axis=0)
    if shape == "halfspace":
        point, normal = (_vector(case_value(case, section, k)) for k in ("point_mm", "normal"))
        return np.tensordot(normal, P - point.reshape(3, *([1] * (P.ndim - 1))), axes=1) <= 0
    return None


ROLE_COLOURS = {"protected": "deepskyblue", "target": "limegreen", "none": "0.6"}


def _draw_structures(ax, result, s, w, tip, d, u):
    """Each structure's cross-section on the plane, outlined in its role's colour (red
    when it raised a safety flag) and named."""
    S, W = np.meshgrid(s, w)
    P = tip[:, None, None] + S[None] * u[:, None, None] + W[None] * d[:, None, None]
    for rec in result.structures:
        inside = structure_inside(result.case, rec["name"], P)
        if inside is None or not inside.any() or inside.all():
            continue
        safety = [x for x in rec["flags"] if x.startswith("protected_")]
        colour = "red" if safety else ROLE_COLOURS.get(rec["role"], "0.6")
        ax.contour(s, w, inside.astype(float), levels=[0.5], colors=colour, linewidths=1.0)
        kk, jj = np.nonzero(inside)
        at = np.argmin(np.abs(w[kk] - (w[0] + 0.9 * (w[-1] - w[0]))))  # near the top
        ax.annotate(rec["name"], (s[jj[at]], w[kk[at]]), color=colour, fontsize=8, ha="center",
                    va="center", bbox=dict(boxstyle="round,pad=0.2", fc="black", ec="none", alpha=0.6))


def slice_frame(result, toward=None):
    """The slice plane through the active probe's axis: (origin at the tip, axis direction
    d, in-plane direction u normal to d). u points towards `toward` (a point in mm or a
    structure name; default: the nearest protected structure, else x)."""
    probe = next((p for p in result.probes if p["role"] == "active"), result.probes[0])
    tip = np.array([probe["tip_x_mm"], probe["tip_y_mm"], probe["tip_z_mm"]])
    d = np.array([probe["direction_x"], probe["direction_y"], probe["direction_z"]], dtype=float)
    d /= np.linalg.norm(d)
    target = None
    if isinstance(toward, str):
        target = _structure_point(result.case, toward, tip)
    elif toward is not None:
        target = np.asarray(toward, dtype=float)
    else:
        points = [_structure_point(result.case, s["name"], tip) for s in result.structures
                  if s["role"] == "protected"]
        points = [p for p in points if p is not None]
        if points:
            target = min(points, key=lambda p: np.linalg.norm(p - tip))
    u = None if target is None else (target - tip) - np.dot(target - tip, d) * d
    if u is None or np.linalg.norm(u) < 1e-9:
        axis = np.eye(3)[int(np.argmin(np.abs(d)))]
        u = axis - np.dot(axis, d) * d
    return tip, d, u / np.linalg.norm(u)


def sample_plane(grid, values, tip, d, u, samples=SLICE_SAMPLES):
    """Cell values on the plane tip + s u + w d over the domain: (s, w, V) with V NaN
    outside; s, w in mm."""
    corners = np.array([[x, y, z] for x in grid.x_mm[[0, -1]] for y in grid.y_mm[[0, -1]]
                        for z in grid.z_mm[[0, -1]]]) - tip
    s = np.linspace(*_span(corners @ u), samples)
    w = np.linspace(*_span(corners @ d), samples)
    S, W = np.meshgrid(s, w)
    P = tip[:, None, None] + S[None] * u[:, None, None] + W[None] * d[:, None, None]
    i, j, k = grid.locate(P[0], P[1], P[2])
    inside = (i >= 0) & (j >= 0) & (k >= 0)
    V = np.full(S.shape, np.nan)
    V[inside] = np.asarray(values)[k[inside], j[inside], i[inside]]
    return s, w, V


def _span(v):
    return float(v.min()), float(v.max())


def slice_plot(result, quantity="temperature_C", t=None, nearest=False, toward=None, ax=None,
               isotherm_C=None, vmin=None, vmax=None, cmap="inferno"):
    """`quantity` (temperature_C, peak_temperature_C, omega, ...) at the saved time t on the
    plane through the probe axis (towards the nearest protected structure), with the
    Omega = 1 lesion edge (solid), the peak-temperature isotherm (dashed, [damage]
    isotherm_C), the electrode (grey) and each structure's cross-section (protected blue,
    target green, others grey, flagged red). Mirror-symmetric cases are unfolded."""
    fig, ax = _new_axes(ax, figsize=(6.4, 6.0))
    snap = result.fields.nearest(t) if nearest else result.fields[t if t is not None else float(result.times[-1])]
    field = snap[quantity].unfold()
    grid = field.grid
    tip, d, u = slice_frame(result, toward)
    s, w, V = sample_plane(grid, field.values, tip, d, u)
    mesh = ax.pcolormesh(s, w, np.ma.masked_invalid(V), cmap=cmap, vmin=vmin, vmax=vmax, shading="auto")
    fig.colorbar(mesh, ax=ax, label=label(quantity, field.units))
    _, _, omega = sample_plane(grid, snap["omega"].unfold().values, tip, d, u)
    ax.contour(s, w, np.nan_to_num(omega), levels=[1.0], colors="white", linewidths=1.5)
    iso = result.metrics.get("isotherm_C", 50.0) if isotherm_C is None else isotherm_C
    _, _, peak = sample_plane(grid, snap["peak_temperature_C"].unfold().values, tip, d, u)
    ax.contour(s, w, np.nan_to_num(peak), levels=[iso], colors="cyan", linewidths=1.2, linestyles="--")
    _, _, part = sample_plane(grid, grid.part, tip, d, u)
    ax.contourf(s, w, np.nan_to_num(part), levels=[0.5, 1.5, 2.5], colors=["0.75", "0.45"])
    _draw_structures(ax, result, s, w, tip, d, u)
    ax.set_xlim(s[0], s[-1])
    ax.set_ylim(w[0], w[-1])
    ax.set_aspect("equal")
    ax.set_xlabel("distance from the probe axis (mm)")
    ax.set_ylabel("along the probe axis from the tip (mm)")
    ax.legend(handles=[Line2D([], [], color="white", lw=1.5, label="lesion edge (Omega = 1)"),
                       Line2D([], [], color="cyan", lw=1.2, ls="--", label="%g \u00b0C isotherm" % iso),
                       Patch(color="0.75", label="electrode")], fontsize=8, loc="lower right",
              facecolor="0.3", labelcolor="white")
    ax.set_title("%s at t = %g s" % (quantity_name(quantity, field.units), snap.time_s))
    return fig


def series_plot(result, fig=None):
    """The time series: thermocouple, set point, hottest tissue and each structure's
    hottest point with its threshold (top); power and impedance (bottom)."""
    if fig is None:
        fig = plt.figure(figsize=(7.0, 6.0))
    top, bottom = fig.subplots(2, 1, sharex=True)
    s, t = result.series, result.series["t_s"]
    top.plot(t, s["thermocouple_C"], label="thermocouple")
    top.plot(t, s["setpoint_C"], "k--", lw=1, label="set point")
    top.plot(t, s["tissue_max_C"], label="hottest tissue")
    for rec in result.structures:
        if rec["name"] in result.structure_peak_C:
            line, = top.plot(t, result.structure_peak_C[rec["name"]], label="%s (peak)" % rec["name"])
            top.axhline(rec["threshold_C"], color=line.get_color(), ls=":", lw=1)
    top.set_ylabel(label("temperature_C", "C"))
    top.legend(fontsize=8)
    bottom.plot(t, s["power_W"], color="tab:red")
    bottom.set_ylabel(label("power_W", "W"))
    twin = bottom.twinx()
    z = np.where(np.isfinite(s["impedance_ohm"]), s["impedance_ohm"], np.nan)
    twin.plot(t, z, color="tab:green", label="tissue")
    if "reading_ohm" in s:  # files written before the return path was modelled lack it
        twin.plot(t, np.where(np.isfinite(s["reading_ohm"]), s["reading_ohm"], np.nan), color="tab:green",
                  ls="--", label="generator reads")
        twin.legend(fontsize=8, loc="upper right")
    twin.set_ylabel(label("impedance_ohm", "ohm"))
    bottom.set_xlabel("time (s)")
    return fig


def sweep_plot(table, metric, x, group=None, ax=None):
    """`metric` against the column `x` of a sweep table, one line per value of `group`;
    failed cases (NaN) are left out."""
    fig, ax = _new_axes(ax, figsize=(6.4, 4.8))
    xs, ys = table[x], table[metric]
    groups = [None] if group is None else sorted(set(table[group].tolist()))
    for g in groups:
        keep = np.isfinite(ys.astype(float)) if ys.dtype.kind == "f" else np.ones(len(ys), bool)
        if g is not None:
            keep &= table[group] == g
        order = np.argsort(xs[keep], kind="stable")
        ax.plot(xs[keep][order], ys[keep][order], "o-",
                label=None if g is None else "%s = %s" % (label(group), g))
    ax.set_xlabel(label(x))
    ax.set_ylabel(label(metric))
    if group is not None:
        ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return fig

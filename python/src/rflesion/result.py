# SPDX-License-Identifier: BSD-3-Clause
"""A run's HDF5 result file (docs/output-format.md) as Python objects."""
import collections.abc
import configparser

import h5py
import numpy as np

from . import _h5
from .errors import FormatError, NotSavedError
from .grid import Grid, mirror_cells

FORMAT = "rflesion-h5"
FORMAT_VERSIONS = (1,)  # format_version values this package reads
TIME_TOLERANCE_S = 5e-4  # field groups are named to the millisecond


def _fmt_time(t):
    return "%g" % t


class Field:
    """One cell field at one saved time.

    Attributes: name, values (numpy array (nz, ny, nx)), units, time_s, grid (its
    coordinates: grid.x_mm faces, grid.xc_mm centres, ...). numpy functions accept a Field
    directly (np.max(field)).
    """

    def __init__(self, name, values, units, time_s, grid):
        self.name, self.values, self.units, self.time_s, self.grid = name, values, units, time_s, grid

    def __array__(self, dtype=None):
        return self.values if dtype is None else self.values.astype(dtype)

    @property
    def shape(self):
        return self.values.shape

    def unfold(self):
        """The field on the whole domain of a mirror-symmetric case (see Grid.unfold)."""
        grid = self.grid.unfold()
        if grid is self.grid:
            return self
        return Field(self.name, mirror_cells(self.values, grid.mirrored), self.units, self.time_s, grid)

    def __repr__(self):
        return "<rflesion.Field %s [%s] at t = %g s, shape %s>" % (
            self.name, self.units, self.time_s, self.values.shape)


class Snapshot:
    """The fields saved at one time: attributes named as the datasets (temperature_C,
    peak_temperature_C, omega, cem43_min, potential_V), each a Field; time_s, voltage_V."""

    def __init__(self, result, group_name):
        self._result, self._group = result, group_name
        attrs = _h5.attrs(result._file["fields"][group_name])
        self.time_s = attrs["time_s"]
        self.voltage_V = attrs.get("voltage_V", float("nan"))

    @property
    def names(self):
        return list(self._result._file["fields"][self._group].keys())

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self._result._read_field(self._group, name)
        except NotSavedError as e:
            raise AttributeError(str(e)) from None

    def __getitem__(self, name):
        return self._result._read_field(self._group, name)

    def __repr__(self):
        return "<rflesion.Snapshot t = %g s: %s>" % (self.time_s, ", ".join(self.names))


class Fields(collections.abc.Mapping):
    """The saved times, mapping time (s) -> Snapshot. Lookup is exact (to the millisecond);
    nearest(t) takes the closest saved time."""

    def __init__(self, result):
        self._result = result

    def __getitem__(self, t):
        return Snapshot(self._result, self._result._time_group(t, nearest=False))

    def nearest(self, t):
        return Snapshot(self._result, self._result._time_group(t, nearest=True))

    def __iter__(self):
        return iter(float(t) for t in self._result.times)

    def __len__(self):
        return len(self._result.times)


class Result:
    """An rflesion result file, opened read-only (use as a context manager or call close()).

        with rflesion.Result("case.h5") as r:
            T = r.field("temperature_C", t=90)          # a Field: T.values, T.units, T.grid
            print(r.metrics["lesion_width_mm"], r.units["metrics"]["lesion_width_mm"])

    Attributes: path, grid, times (saved field times, s), fields, metrics, lesion,
    structures, flags, findings, series, structure_peak_C, case, case_ini, case_attrs, materials,
    probes, case_structures, symmetry, version, provenance, format_version, attrs, units.
    """

    def __init__(self, path):
        self.path = str(path)
        try:
            self._file = h5py.File(self.path, "r")
        except OSError as e:
            raise FormatError("%s: cannot open as an HDF5 file (%s)" % (self.path, e)) from None
        try:
            self._check_format()
            self._read_tables()
            self.grid = Grid.from_h5(self._file, self.symmetry)
        except BaseException:
            self._file.close()
            raise
        self.fields = Fields(self)

    def _check_format(self):
        self.attrs = _h5.attrs(self._file)
        fmt = self.attrs.get("format")
        if fmt != FORMAT:
            raise FormatError("%s: not an rflesion result (root attribute 'format' is %s, expected '%s')"
                              % (self.path, "missing" if fmt is None else repr(fmt), FORMAT))
        version = self.attrs.get("format_version")
        if version not in FORMAT_VERSIONS:
            raise FormatError("%s: format_version %r is not one this package reads (%s); "
                              "use the rflesion Python package of the program that wrote it"
                              % (self.path, version, ", ".join(map(str, FORMAT_VERSIONS))))
        self.format_version = version
        self.version = self.attrs.get("rflesion_version", "")
        # what wrote the file: version, commit, build, HDF5, the resolved case's hash
        self.provenance = {k: self.attrs.get(k) for k in ("rflesion_version", "commit", "build_type",
                                                          "built_with_mpi", "built_with_openmp",
                                                          "hdf5_version", "case_hash")}

    def _table(self, path):
        d = self._file[path]
        return _h5.records(d[()]), dict(zip(d.dtype.names, _h5.units_list(d)))

    def _read_tables(self):
        f = self._file
        self.units = {}
        metrics, self.units["metrics"] = self._table("summary/metrics")
        self.metrics = metrics[0] if metrics else {}
        self.lesion, self.units["lesion"] = self._table("summary/lesion")
        self.structures, self.units["structures"] = self._table("summary/structures")
        for s in self.structures:
            s["flags"] = [x for x in s["flags"].split(",") if x]
        self.flags = [_h5.text(x) for x in f["summary/flags"][()]]
        # effectiveness findings (target_not_covered): reported, not safety flags (older
        # files listed them among the flags)
        self.findings = ([_h5.text(x) for x in f["summary/findings"][()]]
                         if "findings" in f["summary"] else [])
        self.series = {k: d[()] for k, d in f["series"].items()}
        self.units["series"] = {k: _h5.text(d.attrs["units"]) for k, d in f["series"].items()}
        self.structure_peak_C = {}
        if "summary/structure_peak_C" in f:
            d = f["summary/structure_peak_C"]
            names = _h5.text(d.attrs["structures"])
            self.structure_peak_C = {n: d[:, k] for k, n in enumerate(names)}
        self.case_ini = _h5.text(f["case"].attrs["ini"])
        self.case = parse_case(self.case_ini)
        self.case_attrs = {"": _h5.attrs(f["case"])}
        self.case_attrs.update({k: _h5.attrs(g) for k, g in f["case"].items() if isinstance(g, h5py.Group)})
        self.materials, self.units["materials"] = self._table("case/materials")
        self.probes, self.units["probes"] = self._table("case/probes")
        self.case_structures, self.units["case_structures"] = self._table("case/structures")
        self.symmetry = case_value(self.case, "grid", "symmetry", "none")
        times = f["fields/times_s"][()] if "fields/times_s" in f else np.zeros(0)
        self.times = np.asarray(times, dtype=float)
        self._groups = {}
        for name, g in f["fields"].items():
            if isinstance(g, h5py.Group):
                self._groups[float(g.attrs["time_s"])] = name

    # --- fields ---------------------------------------------------------------------------

    def _time_group(self, t, nearest):
        if not self._groups:
            raise NotSavedError("%s: no fields saved (the case's [output] times_s is empty)" % self.path)
        saved = sorted(self._groups)
        if t is None:
            return self._groups[saved[-1]]
        best = min(saved, key=lambda s: abs(s - t))
        if nearest or abs(best - t) <= TIME_TOLERANCE_S:
            return self._groups[best]
        raise NotSavedError("%s: no fields saved at t = %s s; saved times: %s s (pass nearest=True "
                            "for the closest)" % (self.path, _fmt_time(t), ", ".join(map(_fmt_time, saved))))

    def _read_field(self, group, name):
        g = self._file["fields"][group]
        if name not in g:
            raise NotSavedError("%s: no field '%s' at t = %s s; fields: %s" % (
                self.path, name, _fmt_time(g.attrs["time_s"]), ", ".join(g.keys())))
        d = g[name]
        return Field(name, d[()], _h5.text(d.attrs["units"]), float(g.attrs["time_s"]), self.grid)

    def field(self, name, t=None, nearest=False):
        """The field `name` at the saved time t (s; None: the last saved time). Exact to
        the millisecond unless nearest=True. Raises NotSavedError listing what is saved."""
        return self._read_field(self._time_group(t, nearest), name)

    def unfold(self, values):
        """A Field or a (nz, ny, nx) cell array of this grid on the whole domain of a
        mirror-symmetric case (reflected across the low x and/or y faces)."""
        if isinstance(values, Field):
            return values.unfold()
        return mirror_cells(values, "".join(a for a in "xy" if a in self.symmetry))

    @property
    def full_domain(self):
        """The grid of the whole domain (= grid unless the case has mirror planes)."""
        return self.grid.unfold()

    @property
    def tissue(self):
        """Boolean mask of tissue cells (see Grid.tissue)."""
        return self.grid.tissue

    # --- housekeeping ---------------------------------------------------------------------

    def close(self):
        self._file.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return "<rflesion.Result %s: %s, %d saved times, %d flags>" % (
            self.path, self.grid, len(self.times), len(self.flags))


def parse_case(ini_text):
    """The resolved case text as a ConfigParser (keys case-sensitive, values raw: strip
    double quotes with case_value)."""
    cp = configparser.ConfigParser(interpolation=None, comment_prefixes=(";", "#"),
                                   inline_comment_prefixes=None, strict=False)
    cp.optionxform = str
    cp.read_string(ini_text)
    return cp


def case_value(case, section, key, default=None):
    """A value of the parsed case, without surrounding double quotes."""
    if not case.has_option(section, key):
        return default
    value = case.get(section, key).strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    return value

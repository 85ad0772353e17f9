# SPDX-License-Identifier: BSD-3-Clause
"""Small conversions from h5py values to plain Python: the files store fixed-length ASCII
strings (h5py returns bytes) and compound tables (numpy structured arrays)."""
import numpy as np


def text(value):
    """bytes, numpy bytes or an array of them -> str or list of str; others unchanged."""
    if isinstance(value, (bytes, np.bytes_)):
        return value.decode("ascii", errors="replace")
    if isinstance(value, np.ndarray) and value.dtype.kind == "S":
        return [v.decode("ascii", errors="replace") for v in value.ravel()]
    return value


def scalar(value):
    """A numpy scalar or a one-element array -> int/float; arrays of several stay arrays."""
    if isinstance(value, np.ndarray):
        return value[0].item() if value.shape == (1,) else value
    if isinstance(value, np.generic):
        return value.item()
    return value


def attrs(obj):
    """The attributes of an HDF5 object as a dict of str, numbers and numpy arrays."""
    return {k: scalar(text(v)) for k, v in obj.attrs.items()}


def units_list(dset):
    """The per-column units of a compound table (comma-separated in its `units` attribute)."""
    units = text(dset.attrs.get("units", b""))
    return units.split(",") if units else []


def records(array):
    """A structured array -> list of dicts with str for strings and int/float for numbers."""
    names = array.dtype.names
    return [{n: scalar(text(row[n])) for n in names} for row in array]


def decoded(array):
    """A structured array with its fixed-length string columns turned into str columns."""
    dtype = [(n, "U%d" % array.dtype[n].itemsize if array.dtype[n].kind == "S" else array.dtype[n])
             for n in array.dtype.names]
    out = np.empty(array.shape, dtype=dtype)
    for n in array.dtype.names:
        out[n] = np.char.decode(array[n], "ascii") if array.dtype[n].kind == "S" else array[n]
    return out

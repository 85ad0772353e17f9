# SPDX-License-Identifier: BSD-3-Clause
"""The rectilinear grid of a result (/grid), its labels, and the mirror unfolding of
cases computed on a half or quarter domain ([grid] symmetry)."""
import numpy as np

from . import _h5

AXES = "xyz"
# array axis of each coordinate in a (nz, ny, nx) cell array
ARRAY_AXIS = {"x": 2, "y": 1, "z": 0}


def mirror_cells(values, axes):
    """Reflect a (nz, ny, nx) cell array across the low face of each axis in `axes`
    ('x', 'y' or 'xy'): the mirror image comes first, so the result is twice as long."""
    out = np.asarray(values)
    for a in axes:
        k = ARRAY_AXIS[a]
        out = np.concatenate([np.flip(out, axis=k), out], axis=k)
    return out


def _mirror_faces(faces):
    lo = faces[0]
    return np.concatenate([2 * lo - faces[:0:-1], faces])


def _mirror_centres(centres, lo):
    return np.concatenate([2 * lo - centres[::-1], centres])


class Grid:
    """Face and centre coordinates (mm), cell widths (mm) and the cell labels.

    Attributes: x_mm, y_mm, z_mm (faces, n+1), xc_mm, yc_mm, zc_mm (centres, n),
    dx_mm, dy_mm, dz_mm (widths, n), shape (nz, ny, nx), symmetry ('none', 'x', 'y', 'xy';
    'none' once unfolded), material, part (uint8 (nz, ny, nx) labels), probe (int8: the
    probe's row in electrode cells, -1 elsewhere), material_names, material_kinds, part_names, probe_names (lists of str).
    """

    def __init__(self, coords, labels, names, symmetry="none", mirrored=""):
        for key, value in coords.items():
            setattr(self, key, value)
        self._labels = labels  # name -> array, or a callable that reads it
        self.material_names = names["material"]
        self.material_kinds = names["material_kinds"]
        self.part_names = names["part"]
        self.probe_names = names["probe"]
        self.symmetry = symmetry
        self.mirrored = mirrored  # axes already unfolded
        self.shape = (len(self.zc_mm), len(self.yc_mm), len(self.xc_mm))

    @classmethod
    def from_h5(cls, f, symmetry):
        g = f["grid"]
        coords = {}
        for a in AXES:
            for kind in ("%s_mm", "%sc_mm", "d%s_mm"):
                coords[kind % a] = g[kind % a][()]
        probes = f["case/probes"][()] if "case/probes" in f else []
        names = {
            "material": _h5.text(g["material"].attrs["names"]),
            "material_kinds": _h5.text(g["material"].attrs["kinds"]),
            "part": _h5.text(g["part"].attrs["names"]),
            "probe": [_h5.text(p["name"]) for p in probes],
        }
        labels = {k: (lambda k=k: g[k][()]) for k in ("material", "part", "probe")}
        return cls(coords, labels, names, symmetry)

    def _label(self, name):
        value = self._labels[name]
        if callable(value):
            value = self._labels[name] = value()
        return value

    material = property(lambda self: self._label("material"), doc="material label per cell")
    part = property(lambda self: self._label("part"), doc="0 tissue, 1 active tip, 2 shaft")
    probe = property(lambda self: self._label("probe"), doc="probe row of electrode cells")

    @property
    def tissue(self):
        """Boolean (nz, ny, nx) mask of tissue cells: not electrode (part 0) and of a
        material of kind 'tissue' (metal structures excluded)."""
        metal = np.array([k != "tissue" for k in self.material_kinds] + [False] * 256)
        return (self.part == 0) & ~metal[self.material]

    def centres(self):
        """The cell-centre coordinates as three (nz, ny, nx) arrays (x, y, z), mm."""
        z, y, x = np.meshgrid(self.zc_mm, self.yc_mm, self.xc_mm, indexing="ij")
        return x, y, z

    def locate(self, x, y, z):
        """Cell indices (i, j, k) of the points (x, y, z) in mm (arrays allowed), -1 outside."""
        out = []
        for a, p in zip(AXES, (x, y, z)):
            faces = getattr(self, a + "_mm")
            p = np.asarray(p, dtype=float)
            i = np.searchsorted(faces, p, side="right") - 1
            i = np.where(p == faces[-1], len(faces) - 2, i)
            out.append(np.where((p < faces[0]) | (p > faces[-1]), -1, i))
        return tuple(out)

    def unfold(self):
        """The grid of the whole domain: coordinates and labels reflected across the
        mirror planes of [grid] symmetry (the low x and/or y faces). Unchanged without."""
        axes = "".join(a for a in "xy" if a in self.symmetry)
        if not axes:
            return self
        coords = {}
        for a in AXES:
            faces, centres, widths = (getattr(self, k % a) for k in ("%s_mm", "%sc_mm", "d%s_mm"))
            if a in axes:
                faces, centres, widths = (_mirror_faces(faces), _mirror_centres(centres, faces[0]),
                                          np.concatenate([widths[::-1], widths]))
            coords.update({"%s_mm" % a: faces, "%sc_mm" % a: centres, "d%s_mm" % a: widths})
        labels = {k: (lambda k=k: mirror_cells(self._label(k), axes)) for k in ("material", "part", "probe")}
        names = {"material": self.material_names, "material_kinds": self.material_kinds,
                 "part": self.part_names, "probe": self.probe_names}
        return Grid(coords, labels, names, "none", axes)

    def __repr__(self):
        nz, ny, nx = self.shape
        return "<rflesion.Grid %d x %d x %d cells, x %.4g..%.4g, y %.4g..%.4g, z %.4g..%.4g mm%s>" % (
            nx, ny, nz, self.x_mm[0], self.x_mm[-1], self.y_mm[0], self.y_mm[-1], self.z_mm[0],
            self.z_mm[-1], ", symmetry " + self.symmetry if self.symmetry != "none" else "")

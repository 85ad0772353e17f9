#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""NIfTI label images as anatomy ([grid] voxel_file = *.nii, *.nii.gz), against nibabel, an
independent reader and writer of the format.

    nifti_anatomy.py RFLESION WORKDIR placement|primitives|errors

placement   label images with non-trivial affines (anisotropic voxels, an origin offset,
            a flipped axis; and an oblique, permuted one as NIfTI-2) written by nibabel;
            a 2 s run's /grid/material must show, at every tissue cell inside the image,
            the label nibabel's apply_affine puts there: exactly where the cell centre is
            more than 1e-6 voxel from a voxel face, else one of the voxels within half a
            voxel.
primitives  one anatomy (a bone box, a fat sphere and a nerve capsule beside the probe) as
            primitives and as a 0.1 mm NIfTI image on 0.4 mm cells: the nerve's margin
            within one cell, the lesion's width, length and distal extent within 0.1 mm.
errors      every bad image or label table gives exit 2 and exactly its message.
Exits 1 naming every mismatch.
"""
import json
import os
import shutil
import struct
import subprocess
import sys

import h5py
import nibabel as nib
import numpy as np
from nibabel.affines import apply_affine

problems = []


def fail(what):
    problems.append(what)
    print("FAIL:", what)


# A small quick case: 2.5 mm probe, 0.4 mm cells, 2 s of RF (placement only looks at the
# voxelised materials).
PLACEMENT_CASE = """[grid]
domain_min_mm = -6, -6, -6
domain_max_mm = 6, 6, 6
spacing_mm = 0.4
voxel_file = {image}
voxel_labels = 1:fat, 2:bone_cortical, 3:nerve, 4:bone_cancellous

[probe]
diameter_mm = 2.5
tip_length_mm = 4
tip_mm = 0, 0, -2
direction = 0, 0, 1

[generator]
set_temperature_C = 80
ramp_s = 1
duration_s = 2

[solver]
accuracy_mm = 1
error_estimate = no
"""


def blocks(shape):
    """Labels 1..4 in blocks of 2 x 3 x 2 voxels, each block's label from its position, so
    that a shift or a flip of one voxel shows."""
    i, j, k = np.indices(shape)
    return (1 + (i // 2 + 2 * (j // 3) + 3 * (k // 2)) % 4).astype(np.uint8)


def save(labels, affine, path, version=1, sform=True, qform=True):
    cls = nib.Nifti2Image if version == 2 else nib.Nifti1Image
    img = cls(labels, affine)
    img.set_sform(affine, 1 if sform else 0)
    img.set_qform(affine if qform else None, 1 if qform else 0)
    img.header.set_xyzt_units("mm")
    nib.save(img, path)


def run(exe, case, work, name, extra=()):
    out = os.path.join(work, name)
    cmd = [exe, "run", case, "--json", out + ".json", "--output", out + ".h5", "--threads", "1", "-q"]
    p = subprocess.run(cmd + list(extra), capture_output=True, text=True)
    if p.returncode not in (0, 1):
        sys.exit("%s: run failed (%d): %s" % (name, p.returncode, p.stderr))
    with open(out + ".json") as f:
        return out + ".h5", json.load(f)


def check_placement(exe, work, name, labels, affine, version):
    image = os.path.join(work, name + ".nii.gz")
    save(labels, affine, image, version)
    case = os.path.join(work, name + ".ini")
    with open(case, "w") as f:
        f.write(PLACEMENT_CASE.format(image=os.path.basename(image)))
    h5, _ = run(exe, case, work, name)
    with h5py.File(h5) as f:
        g = f["grid"]
        material, part = g["material"][...], g["part"][...]
        names = [n.decode() if isinstance(n, bytes) else n for n in g["material"].attrs["names"]]
        xc, yc, zc = g["xc_mm"][...], g["yc_mm"][...], g["zc_mm"][...]
    label_of = {"muscle": 0, "fat": 1, "bone_cortical": 2, "nerve": 3, "bone_cancellous": 4, "steel": -1}
    z, y, x = np.meshgrid(zc, yc, xc, indexing="ij")
    points = np.stack([x.ravel(), y.ravel(), z.ravel()], axis=1)
    got = np.array([label_of[names[m]] for m in material.ravel()])
    tissue = part.ravel() == 0
    v = apply_affine(np.linalg.inv(affine), points)  # nibabel: point -> voxel coordinates
    nearest = np.rint(v).astype(int)
    shape = np.array(labels.shape)
    inside = np.all((v > -0.5 + 1e-6) & (v < shape - 0.5 - 1e-6), axis=1) & tissue
    frac = np.abs(v - np.floor(v) - 0.5)
    clear = inside & np.all(frac > 1e-6, axis=1)  # not on a voxel face
    idx = np.clip(nearest, 0, shape - 1)
    want = labels[idx[:, 0], idx[:, 1], idx[:, 2]]
    wrong = clear & (got != want)
    tested = int(clear.sum())
    if tested < 1000:
        fail("%s: only %d cells inside the image to test" % (name, tested))
    if wrong.any():
        n = int(np.argmax(wrong))
        fail("%s: %d of %d cells differ from nibabel; first at (%g, %g, %g) mm: label %d, nibabel "
             "says %d (voxel %s)" % (name, int(wrong.sum()), tested, *points[n], got[n], want[n],
                                     np.round(v[n], 3)))
    # on a voxel face, any voxel within half a voxel will do
    for n in np.nonzero(inside & ~clear)[0]:
        near = {int(labels[tuple(np.clip(np.rint(v[n] + d), 0, shape - 1).astype(int))])
                for d in np.array(np.meshgrid(*[[-0.5, 0, 0.5]] * 3)).reshape(3, -1).T}
        if got[n] not in near:
            fail("%s: cell at (%g, %g, %g) mm on a voxel face has label %d, none of %s" %
                 (name, *points[n], got[n], sorted(near)))
            break
    outside = tissue & ~np.all((v > -0.5) & (v < shape - 0.5), axis=1)
    if outside.any() and np.any(got[outside] != 0):
        fail("%s: cells outside the image do not show the background" % name)
    print("%s: %d cells checked against nibabel, %d on voxel faces, %d outside the image" %
          (name, tested, int((inside & ~clear).sum()), int(outside.sum())))


def placement(exe, work):
    # anisotropic voxels, an origin offset, the x axis flipped (NIfTI-1, .nii.gz)
    a = np.diag([-0.3, 0.5, 0.7, 1.0])
    a[:3, 3] = [5.9, -6.3, -6.1]
    check_placement(exe, work, "flipped", blocks((44, 27, 19)), a, 1)
    # oblique and permuted: i runs along z, j along a direction 30 degrees from x in the
    # x-y plane, k along the perpendicular one, flipped; NIfTI-2
    c, s = np.cos(np.radians(30)), np.sin(np.radians(30))
    a = np.zeros((4, 4))
    a[:3, 0] = [0.0, 0.0, 0.45]
    a[:3, 1] = [0.35 * c, 0.35 * s, 0.0]
    a[:3, 2] = [0.6 * s, -0.6 * c, 0.0]
    a[:3, 3] = [-8.0, -3.0, -6.2]
    a[3, 3] = 1.0
    check_placement(exe, work, "oblique", blocks((28, 40, 24)), a, 2)


# The same anatomy two ways: sweep_tiny's geometry (quarter domain, 0.4 mm cells, a 2.5 mm
# probe, 10 s of RF) with a bone box and a fat sphere near the tip and a protected nerve
# capsule 4.5 mm from the axis.
TINY = """[grid]
symmetry = xy
domain_min_mm = 0, 0, -12
domain_max_mm = 12, 12, 12
spacing_mm = 0.4
fine_min_mm = 0, 0, -8
fine_max_mm = 4, 4, 6
growth = 1.3
{voxels}
[probe]
diameter_mm = 2.5
tip_length_mm = 10
tip_mm = 0, 0, -5
direction = 0, 0, 1

[generator]
set_temperature_C = 80
ramp_s = 5
duration_s = 10

[tissue]
background = muscle
{primitives}
[structure root]
shape = capsule
points_mm = 4.5, 0, -12; 4.5, 0, 12
radius_mm = 0.8
material = nerve
role = protected
threshold_C = 45

[solver]
accuracy_mm = 1
error_estimate = no
"""
PRIMITIVES = """
[structure bone]
shape = box
min_mm = 0, 2.2, -9
max_mm = 12, 12, -6.3
material = bone_cortical

[structure fat]
shape = sphere
centre_mm = 0, 0, 8
radius_mm = 4.7
material = fat
"""


def primitives(exe, work):
    h = 0.1  # voxel size, mm: a quarter of the cells
    lo = np.array([-1.0, -1.0, -13.0])  # outer corner of voxel (0, 0, 0), mm
    n = (np.array([14.0, 14.0, 26.0]) / h).round().astype(int)
    i, j, k = np.indices(n)
    x, y, z = lo[0] + (i + 0.5) * h, lo[1] + (j + 0.5) * h, lo[2] + (k + 0.5) * h
    labels = np.zeros(n, np.uint8)
    labels[(y >= 2.2) & (z >= -9) & (z <= -6.3)] = 1
    labels[x * x + y * y + (z - 8) ** 2 <= 4.7 ** 2] = 2
    labels[(x - 4.5) ** 2 + y * y <= 0.8 ** 2] = 3
    affine = np.diag([h, h, h, 1.0])
    affine[:3, 3] = lo + 0.5 * h  # the centre of voxel (0, 0, 0)
    save(labels, affine, os.path.join(work, "tiny.nii"), 1)
    cases = {
        "as_primitives": TINY.format(voxels="", primitives=PRIMITIVES),
        "as_nifti": TINY.format(voxels="voxel_file = tiny.nii\nvoxel_labels = 1:bone_cortical, "
                                "2:fat, 3:nerve\n", primitives=""),
    }
    result = {}
    for name, text in cases.items():
        path = os.path.join(work, name + ".ini")
        with open(path, "w") as f:
            f.write(text)
        _, result[name] = run(exe, path, work, name)
    p, v = result["as_primitives"], result["as_nifti"]
    for key in ("width_mm", "length_mm", "distal_mm"):
        a, b = p["lesion"][key], v["lesion"][key]
        print("lesion %s: primitives %.4f, NIfTI %.4f, difference %.4f mm" % (key, a, b, b - a))
        if not abs(a - b) <= 0.1:
            fail("lesion %s: primitives %.4f mm, NIfTI %.4f mm: more than 0.1 mm apart" % (key, a, b))
    a, b = p["structures"][0]["margin_mm"], v["structures"][0]["margin_mm"]
    print("root margin: primitives %.4f, NIfTI %.4f, difference %.4f mm" % (a, b, b - a))
    if not abs(a - b) <= 0.4:
        fail("root margin: primitives %.4f mm, NIfTI %.4f mm: more than one cell (0.4 mm) apart" % (a, b))


ERROR_CASE = """[grid]
domain_min_mm = -6, -6, -6
domain_max_mm = 6, 6, 6
spacing_mm = 0.4
voxel_file = {image}
voxel_labels = {labels}

[probe]
diameter_mm = 2.5
tip_length_mm = 4
tip_mm = 0, 0, -2
direction = 0, 0, 1
{extra}"""
NERVE = """
[structure root]
shape = capsule
points_mm = 4, 0, -5; 4, 0, 5
radius_mm = 0.8
material = nerve
role = protected
"""


def errors(exe, work):
    good = np.ones((30, 30, 30), np.uint8)
    good[:, :, 20:] = 2
    a = np.diag([0.5, 0.5, 0.5, 1.0])
    a[:3, 3] = [-7.25, -7.25, -7.25]  # voxel centres from -7.25 to 7.25: the whole domain

    def image(name, writer):
        path = os.path.join(work, name)
        writer(path)
        return name

    def truncated(path):
        save(good, a, path + ".full.nii", 1)
        with open(path + ".full.nii", "rb") as f:
            data = f.read()
        with open(path, "wb") as f:
            f.write(data[:len(data) - 1000])

    def garbage(path):
        with open(path, "wb") as f:
            f.write(b"\x00" * 100 + b"not an image" * 50)

    def gz_truncated(path):
        save(good, a, path + ".full.nii.gz", 1)
        with open(path + ".full.nii.gz", "rb") as f:
            data = f.read()
        with open(path, "wb") as f:
            f.write(data[:len(data) // 2])

    def scaled(path):
        # nibabel recomputes the scaling of the data it writes: set it in the written
        # NIfTI-1 header (scl_slope, scl_inter: float32 at bytes 112 and 116)
        save(good, a, path, 1)
        with open(path, "r+b") as f:
            f.seek(112)
            f.write(struct.pack("<ff", 2.0, 0.0))

    def save_singular(path, affine):
        # nibabel derives a qform from the affine it is given, which fails on a singular
        # one: write the sform into the header alone
        hdr = nib.Nifti1Header()
        hdr.set_data_dtype(np.uint8)
        hdr.set_sform(affine, 1)
        hdr.set_qform(None, 0)
        nib.save(nib.Nifti1Image(good, None, hdr), path)

    singular = a.copy()
    singular[:, 2] = 0.0
    singular[3, 3] = 1.0
    small = np.diag([0.5, 0.5, 0.5, 1.0])
    small[:3, 3] = [-7.25, -7.25, -1.0]  # z from -1.25: misses the tip at z = -2
    narrow = np.diag([0.5, 0.5, 0.5, 1.0])
    narrow[:3, 3] = [-2.25, -7.25, -7.25]
    narrow_labels = np.ones((10, 30, 30), np.uint8)  # x from -2.5 to 2.5: not the nerve at 4
    big = good.astype(np.int16)
    big[3, 4, 5] = 300
    d = "voxel_file"
    rows = [
        ("missing", "absent.nii", "1:fat, 2:bone_cortical", "",
         ":5: [grid] voxel_file: expected a readable file, found 'absent.nii' (No such file or "
         "directory)"),
        ("garbage", image("garbage.nii", garbage), "1:fat", "",
         ":5: [grid] voxel_file: expected a NIfTI-1 or NIfTI-2 image, found a file the NIfTI "
         "library cannot read (not NIfTI, or a corrupt header), in 'garbage.nii'"),
        ("truncated", image("truncated.nii", truncated), "1:fat, 2:bone_cortical", "",
         ":5: [grid] voxel_file: expected 27000 voxels of data after the header, found a "
         "truncated or corrupt file, in 'truncated.nii'"),
        ("gz_truncated", image("gz_truncated.nii.gz", gz_truncated), "1:fat, 2:bone_cortical", "",
         ":5: [grid] voxel_file: expected 27000 voxels of data after the header, found a "
         "truncated or corrupt file, in 'gz_truncated.nii.gz'"),
        ("float", image("float.nii.gz", lambda p: save(good.astype(np.float32), a, p)), "1:fat", "",
         ":5: [grid] voxel_file: expected integer labels (uint8, int8, uint16, int16, uint32, "
         "int32, uint64 or int64), found datatype FLOAT32, in 'float.nii.gz'"),
        ("scaled", image("scaled.nii", scaled), "1:fat, 2:bone_cortical", "",
         ":5: [grid] voxel_file: expected unscaled labels (scl_slope 0 or 1, scl_inter 0), found "
         "scl_slope 2 and scl_inter 0, in 'scaled.nii'"),
        ("four_d", image("four_d.nii", lambda p: save(np.ones((30, 30, 30, 4), np.uint8), a, p)),
         "1:fat", "",
         ":5: [grid] voxel_file: expected a 3-D image of 1 to 2e+09 voxels, found dimensions 30 x "
         "30 x 30 x 4, in 'four_d.nii'"),
        ("no_affine", image("no_affine.nii", lambda p: save(good, a, p, sform=False, qform=False)),
         "1:fat", "",
         ":5: [grid] voxel_file: expected an affine placing the image (sform_code or qform_code "
         "> 0), found sform_code 0 and qform_code 0, in 'no_affine.nii'"),
        ("singular", image("singular.nii", lambda p: save_singular(p, singular)),
         "1:fat", "",
         ":5: [grid] voxel_file: expected an invertible sform (the voxel-to-mm affine), found a "
         "singular one (determinant 0), in 'singular.nii'"),
        ("wide_label", image("wide.nii", lambda p: save(big, a, p)), "1:fat, 2:bone_cortical", "",
         ":5: [grid] voxel_file: expected labels 0 to 255, found label 300 at voxel (3, 4, 5), "
         "in 'wide.nii'"),
        ("unmapped", image("good.nii.gz", lambda p: save(good, a, p)), "1:fat", "",
         ":6: [grid] voxel_labels: expected a material for every label of 'good.nii.gz' but 0, "
         "found label 2 with none"),
        ("tip_outside", image("small.nii", lambda p: save(good, small, p)), "1:fat, 2:nerve", "",
         ":5: [grid] voxel_file: expected an image covering the tip of [probe], found the tip "
         "(0, 0, -2) mm outside 'small.nii'"),
        ("nerve_outside", image("narrow.nii", lambda p: save(narrow_labels, narrow, p)), "1:fat",
         NERVE,
         ":5: [grid] voxel_file: expected an image covering [structure root] (its bounding box "
         "inside the domain), found its corner (3.2, -0.8, -5.8) mm outside 'narrow.nii'"),
        ("dataset", "good.nii.gz", "1:fat, 2:bone_cortical", "",
         ":6: [grid] voxel_dataset: expected no dataset with the NIfTI image 'good.nii.gz', found "
         "'/labels'"),
    ]
    for name, img, labels, extra, message in rows:
        path = os.path.join(work, "bad_" + name + ".ini")
        text = ERROR_CASE.format(image=img, labels=labels, extra=extra)
        if name == "dataset":
            text = text.replace("voxel_labels", "voxel_dataset = /labels\nvoxel_labels")
        with open(path, "w") as f:
            f.write(text)
        p = subprocess.run([exe, "check", "-q", path], capture_output=True, text=True)
        want = "rflesion: %s%s\n" % (path, message)
        if p.returncode != 2 or p.stderr != want:
            fail("%s: expected exit 2 and\n  %s found exit %d and\n  %s" %
                 (name, want, p.returncode, p.stderr))
        else:
            print("%s: exit 2, %s" % (name, message.split(": ", 2)[-1]))
    # run: the backstop when the image is read to build the geometry names the file too
    path = os.path.join(work, "bad_unmapped.ini")
    p = subprocess.run([exe, "run", path, "--no-output", "-q"], capture_output=True, text=True)
    if p.returncode != 2 or "label 2 with none" not in p.stderr:
        fail("run of bad_unmapped.ini: exit %d, %s" % (p.returncode, p.stderr))


def main():
    exe, work, mode = sys.argv[1:4]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    {"placement": placement, "primitives": primitives, "errors": errors}[mode](exe, work)
    if problems:
        print("%d problem(s)" % len(problems))
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())

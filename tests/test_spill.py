"""Documents x topics arrays on disk while the intervals run (:mod:`topics.compare.spill`, issue 16): no file left
behind, pages given back after every block, and the same numbers and statistics as arrays in memory."""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

from topics.compare import spill
from topics.compare.aggregate import cell_stats
from topics.compare.replicates import level_means


def mapped_kb(a: np.ndarray) -> int:
    """Resident kB of the mapping that holds ``a`` (from /proc/self/smaps)."""
    start = a.__array_interface__["data"][0]
    inside = False
    with open("/proc/self/smaps", encoding="ascii") as f:
        for line in f:
            head = line.split()[0]
            if "-" in head and ":" not in head:
                lo, hi = (int(x, 16) for x in head.split("-"))
                inside = lo <= start < hi
            elif inside and head == "Rss:":
                return int(line.split()[1])
    raise AssertionError("mapping not found")


def test_spilled_array_has_no_name_and_keeps_its_values(tmp_path):
    a = spill.empty((1000, 7), "F", where=tmp_path)
    assert spill.is_spilled(a) and a.flags["F_CONTIGUOUS"] and os.listdir(tmp_path) == []
    values = np.random.default_rng(0).random((1000, 7))
    a[:] = values
    spill.release(a)
    assert mapped_kb(a) == 0  # pages given back ...
    np.testing.assert_array_equal(a, values)  # ... and read again from the page cache
    assert not spill.is_spilled(spill.empty((3, 2), "C")) and not spill.is_spilled(np.ones(3))


def test_release_leaves_arrays_in_memory_alone():
    a = np.ones((10, 3))
    spill.release(a, None)
    assert a.sum() == 30


def test_row_blocks_cover_every_row_once():
    assert list(spill.row_blocks(7, 3)) == [(0, 3), (3, 6), (6, 7)]
    assert list(spill.row_blocks(0, 3)) == []


def _naive(conc, theta, weight, rows, cell, n_cells):
    """Known answer: the cells' sums written out document by document."""
    k = conc.shape[1]
    total, point, n = np.zeros((n_cells, k + 1)), np.zeros((n_cells, k + 1)), np.zeros(n_cells)
    for r, c in zip(rows, cell):
        mu = conc[r] / conc[r].sum()
        total[c, :k] += weight[r] * mu
        total[c, k] += weight[r]
        point[c, :k] += weight[r] * theta[r]
        point[c, k] += weight[r]
        n[c] += 1
    return total, point, n


@pytest.mark.parametrize("order", ["C", "F"])
def test_cell_stats_on_disk_equal_in_memory_and_the_known_sums(tmp_path, monkeypatch, order):
    rng = np.random.default_rng(1)
    n_docs, k = 500, 6
    conc_mem = np.asarray(rng.gamma(1.0, 1.0, (n_docs, k)) + 0.01, order=order)
    theta_mem = np.asarray(conc_mem / conc_mem.sum(1, keepdims=True), order=order)
    weight = rng.integers(5, 50, n_docs).astype(float)
    conc, theta = spill.empty((n_docs, k), order, tmp_path), spill.empty((n_docs, k), order, tmp_path)
    conc[:], theta[:] = conc_mem, theta_mem
    rows = np.flatnonzero(rng.random(n_docs) < 0.7)
    cell = rng.integers(0, 4, len(rows))
    args = dict(rows=rows, cell=cell, cell_level=np.array([0, 0, 1, 1]), n_level=np.bincount(cell // 2) * 1.0)
    on_disk = cell_stats(conc, theta, weight, chunk=37, **args)
    in_memory = cell_stats(conc_mem, theta_mem, weight, chunk=37, **args)
    for name in ("total", "point", "point_sq", "w2", "n", "data_root", "post_root"):
        assert getattr(on_disk, name).tobytes() == getattr(in_memory, name).tobytes(), name
    assert mapped_kb(conc) == 0 and mapped_kb(theta) == 0
    total, point, n = _naive(conc_mem, theta_mem, weight, rows, cell, 4)
    np.testing.assert_allclose(on_disk.total, total, rtol=1e-12)
    np.testing.assert_allclose(on_disk.point, point, rtol=1e-12)
    np.testing.assert_array_equal(on_disk.n, n)


def test_level_means_on_disk_equal_in_memory(tmp_path, monkeypatch):
    rng = np.random.default_rng(2)
    theta_mem = np.asfortranarray(rng.dirichlet(np.ones(5), 300))
    theta = spill.empty(theta_mem.shape, "F", tmp_path)
    theta[:] = theta_mem
    weight, level = rng.integers(1, 30, 300).astype(float), rng.integers(0, 4, 300)
    monkeypatch.setattr("topics.compare.replicates.MEANS_ROWS", 23)
    on_disk = level_means(theta, weight, level, 4)
    in_memory = level_means(np.ascontiguousarray(theta_mem), weight, level, 4)  # scipy's product
    for a, b in zip(on_disk, in_memory):
        np.testing.assert_array_equal(a, b)
    assert mapped_kb(theta) == 0
    expect = pd.DataFrame(theta_mem * weight[:, None]).groupby(level).sum().to_numpy()
    np.testing.assert_allclose(on_disk[0] * on_disk[1][:, None], expect, rtol=1e-12)

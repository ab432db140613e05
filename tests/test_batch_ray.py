"""`extract batch --ray` on a local Ray instance: the same rows as a local batch."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest
from conftest import SAMPLES

pytest.importorskip("ray", reason="Ray is not installed (the optional extra: pip install '.[ray]')")

FILES = ["r2019-basic-procurement-01.pdf", "r2024-error-grandtotal-01.pdf", "r2022-nulls-slash-01.pdf"]

# Every stored column but timings and timestamps.
QUERIES = [
    "SELECT sha256, path, status, reason, exit_code, extractor_version, pages, reports FROM documents ORDER BY sha256",
    "SELECT sha256, first_page, last_page, agency, year, template, kind, errors, warnings, record FROM reports"
    " ORDER BY sha256, first_page",
    "SELECT * FROM cells ORDER BY sha256, first_page, key",
    "SELECT * FROM findings ORDER BY sha256, first_page, rule, message",
]


def batch(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "extract.cli", "batch", *map(str, args)],
                          capture_output=True, text=True, timeout=300)


def rows(db):
    con = sqlite3.connect(db)
    try:
        return [con.execute(q).fetchall() for q in QUERIES]
    finally:
        con.close()


def test_ray_batch_stores_what_a_local_batch_stores(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in FILES:
        (folder / name).write_bytes((SAMPLES / name).read_bytes())
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj")

    local = batch(folder, "--db", tmp_path / "local.sqlite", "-q")
    assert local.returncode == 0, local.stderr
    expected = rows(tmp_path / "local.sqlite")
    assert len(expected[1]) == len(FILES) and len(expected[0]) == len(FILES) + 1

    by_path = batch(folder, "--db", tmp_path / "ray.sqlite", "--ray", "-q")
    assert by_path.returncode == 0, by_path.stderr
    assert f"batch: {len(FILES)} extracted, 1 failed" in by_path.stderr
    assert rows(tmp_path / "ray.sqlite") == expected

    shipped = batch(folder, "--db", tmp_path / "shipped.sqlite", "--ray", "--ship-bytes", "-q")
    assert shipped.returncode == 0, shipped.stderr
    assert rows(tmp_path / "shipped.sqlite") == expected

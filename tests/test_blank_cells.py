"""A scanned cell read as blank while the arithmetic says a number was printed there is named
(held-out round 10: a photocopy's bold 2932 erased with a false ruling through its strokes, a
toner-starved 5 below the ink threshold: both read as blank, confidence 1.0, and every rule
over them only "not checked")."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from extract.pipeline import build_report, read_tables
from extract.settings import DEFAULT_SETTINGS

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "r2023-nulls-dash-01.pdf"


@pytest.fixture(scope="module")
def reading():
    return read_tables(SAMPLE, DEFAULT_SETTINGS)


def _as_scanned(reading, blank: dict[str, str]):
    """The same tables as a scan would hand them over: every cell OCR-read (sure), the
    cells in `blank` read as `blank[key]` (no ink found: "")."""
    cells = {}
    for key, mapped in reading.mapping.cells.items():
        cell = replace(mapped.cell, source="ocr", confidence=0.99, text=blank.get(key, mapped.cell.text))
        cells[key] = replace(mapped, cell=cell)
    return replace(reading, mapping=replace(reading.mapping, cells=cells))


def _blank_findings(report):
    return [f for f in report.findings if f.rule == "cell.blank_doubtful"]


def _printed(reading, predicate):
    return next(k for k, m in reading.mapping.cells.items()
                if k.startswith("applications.") and predicate(m.cell.text.strip()))


def test_a_blank_read_where_a_number_was_printed_is_named(reading):
    key = _printed(reading, lambda t: t.isdigit() and int(t) > 0)
    report = build_report(_as_scanned(reading, {key: ""}), DEFAULT_SETTINGS)
    assert report.cells[key].value is None
    named = _blank_findings(report)
    assert named and all(f.cells == (key,) and f.severity == "warning" for f in named)


def test_a_blank_read_where_zero_was_printed_passes(reading):
    """Reports print blank for zero: a blank that keeps every rule holding says nothing."""
    key = _printed(reading, lambda t: t == "0")
    assert _blank_findings(build_report(_as_scanned(reading, {key: ""}), DEFAULT_SETTINGS)) == []


def test_a_text_layer_blank_is_the_printed_truth(reading):
    key = _printed(reading, lambda t: t.isdigit() and int(t) > 0)
    cells = dict(reading.mapping.cells)
    cells[key] = replace(cells[key], cell=replace(cells[key].cell, text=""))
    report = build_report(replace(reading, mapping=replace(reading.mapping, cells=cells)), DEFAULT_SETTINGS)
    assert _blank_findings(report) == []

"""Every printed number is placed or reported: over every digital sample and the real
report, from the grids (scanned samples are checked in test_samples, which reads them once)."""

import pytest
from conftest import HUAIAN, SAMPLES
from invariant import assert_every_number_placed

from extract.pipeline import build_report, read_tables
from extract.settings import DEFAULT_SETTINGS

DIGITAL = sorted(SAMPLES.glob("*.pdf")) + [HUAIAN]


@pytest.mark.parametrize("path", DIGITAL, ids=[p.stem for p in DIGITAL])
def test_every_printed_number_is_placed_or_reported(path):
    reading = read_tables(path, DEFAULT_SETTINGS)
    assert_every_number_placed(reading, build_report(reading, DEFAULT_SETTINGS))


def _relabelled(reading, ending: str):
    """The reading with the row label ending in `ending` replaced by nonsense, mapped again."""
    import dataclasses

    from extract.tables.mapping import map_tables

    grids = []
    for grid in reading.grids:
        cells = tuple(
            dataclasses.replace(c, text="甲乙丙丁戊己庚") if c.text.replace("\n", "").endswith(ending) else c
            for c in grid.cells
        )
        grids.append(dataclasses.replace(grid, cells=cells))
    return dataclasses.replace(reading, grids=tuple(grids), mapping=map_tables(grids, DEFAULT_SETTINGS))


def test_a_row_that_matches_nothing_is_reported_where_it_was_printed():
    """The invariant's other side: numbers of a row the mapping cannot place are errors
    that carry their page and bbox (the first row of 三 relabelled with a label of no
    template row: no row above it to name it by its place)."""
    sample = SAMPLES / "r2022-error-leaf-01.pdf"
    reading = read_tables(sample, DEFAULT_SETTINGS)
    report = build_report(_relabelled(reading, "本年新收政府信息公开申请数量"), DEFAULT_SETTINGS)
    unplaced = [f for f in report.findings if f.rule == "table.unplaced_value"]
    assert len(unplaced) == 7 and all(f.severity == "error" for f in unplaced)
    original = build_report(reading, DEFAULT_SETTINGS)
    row = {
        (original.cells[k].page, original.cells[k].bbox) for k in original.cells if k.startswith("applications.new_received.")
    }
    assert {(f.locations[0].page, f.locations[0].bbox) for f in unplaced} == row
    rules = {(f.rule, f.severity) for f in report.findings}
    assert ("applications.unmatched_row", "error") in rules
    missing = [f for f in report.findings if f.rule == "cell.missing"]
    assert missing and all(f.severity == "error" for f in missing)


def test_a_row_between_two_matched_rows_is_named_by_its_place_and_reported():
    """The same nonsense label on 2.重复申请, between 1.信访… and 3.要求提供公开出版物: only
    one template row fits there; its values are placed, with a warning naming them."""
    sample = SAMPLES / "r2022-error-leaf-01.pdf"
    reading = read_tables(sample, DEFAULT_SETTINGS)
    report = build_report(_relabelled(reading, "重复申请"), DEFAULT_SETTINGS)
    original = build_report(reading, DEFAULT_SETTINGS)
    keys = [k for k in original.cells if k.startswith("applications.rejected_duplicate.")]
    assert keys and all(report.cells[k].value == original.cells[k].value for k in keys)
    (warning,) = [f for f in report.findings if f.rule == "applications.row_by_position"]
    assert warning.severity == "warning" and set(warning.cells) == set(keys)
    assert not [f for f in report.findings if f.rule == "table.unplaced_value"]

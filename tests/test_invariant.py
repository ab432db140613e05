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


def test_a_row_that_matches_nothing_is_reported_where_it_was_printed(tmp_path):
    """The invariant's other side: numbers of a row the mapping cannot place are errors
    that carry their page and bbox (a row relabelled with a label of no template row)."""
    import dataclasses

    sample = SAMPLES / "r2022-error-leaf-01.pdf"
    reading = read_tables(sample, DEFAULT_SETTINGS)
    # Relabel the row 2.重复申请 as nonsense, then map again.
    from extract.tables.mapping import map_tables

    grids = []
    for grid in reading.grids:
        cells = tuple(
            dataclasses.replace(c, text="甲乙丙丁戊己庚") if c.text.replace("\n", "").endswith("重复申请") else c
            for c in grid.cells
        )
        grids.append(dataclasses.replace(grid, cells=cells))
    mapping = map_tables(grids, DEFAULT_SETTINGS)
    relabelled = dataclasses.replace(reading, grids=tuple(grids), mapping=mapping)
    report = build_report(relabelled, DEFAULT_SETTINGS)
    unplaced = [f for f in report.findings if f.rule == "table.unplaced_value"]
    assert len(unplaced) == 7 and all(f.severity == "error" for f in unplaced)
    original = build_report(reading, DEFAULT_SETTINGS)
    row = {
        (original.cells[k].page, original.cells[k].bbox) for k in original.cells if k.startswith("applications.rejected_duplicate.")
    }
    assert {(f.locations[0].page, f.locations[0].bbox) for f in unplaced} == row
    rules = {(f.rule, f.severity) for f in report.findings}
    assert ("applications.unmatched_row", "error") in rules
    missing = [f for f in report.findings if f.rule == "cell.missing"]
    assert missing and all(f.severity == "error" for f in missing)
    assert report.tables.applications.rejected_duplicate.total is None
    assert_every_number_placed(relabelled, report)

"""The placement invariant, checked from the grids themselves: every number printed inside
a found report table lands in exactly one record cell, or in a `table.unplaced_value`
error finding that says where it was printed."""

from collections import Counter

from extract.pipeline import TableReading
from extract.records import Report
from extract.text import parse_value


def printed_numbers(reading: TableReading) -> list[tuple[int, tuple]]:
    """(page, bbox) of every grid cell of a found table that prints a count or an amount."""
    return [
        (grid.page, cell.bbox.as_tuple())
        for table in reading.mapping.tables
        for grid in table.fragments
        for cell in grid.cells
        if any(ch.isdigit() for ch in cell.text) and parse_value(cell.text).ok
    ]


def assert_every_number_placed(reading: TableReading, report: Report) -> None:
    placed = Counter((record.page, tuple(record.bbox)) for record in report.cells.values())
    reported = Counter(
        (loc.page, tuple(loc.bbox))
        for finding in report.findings
        if finding.rule == "table.unplaced_value" and finding.severity == "error"
        for loc in finding.locations
    )
    numbers = printed_numbers(reading)
    assert numbers, "no printed number found in any table"
    for where in numbers:
        assert placed[where] + reported[where] == 1, (
            f"number printed at page {where[0]} bbox {where[1]}: placed {placed[where]}x, reported {reported[where]}x"
        )

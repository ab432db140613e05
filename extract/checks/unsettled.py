"""Placed cells that a table's lost numbers make doubtful.

A printed number that could not be placed (`table.unplaced_value`) says the grid around it
was not rebuilt as printed: a ruling was lost, rows ran together, a warped capture tilted a
row into the next. The cells placed from the same row, or from a table that lost many of
its numbers, were placed on that same broken grid, and the arithmetic may not catch them
(their rules are unchecked when their neighbours are missing). They are named here, so
that no value placed on a broken grid passes without a finding: held-out round 8 had a
phone capture whose 予以公开 row landed, consistently, on 保护第三方合法权益, and a lost column
ruling that read "9 3" as 93.
"""

from __future__ import annotations

from typing import Mapping, Sequence

from ..records import CellRecord, Finding
from ..tables.mapping import Placement

# A table that could not place this share of its template cells' worth of printed numbers
# (or more) is read on a grid that does not hold: every value placed in it is doubtful.
UNRELIABLE_SHARE = 0.25
# Two boxes are on one printed row when their vertical overlap is at least this share of
# the lower of the two (points, page frame: top-left origin, y down).
SAME_ROW_OVERLAP = 0.5

_TABLE_WORDS = {"proactive": "第二部分", "applications": "第三部分", "review_litigation": "第四部分"}


def _same_row(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    overlap = min(a[3], b[3]) - max(a[1], b[1])
    shorter = min(a[3] - a[1], b[3] - b[1])
    return shorter > 0 and overlap >= SAME_ROW_OVERLAP * shorter


def unsettled_findings(
    placement: Placement, cells: Mapping[str, CellRecord], template_keys: Sequence[str]
) -> list[Finding]:
    """Errors naming the placed cells of a table whose printed numbers were not all placed:
    the whole table when it lost at least UNRELIABLE_SHARE of its cells' worth, else the
    cells printed on the same row (same page, overlapping vertically) as a lost number."""
    lost: dict[str, list] = {}
    for table, page, grid_cell in placement.unplaced:
        # A text layer's or markup's grid is the printed one: a number it cannot place is an
        # extra column or an unknown row (its own error), not a sign of a broken grid.
        if grid_cell.source == "ocr":
            lost.setdefault(table, []).append((page, grid_cell))
    findings: list[Finding] = []
    for table, numbers in lost.items():
        placed = {k: c for k, c in cells.items() if k.startswith(f"{table}.") and c.value is not None}
        if not placed:
            continue
        size = sum(1 for k in template_keys if k.startswith(f"{table}."))
        if len(numbers) >= UNRELIABLE_SHARE * size:
            findings.append(_finding(
                "table.unsettled", tuple(placed),
                f"{_TABLE_WORDS.get(table, table)}表格有{len(numbers)}个印制的数值未能定位，表格结构未能按印制还原，"
                f"已读取的{len(placed)}个数值也可能错位，请逐一核对",
                f"{len(numbers)} values printed in the {table} table could not be placed: its grid was not rebuilt "
                f"as printed, so the {len(placed)} values that were placed may be shifted too; check each one",
            ))
            continue
        for page, grid_cell in numbers:
            box = grid_cell.bbox.as_tuple()
            row = tuple(k for k, c in placed.items()
                        if c.page == page and c.bbox is not None and _same_row(c.bbox, box))
            if row:
                findings.append(_finding(
                    "table.row_unsettled", row,
                    f"第{page}页{_TABLE_WORDS.get(table, table)}表格同一行印有未能定位的数值“{grid_cell.text}”，"
                    f"该行已读取的数值可能错列，请核对",
                    f"the value {grid_cell.text!r} printed in the same row of the {table} table on page {page} "
                    f"could not be placed: the values placed from that row may be in the wrong columns; check them",
                ))
    return findings


def _finding(rule: str, keys: tuple[str, ...], zh: str, en: str) -> Finding:
    # Where each named cell is printed is added with every other finding's (pipeline._locate).
    return Finding(rule=rule, severity="error", message=zh, message_en=en, cells=keys)

"""The rules a pre-2019 statistics table implies about itself, each finding naming its cells.

Which rule holds for which variant:
- `indicators.parts_sum` (error): a parent equals the sum of its 其中 items where those
  items partition it (`extract.indicators.PARTITIONS`: channels of receipt, kinds of reply,
  reasons for a refusal, outcomes of a reconsideration or lawsuit, on-time/extended,
  full-time/part-time staff). Checked per value column, only when every item printed under
  the parent belongs to that partition and at least two carry a number: an item outside the
  vocabulary may overlap the others (the channels of proactive disclosure do), and a table
  listing a kind the vocabulary lacks is not checked rather than accused.
- `indicators.part_exceeds_parent` (warning): an item printed under a parent, in the same
  unit, is larger than the parent. Holds for every variant, overlapping items included.
- `indicators.cumulative_below_year` (warning): in a table with both a 历年累计 (cumulative)
  and a this-year column, the running total is at least the year's figure. Agencies restart
  running totals, which keeps this true; a smaller running total is a misreading or a
  misprint.
A value printed as blank, "—" or "/" (null) or with a unit in the cell is not checked.
"""

from __future__ import annotations

from typing import Mapping, Optional, Sequence

from ..indicators import PARTITIONS, Partition
from ..records import CellValue, Finding, Indicator, as_number
from .validate import Outcome

_PARTITION_OF = {p.parent: p for p in PARTITIONS}


def indicator_rows(indicators: Sequence[Indicator]) -> dict[tuple[int, int], list[Indicator]]:
    """(table, row) -> the row's indicators, one per value column, in column order."""
    rows: dict[tuple[int, int], list[Indicator]] = {}
    for ind in indicators:
        rows.setdefault((ind.table, ind.row), []).append(ind)
    return rows


def printed_under(rows: Mapping[tuple[int, int], Sequence[Indicator]]) -> dict[tuple[int, int], list[tuple[int, int]]]:
    """(table, row) of a parent -> the rows printed under it: each row's parent is the
    nearest row before it whose label and path make its path."""
    ordered = sorted(rows)
    children: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for k, place in enumerate(ordered):
        ind = rows[place][0]
        if not ind.path:
            continue
        for earlier in reversed(ordered[:k]):
            other = rows[earlier][0]
            if earlier[0] == place[0] and other.label == ind.path[-1] and other.path == ind.path[:-1]:
                children.setdefault(earlier, []).append(place)
                break
    return children


def checked_partition(parent: Indicator, children: Sequence[Indicator]) -> Optional[Partition]:
    """The partition whose sum rule holds between a parent and the rows printed under it:
    the parent's, when every row under it is one of its parts; else None (items outside the
    vocabulary or the partition may overlap the others)."""
    partition = _PARTITION_OF.get(parent.key or "")
    if partition is None or not all(c.key in partition.parts for c in children):
        return None
    return partition


def _value(values: Mapping[str, CellValue], ind: Indicator) -> Optional[float]:
    return as_number(values.get(ind.cell, ind.value))


def check_indicators(
    indicators: Sequence[Indicator],
    values: Optional[Mapping[str, CellValue]] = None,
    outcomes: Optional[list[Outcome]] = None,
) -> list[Finding]:
    """Findings of the three rules over the indicators (values: cell key -> value in effect,
    e.g. after a reviewer's correction; default: the values as read). `outcomes`, when
    given, receives how every instance of the rules came out (held, broken, unchecked: a
    value null or carrying a unit), for the rule accounting."""
    values = values or {}
    tally: list[Outcome] = [] if outcomes is None else outcomes
    findings: list[Finding] = []
    by_row = indicator_rows(indicators)
    for parent_place, child_places in sorted(printed_under(by_row).items()):
        parent_cells = by_row[parent_place]
        parent = parent_cells[0]
        partition = checked_partition(parent, [by_row[c][0] for c in child_places])
        partitioned = partition is not None
        for column_index, parent_cell in enumerate(parent_cells):
            total = _value(values, parent_cell)
            parts = []
            for place in child_places:
                same = [c for c in by_row[place] if c.column == parent_cell.column]
                if same:
                    parts.append(same[0])
            numbers = [(p, _value(values, p)) for p in parts]
            for part, n in numbers:
                same_unit = (part.unit or parent_cell.unit) == (parent_cell.unit or part.unit)
                if not same_unit:
                    continue
                pair = (parent_cell.cell, part.cell)
                if n is None or total is None:
                    tally.append(Outcome("indicators.part_exceeds_parent", pair, "unchecked"))
                    continue
                tally.append(Outcome("indicators.part_exceeds_parent", pair, "broken" if n > total else "held"))
                if n > total:
                    findings.append(
                        Finding(
                            rule="indicators.part_exceeds_parent",
                            severity="warning",
                            message=f"统计表中“{part.label}”（{part.column}）为{_fmt(n)}，大于其上级指标“{parent.label}”的{_fmt(total)}",
                            message_en=f"“{part.label}” ({part.column}) is {_fmt(n)}, more than its parent “{parent.label}” ({_fmt(total)})",
                            cells=pair,
                            expected=None,
                            printed=n,
                        )
                    )
            if not partitioned or len(parts) < 2:
                continue
            sum_cells = (parent_cell.cell,) + tuple(p.cell for p in parts)
            known = [n for _, n in numbers if n is not None]
            if total is None or len(known) != len(numbers):
                tally.append(Outcome("indicators.parts_sum", sum_cells, "unchecked"))
                continue
            broken = abs(sum(known) - total) > 1e-6
            tally.append(Outcome("indicators.parts_sum", sum_cells, "broken" if broken else "held"))
            if broken:
                assert partition is not None
                findings.append(
                    Finding(
                        rule="indicators.parts_sum",
                        severity="error",
                        message=f"统计表中“{parent.label}”（{parent_cell.column}）为{_fmt(total)}，"
                        f"其中各项之和为{_fmt(sum(known))}（{partition.note}）",
                        message_en=f"“{parent.label}” ({parent_cell.column}) is {_fmt(total)} but its items add up to "
                        f"{_fmt(sum(known))} ({partition.note})",
                        cells=sum_cells,
                        expected=float(sum(known)),
                        printed=float(total),
                    )
                )

    for place, cells in sorted(by_row.items()):
        year = next((c for c in cells if c.column_key == "this_year"), None)
        running = next((c for c in cells if c.column_key == "cumulative"), None)
        if year is None or running is None:
            continue
        a, b = _value(values, year), _value(values, running)
        pair = (year.cell, running.cell)
        if a is None or b is None:
            tally.append(Outcome("indicators.cumulative_below_year", pair, "unchecked"))
            continue
        tally.append(Outcome("indicators.cumulative_below_year", pair, "broken" if b < a else "held"))
        if b < a:
            findings.append(
                Finding(
                    rule="indicators.cumulative_below_year",
                    severity="warning",
                    message=f"统计表中“{year.label}”的{running.column}（{_fmt(b)}）小于{year.column}（{_fmt(a)}）",
                    message_en=f"“{year.label}”: the running total {running.column} ({_fmt(b)}) is below "
                    f"this year's {year.column} ({_fmt(a)})",
                    cells=pair,
                    expected=a,
                    printed=b,
                )
            )
    return findings


def _fmt(n: float) -> str:
    return str(int(n)) if float(n).is_integer() else f"{n:g}"

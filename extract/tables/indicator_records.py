"""Statistics tables -> the record's indicators, their cells, and the findings of reading
them (numbers not placed, labels outside the vocabulary).

Cell keys are `indicators.<row id>.<column id>`: the row id is the vocabulary key (a key
printed twice gets `_2`, `_3` …) or `t<table>_r<row>` for a label outside the vocabulary;
the column id is the column's kind (this_year, cumulative, previous_year) when one column of
the table has it, else `c<n>` (1-based among the value columns).
"""

from __future__ import annotations

from collections import Counter
from typing import Optional, Sequence

from ..indicators import column_key
from ..records import CellLocation, CellRecord, Finding, Indicator, MarkupPlace, as_number
from ..text import parse_value
from .glued import GluedCell, split_finding
from .indicators import StatisticsTable


def _column_ids(headers: Sequence[str], year: Optional[int]) -> tuple[list[Optional[str]], list[str]]:
    kinds = [column_key(h, year, only_value_column=len(headers) == 1) for h in headers]
    counts = Counter(k for k in kinds if k)
    ids = [k if k and counts[k] == 1 else f"c{n + 1}" for n, k in enumerate(kinds)]
    return kinds, ids


def indicator_records(
    tables: Sequence[StatisticsTable], year: Optional[int]
) -> tuple[tuple[Indicator, ...], dict[str, CellRecord], list[Finding]]:
    indicators: list[Indicator] = []
    cells: dict[str, CellRecord] = {}
    findings: list[Finding] = []
    seen_keys: Counter = Counter()
    unmatched: list[str] = []
    for t, table in enumerate(tables, start=1):
        kinds, ids = _column_ids(table.columns, year)
        # Cells printing a row's label and values (a column ruling lost): the keys their
        # values went to, for one warning per cell.
        split: dict[int, tuple[GluedCell, int, list[str]]] = {}
        for r, row in enumerate(table.rows, start=1):
            if row.key:
                seen_keys[row.key] += 1
                row_id = row.key if seen_keys[row.key] == 1 else f"{row.key}_{seen_keys[row.key]}"
            else:
                row_id = f"t{t}_r{r}"
                unmatched.append(row.label)
            for value in row.values:
                cell = value.cell
                parsed = parse_value(cell.text)
                key = f"indicators.{row_id}.{ids[value.column_index]}"
                if value.glued is not None:
                    split.setdefault(id(value.glued.cell), (value.glued, value.page, []))[2].append(key)
                cells[key] = CellRecord(
                    text=cell.text,
                    value=parsed.value,
                    page=None if cell.locator else value.page,
                    bbox=None if cell.locator else cell.bbox.as_tuple(),
                    confidence=cell.confidence,
                    source=cell.source,
                    locator=cell.locator,
                    place=MarkupPlace(table=cell.place[0], row=cell.place[1], column=cell.place[2]) if cell.place else None,
                )
                indicators.append(
                    Indicator(
                        cell=key,
                        key=row.key,
                        label=row.label,
                        path=row.path,
                        unit=row.unit or value.header_unit,
                        column=value.column,
                        column_key=kinds[value.column_index],
                        value=parsed.value,
                        table=t,
                        row=r,
                    )
                )
        for glued, page, keys in split.values():
            findings.append(split_finding(glued, keys, None if glued.cell.locator else page))
        for page, cell in table.unplaced:
            where = f"第{page}页统计表" if not cell.locator else f"统计表（{cell.locator}）"
            findings.append(
                Finding(
                    rule="table.unplaced_value",
                    severity="error",
                    message=f"{where}中印有数值“{cell.text}”，但未能对应到任何指标",
                    message_en=f"the value {cell.text!r} printed in statistics table {t}"
                    + (f" on page {page} (bbox {[float(v) for v in cell.bbox.as_tuple(1)]})" if not cell.locator else f" ({cell.locator})")
                    + " was not placed in any indicator of the record",
                    printed=as_number(parse_value(cell.text).value),
                    locations=(
                        CellLocation(
                            cell="",
                            page=None if cell.locator else page,
                            bbox=None if cell.locator else cell.bbox.as_tuple(),
                            locator=cell.locator,
                        ),
                    ),
                )
            )
    if unmatched:
        listed = "、".join(dict.fromkeys(unmatched))
        findings.append(
            Finding(
                rule="indicators.outside_vocabulary",
                severity="info",
                message=f"{len(unmatched)}个指标不在指标词表中，按原标签保留：{listed}",
                message_en=f"{len(unmatched)} indicator(s) are outside the vocabulary and kept under their printed labels: {listed}",
            )
        )
    return tuple(indicators), cells, findings

"""Cell keys of both template versions and their Chinese labels as printed (from
extract/template.py, the single source of the keys)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..template import (
    APPLICATION_COLUMNS,
    APPLICATION_RECORD_ROWS,
    APPLICATION_RESULTS_LABEL,
    PROACTIVE_COLUMNS,
    PROACTIVE_ROWS,
    REVIEW_COLUMNS,
    REVIEW_ROWS,
    TABLE_KEYS,
    TEMPLATE_VERSIONS,
    TemplateVersion,
    all_cell_keys,
)

# The section numbers the report prints before each table's title (table_layout.TABLE_TITLES).
TABLE_SHORT = {"proactive": "二", "applications": "三", "review_litigation": "四"}

# Joins the levels of a label path (group › label), as the data dictionary writes them.
SEP = " › "


def union_keys() -> tuple[str, ...]:
    """Every `table.row.column` key of either version, table by table (2021's keys first)."""
    keys = list(dict.fromkeys(k for v in ("2021", "2019") for k in all_cell_keys(v)))  # type: ignore[arg-type]
    return tuple(sorted(keys, key=lambda k: TABLE_KEYS.index(k.split(".")[0])))


def versions_of(key: str) -> tuple[TemplateVersion, ...]:
    return tuple(v for v in TEMPLATE_VERSIONS if key in set(all_cell_keys(v)))


def _application_label(row: str, column: str) -> Optional[str]:
    spec = next((r for r in APPLICATION_RECORD_ROWS if r.key == row), None)
    col = next((c for c in APPLICATION_COLUMNS if c.key == column), None)
    if spec is None or col is None:
        return None
    parts = []
    if row not in ("new_received", "carried_over", "carried_forward"):
        parts.append(APPLICATION_RESULTS_LABEL)
    parts += [p for p in (spec.group, spec.label) if p]
    return SEP.join(parts) + " | " + SEP.join(p for p in (col.group, col.label) if p)


def cell_label(key: str, version: Optional[TemplateVersion] = None) -> str:
    """The printed labels of a cell, e.g. `三 | 三、本年度办理结果 › （一）予以公开 | 自然人`:
    table, row path, column path. The version matters only for 二 (its rows and columns
    differ); by default the first version that has the key."""
    table, row, column = key.split(".")
    head = TABLE_SHORT.get(table, table)
    if table == "applications":
        label = _application_label(row, column)
    elif table == "review_litigation":
        spec = next((r for r in REVIEW_ROWS if r.key == row), None)
        col = next((c for c in REVIEW_COLUMNS if c.key == column), None)
        label = (SEP.join(p for p in (spec.group, spec.label) if p) + " | " + col.label) if spec and col else None
    else:
        label = None
        for v in ((version,) if version else ("2021", "2019")):
            spec = PROACTIVE_ROWS[v].get(row)  # type: ignore[index]
            if spec and column in spec[1]:
                label = f"{spec[2]}{SEP}{spec[0]} | {PROACTIVE_COLUMNS[v][column]}"  # type: ignore[index]
                break
    return f"{head} | {label}" if label else key


@dataclass(frozen=True)
class DictionaryEntry:
    key: str
    table: str
    row_key: str
    column_key: str
    label_2021: str
    label_2019: str


def dictionary() -> tuple[DictionaryEntry, ...]:
    """One entry per key of `union_keys()`, with its label in each version that has it
    (empty where the version has no such cell)."""
    out = []
    for key in union_keys():
        table, row, column = key.split(".")
        versions = versions_of(key)
        labels = {v: cell_label(key, v) if v in versions else "" for v in TEMPLATE_VERSIONS}
        out.append(DictionaryEntry(key, table, row, column, labels["2021"], labels["2019"]))
    return tuple(out)


# ---------------------------------------------------------------- pre-2019 indicators

# The kinds of value column (extract.indicators.column_key) as the tables print them.
INDICATOR_COLUMN_LABELS = {"this_year": "本年度", "cumulative": "历年累计", "previous_year": "上年度"}
_COLUMN_ORDER = ("this_year", "cumulative", "previous_year")


def _row_and_occurrence(row_id: str) -> tuple[str, int]:
    """`applications_received_2` -> (applications_received, 2): a key printed twice."""
    from ..indicators import BY_KEY

    if row_id in BY_KEY:
        return row_id, 1
    base, _, n = row_id.rpartition("_")
    if base in BY_KEY and n.isdigit():
        return base, int(n)
    return row_id, 1


def indicator_cell_order(cell: str) -> tuple:
    """Sort key of an indicator cell key: vocabulary order, occurrence, then the column
    (this_year, cumulative, previous_year, c1, c2 …)."""
    from ..indicators import VOCABULARY

    order = {s.key: i for i, s in enumerate(VOCABULARY)}
    _, row_id, column = cell.split(".")
    key, n = _row_and_occurrence(row_id)
    col = (_COLUMN_ORDER.index(column), 0) if column in _COLUMN_ORDER else \
        (len(_COLUMN_ORDER), int(column[1:]) if column[1:].isdigit() else 0)
    return (order.get(key, len(order)), key, n, col, column)


def indicator_label(cell: str) -> str:
    """The label of a vocabulary-mapped indicator cell: `统计表 | 申请总数 | 本年度` (the
    vocabulary's first label; a second printing of the key marked (2)); the key itself for
    a cell outside the vocabulary."""
    from ..indicators import BY_KEY

    _, row_id, column = cell.split(".")
    key, n = _row_and_occurrence(row_id)
    spec = BY_KEY.get(key)
    if spec is None:
        return cell
    parent = BY_KEY.get(spec.parent) if spec.parent else None
    label = (f"{parent.labels[0]}{SEP}" if parent else "") + spec.labels[0] + (f"（{n}）" if n > 1 else "")
    return f"统计表 | {label} | {INDICATOR_COLUMN_LABELS.get(column, column)}"

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

# The section numbers the report prints before each table's title (show/layout.TABLE_TITLES).
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

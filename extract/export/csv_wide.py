"""CSV wide form: one row per report, one column per `table.row.column` key of either
template version (the union, data-dictionary order; a key the report's version lacks is
empty), after the report's columns. Unit-bearing amounts are written as printed ("251000元").

The Chinese labels are in a companion dictionary CSV (`<out>.dictionary.csv`: key, table,
row_key, column_key, label_2021, label_2019) rather than in a second header row, so that the
wide file loads with one header in pandas, R or a database. Both are UTF-8 with BOM.

Pre-2019 reports: after the template keys, one column per vocabulary-mapped indicator cell
key seen in the database (`indicators.applications_received.this_year`, …; labels in the
dictionary's `label_pre2019`). Indicators outside the vocabulary (`indicators.t1_r12.c2`)
have no column: their ids are per report (they are in the long CSV).

Each value column is followed by `<key>__flags`: the cell's flags (stored.CELL_FLAGS, space-
separated: error warning suspect low_confidence repaired corrected blank not_printed unit),
empty for a value read plainly. The report's rule accounting (`rules_*`, empty when the record
has none: unknown, not zero) and its copies (`n_copies`, `copy_of`) come after the counts."""

from __future__ import annotations

import csv
from typing import Iterable, Sequence, TextIO

from .csv_long import csv_text
from .labels import dictionary, indicator_label, union_keys
from .stored import StoredReport

REPORT_COLUMNS = ("sha256", "first_page", "path", "agency", "year", "template", "kind",
                  "errors", "warnings", "corrected_cells", "cross_errors", "cross_warnings",
                  "rules_checked", "rules_held", "rules_broken", "rules_unchecked", "n_copies", "copy_of")
# The flags column after each value column.
FLAGS_SUFFIX = "__flags"


def write_wide_csv(reports: Iterable[StoredReport], out: TextIO,
                   cross_counts: dict[tuple[str, int], tuple[int, int]] | None = None,
                   indicator_cells: Sequence[str] = ()) -> int:
    """`cross_counts`: (sha256, first_page) -> (errors, warnings) of `extract check` that
    name the report (either side of a pair). `indicator_cells`: the vocabulary-mapped
    indicator cell keys seen in the database (`stored.mapped_indicator_cells`), one column
    each after the template keys."""
    keys = union_keys() + tuple(indicator_cells)
    writer = csv.writer(out)
    writer.writerow(REPORT_COLUMNS + tuple(c for k in keys for c in (k, k + FLAGS_SUFFIX)))
    count = 0
    for r in reports:
        cross = (cross_counts or {}).get((r.sha256, r.first_page), (0, 0))
        rules = r.record.get("rules") or {}
        head = (r.sha256, r.first_page, r.path, r.agency, r.year, r.template, r.kind,
                r.errors, r.warnings, len(r.corrected_keys), cross[0], cross[1],
                *(rules.get(n) for n in ("checked", "held", "broken", "unchecked")), r.n_copies, r.copy_of)
        values = []
        for k in keys:
            cell = r.cells.get(k)
            # A key the report's template lacks: no value and no flag (not "not_printed").
            values += [cell.value, " ".join(cell.flags)] if cell is not None else [None, None]
        writer.writerow([csv_text(v) for v in (*head, *values)])
        count += 1
    return count


def write_dictionary_csv(out: TextIO, indicator_cells: Sequence[str] = ()) -> int:
    """One row per wide column: the template keys (labels per version), then the indicator
    cells (label_pre2019: the vocabulary's label and the column kind)."""
    writer = csv.writer(out)
    writer.writerow(("key", "table", "row_key", "column_key", "label_2021", "label_2019", "label_pre2019"))
    entries = dictionary()
    for e in entries:
        writer.writerow((e.key, e.table, e.row_key, e.column_key, e.label_2021, e.label_2019, ""))
    for key in indicator_cells:
        table, row, column = key.split(".")
        writer.writerow((key, table, row, column, "", "", indicator_label(key)))
    return len(entries) + len(indicator_cells)

"""A batch database as pandas DataFrames, copies resolved: `extract.load("results.sqlite")`.

The research entry point of the README's "In pandas" part: one row per report that counts
(the canonical copy of each group of copies, see extract/batch/copies.py), its cells with
the values in effect (reviewers' corrections applied), the pre-2019 indicators joined to
their values, and the findings, each frame keyed by (sha256, first_page). pandas is
imported here only (extra `research`), so the rest of the package never needs it.
"""

from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Union

from ..batch.store import open_store

if TYPE_CHECKING:  # pandas is an optional extra
    import pandas as pd

_REPORT_COLUMNS = (
    "r.sha256, r.first_page, r.last_page, d.path, r.agency, r.year, r.template, r.kind, r.errors, r.warnings,"
    " r.reviewed_by, r.reviewed_at"
)


@dataclass(frozen=True)
class Frames:
    """The database's reports and what they hold; every frame has `sha256` and `first_page`."""

    reports: "pd.DataFrame"  # + n_copies; with copies: canonical (bool), canonical_sha256, match
    cells: "pd.DataFrame"  # the `cells` table: key, table_name, row_key, column_key, value_num …
    indicators: "pd.DataFrame"  # pre-2019: the `indicator_values` view (path as a list of labels)
    findings: "pd.DataFrame"  # rule, severity, message, message_en, cells (a list of keys)


def load(db: Union[str, Path], *, with_copies: bool = False) -> Frames:
    """Read a batch database (read-only). By default each report is counted once: copies of
    a report (the same agency and year read from several files) are left out but for the
    canonical one; `with_copies=True` keeps them all, marked."""
    import json

    import pandas as pd

    with closing(open_store(db, readonly=True)) as con:
        if with_copies:
            reports = pd.read_sql_query(
                f"SELECT {_REPORT_COLUMNS}, COALESCE(k.n_copies, 1) AS n_copies, COALESCE(k.canonical, 1) AS canonical,"
                " COALESCE(k.canonical_sha256, r.sha256) AS canonical_sha256, COALESCE(k.match, 'canonical') AS match"
                " FROM reports r JOIN documents d USING (sha256)"
                " LEFT JOIN copies k ON k.sha256 = r.sha256 AND k.first_page = r.first_page"
                " ORDER BY r.agency, r.year, r.sha256",
                con,
            )
            reports["canonical"] = reports["canonical"].astype(bool)
        else:
            reports = pd.read_sql_query(
                f"SELECT {_REPORT_COLUMNS}, r.n_copies FROM canonical_reports r JOIN documents d USING (sha256)"
                " ORDER BY r.agency, r.year, r.sha256",
                con,
            )
        cells = pd.read_sql_query("SELECT * FROM cells", con)
        indicators = pd.read_sql_query("SELECT * FROM indicator_values", con)
        findings = pd.read_sql_query("SELECT * FROM findings", con)
    keep = reports[["sha256", "first_page"]]
    cells = cells.merge(keep, on=["sha256", "first_page"])
    indicators = indicators.merge(keep, on=["sha256", "first_page"])
    findings = findings.merge(keep, on=["sha256", "first_page"])
    indicators["path"] = indicators["path"].map(lambda p: json.loads(p) if isinstance(p, str) else [])
    if "cells" in findings:
        findings["cells"] = findings["cells"].map(lambda c: json.loads(c) if isinstance(c, str) and c.startswith("[") else [])
    for frame in (cells, indicators):
        frame["corrected"] = frame["corrected"].astype(bool)
        frame["flagged"] = frame["flagged"].astype(bool)
    return Frames(reports, cells, indicators, findings)

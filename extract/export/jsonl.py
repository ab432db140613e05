"""JSONL: one report per line, the record exactly as `extract FILE --json` prints it (one
line instead of indented). With corrections applied, a corrected cell's value is replaced
in `tables`; its provenance in `cells` keeps the value as read (`cells[key].value`), so the
two differ exactly where a reviewer corrected. The `findings` of a reviewed report are decided
again with the values in effect, as the review app does (a corrected cell's rules hold or
fail anew; reading doubts about cells a person confirmed or corrected are dropped); the
findings of a report nobody reviewed are those of the extraction."""

from __future__ import annotations

import json
from typing import Iterable, TextIO

from .stored import StoredReport


def write_jsonl(reports: Iterable[StoredReport], out: TextIO) -> int:
    count = 0
    for report in reports:
        out.write(json.dumps(report.record, ensure_ascii=False) + "\n")
        count += 1
    return count

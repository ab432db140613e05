"""Reports as stored in a batch database, with the values in effect (corrections applied) or
as read (`original=True`, corrections ignored).

Every export, `extract check` and `extract compare --db` read the database through this
module, which reads it only through `extract.batch.store` (open_store, iter_reports) and SQL
on its tables (`cells`, `findings`). A report's record (`reports.record`) is stored exactly as
`extract FILE --json` printed it; corrections live in `cells` (value in effect, value as
read, `corrected`) and the `corrections` audit trail, never in the record itself.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator, Mapping, Optional

from ..batch.store import iter_reports, open_store
from ..checks.revalidate import LIVE_DECISION
from ..records import CellValue
from ..settings import DEFAULT_SETTINGS
from ..template import TABLE_KEYS, TEMPLATE_VERSIONS, all_cell_keys, finding_table

PRE2019 = "pre2019"
# The `table` part of an indicator cell key (indicators.<row id>.<column id>).
INDICATOR_TABLE = "indicators"


@dataclass(frozen=True)
class IndicatorInfo:
    """What a pre-2019 cell is (records.Indicator without its value): the vocabulary key
    (None outside the vocabulary), the printed label and the labels it nests under, the unit,
    the value column's printed header and kind, and its statistics table and row."""

    key: Optional[str]
    label: str
    path: tuple[str, ...]
    unit: Optional[str]
    column: str
    column_key: Optional[str]
    table: int
    row: int

    @classmethod
    def of(cls, ind: Mapping[str, Any]) -> "IndicatorInfo":
        return cls(ind.get("key"), ind["label"], tuple(ind.get("path") or ()), ind.get("unit"), ind["column"],
                   ind.get("column_key"), ind["table"], ind["row"])


@dataclass(frozen=True)
class StoredCell:
    """One value cell of a report. `value` is the value in effect (the correction when
    `corrected`), `read_value` the value as extracted. Provenance (printed text, page, bbox
    in PDF points from the top-left corner, confidence, source) is None for a cell nothing
    was read in."""

    key: str
    value: CellValue
    read_value: CellValue
    corrected: bool
    flagged: bool
    printed: Optional[str] = None
    page: Optional[int] = None
    bbox: Optional[tuple[float, float, float, float]] = None
    confidence: Optional[float] = None
    source: Optional[str] = None
    # Pre-2019 reports: what the indicator cell is (None for template cells).
    indicator: Optional[IndicatorInfo] = None
    # What a reader should know about the value (CELL_FLAGS, in that order).
    flags: tuple[str, ...] = ()

    @property
    def table(self) -> str:
        return self.key.split(".")[0]

    @property
    def row(self) -> str:
        return self.key.split(".")[1]

    @property
    def column(self) -> str:
        return self.key.split(".")[2]


@dataclass(frozen=True)
class StoredFinding:
    rule: str
    severity: str
    message: str
    message_en: str
    cells: tuple[str, ...]
    # The table it is about (template.finding_table; None: the whole report), and for a broken
    # arithmetic rule its cause (publication | reading) and the cell most likely at fault.
    table: Optional[str] = None
    cause: Optional[str] = None
    suspect_cell: Optional[str] = None


# Per-cell flags (the long form's `flags`, csv-wide's `<key>__flags`, the XLSX legend): what a
# reader should know about a value before using it. Names and order are public (data dictionary).
CELL_FLAGS: tuple[tuple[str, str], ...] = (
    ("error", "named by an error finding (a broken rule, a value lost)"),
    ("warning", "named by a warning finding (check it)"),
    ("suspect", "the cell a broken rule's arithmetic singles out as most likely wrong (the finding's suspect_cell)"),
    ("low_confidence", "read by OCR with a confidence below min_ocr_confidence (0.9)"),
    ("repaired", "an OCR misread repaired by the table's arithmetic (original_value: as read)"),
    ("corrected", "the value a reviewer entered (never with --original)"),
    ("blank", "printed as a blank (/, —, 无 …): the value is null, `printed` says how"),
    ("not_printed", "nothing was read for the cell (the report does not print it, or it was not found)"),
    ("unit", "an amount printed with its unit (251000元), kept as text: not a number"),
)
CELL_FLAG_NAMES = tuple(name for name, _ in CELL_FLAGS)


def cell_flags(value: CellValue, prov: Mapping[str, Any], corrected: bool, named: set[str],
               threshold: float) -> tuple[str, ...]:
    """The CELL_FLAGS of one cell: `value` in effect, `prov` its provenance (the record's
    `cells` entry; empty when nothing was read), `named` how the report's findings name it
    (error, warning, suspect: `_naming`)."""
    on = set(named)
    if not prov:
        on.add("not_printed")
    else:
        if prov.get("source") == "ocr" and (prov.get("confidence") or 0.0) < threshold:
            on.add("low_confidence")
        if prov.get("repair") is not None:
            on.add("repaired")
    if value is None and prov and not corrected:
        on.add("blank")
    if corrected:
        on.add("corrected")
    if isinstance(value, str):
        on.add("unit")
    return tuple(name for name in CELL_FLAG_NAMES if name in on)


@dataclass(frozen=True)
class StoredReport:
    """One report of the database. `cells` holds every key of the record (both layouts of
    （六）其他处理), in template order; `record` is the record with the values in effect
    (see `effective_record`)."""

    sha256: str
    first_page: int
    last_page: Optional[int]
    path: str
    agency: Optional[str]
    year: Optional[int]
    template: Optional[str]
    kind: Optional[str]
    errors: int
    warnings: int
    reviewed_by: Optional[str]
    reviewed_at: Optional[str]
    record: Mapping[str, Any]
    cells: Mapping[str, StoredCell]
    findings: tuple[StoredFinding, ...]
    # Copies of one report (the `copies` table): how many reports the group holds, and for a
    # copy that is not the canonical one, the canonical copy's sha256 (None: this one counts).
    n_copies: int = 1
    copy_of: Optional[str] = None

    @property
    def ref(self) -> str:
        """How commands name the report: the first 12 hex digits of the file's sha256, and the
        first page when it is not 1 (a bound volume)."""
        return self.sha256[:12] + (f":{self.first_page}" if self.first_page != 1 else "")

    @property
    def title(self) -> str:
        return f"{self.agency or '?'} {self.year or '?'} ({self.ref})"

    def values(self) -> dict[str, CellValue]:
        return {key: cell.value for key, cell in self.cells.items()}

    @property
    def corrected_keys(self) -> tuple[str, ...]:
        return tuple(key for key, cell in self.cells.items() if cell.corrected)

    @property
    def is_pre2019(self) -> bool:
        return (self.template or (self.record.get("tables") or {}).get("template")) == PRE2019

    @property
    def indicators(self) -> list[dict[str, Any]]:
        """The record's indicators (JSON, as `extract FILE --json` prints them) with the
        values in effect; empty for a template report."""
        return list(self.record.get("indicators") or ())


def value_from_columns(num: Optional[float], text: Optional[str]) -> CellValue:
    """A cell value from the store's split columns: the printed text for unit-bearing amounts,
    else the number (SQLite REAL), an int when integral (counts; the parser also gives an
    int for an amount printed without decimals)."""
    if text is not None:
        return text
    if num is None:
        return None
    return int(num) if float(num).is_integer() else float(num)


def record_values(record: Mapping[str, Any]) -> dict[str, CellValue]:
    """`tables.<table>.<row>.<column>` of a JSON record, flattened to `table.row.column`, and
    a pre-2019 record's indicators by cell key (`indicators.<row id>.<column id>`)."""
    flat: dict[str, CellValue] = {}
    tables = record.get("tables", {})
    for table in TABLE_KEYS:
        for row, columns in (tables.get(table) or {}).items():
            for column, value in columns.items():
                flat[f"{table}.{row}.{column}"] = value
    for ind in record.get("indicators") or ():
        flat[ind["cell"]] = ind.get("value")
    return flat


def with_values(record: Mapping[str, Any], values: Mapping[str, CellValue]) -> dict[str, Any]:
    """A copy of `record` whose `tables` (and, for indicator cells, `indicators[].value`) hold
    `values` (keys absent from `values` unchanged). `cells` (the provenance, with the value as
    read) and `findings` are left as extracted."""
    out = json.loads(json.dumps(record, ensure_ascii=False))
    by_cell = {ind["cell"]: ind for ind in out.get("indicators") or ()}
    for key, value in values.items():
        if key in by_cell:
            by_cell[key]["value"] = value
            continue
        table, row, column = key.split(".")
        if table in TABLE_KEYS and table in out.get("tables", {}):
            out["tables"][table][row][column] = value
    return out


def _flagged_keys(findings: tuple[StoredFinding, ...]) -> set[str]:
    return {k for f in findings if f.severity in ("error", "warning") for k in f.cells}


def _record_findings(record: Mapping[str, Any]) -> tuple[StoredFinding, ...]:
    return tuple(
        StoredFinding(f["rule"], f["severity"], f.get("message") or "", f.get("message_en") or "",
                      tuple(f.get("cells") or ()), finding_table(f["rule"], f.get("cells") or ()),
                      f.get("cause"), f.get("suspect_cell"))
        for f in record.get("findings", ())
    )


def _naming(findings: tuple[StoredFinding, ...]) -> dict[str, set[str]]:
    """cell key -> {error, warning, suspect}: how the findings name it."""
    named: dict[str, set[str]] = {}
    for f in findings:
        if f.severity in ("error", "warning"):
            for k in f.cells:
                named.setdefault(k, set()).add(f.severity)
        if f.suspect_cell:
            named.setdefault(f.suspect_cell, set()).add("suspect")
    return named


def _table_findings(db: sqlite3.Connection, sha: str, first_page: int) -> tuple[StoredFinding, ...]:
    rows = db.execute(
        "SELECT rule, severity, message, message_en, cells, table_name, cause, suspect_cell FROM findings"
        " WHERE sha256 = ? AND first_page = ? ORDER BY rowid", (sha, first_page))
    return tuple(StoredFinding(r["rule"], r["severity"], r["message"] or "", r["message_en"] or "",
                               tuple(json.loads(r["cells"] or "[]")), r["table_name"], r["cause"], r["suspect_cell"])
                 for r in rows)


@lru_cache(maxsize=None)
def _template_keys(version: str) -> tuple[str, ...]:
    """Every key of a template record; none for a pre-2019 report (its keys are its
    indicators') or an unknown version."""
    if version not in TEMPLATE_VERSIONS:
        return ()
    return tuple(all_cell_keys(version))  # type: ignore[arg-type]


def _report(db: sqlite3.Connection, row: sqlite3.Row, original: bool) -> StoredReport:
    record = json.loads(row["record"])
    read = record_values(record)
    provenance = record.get("cells", {})
    version = (record.get("tables") or {}).get("template") or row["template"]
    stored = {r["key"]: r for r in db.execute(
        "SELECT key, value_num, value_text, corrected, flagged FROM cells WHERE sha256 = ? AND first_page = ?",
        (row["sha256"], row["first_page"]))}
    info = {ind["cell"]: IndicatorInfo.of(ind) for ind in record.get("indicators") or ()}
    keys = list(dict.fromkeys([*(_template_keys(version) if version else ()), *read]))
    if version == PRE2019:  # a corrected cell with no indicator (none today) still shows
        keys += [k for k in stored if k not in info and k not in keys]

    # As read: the record. In effect: the findings table (a review may have re-validated the
    # report) and the cells table's values and flags.
    findings = _record_findings(record) if original else _table_findings(db, row["sha256"], row["first_page"])
    named = _flagged_keys(findings)
    naming = _naming(findings)
    cells: dict[str, StoredCell] = {}
    for key in keys:
        prov = provenance.get(key) or {}
        db_cell = stored.get(key)
        corrected = bool(db_cell["corrected"]) if db_cell is not None and not original else False
        value = value_from_columns(db_cell["value_num"], db_cell["value_text"]) if corrected else read.get(key)
        flagged = key in named or prov.get("repair") is not None
        if db_cell is not None and not original:
            flagged = flagged or bool(db_cell["flagged"])
        bbox = prov.get("bbox")
        cells[key] = StoredCell(
            key=key, value=value, read_value=read.get(key), corrected=corrected, flagged=flagged,
            printed=prov.get("text"), page=prov.get("page"),
            bbox=tuple(bbox) if bbox else None, confidence=prov.get("confidence"), source=prov.get("source"),
            indicator=info.get(key),
            flags=cell_flags(value, prov, corrected, naming.get(key, set()), DEFAULT_SETTINGS.min_ocr_confidence),
        )
    effective = record
    if not original:
        corrected = {k: c.value for k, c in cells.items() if c.corrected}
        effective = with_values(record, corrected) if corrected else record
        reviewed = {r[0] for r in db.execute(
            "SELECT DISTINCT key FROM corrections WHERE sha256 = ? AND first_page = ? AND " + LIVE_DECISION,
            (row["sha256"], row["first_page"]))}
        if reviewed and version:
            effective["findings"], rules = _decided_again(effective, {k: c.value for k, c in cells.items()}, version,
                                                          reviewed)
            if rules is not None:  # the rule accounting with the values in effect (checks.accounting)
                effective["rules"] = rules
    keys_of = row.keys()
    group = db.execute("SELECT n_copies, canonical, canonical_sha256, canonical_first_page FROM copies"
                       " WHERE sha256 = ? AND first_page = ?", (row["sha256"], row["first_page"])).fetchone()
    copy_of = None
    if group is not None and not group["canonical"]:
        page = group["canonical_first_page"]
        copy_of = group["canonical_sha256"] + (f":{page}" if page != 1 else "")
    return StoredReport(
        sha256=row["sha256"], first_page=row["first_page"], last_page=row["last_page"], path=row["path"],
        agency=row["agency"], year=row["year"], template=row["template"], kind=row["kind"],
        errors=sum(f.severity == "error" for f in findings), warnings=sum(f.severity == "warning" for f in findings),
        reviewed_by=row["reviewed_by"] if "reviewed_by" in keys_of else None,
        reviewed_at=row["reviewed_at"] if "reviewed_at" in keys_of else None,
        record=effective, cells=cells, findings=findings,
        n_copies=group["n_copies"] if group is not None else 1, copy_of=copy_of,
    )


def _decided_again(record: Mapping[str, Any], values: Mapping[str, CellValue], version: str,
                   reviewed: set[str]) -> tuple[list[dict[str, Any]], Optional[dict[str, Any]]]:
    """The record's findings after a review, as the review app decides them
    (checks.revalidate.decided_again: the rules and the soft checks decided again with the
    values in effect, reading doubts dropped for the cells a person confirmed or corrected,
    the causes of broken rules decided again, a reviewed cell counting as read with
    certainty), each located like the pipeline locates its findings; and the record's rule
    accounting with the values in effect (None when the record has none)."""
    from ..records import Finding
    from ..checks.revalidate import decided_again
    from ..template import printed_other_layout

    layout = None if version == PRE2019 else printed_other_layout(
        version, {f.get("rule") for f in record.get("findings", ())})  # type: ignore[arg-type]
    findings, accounting = decided_again(record, values, version, layout, reviewed)
    provenance = record.get("cells", {})
    out = []
    for f in findings:
        dumped = f.model_dump(mode="json")
        if not dumped.get("locations"):
            dumped["locations"] = [
                {"cell": k, "page": provenance[k].get("page"), "bbox": provenance[k].get("bbox"),
                 "locator": provenance[k].get("locator")}
                for k in f.cells if k in provenance
                and (provenance[k].get("page") is not None or provenance[k].get("locator"))]
            dumped = Finding.model_validate(dumped).model_dump(mode="json")
        out.append(dumped)
    return out, None if accounting is None else accounting.model_dump(mode="json")


def iter_stored_reports(db: sqlite3.Connection, *, original: bool = False,
                        with_copies: bool = True) -> Iterator[StoredReport]:
    """Every report of the database in the store's stable order (agency, year, path, page);
    `with_copies=False`: only the canonical copy of each report (the `copies` table)."""
    for row in iter_reports(db, with_copies=with_copies):
        yield _report(db, row, original)


def load_reports(path: Path | str, *, original: bool = False) -> list[StoredReport]:
    """Every report of the database at `path`, opened read-only (StoreError when it cannot be)."""
    db = open_store(path, readonly=True)
    try:
        return list(iter_stored_reports(db, original=original))
    finally:
        db.close()


@dataclass(frozen=True)
class CrossFindingRow:
    rule: str
    severity: str
    message: str
    message_en: str
    earlier: tuple[str, int]  # (sha256, first_page)
    later: tuple[str, int]
    cells: tuple[str, ...]


def load_cross_findings(path: Path | str) -> list[CrossFindingRow]:
    """The findings of the last `extract check` (empty before one ran)."""
    db = open_store(path, readonly=True)
    try:
        rows = db.execute("SELECT * FROM cross_findings ORDER BY rowid").fetchall()
    finally:
        db.close()
    return [CrossFindingRow(r["rule"], r["severity"], r["message"] or "", r["message_en"] or "",
                            (r["sha256_a"], r["first_page_a"]), (r["sha256_b"], r["first_page_b"]),
                            tuple(json.loads(r["cells"] or "[]"))) for r in rows]


def mapped_indicator_cells(db: sqlite3.Connection) -> tuple[str, ...]:
    """Every indicator cell key of the database whose row the vocabulary maps
    (`indicators.<vocabulary key>[_n].<column id>`), in the vocabulary's order, then the
    column's (this_year, cumulative, previous_year, c1, c2 …): the csv-wide columns."""
    from .labels import indicator_cell_order

    cells = {r[0] for r in db.execute("SELECT DISTINCT cell FROM indicators WHERE key IS NOT NULL")}
    return tuple(sorted(cells, key=indicator_cell_order))

"""`extract eval`: accuracy against expected JSON, per table, rule detection, and failure
classes (tables missing, rows unmatched, printed values unplaced, wrong values,
null-versus-value).

`compare` is pure: an expected JSON and an output record (as `--json` prints it, both
plain dicts) in, a `FileResult` out. `evaluate_file` does the reading and extracting.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Optional, Sequence

from .errors import ExtractError
from .read.images import IMAGE_SUFFIXES
from .read.markup import MARKUP_SUFFIXES
from .read.ofd import OFD_SUFFIXES
from .settings import Settings
from .template import TABLE_KEYS

FindingKey = tuple[str, frozenset]
_INPUT_SUFFIXES = {".pdf"} | OFD_SUFFIXES | IMAGE_SUFFIXES | MARKUP_SUFFIXES
SOFT_RULE_PREFIXES = ("prose.", "plausibility.")

# Failure classes, in display order: (JSON key, label in the text output).
CLASSES: tuple[tuple[str, str], ...] = (
    ("tables_missing", "tables missing"),
    ("rows_unmatched", "rows unmatched"),
    ("values_unplaced", "values unplaced"),
    ("wrong_values", "wrong"),
    ("null_vs_value", "null-vs-value"),
)
_TABLE_RULES = ("table.missing", "table.unread")
_ROW_RULES = ("applications.unmatched_row", "proactive.unmatched_row")
_UNPLACED_RULE = "table.unplaced_value"
ABSENT = "<absent>"  # a key the output record does not have (compared as null)


@dataclass(frozen=True)
class Mismatch:
    """One cell where output and expected differ. kind: "wrong" (both non-null),
    "null_got" (expected a value, got null or no key), "null_expected" (got a value where
    null is expected, or the expected JSON has no such key)."""

    key: str
    expected: object
    got: object
    kind: str

    def describe(self) -> str:
        if self.kind == "null_got":
            head = "absent from output" if self.got == ABSENT else "null"
            return f"{self.key}: {head}, printed {self.expected!r}"
        if self.kind == "null_expected":
            tail = " (key not in expected JSON)" if self.expected == ABSENT else ""
            return f"{self.key}: got {self.got!r}, expected null{tail}"
        return f"{self.key}: expected {self.expected!r}, got {self.got!r}"

    def __iter__(self):  # (key, expected, got), as the former tuples
        return iter((self.key, self.expected, self.got))


@dataclass
class FileResult:
    pdf: Path
    error: Optional[str] = None
    cells: Counter = field(default_factory=Counter)  # table -> cells compared
    correct: Counter = field(default_factory=Counter)  # table -> cells right
    wrong: list[Mismatch] = field(default_factory=list)  # every cell mismatch, of any kind
    metadata_diffs: list[str] = field(default_factory=list)
    expected_findings: set[FindingKey] = field(default_factory=set)
    found_findings: set[FindingKey] = field(default_factory=set)
    tables_missing: list[str] = field(default_factory=list)  # tables with expected values not found/read
    rows_unmatched: list[str] = field(default_factory=list)  # messages of the unmatched_row findings
    values_unplaced: list[str] = field(default_factory=list)  # messages of table.unplaced_value findings

    @property
    def perfect(self) -> bool:
        return (
            self.error is None
            and not self.wrong
            and not self.metadata_diffs
            and self.expected_findings == self.found_findings
        )

    @property
    def classes(self) -> dict[str, int]:
        kinds = Counter(m.kind for m in self.wrong)
        return {
            "tables_missing": len(self.tables_missing),
            "rows_unmatched": len(self.rows_unmatched),
            "values_unplaced": len(self.values_unplaced),
            "wrong_values": kinds["wrong"],
            "null_vs_value": kinds["null_got"] + kinds["null_expected"],
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "file": str(self.pdf),
            "error": self.error,
            "exact": self.perfect,
            "cells": sum(self.cells.values()),
            "correct": sum(self.correct.values()),
            "classes": self.classes,
            "findings_missed": len(self.expected_findings - self.found_findings),
            "findings_spurious": len(self.found_findings - self.expected_findings),
            "metadata_diffs": list(self.metadata_diffs),
            "mismatches": [
                {"cell": m.key, "kind": m.kind, "expected": _plain(m.expected), "got": _plain(m.got)} for m in self.wrong
            ],
        }


def _plain(value: object) -> object:
    return None if value == ABSENT else value


def _expected_path(pdf: Path, expected_dir: Optional[Path]) -> Path:
    """<name>.expected.json beside the PDF, else in expected_dir."""
    beside = pdf.parent / f"{pdf.stem}.expected.json"
    if beside.is_file() or expected_dir is None:
        return beside
    return expected_dir / beside.name


def _collect(paths: Sequence[Path], expected_dir: Optional[Path]) -> list[Path]:
    pdfs: list[Path] = []
    for path in paths:
        candidates = (
            sorted(p for p in path.rglob("*") if p.suffix.lower() in _INPUT_SUFFIXES) if path.is_dir() else [path]
        )
        pdfs += [p for p in candidates if _expected_path(p, expected_dir).is_file()]
    return pdfs


def _same(expected: object, got: object) -> bool:
    if isinstance(expected, (int, float)) and isinstance(got, (int, float)):
        return abs(float(expected) - float(got)) < 1e-9 and type(expected) is type(got)
    return expected == got


def _flatten(tables: Mapping[str, Any]) -> dict[str, dict[str, object]]:
    """table -> {`table.row.column`: value}, from a tables dict (expected or output)."""
    flat: dict[str, dict[str, object]] = {}
    for table, rows in (tables or {}).items():
        if not isinstance(rows, Mapping):  # "template" of the output record
            continue
        cells = flat.setdefault(table, {})
        for row, columns in rows.items():
            for column, value in (columns or {}).items():
                cells[f"{table}.{row}.{column}"] = value
    return flat


def _is_null(value: object) -> bool:
    return value is None or value == ABSENT


def _finding_table(finding: Mapping[str, Any]) -> Optional[str]:
    """The table a table.* finding is about: from its cells, else named in its message."""
    for cell in finding.get("cells") or ():
        table = str(cell).split(".", 1)[0]
        if table in TABLE_KEYS:
            return table
    text = f"{finding.get('message_en', '')} {finding.get('message', '')}"
    for table in TABLE_KEYS:
        if re.search(rf"\b{table}\b", text):
            return table
    return None


def compare(
    pdf: Path, expected: Mapping[str, Any], record: Mapping[str, Any], full_text: bool = False
) -> FileResult:
    """Compare an output record (`Report.model_dump(mode="json")`) with an expected JSON.

    Cells compared: every key of the tables the expected JSON lists, plus any key of those
    tables that only the output has: a key absent from the expected counts as expected null
    (a null there is right and not counted; a value is a null-versus-value mismatch). A key
    absent from the output counts as got null. Tables the expected JSON does not list are
    not compared."""
    result = FileResult(pdf)
    want_report, got_report = expected.get("report") or {}, record.get("report") or {}
    for key in ("agency", "year", "template"):
        want, got = want_report.get(key), got_report.get(key)
        if want != got:
            result.metadata_diffs.append(f"{key}: expected {want!r}, got {got!r}")

    want_tables, got_tables = _flatten(expected.get("tables") or {}), _flatten(record.get("tables") or {})
    for table, want_cells in want_tables.items():
        got_cells = got_tables.get(table, {})
        keys = list(want_cells) + [k for k in got_cells if k not in want_cells]
        for key in keys:
            want, got = want_cells.get(key, ABSENT), got_cells.get(key, ABSENT)
            if _is_null(want) and _is_null(got):
                if want != ABSENT:  # a null the expected lists: a cell, and right
                    result.cells[table] += 1
                    result.correct[table] += 1
                continue
            result.cells[table] += 1
            if _same(want, got):
                result.correct[table] += 1
            elif _is_null(got):
                result.wrong.append(Mismatch(key, want, got, "null_got"))
            elif _is_null(want):
                result.wrong.append(Mismatch(key, want, got, "null_expected"))
            else:
                result.wrong.append(Mismatch(key, want, got, "wrong"))

    if "indicators" in expected:
        _compare_indicators(result, expected, record)
    # A scan's prose pages are read only with --full-text: without it, its sections are
    # not expected (see the README, "Sections and prose figures").
    prose_read = full_text or (record.get("source") or {}).get("kind") not in ("scanned", "mixed")
    if "sections" in expected and prose_read:
        _compare_sections(result, expected, record)

    findings = list(record.get("findings") or [])
    with_values = {t for t, cells in want_tables.items() if any(v is not None for v in cells.values())}
    for f in findings:
        rule = f.get("rule")
        if rule in _TABLE_RULES:
            table = _finding_table(f)
            if table in with_values and table not in result.tables_missing:
                result.tables_missing.append(table)
        elif rule in _ROW_RULES:
            result.rows_unmatched.append(f.get("message_en") or f.get("message") or rule)
        elif rule == _UNPLACED_RULE:
            result.values_unplaced.append(f.get("message_en") or f.get("message") or rule)

    # Compared: every error finding, and the warnings of the soft checks (prose against
    # tables, plausibility), which the expected JSON lists under "warnings".
    result.expected_findings = {
        _expected_finding_key(f) for f in [*expected.get("findings", []), *expected.get("warnings", [])]
    }
    indicator_of = {i["cell"]: i.get("key") or i.get("label") for i in record.get("indicators") or ()}
    result.found_findings = {
        _found_finding_key(f, indicator_of)
        for f in findings
        if f.get("severity") == "error"
        or (f.get("severity") == "warning" and str(f.get("rule", "")).startswith(SOFT_RULE_PREFIXES))
    }
    return result


def _expected_finding_key(finding: Mapping[str, Any]) -> FindingKey:
    """Template findings name their cells; an indicator finding of a pre-2019 expected JSON
    names the indicator it is about (`"indicator": "replies_total"`, the parent of a
    parts_sum)."""
    if "indicator" in finding:
        return (finding["rule"], frozenset({finding["indicator"]}))
    return (finding["rule"], frozenset(finding.get("cells") or ()))


def _found_finding_key(finding: Mapping[str, Any], indicator_of: Mapping[str, Any]) -> FindingKey:
    cells = finding.get("cells") or ()
    if str(finding.get("rule", "")).startswith("indicators.") and cells:
        return (finding["rule"], frozenset({indicator_of.get(cells[0], cells[0])}))
    return (finding["rule"], frozenset(cells))


def _indicator_place(indicator: Mapping[str, Any]) -> tuple[str, tuple[str, ...], str]:
    """What identifies a printed value of a statistics table, whatever ids the record
    gives it: its label, the labels it nests under, and its column, whitespace removed."""
    def clean(text: object) -> str:
        # NFKC: OCR reads （一） as (一), the same label as printed.
        return unicodedata.normalize("NFKC", re.sub(r"\s+", "", str(text or "")))

    return clean(indicator.get("label")), tuple(clean(p) for p in indicator.get("path") or ()), clean(indicator.get("column"))


def _compare_indicators(result: FileResult, expected: Mapping[str, Any], record: Mapping[str, Any]) -> None:
    """Pre-2019 statistics tables: every expected indicator value against the record's, found
    by label, path and column (by label and column when the path differs, which is then a
    difference of its own); then its key and unit. Values count under the table
    "indicators"; key, unit and path differences make the file inexact."""
    got_list = list(record.get("indicators") or ())
    by_place: dict[tuple, list[Mapping[str, Any]]] = {}
    by_label: dict[tuple, list[Mapping[str, Any]]] = {}
    for ind in got_list:
        label, path, column = _indicator_place(ind)
        by_place.setdefault((label, path, column), []).append(ind)
        by_label.setdefault((label, column), []).append(ind)
    used: set[int] = set()
    for want in expected.get("indicators") or ():
        label, path, column = _indicator_place(want)
        name = f"indicator {' › '.join(path + (label,))} [{column}]"
        candidates = [i for i in by_place.get((label, path, column), []) if id(i) not in used]
        if not candidates:
            candidates = [i for i in by_label.get((label, column), []) if id(i) not in used]
            if candidates:
                result.metadata_diffs.append(f"{name}: path {list(_indicator_place(candidates[0])[1])}, expected {list(path)}")
        got = candidates[0] if candidates else None
        if got is not None:
            used.add(id(got))
        want_value, got_value = want.get("value"), (got.get("value") if got is not None else ABSENT)
        result.cells["indicators"] += 1
        if _is_null(want_value) and _is_null(got_value) and got is not None:
            result.correct["indicators"] += 1
        elif _same(want_value, got_value):
            result.correct["indicators"] += 1
        elif _is_null(got_value):
            result.wrong.append(Mismatch(name, want_value, got_value, "null_got"))
        elif _is_null(want_value):
            result.wrong.append(Mismatch(name, want_value, got_value, "null_expected"))
        else:
            result.wrong.append(Mismatch(name, want_value, got_value, "wrong"))
        if got is None:
            continue
        for field_name in ("key", "unit"):
            if field_name in want and want.get(field_name) != got.get(field_name):
                result.metadata_diffs.append(f"{name}: {field_name} {got.get(field_name)!r}, expected {want.get(field_name)!r}")
    for ind in got_list:
        if id(ind) not in used and not _is_null(ind.get("value")):
            label, path, column = _indicator_place(ind)
            result.cells["indicators"] += 1
            result.wrong.append(Mismatch(f"indicator {' › '.join(path + (label,))} [{column}]", ABSENT, ind.get("value"), "null_expected"))


def _compare_sections(result: FileResult, expected: Mapping[str, Any], record: Mapping[str, Any]) -> None:
    """The numbered sections' headings, in order, whitespace removed."""
    want = [re.sub(r"\s+", "", h) for h in expected.get("sections") or ()]
    got = [re.sub(r"\s+", "", s.get("heading") or "") for s in record.get("sections") or () if s.get("number")]
    if want != got:
        result.metadata_diffs.append(f"sections: got {got}, expected {want}")


def evaluate_file(pdf: Path, expected_file: Path, settings: Settings) -> FileResult:
    """One report per file: a file the splitter reads as several reports fails."""
    expected = json.loads(expected_file.read_text(encoding="utf-8"))
    found = _extract_reports(pdf, settings)
    if isinstance(found, FileResult):
        return found
    if len(found) != 1:
        pages = ", ".join(f"{r.first_page}-{r.last_page}" for r in found)
        return FileResult(pdf, error=f"read as {len(found)} reports (pages {pages}), expected one")
    return compare(pdf, expected, found[0].report.model_dump(mode="json"), settings.full_text)


def _extract_reports(pdf: Path, settings: Settings) -> Any:
    """The file's reports (`pipeline.extract_reports`), or a failed FileResult."""
    from .pipeline import extract_reports

    try:
        return extract_reports(pdf, settings)
    except ExtractError as exc:
        return FileResult(pdf, error=exc.reason)
    except Exception as exc:  # a bug of ours: this file fails, the run goes on
        return FileResult(pdf, error=f"internal error: {type(exc).__name__}: {exc}")


def evaluate_volume(pdf: Path, expected: Sequence[Mapping[str, Any]], settings: Settings) -> list[FileResult]:
    """A volume: its expected JSON is an array of the member reports' expected records,
    each with `source.first_page` / `last_page`. One result per expected report, named
    `<file>#<first>-<last>`, matched by page range; a report found at other pages, or
    none found, fails."""
    found = _extract_reports(pdf, settings)
    if isinstance(found, FileResult):
        return [found]
    got = {(r.first_page, r.last_page): r.report.model_dump(mode="json") for r in found}
    results = []
    for want in expected:
        pages = want.get("source") or {}
        key = (pages.get("first_page"), pages.get("last_page"))
        label = pdf.with_name(f"{pdf.name}#{key[0]}-{key[1]}")
        if key in got:
            results.append(compare(label, want, got.pop(key), settings.full_text))
        else:
            results.append(FileResult(label, error=f"no report found at pages {key[0]}-{key[1]}"))
    for first, last in got:
        results.append(FileResult(pdf.with_name(f"{pdf.name}#{first}-{last}"), error="a report found where none is expected"))
    return results


def evaluate(paths: Sequence[Path], expected_dir: Optional[Path], settings: Settings) -> list[FileResult]:
    results: list[FileResult] = []
    for pdf in _collect(paths, expected_dir):
        expected_file = _expected_path(pdf, expected_dir)
        expected = json.loads(expected_file.read_text(encoding="utf-8"))
        if isinstance(expected, list):
            results += evaluate_volume(pdf, expected, settings)
        else:
            results.append(evaluate_file(pdf, expected_file, settings))
    return results


def total_classes(results: Sequence[FileResult]) -> dict[str, int]:
    totals: Counter = Counter({key: 0 for key, _ in CLASSES})
    for r in results:
        totals.update(r.classes)
    return dict(totals)


def format_classes(counts: Mapping[str, int], zeros: bool = False) -> str:
    """'wrong 1, null-vs-value 2' (non-zero classes only unless zeros)."""
    return ", ".join(f"{label} {counts[key]}" for key, label in CLASSES if zeros or counts.get(key))


def _totals(results: Sequence[FileResult]) -> tuple[Counter, Counter]:
    cells, correct = Counter(), Counter()
    for r in results:
        cells.update(r.cells)
        correct.update(r.correct)
    return cells, correct


def results_json(results: Sequence[FileResult]) -> dict[str, Any]:
    """The machine-readable summary `extract eval --json` prints."""
    cells, correct = _totals(results)
    return {
        "files": [r.to_json() for r in results],
        "tables": {t: {"cells": cells[t], "correct": correct[t]} for t in (*TABLE_KEYS, "indicators") if cells[t]},
        "totals": {
            "files": len(results),
            "exact": sum(r.perfect for r in results),
            "failed": sum(r.error is not None for r in results),
            "cells": sum(cells.values()),
            "correct": sum(correct.values()),
            "findings_expected": sum(len(r.expected_findings) for r in results),
            "findings_found": sum(len(r.expected_findings & r.found_findings) for r in results),
            "findings_spurious": sum(len(r.found_findings - r.expected_findings) for r in results),
            "classes": total_classes(results),
        },
    }


def format_results(results: Sequence[FileResult], verbose: bool = False) -> str:
    if not results:
        return "no PDFs with expected JSON found"
    lines = []
    width = max(len(r.pdf.name) for r in results)
    for r in results:
        total, right = sum(r.cells.values()), sum(r.correct.values())
        if r.error:
            status = f"ERROR {r.error}"
        else:
            missed = len(r.expected_findings - r.found_findings)
            spurious = len(r.found_findings - r.expected_findings)
            classes = format_classes(r.classes)
            status = f"{right}/{total} cells"
            status += "" if not classes else f" ({classes})"
            status += "" if not (missed or spurious) else f", findings missed {missed} spurious {spurious}"
            status += "" if not r.metadata_diffs else f", metadata: {'; '.join(r.metadata_diffs)}"
            status = ("ok    " if r.perfect else "FAIL  ") + status
        lines.append(f"{r.pdf.name:<{width}}  {status}")
        if verbose or not r.perfect:
            for table in r.tables_missing:
                lines.append(f"    table missing: {table}")
            for message in r.rows_unmatched[: None if verbose else 5]:
                lines.append(f"    row unmatched: {message}")
            for message in r.values_unplaced[: None if verbose else 5]:
                lines.append(f"    value unplaced: {message}")
            for mismatch in r.wrong[: None if verbose else 5]:
                lines.append(f"    {mismatch.describe()}")
            for rule, cells in sorted(r.expected_findings - r.found_findings, key=str):
                lines.append(f"    missed finding {rule} {sorted(cells)}")
            for rule, cells in sorted(r.found_findings - r.expected_findings, key=str):
                lines.append(f"    spurious finding {rule} {sorted(cells)}")
    cells, correct = _totals(results)
    lines.append("")
    lines.append(f"{'table':<20}{'cells':>8}{'correct':>9}{'accuracy':>10}")
    for table in (*TABLE_KEYS, "indicators"):
        if cells[table]:
            lines.append(f"{table:<20}{cells[table]:>8}{correct[table]:>9}{100 * correct[table] / cells[table]:>9.2f}%")
    all_cells, all_correct = sum(cells.values()), sum(correct.values())
    if all_cells:
        lines.append(f"{'all':<20}{all_cells:>8}{all_correct:>9}{100 * all_correct / all_cells:>9.2f}%")
    expected = sum(len(r.expected_findings) for r in results)
    detected = sum(len(r.expected_findings & r.found_findings) for r in results)
    spurious = sum(len(r.found_findings - r.expected_findings) for r in results)
    lines.append(f"rule findings: {detected}/{expected} expected found (errors and soft-check warnings), {spurious} spurious")
    lines.append(f"failure classes: {format_classes(total_classes(results), zeros=True)}")
    perfect = sum(r.perfect for r in results)
    errors = sum(r.error is not None for r in results)
    lines.append(f"files: {perfect}/{len(results)} exact, {errors} failed to read")
    return "\n".join(lines)

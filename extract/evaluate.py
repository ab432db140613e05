"""`extract eval`: accuracy against expected JSON, per table, and rule detection."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Sequence

from .errors import ExtractError
from .images import IMAGE_SUFFIXES
from .records import flatten_tables
from .settings import Settings

FindingKey = tuple[str, frozenset]
_INPUT_SUFFIXES = {".pdf"} | IMAGE_SUFFIXES
SOFT_RULE_PREFIXES = ("prose.", "plausibility.")


@dataclass
class FileResult:
    pdf: Path
    error: Optional[str] = None
    cells: Counter = field(default_factory=Counter)  # table -> cells expected
    correct: Counter = field(default_factory=Counter)  # table -> cells right
    wrong: list[tuple[str, object, object]] = field(default_factory=list)
    metadata_diffs: list[str] = field(default_factory=list)
    expected_findings: set[FindingKey] = field(default_factory=set)
    found_findings: set[FindingKey] = field(default_factory=set)

    @property
    def perfect(self) -> bool:
        return (
            self.error is None
            and not self.wrong
            and not self.metadata_diffs
            and self.expected_findings == self.found_findings
        )


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


def evaluate_file(pdf: Path, expected_file: Path, settings: Settings) -> FileResult:
    from .pipeline import extract_file

    result = FileResult(pdf)
    expected = json.loads(expected_file.read_text(encoding="utf-8"))
    try:
        report = extract_file(pdf, settings)
    except ExtractError as exc:
        result.error = exc.reason
        return result
    for key in ("agency", "year", "template"):
        want, got = expected["report"].get(key), getattr(report.report, key)
        if want != got:
            result.metadata_diffs.append(f"{key}: expected {want!r}, got {got!r}")
    got_values = flatten_tables(report.tables)
    for table, rows in expected["tables"].items():
        for row, columns in rows.items():
            for column, want in columns.items():
                key = f"{table}.{row}.{column}"
                result.cells[table] += 1
                got = got_values.get(key, "<absent>")
                if _same(want, got):
                    result.correct[table] += 1
                else:
                    result.wrong.append((key, want, got))
    # Compared: every error finding, and the warnings of the soft checks (prose against
    # tables, plausibility), which the expected JSON lists under "warnings".
    result.expected_findings = {
        (f["rule"], frozenset(f["cells"])) for f in [*expected.get("findings", []), *expected.get("warnings", [])]
    }
    result.found_findings = {
        (f.rule, frozenset(f.cells))
        for f in report.findings
        if f.severity == "error" or (f.severity == "warning" and f.rule.startswith(SOFT_RULE_PREFIXES))
    }
    return result


def evaluate(paths: Sequence[Path], expected_dir: Optional[Path], settings: Settings) -> list[FileResult]:
    return [evaluate_file(pdf, _expected_path(pdf, expected_dir), settings) for pdf in _collect(paths, expected_dir)]


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
            status = f"{right}/{total} cells"
            status += "" if not (missed or spurious) else f", findings missed {missed} spurious {spurious}"
            status += "" if not r.metadata_diffs else f", metadata: {'; '.join(r.metadata_diffs)}"
            status = ("ok    " if r.perfect else "FAIL  ") + status
        lines.append(f"{r.pdf.name:<{width}}  {status}")
        if verbose or not r.perfect:
            for key, want, got in r.wrong[: None if verbose else 5]:
                lines.append(f"    {key}: expected {want!r}, got {got!r}")
            for rule, cells in sorted(r.expected_findings - r.found_findings, key=str):
                lines.append(f"    missed finding {rule} {sorted(cells)}")
            for rule, cells in sorted(r.found_findings - r.expected_findings, key=str):
                lines.append(f"    spurious finding {rule} {sorted(cells)}")
    cells, correct = Counter(), Counter()
    for r in results:
        cells.update(r.cells)
        correct.update(r.correct)
    lines.append("")
    lines.append(f"{'table':<20}{'cells':>8}{'correct':>9}{'accuracy':>10}")
    for table in ("proactive", "applications", "review_litigation"):
        if cells[table]:
            lines.append(f"{table:<20}{cells[table]:>8}{correct[table]:>9}{100 * correct[table] / cells[table]:>9.2f}%")
    all_cells, all_correct = sum(cells.values()), sum(correct.values())
    if all_cells:
        lines.append(f"{'all':<20}{all_cells:>8}{all_correct:>9}{100 * all_correct / all_cells:>9.2f}%")
    expected = sum(len(r.expected_findings) for r in results)
    detected = sum(len(r.expected_findings & r.found_findings) for r in results)
    spurious = sum(len(r.found_findings - r.expected_findings) for r in results)
    lines.append(f"rule findings: {detected}/{expected} expected found (errors and soft-check warnings), {spurious} spurious")
    perfect = sum(r.perfect for r in results)
    errors = sum(r.error is not None for r in results)
    lines.append(f"files: {perfect}/{len(results)} exact, {errors} failed to read")
    return "\n".join(lines)

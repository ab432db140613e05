"""`extract compare A B`: two reports side by side, every number with its change, and the
cross-year rules for the pair (the year-over-year view auditors ask for).

A and B are two files (PDF or page images, extracted on the fly), or, with `--db FILE`,
two reports of a batch database named `SHA256-PREFIX[:FIRST_PAGE]` or `AGENCY:YEAR` (the
agency matched as `extract check` matches it, or a fragment of one stored agency's name).
`--changed` keeps only the rows whose values differ; findings print in Chinese and English
(`--lang`). Values in effect (corrections applied)
unless `--original`.

Lives beside pipeline.py (not in a stage folder) because it extracts files on the fly.
Exit codes: 0 shown; 1 --strict and a cross-year error; 2 usage (a name matching no
report or several); 3-8 and 10 as `extract FILE` for a file; 9 database error.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Mapping, Optional, Sequence

from .checks.cross_year import CrossFinding, YearReport, check_pair, indicator_map, same_agency
from .errors import ExtractError
from .export.labels import cell_label, union_keys
from .records import CellValue, as_number
from .settings import Settings

PRE2019 = "pre2019"


@dataclass(frozen=True)
class Side:
    """One report being compared: where it came from and its values."""

    ref: str  # the file, or the database report's sha256 prefix (and first page)
    sha256: str
    first_page: int
    agency: Optional[str]
    year: Optional[int]
    template: Optional[str]
    values: Mapping[str, CellValue]
    # A pre-2019 report's indicators (JSON, values in effect); empty for a template report.
    indicators: tuple[Mapping, ...] = ()

    @property
    def title(self) -> str:
        return f"{self.agency or '?'} {self.year or '?'}"

    @property
    def pre2019(self) -> bool:
        return self.template == PRE2019

    def as_year_report(self) -> YearReport:
        return YearReport(self.sha256, self.first_page, self.agency, self.year, self.values,
                          indicator_map(self.indicators))


@dataclass(frozen=True)
class CompareRow:
    key: str
    label: str
    a: CellValue
    b: CellValue
    change: Optional[float]  # b - a when both are numbers
    change_pct: Optional[float]  # change / a in percent, when a is not 0
    cross_year: str  # the cross-year findings involving this key, '; '-joined


@dataclass(frozen=True)
class Comparison:
    a: Side
    b: Side
    rows: tuple[CompareRow, ...]
    findings: tuple[CrossFinding, ...]
    notes: tuple[str, ...]  # why rules were not applied, agencies that differ
    # False when one report is pre-2019 and the other follows a national template: nothing
    # was compared (the note says so).
    comparable: bool = True


# ---------------------------------------------------------------- the two sides


def side_from_file(path: Path, settings: Settings) -> Side:
    from .export.stored import record_values
    from .pipeline import extract_file

    record = extract_file(path, settings).model_dump(mode="json")
    info = record["report"]
    return Side(str(path), record["source"]["sha256"], 1, info.get("agency"), info.get("year"),
                info.get("template"), record_values(record), tuple(record.get("indicators") or ()))


_SHA_REF = re.compile(r"^([0-9a-fA-F]{6,64})(?::(\d+))?$")


def find_report(reports, ref: str, canonical: Optional[set] = None):
    """The stored report named `SHA256-PREFIX[:FIRST_PAGE]` or `AGENCY:YEAR`. AGENCY is a
    name matched as `extract check` matches agencies, or else a fragment of one stored
    agency's name (洪泽 for 淮安市洪泽区人民政府; names `check` takes for one agency count
    once). Raises ExtractError (exit 2) when none or several match, or when the fragment is
    in several agencies' names (the message lists them); `AGENCY:YEAR` matching several
    copies of one report (`canonical`: the (sha256, first_page) of canonical copies) names
    the canonical one."""
    match = _SHA_REF.match(ref)
    if match:
        prefix, page = match.group(1).lower(), match.group(2)
        found = [r for r in reports if r.sha256.startswith(prefix) and (page is None or r.first_page == int(page))]
    else:
        agency, _, year = ref.rpartition(":")
        agency = agency.strip()
        if not agency or not year.strip().isdigit():
            raise ExtractError(ref, "name a report as SHA256-PREFIX[:FIRST_PAGE] or AGENCY:YEAR "
                               "(AGENCY a name or a fragment of one)")
        named = [r for r in reports if r.agency and same_agency(r.agency, agency)]
        if not named:
            named = _by_fragment(reports, agency, ref)
        found = [r for r in named if r.year == int(year)]
        if len(found) > 1 and canonical is not None:
            found = [r for r in found if (r.sha256, r.first_page) in canonical] or found
    if not found:
        raise ExtractError(ref, "no report of the database matches")
    if len(found) > 1:
        names = ", ".join(f"{r.ref} ({r.agency} {r.year})" for r in found[:5])
        raise ExtractError(ref, f"{len(found)} reports match: {names}")
    return found[0]


def _by_fragment(reports, fragment: str, ref: str) -> list:
    """The reports of the one agency whose name holds `fragment` (as written, or both
    normalised as `check` normalises names); [] when none does. Several agencies: an
    ExtractError listing them."""
    from .checks.cross_year import agency_groups, normalise_agency

    wanted = normalise_agency(fragment)
    names = {r.agency for r in reports if r.agency}
    hits = {n for n in names if fragment in n or wanted in normalise_agency(n)}
    if not hits:
        return []
    group = agency_groups(names)
    agencies = {group[n] for n in hits}
    if len(agencies) > 1:
        shown = sorted({max((n for n in hits if group[n] == g), key=len) for g in agencies})
        more = f" and {len(shown) - 8} more" if len(shown) > 8 else ""
        raise ExtractError(ref, f"the agency fragment {fragment!r} is in {len(agencies)} agencies' names: "
                           + ", ".join(shown[:8]) + more + "; give more of the name")
    return [r for r in reports if r.agency and group[r.agency] in agencies]


def canonical_ids(db: Path) -> set:
    """(sha256, first_page) of the canonical copy of each report (batch/copies.py)."""
    from .batch.store import open_store

    store = open_store(db, readonly=True)
    try:
        return {(r[0], r[1]) for r in store.execute("SELECT sha256, first_page FROM canonical_reports")}
    finally:
        store.close()


def sides_from_db(db: Path, refs: Sequence[str], original: bool) -> list[Side]:
    from .export.stored import load_reports

    reports = load_reports(db, original=original)
    canonical = canonical_ids(db)
    out = []
    for ref in refs:
        r = find_report(reports, ref, canonical)
        out.append(Side(r.ref, r.sha256, r.first_page, r.agency, r.year, r.template, r.values(),
                        tuple(r.indicators)))
    return out


# ---------------------------------------------------------------- the comparison


def compare(a: Side, b: Side) -> Comparison:
    if a.pre2019 != b.pre2019:
        old, new = (a, b) if a.pre2019 else (b, a)
        note = (f"not comparable: {'A' if old is a else 'B'} ({old.title}) is a pre-2019 report (statistics table "
                f"indicators) and {'B' if new is b else 'A'} ({new.title}) follows the {new.template or '?'} template: "
                "no value of one has a counterpart in the other")
        return Comparison(a, b, (), (), (note,), comparable=False)
    notes: list[str] = []
    findings: list[CrossFinding] = []
    if a.agency and b.agency and not same_agency(a.agency, b.agency):
        notes.append(f"the agencies differ: {a.agency} / {b.agency}")
    if a.year and b.year and abs(a.year - b.year) == 1:
        earlier, later = (a, b) if a.year < b.year else (b, a)
        findings = check_pair(earlier.as_year_report(), later.as_year_report())
    else:
        notes.append(f"cross-year rules not applied: years {a.year or '?'} and {b.year or '?'} are not consecutive")

    by_key: dict[str, list[str]] = {}
    for f in findings:
        for key in f.cells:
            by_key.setdefault(key, []).append(f"[{f.severity}] {f.rule}")
    if a.pre2019:
        rows = _indicator_rows(a, b, by_key)
    else:
        rows = _template_rows(a, b, by_key)
    return Comparison(a, b, tuple(rows), tuple(findings), tuple(notes))


def _row(key: str, label: str, va: CellValue, vb: CellValue, cross: str) -> CompareRow:
    na, nb = as_number(va), as_number(vb)
    change = nb - na if na is not None and nb is not None else None
    pct = 100.0 * change / na if change is not None and na else None
    return CompareRow(key, label, va, vb, change, pct, cross)


def _template_rows(a: Side, b: Side, by_key: Mapping[str, list[str]]) -> list[CompareRow]:
    keys = [k for k in union_keys() if k in a.values or k in b.values]
    keys += [k for k in (*a.values, *b.values) if k not in keys]
    rows = []
    for key in dict.fromkeys(keys):
        va, vb = a.values.get(key), b.values.get(key)
        if va is None and vb is None:
            continue  # printed in neither: nothing to compare
        version = a.template if key in a.values else b.template
        rows.append(_row(key, cell_label(key, version), va, vb, "; ".join(by_key.get(key, ()))))
    return rows


def _label_core(text: str) -> str:
    from .indicators import indicator_core

    return indicator_core(text) or re.sub(r"\s+", "", text)


def _match_key(ind: Mapping) -> tuple:
    """What makes two pre-2019 indicator values the same figure in two reports: the
    vocabulary key (with its printing's number: the row id) and the column's kind, whatever
    the rows' places; outside the vocabulary, the printed label and the labels it nests
    under. A column of no known kind is matched by its printed header."""
    _, row_id, _ = ind["cell"].split(".")
    column = ind.get("column_key") or "header:" + re.sub(r"\s+", "", ind["column"])
    if ind.get("key"):
        return ("key", row_id, column)
    return ("label", tuple(_label_core(p) for p in ind.get("path") or ()), _label_core(ind["label"]), column)


def _indicator_label(ind: Mapping) -> str:
    path = " › ".join(ind.get("path") or ())
    unit = f"（{ind['unit']}）" if ind.get("unit") else ""
    return f"{path + ' › ' if path else ''}{ind['label']}{unit} | {ind['column']}"


def _indicator_rows(a: Side, b: Side, by_key: Mapping[str, list[str]]) -> list[CompareRow]:
    """Indicator by indicator, in A's printed order, then B's indicators A lacks. The key
    shown is the cell key (`A's / B's` when the two reports number the row differently)."""
    def keyed(side: Side) -> dict[tuple, Mapping]:
        out: dict[tuple, Mapping] = {}
        for ind in sorted(side.indicators, key=lambda i: (i["table"], i["row"])):
            out.setdefault(_match_key(ind), ind)
        return out

    left, right = keyed(a), keyed(b)
    rows = []
    for match in dict.fromkeys([*left, *right]):
        ia, ib = left.get(match), right.get(match)
        va, vb = (ia or {}).get("value"), (ib or {}).get("value")
        if va is None and vb is None:
            continue
        cells = list(dict.fromkeys(i["cell"] for i in (ia, ib) if i))
        cross = "; ".join(dict.fromkeys(x for c in cells for x in by_key.get(c, ())))
        rows.append(_row(" / ".join(cells), _indicator_label(ia or ib), va, vb, cross))  # type: ignore[arg-type]
    return rows


def _differs(row: CompareRow) -> bool:
    """A and B hold different values (numbers compared as numbers: 15 = 15.0; printed in
    one report only counts as a difference)."""
    na, nb = as_number(row.a), as_number(row.b)
    if na is not None and nb is not None:
        return na != nb
    return row.a != row.b


def only_changed(comparison: Comparison) -> Comparison:
    """The comparison with only the rows whose values differ, and the rows a cross-year
    finding names (their context); a note counts the rows left out."""
    kept = tuple(r for r in comparison.rows if _differs(r) or r.cross_year)
    left = len(comparison.rows) - len(kept)
    note = f"--changed: {left} of {len(comparison.rows)} rows with equal values not shown"
    return replace(comparison, rows=kept, notes=comparison.notes + ((note,) if comparison.comparable else ()))


def _num(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}" if abs(value) < 1e15 else repr(value)
    return str(value)


def _change(value: Optional[float]) -> str:
    return "" if value is None else f"{value:+g}"


def _pct(value: Optional[float]) -> str:
    return "" if value is None else f"{value:+.1f}%"


# ---------------------------------------------------------------- output


CSV_COLUMNS = ("key", "label", "a", "b", "change", "change_pct", "cross_year")


def write_csv(comparison: Comparison, out) -> None:
    """The comparison as CSV: first the two reports' identity (keys report.*), then one row
    per value printed in either report; `cross_year` names the cross-year findings a value
    is involved in."""
    a, b = comparison.a, comparison.b
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for field in ("ref", "agency", "year", "template"):
        writer.writerow((f"report.{field}", "", _num(getattr(a, field)), _num(getattr(b, field)), "", "", ""))
    for r in comparison.rows:
        writer.writerow((r.key, r.label, _num(r.a), _num(r.b), _change(r.change),
                         "" if r.change_pct is None else f"{r.change_pct:.1f}", r.cross_year))


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(0, width - _width(text))
    return gap + text if right else text + gap


def finding_lines(severity: str, rule: str, message: str, message_en: Optional[str], lang: str = "both",
                  indent: str = "  ") -> list[str]:
    """One finding as printed by `check` and `compare`: `[severity] rule: message` in
    Chinese, in English, or (lang both) the Chinese line with the English one under it."""
    head = f"{indent}[{severity}] {rule}: "
    zh, en = message, message_en or message
    if lang == "zh":
        return [head + zh]
    if lang == "en" or en == zh:
        return [head + en]
    return [head + zh, " " * len(head) + en]


def _footer(comparison: Comparison, lang: str = "both") -> list[str]:
    lines = [f"note: {n}" for n in comparison.notes]
    if not comparison.comparable:
        return lines
    errors = sum(f.severity == "error" for f in comparison.findings)
    warnings = sum(f.severity == "warning" for f in comparison.findings)
    infos = len(comparison.findings) - errors - warnings
    if not any("not applied" in n for n in comparison.notes):
        lines.append(f"cross-year rules: {errors} error, {warnings} warning" + (f", {infos} info" if infos else ""))
    for f in comparison.findings:
        lines += finding_lines(f.severity, f.rule, f.message, f.message_en, lang)
    return lines


def render_plain(comparison: Comparison, lang: str = "both") -> str:
    a, b = comparison.a, comparison.b
    if not comparison.comparable:
        return "\n".join([f"A: {a.ref}  {a.title} (template {a.template or '?'})",
                          f"B: {b.ref}  {b.title} (template {b.template or '?'})", "", *_footer(comparison, lang)])
    # The label goes last: the longest (（六）其他处理's sub-rows) would push the numbers away.
    head = ("key", f"A {a.year or '?'}", f"B {b.year or '?'}", "change", "%", "cross-year", "label")
    body = [(r.key, _num(r.a), _num(r.b), _change(r.change), _pct(r.change_pct), r.cross_year, r.label)
            for r in comparison.rows]
    widths = [max(_width(row[i]) for row in (head, *body)) for i in range(len(head))]
    numeric = {1, 2, 3, 4}
    lines = [f"A: {a.ref}  {a.title} (template {a.template or '?'})",
             f"B: {b.ref}  {b.title} (template {b.template or '?'})", ""]
    for row in (head, *body):
        lines.append("  ".join(_pad(cell, widths[i], i in numeric) for i, cell in enumerate(row)).rstrip())
    return "\n".join(lines + [""] + _footer(comparison, lang))


def print_rich(comparison: Comparison, lang: str = "both") -> None:
    from rich.console import Console
    from rich.table import Table

    a, b = comparison.a, comparison.b
    if not comparison.comparable:
        console = Console()
        console.print(render_plain(comparison, lang), markup=False)
        return
    table = Table(title=f"A: {a.title} ({a.ref})   B: {b.title} ({b.ref})")
    table.add_column("label", overflow="fold", ratio=3)
    for name in (f"A {a.year or '?'}", f"B {b.year or '?'}", "change", "%"):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("key", style="dim", overflow="fold", ratio=2)
    previous = None
    for r in comparison.rows:
        if previous and r.key.split(".")[0] != previous and not r.key.startswith("indicators."):
            table.add_section()
        previous = r.key.split(".")[0]
        change = _change(r.change)
        if r.change:
            change = f"[green]{change}[/]" if r.change > 0 else f"[red]{change}[/]"
        key = f"{r.key} [bold red]{r.cross_year}[/]" if r.cross_year else r.key
        table.add_row(r.label, _num(r.a), _num(r.b), change, _pct(r.change_pct), key,
                      style="bold" if r.cross_year else None)
    console = Console()
    console.print(table)
    red = False
    for line in _footer(comparison, lang):
        red = "[error]" in line or (red and line.startswith("   "))  # an English line under an error
        console.print(line, markup=False, style="red" if red else None)


def main(argv: Optional[Sequence[str]] = None) -> int:
    from .options import INTERNAL_ERROR, add_lang, add_limits, add_ocr, bilingual_help, fail, settings_from

    parser = argparse.ArgumentParser(
        prog="extract compare",
        **bilingual_help(
            "并排比较两份报告：两者的每个数字及其变化（B − A），年度相邻时核验跨年规则；A、B 为文件，或配合 --db "
            "为数据库中的报告（SHA256 前缀或 机关:年度，如 洪泽:2022）；--changed 只显示有变化的数字。",
            "Two reports side by side: every number of both with its change (B - A), and the "
            "cross-year rules when their years are consecutive. A and B are files (extracted now) or, with "
            "--db, reports of a batch database named SHA256-PREFIX[:FIRST_PAGE] (as `extract list` shows it) or "
            "AGENCY:YEAR, AGENCY a name (matched as `extract check` matches agencies) or a fragment of one stored "
            "agency's name (洪泽:2022). --changed shows only what changed.",
            exit_codes="0 shown; 1 --strict and a cross-year error; 2 usage or no/several matching reports; "
            "3-8, 10 as extract FILE; 9 database error"),
    )
    parser.add_argument("a", help="the first report (a file, or a database report name with --db)")
    parser.add_argument("b", help="the second report")
    parser.add_argument("--db", type=Path, help="compare two reports of this batch database")
    parser.add_argument("--original", action="store_true", help="with --db: ignore corrections")
    parser.add_argument("--csv", type=Path, metavar="PATH", help="also write the comparison as CSV (UTF-8 with BOM)")
    parser.add_argument("--plain", action="store_true", help="plain text even on a terminal (rich otherwise)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a cross-year rule is broken")
    parser.add_argument("--changed", action="store_true",
                        help="show only the rows whose values differ (and rows a cross-year finding names), on the "
                        "terminal and in --csv; the cross-year findings are all shown")
    add_lang(parser)
    add_ocr(parser)
    add_limits(parser)
    args = parser.parse_args(argv)

    try:
        if args.db:
            a, b = sides_from_db(args.db, (args.a, args.b), args.original)
        else:
            settings = settings_from(args)
            a, b = side_from_file(Path(args.a), settings), side_from_file(Path(args.b), settings)
    except ExtractError as exc:
        return fail(f"{exc.path}: {exc.reason}", exc.exit_code)
    except Exception as exc:  # a bug of ours: still one line
        return fail(f"{args.a} / {args.b}: internal error: {type(exc).__name__}: {exc}", INTERNAL_ERROR)

    comparison = compare(a, b)
    if args.changed:
        comparison = only_changed(comparison)
    if args.csv:
        try:
            with open(args.csv, "w", encoding="utf-8-sig", newline="") as out:
                write_csv(comparison, out)
        except OSError as exc:
            return fail(f"{args.csv}: cannot write: {exc.strerror or exc}", 2)
    use_rich = sys.stdout.isatty() and not args.plain
    if use_rich:
        try:
            print_rich(comparison, args.lang)
        except ImportError:
            use_rich = False
    if not use_rich:
        print(render_plain(comparison, args.lang))
    return 1 if args.strict and any(f.severity == "error" for f in comparison.findings) else 0

"""Soft checks: what a careful auditor notices beyond the 勾稽关系 — figures in the prose
that contradict the tables (the figures and the cells each states are found by
`prose_figures`), and agencies reporting things their level cannot produce.
All warnings: the report may be right and the prose loose, but a reader should look.
"""

from __future__ import annotations

import re
from typing import Mapping, Optional, Sequence, Union

from ..records import CellValue, Finding, Indicator, ProseFigure, as_number
from ..template import TemplateVersion
from .validate import Outcome


_MONEY = {"元": 1.0, "千元": 1e3, "万元": 1e4, "亿元": 1e8}


def _in_unit(value: float, unit: Optional[str], table_unit: Optional[str]) -> Optional[float]:
    """A stated amount in the table's unit (3940元 against a 万元 column is 0.394); None
    when the two units cannot be compared. Counts (件, 条 …) compare as they are."""
    if unit in _MONEY or table_unit in _MONEY:
        if unit not in _MONEY or table_unit not in _MONEY:
            return None
        return value * _MONEY[unit] / _MONEY[table_unit]
    return value


def _figures(prose: Union[str, Sequence[ProseFigure]]) -> Sequence[ProseFigure]:
    if isinstance(prose, str):
        from .prose_figures import figures_in_text

        return figures_in_text(prose)
    return prose


def prose_vs_tables(
    prose: Union[str, Sequence[ProseFigure]],
    values: Mapping[str, CellValue],
    units: Optional[Mapping[str, Optional[str]]] = None,
    outcomes: Optional[list[Outcome]] = None,
) -> list[Finding]:
    """A figure the prose states once, against the table cells it describes (`cells`:
    template cells, or a pre-2019 report's indicator cells, with `values` holding their
    values and `units` their units). Only the whole agency's figure for the year has cells
    (`prose_figures.out_of_scope`); a figure stated with different numbers in different
    places is ambiguous and left alone; a figure read by OCR is never compared (a misread
    digit would accuse the report). `prose` is the figures (`prose_figures.read_prose`),
    or the text as one string. `outcomes`, when given, receives how each figure compared
    (held, broken, or unchecked: ambiguous, a cell null, units that cannot be compared)."""
    tally: list[Outcome] = [] if outcomes is None else outcomes
    stated: dict[tuple[str, ...], list[ProseFigure]] = {}
    for figure in _figures(prose):
        if figure.cells and figure.source != "ocr":
            stated.setdefault(figure.cells, []).append(figure)
    findings = []
    for cells, figures in stated.items():
        if len({f.value for f in figures}) != 1:
            tally.append(Outcome("prose.contradicts_table", cells, "unchecked"))
            continue
        figure = figures[0]
        numbers = [as_number(values.get(k)) for k in cells]
        if any(n is None for n in numbers):
            tally.append(Outcome("prose.contradicts_table", cells, "unchecked"))
            continue
        table = sum(numbers)  # type: ignore[arg-type]
        table_unit = (units or {}).get(cells[0])
        said = _in_unit(float(figure.value), figure.unit, table_unit)
        if said is None:
            tally.append(Outcome("prose.contradicts_table", cells, "unchecked"))
            continue
        if abs(said - table) < 1e-6:
            tally.append(Outcome("prose.contradicts_table", cells, "held"))
            continue
        tally.append(Outcome("prose.contradicts_table", cells, "broken"))
        name = figure.about or ""
        unit = figure.unit or ""
        printed = f"{table:g}{table_unit or unit}"
        findings.append(
            Finding(
                rule="prose.contradicts_table",
                severity="warning",
                message=f"正文称{name}{figure.text}，表格为{printed}",
                message_en=f"the text states {figure.text} for {name}; the table has {printed}",
                cells=cells,
                expected=float(said),
                printed=float(table),
            )
        )
    return findings


# Only provincial governments, governments of cities with districts and autonomous
# prefectures, and State Council ministries make 规章; a county, district, township or a
# local department does not.
_NATIONAL = re.compile(r"^(国务院|国家|中华人民共和国|中国)")
_RULE_MAKING_GOVERNMENT = re.compile(r"(省|自治区|市|州)人民政府(办公厅|办公室)?$")
_BELOW_CITY = re.compile(r"(?<!自治)(县|区|镇|乡|街道|旗)人民政府|街道办事处")
_REGULATION_COUNTS: dict[TemplateVersion, tuple[str, ...]] = {
    "2021": ("proactive.regulations.issued", "proactive.regulations.repealed"),
    "2019": ("proactive.regulations.made", "proactive.regulations.published"),
}


def makes_regulations(agency: str) -> bool:
    if _NATIONAL.match(agency):
        return True
    return bool(_RULE_MAKING_GOVERNMENT.search(agency)) and not _BELOW_CITY.search(agency)


def agency_plausibility(agency: Optional[str], values: Mapping[str, CellValue], version: str) -> list[Finding]:
    if not agency or version not in _REGULATION_COUNTS or makes_regulations(agency):
        return []
    made = [k for k in _REGULATION_COUNTS[version] if (as_number(values.get(k)) or 0) > 0]
    if not made:
        return []
    return [
        Finding(
            rule="plausibility.regulations",
            severity="warning",
            message=f"“{agency}”报告了本年制发或废止的规章，但只有省级、设区的市级人民政府和国务院部门制定规章",
            message_en=f"{agency} reports 规章 made or repealed this year; only provincial and city governments and ministries make them",
            cells=tuple(made),
        )
    ]


def run_soft_checks(
    prose: Union[str, Sequence[ProseFigure]],
    values: Mapping[str, CellValue],
    agency: Optional[str],
    version: str,
    indicators: Sequence[Indicator] = (),
    outcomes: Optional[list[Outcome]] = None,
) -> list[Finding]:
    """The prose check (the figures, or the text as one string) and the plausibility
    checks. A pre-2019 report's figures are compared with its `indicators` (their values
    and units, under their cells)."""
    if indicators:
        values = {**values, **{i.cell: i.value for i in indicators}}
    units = {i.cell: i.unit for i in indicators}
    return prose_vs_tables(prose, values, units, outcomes) + agency_plausibility(agency, values, version)

"""Soft checks: what a careful auditor notices beyond the 勾稽关系 — figures in the prose
that contradict the tables, and agencies reporting things their level cannot produce.
All warnings: the report may be right and the prose loose, but a reader should look.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping, Optional

from .records import CellValue, Finding
from .template import TemplateVersion


@dataclass(frozen=True)
class _ProseFigure:
    name: str  # what the sentence states, for messages
    pattern: re.Pattern
    cells: tuple[str, ...]  # the table cells whose sum the figure states


def _p(expr: str) -> re.Pattern:
    return re.compile(expr)


# Clauses are matched within one sentence part (no 。；，between the verb and the count).
_FIGURES: tuple[_ProseFigure, ...] = (
    _ProseFigure(
        "收到政府信息公开申请",
        _p(r"(?:新?收到|受理|接收|共收到|共受理)[^。；;，,、\d]{0,24}?申请[^。；;，,、\d]{0,8}?(\d+)件"),
        ("applications.new_received.total",),
    ),
    _ProseFigure("予以公开", _p(r"予以公开[^。；;，,、\d]{0,4}?(\d+)件"), ("applications.granted.total",)),
    _ProseFigure("部分公开", _p(r"部分公开[^。；;，,、\d（(]{0,4}?(\d+)件"), ("applications.partially_granted.total",)),
    _ProseFigure(
        "政府信息公开行政复议",
        _p(r"行政复议[^。；;，,、\d]{0,6}?(\d+)(?:件|起)"),
        ("review_litigation.review.total",),
    ),
    _ProseFigure(
        "政府信息公开行政诉讼",
        _p(r"行政诉讼[^。；;，,、\d]{0,6}?(\d+)(?:件|起)"),
        ("review_litigation.litigation_direct.total", "review_litigation.litigation_after_review.total"),
    ),
)


def _number(v: CellValue) -> Optional[float]:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def prose_vs_tables(prose: str, values: Mapping[str, CellValue]) -> list[Finding]:
    """A figure the prose states once, against the table cells it describes. A figure
    stated with different numbers in different places is ambiguous and left alone."""
    findings = []
    for figure in _FIGURES:
        stated = {int(m.group(1)) for m in figure.pattern.finditer(prose)}
        if len(stated) != 1:
            continue
        numbers = [_number(values.get(k)) for k in figure.cells]
        if any(n is None for n in numbers):
            continue
        said, table = stated.pop(), sum(numbers)  # type: ignore[arg-type]
        if said != table:
            findings.append(
                Finding(
                    rule="prose.contradicts_table",
                    severity="warning",
                    message=f"正文称{figure.name}{said}件，表格为{int(table)}件",
                    message_en=f"the text states {said} for {figure.name}; the table has {int(table)}",
                    cells=figure.cells,
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


def agency_plausibility(agency: Optional[str], values: Mapping[str, CellValue], version: TemplateVersion) -> list[Finding]:
    if not agency or makes_regulations(agency):
        return []
    made = [k for k in _REGULATION_COUNTS[version] if (_number(values.get(k)) or 0) > 0]
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
    prose: str, values: Mapping[str, CellValue], agency: Optional[str], version: TemplateVersion
) -> list[Finding]:
    return prose_vs_tables(prose, values) + agency_plausibility(agency, values, version)

"""Consistency rules (勾稽关系) over the extracted values, as findings that name their cells.

Null-aware: a rule whose cells are not all numbers is not passed silently; it is reported
as unchecked (info) with the cells that were missing.
"""

from __future__ import annotations

import functools

from dataclasses import dataclass
from typing import Iterator, Literal, Mapping, Optional

from .. import template as tpl
from ..records import CellValue, Finding, as_number
from ..template import TemplateVersion

# Counts are integers; amounts may be decimals. Sums of integers compare exactly; the
# tolerance only absorbs float rounding in decimal sums.
_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Equation:
    """One 勾稽关系: sum(parts) = sum(totals). `cells` lists the keys in the order
    findings name them."""

    rule: str
    parts: tuple[str, ...]
    totals: tuple[str, ...]
    cells: tuple[str, ...]
    zh: str
    en: str
    # How a broken rule is worded: (Chinese, English) templates with {parts} and {totals}.
    broken_zh: str = "{zh}不成立：应为{parts}，表中为{totals}"
    broken_en: str = "{en} does not hold: expected {parts}, printed {totals}"

    def residual(self, values: Mapping[str, CellValue]) -> Optional[float]:
        """sum(parts) - sum(totals), or None when a cell is not a number."""
        numbers = [as_number(values.get(k)) for k in self.cells]
        if any(n is None for n in numbers):
            return None
        return sum(as_number(values[k]) for k in self.parts) - sum(as_number(values[k]) for k in self.totals)  # type: ignore[misc]


RuleState = Literal["held", "broken", "unchecked"]


@dataclass(frozen=True)
class Outcome:
    """How one instance of a rule came out, for the rule accounting (`checks.accounting`)."""

    rule: str
    cells: tuple[str, ...]
    state: RuleState


def outcome(equation: Equation, values: Mapping[str, CellValue]) -> Outcome:
    """held, broken, or unchecked (a cell null, unreadable or unit-bearing), as `check` decides."""
    residual = equation.residual(values)
    if residual is None:
        state: RuleState = "unchecked"
    else:
        state = "held" if abs(residual) <= _TOLERANCE else "broken"
    return Outcome(equation.rule, equation.cells, state)


def equations(version: TemplateVersion, layout: Optional[tpl.OtherLayout] = None) -> list[Equation]:
    """Every rule of the template, as equations over cell keys; `layout` says how the
    report printed （六）其他处理 (the version's own layout when None)."""
    return list(_equations(version, layout))


@functools.lru_cache(maxsize=None)
def _equations(version: TemplateVersion, layout: Optional[tpl.OtherLayout]) -> tuple[Equation, ...]:
    """Made once per (version, layout): the review app asks for them for every cell it shows
    (a report page asked ~90 times, a quarter of its time). Equations are frozen."""

    def key(row: str, col: str) -> str:
        return f"applications.{row}.{col}"

    labels = {c.key: c.label for c in tpl.APPLICATION_COLUMNS}
    found: list[Equation] = []
    for col in tpl.APPLICATION_COLUMNS:
        c = col.key
        parts = (key("new_received", c), key("carried_over", c))
        totals = (key("total_handled", c), key("carried_forward", c))
        found.append(Equation(
            "applications.balance", parts, totals, parts + totals,
            f"{labels[c]}列：第一项加第二项之和等于第三项加第四项之和",
            f"column {c}: new_received + carried_over = total_handled + carried_forward",
            "{zh}不成立：一+二={parts}，三（七）+四={totals}",
            "{en} does not hold: {parts} vs {totals}",
        ))
    for row in tpl.application_rows(version, layout):
        parts = tuple(key(row.key, c) for c in tpl.APPLICANT_COLUMN_KEYS)
        total = (key(row.key, "total"),)
        found.append(Equation(
            "applications.row_total", parts, total, total + parts,
            f"“{row.label}”行：总计等于各类申请人之和",
            f"row {row.key}: total = sum of the six applicant columns",
        ))
    for col in tpl.APPLICATION_COLUMNS:
        parts = tuple(key(leaf, col.key) for leaf in tpl.result_leaf_keys(version, layout))
        total = (key("total_handled", col.key),)
        found.append(Equation(
            "applications.column_total", parts, total, total + parts,
            f"{labels[col.key]}列：（七）总计等于各项办理结果之和",
            f"column {col.key}: total_handled = sum of the result rows",
        ))
    for row in tpl.REVIEW_ROWS:
        parts = tuple(f"review_litigation.{row.key}.{c.key}" for c in tpl.REVIEW_COLUMNS if c.key != "total")
        total = (f"review_litigation.{row.key}.total",)
        found.append(Equation(
            "review_litigation.total", parts, total, total + parts,
            f"{row.group + '·' if row.group else ''}{row.label}：总计等于结果维持、结果纠正、其他结果、尚未审结之和",
            f"{row.key}: total = upheld + corrected + other + pending",
        ))
    return tuple(found)


def check(equation: Equation, values: Mapping[str, CellValue]) -> Optional[Finding]:
    """None when the rule holds; an error when it does not; an unchecked note (info)
    when a cell is null or unreadable."""
    missing = [k for k in equation.cells if as_number(values.get(k)) is None]
    if missing:
        return Finding(
            rule=equation.rule,
            severity="info",
            message=f"无法核对（空白或无法读取的单元格：{'、'.join(missing)}）：{equation.zh}",
            message_en=f"not checked (blank or unreadable cells: {', '.join(missing)}): {equation.en}",
            cells=equation.cells,
        )
    parts = sum(as_number(values[k]) for k in equation.parts)  # type: ignore[misc]
    totals = sum(as_number(values[k]) for k in equation.totals)  # type: ignore[misc]
    if abs(parts - totals) <= _TOLERANCE:
        return None
    return Finding(
        rule=equation.rule,
        severity="error",
        message=equation.broken_zh.format(zh=equation.zh, parts=_fmt(parts), totals=_fmt(totals)),
        message_en=equation.broken_en.format(en=equation.en, parts=_fmt(parts), totals=_fmt(totals)),
        cells=equation.cells,
        expected=parts,
        printed=totals,
    )


def _fmt(x: float | None) -> str:
    if x is None:
        return "—"
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _value_rules(values: Mapping[str, CellValue]) -> Iterator[Finding]:
    """Counts are whole, non-negative numbers; only 2019's 本年增/减 may be negative and only
    amounts may carry decimals or units."""
    for key, value in values.items():
        table, row, column = key.split(".")
        if value is None or isinstance(value, str):
            continue
        is_amount = column in ("amount_10k_yuan", "amount")
        if value < 0 and column != "change":
            yield Finding(
                rule="value.negative",
                severity="error",
                message=f"{key} 为负数 {value}",
                message_en=f"{key} is negative ({value})",
                cells=(key,),
                printed=float(value),
            )
        if isinstance(value, float) and not is_amount:
            yield Finding(
                rule="value.not_integer",
                severity="warning",
                message=f"{key} 应为整数，表中为 {value}",
                message_en=f"{key} should be a whole number, printed {value}",
                cells=(key,),
                printed=value,
            )


def validate(
    values: Mapping[str, CellValue], version: TemplateVersion, layout: Optional[tpl.OtherLayout] = None
) -> list[Finding]:
    """All rule findings for one report; passing checks produce nothing."""
    rule_findings = [f for eq in equations(version, layout) if (f := check(eq, values)) is not None]
    return rule_findings + list(_value_rules(values))

"""Consistency rules (勾稽关系) over the extracted values, as findings that name their cells.

Null-aware: a rule whose cells are not all numbers is not passed silently; it is reported
as unchecked (info) with the cells that were missing.
"""

from __future__ import annotations

from typing import Iterator, Mapping, Optional, Sequence

from . import template as tpl
from .records import CellValue, Finding
from .template import TemplateVersion

# Counts are integers; amounts may be decimals. Sums of integers compare exactly; the
# tolerance only absorbs float rounding in decimal sums.
_TOLERANCE = 1e-6


def _number(value: CellValue) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _sum_rule(
    rule: str,
    values: Mapping[str, CellValue],
    total_key: str,
    part_keys: Sequence[str],
    zh: str,
    en: str,
) -> Optional[Finding]:
    """`total` = sum(parts): None when it holds, an error when not, an unchecked note when
    a cell is null or unreadable."""
    cells = (total_key, *part_keys)
    numbers = {k: _number(values.get(k)) for k in cells}
    missing = [k for k, v in numbers.items() if v is None]
    if missing:
        return Finding(
            rule=rule,
            severity="info",
            message=f"无法核对（空白或无法读取的单元格：{'、'.join(missing)}）：{zh}",
            message_en=f"not checked (blank or unreadable cells: {', '.join(missing)}): {en}",
            cells=cells,
        )
    expected = sum(numbers[k] for k in part_keys)  # type: ignore[misc]
    printed = numbers[total_key]
    if abs(expected - printed) <= _TOLERANCE:  # type: ignore[operator]
        return None
    return Finding(
        rule=rule,
        severity="error",
        message=f"{zh}不成立：应为{_fmt(expected)}，表中为{_fmt(printed)}",
        message_en=f"{en} does not hold: expected {_fmt(expected)}, printed {_fmt(printed)}",
        cells=cells,
        expected=expected,
        printed=printed,
    )


def _fmt(x: float | None) -> str:
    if x is None:
        return "—"
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _application_rules(values: Mapping[str, CellValue], version: TemplateVersion) -> Iterator[Finding]:
    columns = tpl.APPLICATION_COLUMNS
    labels = {c.key: c.label for c in columns}
    rows = {r.key: r.label for r in tpl.APPLICATION_ROWS[version]}
    leaves = tpl.RESULT_LEAF_KEYS[version]

    def key(row: str, col: str) -> str:
        return f"applications.{row}.{col}"

    for col in columns:
        c = col.key
        lhs = [_number(values.get(key("new_received", c))), _number(values.get(key("carried_over", c)))]
        rhs = [_number(values.get(key("total_handled", c))), _number(values.get(key("carried_forward", c)))]
        cells = (
            key("new_received", c),
            key("carried_over", c),
            key("total_handled", c),
            key("carried_forward", c),
        )
        missing = [k for k, v in zip(cells, lhs + rhs) if v is None]
        name_zh = f"{labels[c]}列：第一项加第二项之和等于第三项加第四项之和"
        name_en = f"column {c}: new_received + carried_over = total_handled + carried_forward"
        if missing:
            yield Finding(
                rule="applications.balance",
                severity="info",
                message=f"无法核对（空白或无法读取的单元格：{'、'.join(missing)}）：{name_zh}",
                message_en=f"not checked (blank or unreadable cells: {', '.join(missing)}): {name_en}",
                cells=cells,
            )
            continue
        left, right = sum(lhs), sum(rhs)  # type: ignore[arg-type]
        if abs(left - right) > _TOLERANCE:
            yield Finding(
                rule="applications.balance",
                severity="error",
                message=f"{name_zh}不成立：一+二={_fmt(left)}，三（七）+四={_fmt(right)}",
                message_en=f"{name_en} does not hold: {_fmt(left)} vs {_fmt(right)}",
                cells=cells,
                expected=left,
                printed=right,
            )
    for row, label in rows.items():
        found = _sum_rule(
            "applications.row_total",
            values,
            key(row, "total"),
            [key(row, c) for c in tpl.APPLICANT_COLUMN_KEYS],
            f"“{label}”行：总计等于各类申请人之和",
            f"row {row}: total = sum of the six applicant columns",
        )
        if found:
            yield found
    for col in columns:
        found = _sum_rule(
            "applications.column_total",
            values,
            key("total_handled", col.key),
            [key(leaf, col.key) for leaf in leaves],
            f"{labels[col.key]}列：（七）总计等于各项办理结果之和",
            f"column {col.key}: total_handled = sum of the result rows",
        )
        if found:
            yield found


def _review_rules(values: Mapping[str, CellValue]) -> Iterator[Finding]:
    for row in tpl.REVIEW_ROWS:
        parts = [f"review_litigation.{row.key}.{c.key}" for c in tpl.REVIEW_COLUMNS if c.key != "total"]
        found = _sum_rule(
            "review_litigation.total",
            values,
            f"review_litigation.{row.key}.total",
            parts,
            f"{row.group + '·' if row.group else ''}{row.label}：总计等于结果维持、结果纠正、其他结果、尚未审结之和",
            f"{row.key}: total = upheld + corrected + other + pending",
        )
        if found:
            yield found


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


def validate(values: Mapping[str, CellValue], version: TemplateVersion) -> list[Finding]:
    """All rule findings for one report; passing checks produce nothing."""
    return [*_application_rules(values, version), *_review_rules(values), *_value_rules(values)]

"""What a reviewer types, read strictly: the one parser for a correction's value and a note.

A printed cell is read leniently (`text.parse_value`: wrapped digits, footnote marks, NFKC);
a person's input is not. It takes only ASCII and full-width digits (never Arabic-Indic ١٢٣,
Devanagari ४२, circled ① or superscript 5², which `int()` and NFKC would read silently), a
sign only where the template allows a negative (2019's 本年增/减), decimals only in an amount
cell (at most two), a bound per kind of cell, a unit only in an amount cell (as the pipeline
keeps 251000元), and a blank marker only where the caller says a blank is allowed. Anything
else is refused with a bilingual message (`InvalidInput`), before it reaches the database: no
value a person did not type (10^30 as a float, inf) is ever stored.

The value types are the pipeline's (`records.CellValue`, `checks.validate._value_rules`):
counts are non-negative integers, `change` may be negative, amounts
(`amount_10k_yuan`, `amount`) may carry decimals or a unit.
"""

from __future__ import annotations

import re
from typing import Literal, Optional

from ..records import CellValue

Kind = Literal["count", "signed_count", "amount"]

MAX_VALUE_CHARS = 32  # longer input is refused before it is parsed
MAX_NOTE_CHARS = 2000
COUNT_BOUND = 10**9  # counts: 0 <= n < 10^9
AMOUNT_BOUND = 10**12  # amounts (万元 or 元): |x| < 10^12, two decimals at most
AMOUNT_DECIMALS = 2
AMOUNT_COLUMNS = frozenset({"amount_10k_yuan", "amount"})
SIGNED_COLUMNS = frozenset({"change"})
AMOUNT_UNITS = ("万元", "亿元", "千元", "元")

# Full-width digits, point, comma, signs -> ASCII; nothing else is translated (no NFKC).
_FULL_WIDTH = str.maketrans({**{chr(0xFF10 + d): str(d) for d in range(10)},
                             "．": ".", "，": ",", "－": "-", "＋": "+", "−": "-"})
_BLANK_MARKERS = frozenset({"/", "／", "无"})
_DASHES = re.compile(r"^[-‐‑‒–—―－─━]+$")
_WITH_UNIT = re.compile(r"^[+-]?[0-9][0-9,.]*\s*(?:件|个|项|次|条|人次|人|家|份|元|万元|亿元|千元|%|[A-Za-z]+)$")
_NUMBER = re.compile(r"^([+-]?)([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.([0-9]+))?$", re.ASCII)


class InvalidInput(ValueError):
    """Input refused: why, in Chinese and in English."""

    def __init__(self, zh: str, en: str):
        super().__init__(zh, en)
        self.zh, self.en = zh, en

    def __str__(self) -> str:
        return f"{self.zh} · {self.en}"


def cell_kind(key: str, unit: Optional[str] = None) -> Kind:
    """The kind of value a cell holds: a template cell by its column, a pre-2019 indicator
    cell (`indicators.…`) by its unit (元 amounts; everything else counts)."""
    if key.startswith("indicators."):
        return "amount" if unit and "元" in unit else "count"
    column = key.rsplit(".", 1)[-1]
    if column in AMOUNT_COLUMNS:
        return "amount"
    if column in SIGNED_COLUMNS:
        return "signed_count"
    return "count"


def blank_allowed(key: str, *, pre2019: bool, read: CellValue) -> bool:
    """Whether a reviewer may set a cell blank: where the template leaves a cell optional
    (section 二, whose rows many agencies print as / ; a pre-2019 report, which has no
    template), or where the report printed nothing (the cell was read blank). The counts of
    三 and 四 the report printed are numbers (0 when there were none)."""
    return pre2019 or key.startswith("proactive.") or read is None


def parse_reviewer_value(text: object, kind: Kind, *, allow_blank: bool) -> CellValue:
    """The value a reviewer typed for a cell of `kind`: an int, a float (amounts with
    decimals), the text of an amount with its unit, or None (a blank marker where
    `allow_blank`). Raises InvalidInput for anything else."""
    if not isinstance(text, str):
        raise InvalidInput("值必须是文字", "the value must be a string")
    if len(text) > MAX_VALUE_CHARS:
        raise InvalidInput(f"输入过长（超过{MAX_VALUE_CHARS}个字符）",
                           f"input too long (more than {MAX_VALUE_CHARS} characters)")
    t = text.strip(" \t\u3000").translate(_FULL_WIDTH)
    if not t:
        raise InvalidInput("请输入数字，或以 / 表示空白", "type digits, or / for blank")
    if t in _BLANK_MARKERS or _DASHES.match(t):
        if not allow_blank:
            raise InvalidInput("此单元格不可为空，请输入数字", "this cell may not be blank: type digits")
        return None
    unit = ""
    if kind == "amount":
        unit = next((u for u in AMOUNT_UNITS if t.endswith(u)), "")
        t = t[: len(t) - len(unit)] if unit else t
    m = _NUMBER.match(t)
    if m is None:
        if kind != "amount" and _WITH_UNIT.match(t):
            raise InvalidInput("计数单元格不带单位，只输入数字", "a count cell takes no unit: digits only")
        raise InvalidInput("不是数值：只接受 0-9 数字（含全角）" + ("、一位正负号" if kind == "signed_count" else "")
                           + ("、小数点" if kind == "amount" else ""),
                           "not a value: digits 0-9 (full-width too) only"
                           + (", an optional sign" if kind == "signed_count" else "")
                           + (", a decimal point" if kind == "amount" else ""))
    sign, digits, decimals = m.groups()
    if sign and kind == "count":
        raise InvalidInput("计数不能带正负号（不会为负数）", "a count takes no sign (it is never negative)")
    if sign == "-" and kind == "amount":
        raise InvalidInput("金额不能为负数", "an amount is never negative")
    if decimals is not None and kind != "amount":
        raise InvalidInput("计数必须是整数", "a count is a whole number")
    if decimals is not None and len(decimals) > AMOUNT_DECIMALS:
        raise InvalidInput(f"金额最多{AMOUNT_DECIMALS}位小数", f"an amount has at most {AMOUNT_DECIMALS} decimals")
    digits = digits.replace(",", "")
    if len(digits) > 1 and digits.startswith("0"):
        raise InvalidInput("数字不能以 0 开头", "a number does not start with 0")
    whole = int(digits)  # at most 32 ASCII digits: exact and cheap
    bound = AMOUNT_BOUND if kind == "amount" else COUNT_BOUND
    if whole >= bound:
        raise InvalidInput(f"数值过大（应小于 {bound:,}）", f"value too large (must be below {bound:,})")
    if unit:
        return f"{sign if sign == '+' else ''}{digits}{'.' + decimals if decimals is not None else ''}{unit}".lstrip("+")
    number: int | float = float(f"{digits}.{decimals}") if decimals is not None else whole
    return -number if sign == "-" else number


def parse_note(note: object) -> Optional[str]:
    """A decision's note: None, or a string of at most MAX_NOTE_CHARS characters."""
    if note is None:
        return None
    if not isinstance(note, str):
        raise InvalidInput("备注必须是文字", "the note must be a string")
    if len(note) > MAX_NOTE_CHARS:
        raise InvalidInput(f"备注过长（最多{MAX_NOTE_CHARS}个字符）", f"note too long (at most {MAX_NOTE_CHARS} characters)")
    return note.strip() or None

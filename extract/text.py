"""Printed text -> comparable label cores and typed values."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from difflib import SequenceMatcher
from typing import Union

_SPACES = re.compile(r"\s+")
# Leading enumerators: 一、 （一） (一) 1. 1、 1． ①
_NUMBERING = re.compile(
    r"^(?:[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+[、.．,，]|\d+\s*[.、．,，]|[①-⑳])"
)
_PARENTHETICAL = re.compile(r"[（(][^（）()]*[）)]")
_PUNCT = re.compile(r"[“”\"'‘’「」『』《》、，,。.．:：;；·/\\]")
_VARIANTS = str.maketrans({"它": "他", "〃": ""})


def normalize(text: str) -> str:
    """NFKC (full-width digits and brackets to ASCII), no whitespace of any kind."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text))


# A footnote reference after a label (行政许可², 其他①): NFKC would make it a digit.
_LABEL_FOOTNOTE = re.compile(r"(?<=\S)(?:[\u2460-\u2473\u00b9\u00b2\u00b3\u2070-\u2079*＊※†‡])+\s*$")


# Labels recur: every row of a table is matched against every template label, and a batch
# reads the same printed labels report after report. Both functions are pure.
@lru_cache(maxsize=1 << 16)
def label_core(text: str, keep_remarks: bool = False) -> str:
    """What identifies a label regardless of how it was printed: no numbering, no
    parenthetical remark, no punctuation, 其它 = 其他. The parenthetical is dropped only when
    something remains without it, and kept (without its brackets) with keep_remarks: some
    reports name a column 行政诉讼（未经复议直接起诉）, the remark being the name."""
    t = normalize(_LABEL_FOOTNOTE.sub("", text)).translate(_VARIANTS)
    t = _NUMBERING.sub("", t)
    stripped = _PARENTHETICAL.sub("", t)
    if stripped and not keep_remarks:
        t = stripped
    # 合计 and 总计 both print "total" ((七)合计, a 合计 column): one word for matching.
    return _PUNCT.sub("", t).replace("(", "").replace(")", "").replace("合计", "总计")


@lru_cache(maxsize=1 << 16)
def similarity(a: str, b: str) -> float:
    """0..1 between two label cores. Containment of one in the other counts for at least
    0.6 (a report printing 部分公开 for the full label), scaled by the length ratio so a
    short word inside a long label stays weak."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    ratio = SequenceMatcher(None, a, b, autojunk=False).ratio()
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= 2 and short in long_:
        ratio = max(ratio, 0.6 + 0.4 * len(short) / len(long_))
    return ratio


Value = Union[int, float, str, None]

# What reports print for "nothing reported". Dashes of every width and length.
_NULL_MARKERS = {"", "/", "无", "空", "不适用", "N/A", "NA"}
_DASHES = re.compile(r"^[-‐‑‒–—―−－─━ー_]+$")
_NUMBER = re.compile(r"^([+\-−]?)(\d+(?:,\d{3})*|\d+)(\.\d+)?$")
_SPLIT_NUMBER = re.compile(r"\d[ \t]+\d")
_WITH_UNIT = re.compile(r"^[+\-]?\d+(?:,\d{3})*(?:\.\d+)?(?:元|万元|亿元|千元|件|个|项|次|条)$")


# Footnote references printed after a number: circled or parenthesised numbers (①, ⑴),
# superscript digits (what `grid.cell_text` makes of a raised small digit), asterisks,
# daggers and ※. NFKC would turn ① and ¹ into a digit of the number (26① -> 261), so
# they are cut off before normalising.
_FOOTNOTE_REFERENCE = re.compile(r"(?<=[\d.%])\s*(?:[\u2460-\u2487\u00b9\u00b2\u00b3\u2070-\u2079*＊※†‡])+\s*$")


def without_footnote_reference(text: str) -> str:
    """The text with a footnote reference after its number removed (26① -> 26, 18* -> 18)."""
    return _FOOTNOTE_REFERENCE.sub("", text)


@dataclass(frozen=True)
class ParsedValue:
    value: Value
    ok: bool  # False when the text is not a number, an amount or a null marker


# Cells print the same few texts over and over (0, 1, 无, /): a report asks for ~950
# parsings of ~150 texts, and the mapping, the records and the checks each ask again. Pure,
# and ParsedValue is immutable.
@lru_cache(maxsize=1 << 16)
def parse_value(text: str) -> ParsedValue:
    """A cell's printed text -> its value. Digits wrapped onto several lines in a narrow
    cell join up (72 / 5 is 725); thousands separators drop; a unit keeps the text; a
    footnote reference after the number is not part of it."""
    text = without_footnote_reference(text)
    if _SPLIT_NUMBER.search(unicodedata.normalize("NFKC", text)):
        return ParsedValue(None, False)  # two numbers side by side on one line
    t = normalize(text)
    if t in _NULL_MARKERS or _DASHES.match(t):
        return ParsedValue(None, True)
    m = _NUMBER.match(t.replace("，", ","))
    if m and len(m.group(2)) > 1 and m.group(2).startswith("0"):
        return ParsedValue(None, False)  # counts are never printed with a leading zero
    if m:
        sign, digits, decimals = m.groups()
        negative = sign in ("-", "−")
        digits = digits.replace(",", "")
        if decimals:
            number: Union[int, float] = float(digits + decimals)
        else:
            number = int(digits)
        return ParsedValue(-number if negative else number, True)
    if _WITH_UNIT.match(t):
        return ParsedValue(t, True)
    return ParsedValue(None, False)

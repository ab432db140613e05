"""Pre-2019 annual reports (2008-2018) written at test time as saved web pages: a title, a
few numbered sections stating figures, and a 政府信息公开情况统计表 with 本年度 and 历年累计
columns, nested 其中 items and a unit column, as agencies of 2010-2014 published them.

`report_html(agency, year, this_year, cumulative)` writes one; `YEAR_2012` / `YEAR_2013`
hold the figures of two consecutive years of one agency whose running totals carry over
(2013's 历年累计 = 2012's 历年累计 + 2013's 本年度) and whose 其中 items add up.
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping, Optional

# (printed label, unit, vocabulary key); a None unit and key is a group heading row.
ROWS: tuple[tuple[str, Optional[str], Optional[str]], ...] = (
    ("一、主动公开情况", None, None),
    ("主动公开政府信息数", "条", "proactive_published"),
    ("其中：全文电子化", "条", "proactive_full_text_electronic"),
    ("二、依申请公开情况", None, None),
    ("申请总数", "件", "applications_received"),
    ("其中：1.当面申请数", "件", "applications_in_person"),
    ("2.传真申请数", "件", "applications_fax"),
    ("3.网上申请数", "件", "applications_online"),
    ("4.信函申请数", "件", "applications_letter"),
    ("对申请的答复总数", "件", "replies_total"),
    ("其中：1.同意公开答复数", "件", "replies_granted"),
    ("2.同意部分公开答复数", "件", "replies_partially_granted"),
    ("3.否决公开答复总数", "件", "replies_refused"),
    ("（1）非政府信息", "件", "refused_not_government_information"),
    ("（2）信息不存在", "件", "replies_not_exist"),
    ("三、行政复议数", "件", "review_total"),
    ("四、行政诉讼数", "件", "litigation_total"),
    ("五、申诉数", "件", "complaints_total"),
    ("六、收取费用", "万元", "fees_charged"),
)

Figures = Mapping[str, Optional[float]]

YEAR_2012_THIS: dict[str, Optional[float]] = {
    "proactive_published": 1352, "proactive_full_text_electronic": 1352, "applications_received": 25,
    "applications_in_person": 5, "applications_fax": 0, "applications_online": 15, "applications_letter": 5,
    "replies_total": 25, "replies_granted": 20, "replies_partially_granted": 3, "replies_refused": 2,
    "refused_not_government_information": 1, "replies_not_exist": 1, "review_total": 0, "litigation_total": None,
    "complaints_total": 0, "fees_charged": 0,
}
YEAR_2012_CUMULATIVE: dict[str, Optional[float]] = {
    "proactive_published": 9876, "proactive_full_text_electronic": 9000, "applications_received": 120,
    "applications_in_person": 30, "applications_fax": 2, "applications_online": 60, "applications_letter": 28,
    "replies_total": 120, "replies_granted": 100, "replies_partially_granted": 10, "replies_refused": 10,
    "refused_not_government_information": 4, "replies_not_exist": 6, "review_total": 1, "litigation_total": 0,
    "complaints_total": 0, "fees_charged": 0.05,
}
YEAR_2013_THIS: dict[str, Optional[float]] = {
    "proactive_published": 1500, "proactive_full_text_electronic": 1400, "applications_received": 30,
    "applications_in_person": 6, "applications_fax": 1, "applications_online": 18, "applications_letter": 5,
    "replies_total": 30, "replies_granted": 24, "replies_partially_granted": 4, "replies_refused": 2,
    "refused_not_government_information": 1, "replies_not_exist": 1, "review_total": 1, "litigation_total": 0,
    "complaints_total": 0, "fees_charged": 0,
}


def carried(previous: Figures, this_year: Figures) -> dict[str, Optional[float]]:
    """The running totals of a year that continues `previous`'s: previous + this year."""
    out: dict[str, Optional[float]] = {}
    for key, before in previous.items():
        now = this_year.get(key)
        out[key] = before if now is None else (None if before is None else round(before + now, 6))
    return out


YEAR_2013_CUMULATIVE = carried(YEAR_2012_CUMULATIVE, YEAR_2013_THIS)


def _fmt(value: Optional[float]) -> str:
    if value is None:
        return "—"
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def report_html(path: Path, agency: str, year: int, this_year: Figures, cumulative: Figures,
                extra_rows: tuple[tuple[str, str, Optional[float], Optional[float]], ...] = ()) -> Path:
    """Write a pre-2019 report of `agency` for `year` as a UTF-8 web page; the prose states
    the year's 主动公开 and 申请 figures as the table prints them. `extra_rows` (label, unit,
    this year, running total) are printed after the others."""
    rows = ["<tr><td>指标名称</td><td>计量单位</td><td>本年度</td><td>历年累计</td></tr>"]
    for label, unit, key in ROWS + tuple((label, unit, label) for label, unit, _, _ in extra_rows):
        if extra_rows and key in {e[0] for e in extra_rows}:
            this_year = {**this_year, **{e[0]: e[2] for e in extra_rows}}
            cumulative = {**cumulative, **{e[0]: e[3] for e in extra_rows}}
        if key is None:
            rows.append(f"<tr><td>{label}</td><td></td><td></td><td></td></tr>")
        else:
            rows.append(f"<tr><td>{label}</td><td>{unit}</td><td>{_fmt(this_year.get(key))}</td>"
                        f"<td>{_fmt(cumulative.get(key))}</td></tr>")
    published = _fmt(this_year.get("proactive_published"))
    received = _fmt(this_year.get("applications_received"))
    title = f"{agency}{year}年政府信息公开工作年度报告"
    html = f"""<html><head><meta charset="utf-8"><title>{title}</title></head><body>
<h1>{title}</h1>
<p>本报告根据《中华人民共和国政府信息公开条例》要求编制。本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。</p>
<p>一、概述</p><p>{year}年，我局认真贯彻落实条例。全年共主动公开政府信息{published}条。</p>
<p>二、主动公开政府信息情况</p><p>本年度主动公开政府信息{published}条。</p>
<p>三、依申请公开政府信息情况</p><p>共受理政府信息公开申请{received}件。</p>
<p>四、存在的主要问题和改进措施</p><p>一是公开内容还不够全面。</p>
<p>附表：政府信息公开情况统计表</p>
<table border="1">
{chr(10).join(rows)}
</table></body></html>
"""
    path.write_text(html, encoding="utf-8")
    return path

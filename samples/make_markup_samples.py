#!/usr/bin/env python3
"""Deterministic generator of the web-page and Word samples in ``samples/html/`` and
``samples/docx/``.

Each one is an existing PDF sample's report (its values as printed, its prose, its
title) written as markup: the values and the prose come from ``generate.py``'s own
``build_data``/``prose`` for that sample, and the run checks that they give exactly the
committed ``<base>.expected.json``, which is copied beside the new file under its name.
Nothing is read from extracted output or from real files.

HTML, in the markup styles government sites serve:

- ``word-*``: Word's "save as web page" (mso classes, ``<p class=MsoNormal><span
  lang=EN-US>``, ``&nbsp;``, widths in pt, borders in style attributes, conditional comments,
  ``<o:p>``), declared ``charset=gb2312`` and encoded so (other characters as ``&#NNNN;``);
  long labels broken with ``<br>``.
- ``cms-*``: a CMS rich-text editor's (UEditor/KindEditor) article inside a site's chrome
  (menus, breadcrumbs, footer): ``<table border="1" cellspacing="0">`` with ``<tbody>``,
  ``<p>``/``<span style>`` inside cells, ``<br/>`` in labels; UTF-8 (``<meta charset>``).
- ``inline-*``: inline-styled tables nested in a layout table, ``<th>`` header rows, an
  empty first row, a caption row inside the table, numbers in ``<strong>``, widths in pt.
- ``gbk-*``: KindEditor style with ``<font>`` tags and ``&nbsp;`` around numbers, served as
  GBK (http-equiv or ``<meta charset=gbk>``).

Word (.docx, python-docx): ``word-*`` is ``generate.py``'s own .docx of the sample (the file
the PDF was made from: merged cells as w:gridSpan / w:vMerge, labels broken with w:br);
``nested-*`` puts the three tables inside a one-cell layout table.

Usage: ``python samples/make_markup_samples.py`` (needs python-docx; a few seconds).
Two runs give byte-identical files (zip entries get a fixed date, core properties fixed dates).
"""

from __future__ import annotations

import html
import io
import re
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent
sys.path.insert(0, str(SAMPLES))

import generate as gen  # noqa: E402
from docx import Document  # noqa: E402
from docx.shared import Pt  # noqa: E402

# ---------------------------------------------------------------- the report as data

@dataclass
class Cell:
    text: str  # "\n": a line break inside the cell
    rowspan: int = 1
    colspan: int = 1
    kind: str = "label"  # label | head | value
    # text no reader sees, printed after the value: ("white", "999") or ("tiny", "8")
    hidden: tuple | None = None


@dataclass
class Table:
    key: str  # proactive | applications | review_litigation
    heading: str
    ncols: int
    rows: list[list[Cell]]


@dataclass
class Report:
    name: str  # the base sample
    spec: object
    title: str
    agency: str
    year: int
    prose: dict
    tables: list[Table]


def _label(spec, text: str, key: str | None = None) -> str:
    overrides = dict(spec.label_map)
    if key in overrides:
        return overrides[key]
    return gen.variant_label(text, spec.labels)


def proactive_table(spec, d: dict) -> Table:
    v = spec.template
    printed = d["printed"]["proactive"]
    blocks: list[tuple[tuple, list[str]]] = []
    for rk, (_, cols, heading) in gen.PROACTIVE_ROWS[v].items():
        if not blocks or blocks[-1][0] != (heading, cols):
            blocks.append(((heading, cols), []))
        blocks[-1][1].append(rk)
    rows: list[list[Cell]] = []
    spans = {1: [3], 2: [1, 2], 3: [1, 1, 1]}
    for (heading, cols), keys in blocks:
        rows.append([Cell(heading, colspan=4, kind="head")])
        rows.append([Cell("信息内容", kind="head")] + [
            Cell(gen.PROACTIVE_COLUMNS[v][c], colspan=s, kind="head") for c, s in zip(cols, spans[len(cols)])
        ])
        for rk in keys:
            rows.append([Cell(gen.PROACTIVE_ROWS[v][rk][0])] + [
                Cell(printed[rk][c], colspan=s, kind="value", hidden=d["hidden"].get(f"proactive.{rk}.{c}"))
                for c, s in zip(cols, spans[len(cols)])
            ])
    return Table("proactive", "二、主动公开政府信息情况", 4, rows)


def applications_table(spec, d: dict, wrap: int = 0) -> Table:
    printed = d["printed"]["applications"]
    rows_spec = gen.printed_rows(spec)
    org = "法人或其它组织" if "org_alt" in spec.labels else "法人或其他组织"

    def lab(text: str, key: str | None = None) -> str:
        text = _label(spec, text, key)
        return gen.wrap_label(text, wrap) if wrap and len(text) > wrap + 2 else text

    rows: list[list[Cell]] = [
        [Cell(gen.CORNER_NOTE, rowspan=3, colspan=3, kind="head"), Cell("申请人情况", colspan=7, kind="head")],
        [Cell("自然人", rowspan=2, kind="head"), Cell(org, colspan=5, kind="head"), Cell("总计", rowspan=2, kind="head")],
        [Cell(c.label, kind="head") for c in gen.APPLICATION_COLUMNS[1:6]],
    ]
    outer = ("new_received", "carried_over", "carried_forward")
    results = [r for r in rows_spec if r.key not in outer]
    group_size: dict[str, int] = {}
    for r in results:
        if r.group:
            group_size[r.group] = group_size.get(r.group, 0) + 1
    seen_groups: set[str] = set()
    for r in rows_spec:
        row: list[Cell] = []
        if r.key in outer:
            row.append(Cell(lab(r.label, r.key), colspan=3))
        else:
            if r is results[0]:
                row.append(Cell(gen.APPLICATION_RESULTS_LABEL, rowspan=len(results)))
            if r.group:
                if r.group not in seen_groups:
                    seen_groups.add(r.group)
                    row.append(Cell(lab(r.group, "g:" + r.group), rowspan=group_size[r.group]))
                row.append(Cell(lab(r.label, r.key)))
            else:
                row.append(Cell(lab(r.label, r.key), colspan=2))
        row += [Cell(printed[r.key][c.key], kind="value", hidden=d["hidden"].get(f"applications.{r.key}.{c.key}"))
                for c in gen.APPLICATION_COLUMNS]
        rows.append(row)
    return Table("applications", "三、收到和处理政府信息公开申请情况", 10, rows)


def review_table(spec, d: dict) -> Table:
    printed = d["printed"]["review_litigation"]
    rows = [
        [Cell("行政复议", colspan=5, kind="head"), Cell("行政诉讼", colspan=10, kind="head")],
        [Cell(c.label, rowspan=2, kind="head") for c in gen.REVIEW_COLUMNS]
        + [Cell("未经复议直接起诉", colspan=5, kind="head"), Cell("复议后起诉", colspan=5, kind="head")],
        [Cell(c.label, kind="head") for _ in range(2) for c in gen.REVIEW_COLUMNS],
        [Cell(printed[g.key][c.key], kind="value", hidden=d["hidden"].get(f"review_litigation.{g.key}.{c.key}"))
         for g in gen.REVIEW_ROWS for c in gen.REVIEW_COLUMNS],
    ]
    return Table("review_litigation", "四、政府信息公开行政复议、行政诉讼情况", 15, rows)


def split_table(table: Table, k: int, repeat_header: bool) -> tuple[Table, Table]:
    """The table cut into two before its row k, as a CMS page gets it from a Word file with
    a page break inside the table: merged labels cut in two (the lower part blank), the
    header rows repeated on the second table or not."""
    placed, taken = [], set()
    for r, row in enumerate(table.rows):
        col = 0
        for cell in row:
            while (r, col) in taken:
                col += 1
            placed.append((r, col, cell))
            for rr in range(r, r + cell.rowspan):
                for cc in range(col, col + cell.colspan):
                    taken.add((rr, cc))
            col += cell.colspan
    top: list[list[Cell]] = [[] for _ in range(k)]
    bottom: list[list[Cell]] = [[] for _ in range(len(table.rows) - k)]
    cut: list[tuple[int, Cell]] = []
    for r, col, cell in placed:
        if r >= k:
            bottom[r - k].append(cell)
            continue
        if r + cell.rowspan > k:
            cut.append((col, Cell("", rowspan=r + cell.rowspan - k, colspan=cell.colspan, kind=cell.kind)))
            cell = Cell(cell.text, rowspan=k - r, colspan=cell.colspan, kind=cell.kind)
        top[r].append(cell)
    bottom[0] = [cell for _, cell in sorted(cut, key=lambda t: t[0])] + bottom[0]
    head = [list(row) for row in table.rows[:3]] if repeat_header else []
    return Table(table.key, table.heading, table.ncols, top), Table(table.key, "", table.ncols, head + bottom)


def cut_inside_withheld(report: Report, repeat_header: bool = True) -> Report:
    """三 as two tables, cut after the third row of （三）不予公开."""
    apps = next(t for t in report.tables if t.key == "applications")
    group = next(r for r, row in enumerate(apps.rows) if any(c.text.replace("\n", "").endswith("不予公开") and c.rowspan > 1 for c in row))
    first, second = split_table(apps, group + 3, repeat_header)
    tables = [t for t in report.tables if t.key != "applications"]
    return Report(report.name, report.spec, report.title, report.agency, report.year, report.prose,
                  [tables[0], first, second, tables[1]])


def load_report(name: str, wrap: int = 0) -> Report:
    """The base sample's report, checked against its committed expected JSON."""
    spec = next(s for s in gen.SPECS if s.name == name)
    assert not spec.encrypt, name
    d = gen.build_data(spec)
    committed = (SAMPLES / f"{name}.expected.json").read_text(encoding="utf-8")
    if gen.expected_json(spec, d) != committed:
        raise SystemExit(f"{name}: generate.py no longer gives the committed expected JSON")
    tables = [proactive_table(spec, d), applications_table(spec, d, wrap), review_table(spec, d)]
    title = f"{spec.agency}{spec.year}年政府信息公开工作年度报告"
    return Report(name, spec, title, spec.agency, spec.year, gen.prose(spec, d), tables)


def body_paragraphs(report: Report) -> list[tuple[str, str]]:
    """("p" | "h", text) before 二, and the sections after 四, as generate.py orders them."""
    p = report.prose
    before = [("p", p["intro"]), ("h", "一、总体情况")]
    for i, text in enumerate(p["one"]):
        before.append(("p", text))
        if i == 2 and p["filler"]:
            before.append(("p", "".join(p["filler"])))
    after = [("h", "五、存在的主要问题及改进情况")] + [("p", t) for t in p["five"]]
    after += [("h", "六、其他需要报告的事项")] + [("p", t) for t in p["six"]]
    after += [("sign", report.agency), ("sign", f"{report.year + 1}年1月{10 + report.spec.seed % 18}日")]
    return before, after


# ---------------------------------------------------------------- HTML styles

def esc(text: str) -> str:
    return html.escape(text, quote=False)


def lines_html(text: str, br: str = "<br>") -> str:
    return br.join(esc(t) for t in text.split("\n"))


def word_export(report: Report) -> bytes:
    """Word's "Web Page, Filtered" export, declared and encoded as gb2312."""
    widths = {4: [142, 104, 104, 104], 10: [40, 52, 120] + [46] * 7, 15: [30] * 15}

    def cell(c: Cell, col: int, ncols: int) -> str:
        w = sum(widths[ncols][col:col + c.colspan])
        attrs = f" width={round(w * 4 / 3)}"
        if c.colspan > 1:
            attrs += f" colspan={c.colspan}"
        if c.rowspan > 1:
            attrs += f" rowspan={c.rowspan}"
        style = (f"width:{w}.0pt;border:solid windowtext 1.0pt;border-top:none;mso-border-top-alt:solid windowtext .5pt;"
                 "mso-border-alt:solid windowtext .5pt;padding:0cm 5.4pt 0cm 5.4pt;height:19.85pt")
        if c.kind == "value":
            inner = (f"<span lang=EN-US style='font-size:10.5pt;font-family:\"Times New Roman\",serif'>"
                     f"{esc(c.text) if c.text.strip() else '&nbsp;'}<o:p></o:p></span>")
            align = " align=center style='text-align:center'"
        else:
            inner = (f"<span style='font-size:10.5pt;font-family:宋体;mso-ascii-font-family:\"Times New Roman\"'>"
                     f"{lines_html(c.text)}</span>")
            align = " align=center style='text-align:center'" if c.kind == "head" else ""
        return (f"  <td{attrs} valign=center style='{style}'>\n  <p class=MsoNormal{align}>{inner}</p>\n  </td>\n")

    out = [
        '<html xmlns:v="urn:schemas-microsoft-com:vml"\nxmlns:o="urn:schemas-microsoft-com:office:office"\n'
        'xmlns:w="urn:schemas-microsoft-com:office:word"\nxmlns:m="http://schemas.microsoft.com/office/2004/12/omml"\n'
        'xmlns="http://www.w3.org/TR/REC-html40">\n\n<head>\n'
        '<meta http-equiv=Content-Type content="text/html; charset=gb2312">\n'
        '<meta name=Generator content="Microsoft Word 15 (filtered)">\n<style>\n<!--\n'
        ' /* Font Definitions */\n @font-face\n\t{font-family:宋体;\n\tpanose-1:2 1 6 0 3 1 1 1 1 1;}\n'
        'p.MsoNormal, li.MsoNormal, div.MsoNormal\n\t{margin:0cm;\n\ttext-align:justify;\n\ttext-justify:inter-ideograph;\n'
        '\tfont-size:10.5pt;\n\tfont-family:"Calibri",sans-serif;}\n.MsoChpDefault\n\t{font-family:"Calibri",sans-serif;}\n'
        '@page WordSection1\n\t{size:595.3pt 841.9pt;\n\tmargin:72.0pt 90.0pt 72.0pt 90.0pt;}\n'
        'div.WordSection1\n\t{page:WordSection1;}\n-->\n</style>\n\n</head>\n\n'
        "<body lang=ZH-CN style='word-wrap:break-word;text-justify-trim:punctuation'>\n\n<div class=WordSection1>\n\n"
        f"<p class=MsoNormal align=center style='text-align:center;line-height:28.0pt'><b><span\n"
        f"style='font-size:22.0pt;font-family:方正小标宋简体'>{esc(report.title)}</span></b></p>\n\n"
        "<p class=MsoNormal><span lang=EN-US>&nbsp;</span></p>\n\n"
    ]
    before, after = body_paragraphs(report)

    def para(kind: str, text: str) -> str:
        if kind == "h":
            return (f"<p class=MsoNormal style='text-indent:32.0pt;line-height:28.0pt'><b><span\n"
                    f"style='font-size:16.0pt;font-family:黑体'>{esc(text)}</span></b></p>\n\n")
        if kind == "sign":
            return f"<p class=MsoNormal align=right style='text-align:right'><span style='font-size:16.0pt'>{esc(text)}</span></p>\n\n"
        return (f"<p class=MsoNormal style='text-indent:32.0pt;line-height:28.0pt'><span\n"
                f"style='font-size:16.0pt;font-family:仿宋_GB2312'>{esc(text)}</span></p>\n\n")

    out += [para(k, t) for k, t in before]
    for table in report.tables:
        out.append(para("h", table.heading))
        total = sum(widths[table.ncols])
        out.append(f"<div align=center>\n\n<table class=MsoNormalTable border=0 cellspacing=0 cellpadding=0 width={round(total * 4 / 3)}\n"
                   f" style='width:{total}.0pt;border-collapse:collapse;border:none;mso-border-alt:solid windowtext .5pt;\n"
                   " mso-yfti-tbllook:1184;mso-padding-alt:0cm 5.4pt 0cm 5.4pt'>\n")
        taken: set[tuple[int, int]] = set()
        for r, row in enumerate(table.rows):
            out.append(f" <tr style='mso-yfti-irow:{r};height:19.85pt'>\n")
            col = 0
            for c in row:
                while (r, col) in taken:
                    col += 1
                out.append(cell(c, col, table.ncols))
                for rr in range(r, r + c.rowspan):
                    for cc in range(col, col + c.colspan):
                        taken.add((rr, cc))
                col += c.colspan
            out.append(" </tr>\n")
        out.append("</table>\n\n</div>\n\n<p class=MsoNormal><span lang=EN-US>&nbsp;</span></p>\n\n")
    out += [para(k, t) for k, t in after]
    out.append("</div>\n\n</body>\n\n</html>\n")
    return "".join(out).encode("gb2312", errors="xmlcharrefreplace")


def _site_chrome(report: Report, article: str, charset_meta: str, site: str) -> str:
    return (
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n"
        f"{charset_meta}\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{esc(report.title)}_政府信息公开年报_{esc(site)}</title>\n"
        "<link rel=\"stylesheet\" href=\"/css/common.css\">\n<script type=\"text/javascript\">var _hmt = _hmt || [];"
        " document.write('<div>统计</div>');</script>\n</head>\n<body>\n"
        f"<div class=\"header\"><div class=\"logo\">{esc(site)}</div>\n<ul class=\"nav\"><li><a href=\"/\">首页</a></li>"
        "<li><a href=\"/zwgk/\">政务公开</a></li><li><a href=\"/hdjl/\">互动交流</a></li><li><a href=\"/bsfw/\">办事服务</a></li></ul></div>\n"
        "<div class=\"position\">当前位置：<a href=\"/\">首页</a> &gt; <a href=\"/zwgk/\">政务公开</a> &gt; <a href=\"/zwgk/ndbg/\">政府信息公开年报</a></div>\n"
        "<div class=\"article\">\n"
        f"<div class=\"article-title\"><h1>{esc(report.title)}</h1></div>\n"
        f"<div class=\"article-info\"><span>发布时间：{report.year + 1}-01-{10 + report.spec.seed % 18:02d}</span>"
        f"<span>来源：{esc(report.agency)}</span><span>字号：[ <a href=\"javascript:;\">大</a> <a href=\"javascript:;\">中</a> ]</span></div>\n"
        f"{article}"
        "</div>\n<div class=\"share\" style=\"display:none\">分享到：微信 微博 共收到申请999件</div>\n"
        f"<div class=\"footer\"><p>主办单位：{esc(site)}办公室　网站标识码：3201000099</p>"
        "<p>苏ICP备05009999号-1　苏公网安备 32010202000999号</p></div>\n</body>\n</html>\n"
    )


def cms_page(report: Report, encoding: str = "utf-8", font_tags: bool = False, charset_meta: str = "") -> bytes:
    """A CMS editor's article (UEditor; KindEditor's <font> tags with font_tags) inside a
    site's page."""
    def text(t: str) -> str:
        inner = lines_html(t, "<br/>")
        if font_tags:
            return f"<font face=\"宋体\" size=\"2\">{inner}</font>"
        return f"<span style=\"font-family:宋体, SimSun;font-size:14px;\">{inner}</span>"

    def hidden(c: Cell) -> str:
        if not c.hidden:
            return ""
        kind, printed = c.hidden
        style = "color:#ffffff;" if kind == "white" else "font-size:0px;"
        return f"<span style=\"{style}\">{esc(printed)}</span>"

    def cell(c: Cell) -> str:
        spans = (f" colspan=\"{c.colspan}\"" if c.colspan > 1 else "") + (f" rowspan=\"{c.rowspan}\"" if c.rowspan > 1 else "")
        if c.kind == "value":
            value = c.text if c.text.strip() else ""
            inner = f"&nbsp;{text(value)}&nbsp;" if font_tags else f"<p style=\"text-align:center;\">{text(value)}{hidden(c)}</p>"
            return f"<td{spans} valign=\"middle\" align=\"center\">{inner}</td>"
        align = "center" if c.kind == "head" else "left"
        return f"<td{spans} valign=\"middle\"><p style=\"text-align:{align};\">{text(c.text)}</p></td>"

    parts = []
    before, after = body_paragraphs(report)

    def para(kind: str, t: str) -> str:
        if kind == "h":
            return f"<p style=\"text-indent:2em;\"><strong>{esc(t)}</strong></p>\n"
        if kind == "sign":
            return f"<p style=\"text-align:right;\">{esc(t)}</p>\n"
        return f"<p style=\"text-indent:2em;line-height:2em;\">{esc(t)}</p>\n"

    parts += [para(k, t) for k, t in before]
    for table in report.tables:
        if table.heading:
            parts.append(para("h", table.heading))
        parts.append("<table border=\"1\" cellspacing=\"0\" cellpadding=\"0\" width=\"100%\" style=\"border-collapse:collapse;\">\n<tbody>\n")
        for row in table.rows:
            parts.append("<tr>" + "".join(cell(c) for c in row) + "</tr>\n")
        parts.append("</tbody>\n</table>\n<p><br/></p>\n")
    parts += [para(k, t) for k, t in after]
    article = "<div class=\"article-content\" id=\"zoom\"><div class=\"TRS_Editor\">\n" + "".join(parts) + "</div></div>\n"
    meta = charset_meta or f"<meta charset=\"{encoding}\">"
    page = _site_chrome(report, article, meta, f"{report.agency[:3]}人民政府门户网站")
    return page.encode(encoding)


def inline_page(report: Report) -> bytes:
    """Inline-styled tables inside a layout table: <th> header rows, an empty first row,
    a caption row inside each table, numbers in <strong>, widths in pt."""
    border = "border:1px solid #000000;"

    def cell(c: Cell) -> str:
        spans = (f" colspan=\"{c.colspan}\"" if c.colspan > 1 else "") + (f" rowspan=\"{c.rowspan}\"" if c.rowspan > 1 else "")
        if c.kind == "head":
            return f"<th{spans} style=\"{border}padding:3pt;font-weight:normal;background:#f2f2f2\">{lines_html(c.text)}</th>"
        if c.kind == "value":
            return f"<td{spans} style=\"{border}padding:3pt;text-align:center\"><strong>{esc(c.text)}</strong></td>"
        return f"<td{spans} style=\"{border}padding:3pt;text-align:left\">{lines_html(c.text)}</td>"

    before, after = body_paragraphs(report)

    def para(kind: str, t: str) -> str:
        if kind == "h":
            return f"<h3 style=\"font-size:16pt;margin:12pt 0\">{esc(t)}</h3>\n"
        return f"<div style=\"text-indent:32pt;line-height:28pt;font-size:16pt\">{esc(t)}</div>\n"

    parts = [f"<div style=\"text-align:center;font-size:22pt;font-weight:bold\">{esc(report.agency)}<br>"
             f"{report.year}年政府信息公开工作年度报告</div>\n"]
    parts += [para(k, t) for k, t in before]
    for table in report.tables:
        parts.append(para("h", table.heading))
        width = {4: 450, 10: 600, 15: 600}[table.ncols]
        parts.append(f"<table style=\"width:{width}pt;{border}border-collapse:collapse;font-size:10.5pt\">\n")
        parts.append("<tr style=\"height:6pt\">" + "".join(f"<td style=\"{border}\"></td>" for _ in range(table.ncols)) + "</tr>\n")
        parts.append(f"<tr><td colspan=\"{table.ncols}\" style=\"{border}text-align:center;font-weight:bold\">{esc(table.heading)}</td></tr>\n")
        for row in table.rows:
            parts.append("<tr>" + "".join(cell(c) for c in row) + "</tr>\n")
        parts.append("</table>\n")
    parts += [para(k, t) for k, t in after]
    page = (
        "<!DOCTYPE html>\n<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">\n"
        f"<title>{esc(report.title)}</title>\n</head>\n<body style=\"margin:0\">\n"
        "<table width=\"100%\" border=\"0\" cellspacing=\"0\" cellpadding=\"0\"><tr>\n"
        "<td width=\"180\" valign=\"top\"><a href=\"/\">首页</a><br><a href=\"/zwgk/\">政务公开</a><br><a href=\"/ndbg/\">年度报告</a></td>\n"
        "<td valign=\"top\" style=\"padding:20pt\">\n" + "".join(parts) + "</td>\n</tr></table>\n</body>\n</html>\n"
    )
    return page.encode("utf-8")


# ---------------------------------------------------------------- Word

def _fixed_zip(data: bytes) -> bytes:
    """The same archive with a fixed date on every entry and fixed core-property dates."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            blob = src.read(info)
            if info.filename == "docProps/core.xml":
                blob = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>2026-01-01T00:00:00Z", blob)
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0)), blob, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _docx_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_zip(buffer.getvalue())


def generator_docx(report: Report) -> bytes:
    """generate.py's own .docx of the sample (what its PDF was converted from)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "report.docx"
        gen.build_docx(report.spec, gen.build_data(report.spec), path)
        return _fixed_zip(path.read_bytes())


def _fill_docx_table(t, table: Table) -> None:
    taken: set[tuple[int, int]] = set()
    for r, row in enumerate(table.rows):
        col = 0
        for c in row:
            while (r, col) in taken:
                col += 1
            target = t.cell(r, col)
            if c.rowspan > 1 or c.colspan > 1:
                target = target.merge(t.cell(r + c.rowspan - 1, col + c.colspan - 1))
            paragraph = target.paragraphs[0]
            lines = c.text.split("\n")
            for i, line in enumerate(lines):
                run = paragraph.add_run(line)
                run.font.size = Pt(10.5)
                if i < len(lines) - 1:
                    run.add_break()
            for rr in range(r, r + c.rowspan):
                for cc in range(col, col + c.colspan):
                    taken.add((rr, cc))
            col += c.colspan


def nested_docx(report: Report) -> bytes:
    """The report with its three tables inside one layout table (one cell, no borders)."""
    document = Document()
    document.core_properties.author = report.agency
    document.core_properties.title = report.title
    document.add_paragraph(report.title)
    before, after = body_paragraphs(report)
    for _, text in before:
        document.add_paragraph(text)
    layout = document.add_table(rows=1, cols=1)
    holder = layout.cell(0, 0)
    holder.paragraphs[0].add_run("附表")
    for table in report.tables:
        holder.add_paragraph(table.heading)
        inner = holder.add_table(rows=len(table.rows), cols=table.ncols)
        inner.style = document.styles["Table Grid"]
        _fill_docx_table(inner, table)
        holder.add_paragraph("")
    for _, text in after:
        document.add_paragraph(text)
    return _docx_bytes(document)


# ---------------------------------------------------------------- the samples

HTML_SAMPLES = {
    # name: (base sample, writer, label wrap width (0: none), what it exercises)
    "word-r2019-basic-procurement-01": (
        "r2019-basic-procurement-01", word_export, 9,
        "Word's HTML export, declared and encoded gb2312 (other characters as &#NNNN;); 2019 template; "
        "mso classes, <span lang=EN-US>, &nbsp; in empty cells, widths in pt; labels broken with <br>"),
    "word-r2023-labels-wrapped-01": (
        "r2023-labels-wrapped-01", word_export, 6,
        "Word's HTML export, gb2312; long labels broken with <br> into 2-4 lines; 三's group labels merged over rows"),
    "cms-r2024-prose-received-01": (
        "r2024-prose-received-01", cms_page, 0,
        "UEditor article in a site's page (menus, breadcrumbs, a hidden share box, footer), UTF-8 <meta charset>; "
        "<tbody>, <p>/<span style> in cells; the prose contradicts 三 (warning prose.contradicts_table)"),
    "inline-r2022-other-single-01": (
        "r2022-other-single-01", inline_page, 0,
        "inline-styled tables nested in a layout table; <th> header rows; an empty first row and a caption row "
        "inside each table; numbers in <strong>; widths in pt; title in a <div> broken by <br>; （六） as one row"),
    "gbk-r2021-split-fullwidth-01": (
        "r2021-split-fullwidth-01",
        lambda r: cms_page(r, "gbk", font_tags=True,
                           charset_meta='<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />'),
        0,
        "KindEditor-like <font> tags, &nbsp; around numbers, GBK bytes declared gb2312 by http-equiv; full-width "
        "digits and ideographic spaces"),
    "cms-r2020-split-withheld-repeat-01": (
        "r2020-split-withheld-repeat-01", lambda r: cms_page(cut_inside_withheld(r)), 0,
        "UEditor article, 2019 template; 三 as two tables cut inside （三）不予公开 (the merged labels cut in two, "
        "the header repeated on the second), as a Word page break comes out of a CMS"),
    "cms-r2024-hidden-white-01": (
        "r2024-hidden-white-01", cms_page, 0,
        "hidden text: a white “999” (color:#ffffff) after numbers of 三 and 二, and a digit in a 0 px font in 四's "
        "复议 总计, as sites slip unseen characters between digits; none of it is part of a value"),
    "gbk-r2024-error-grandtotal-01": (
        "r2024-error-grandtotal-01", lambda r: cms_page(r, "gbk"), 7,
        "UEditor article served as GBK (<meta charset=\"gbk\">); labels broken with <br/>; error-injected "
        "（七）总计 (three error findings)"),
}
DOCX_SAMPLES = {
    "word-r2024-wps-vertical-01": (
        "r2024-wps-vertical-01", generator_docx, 0,
        "generate.py's own .docx: w:gridSpan and w:vMerge merges, 三、本年度办理结果 one character per line (w:br)"),
    "word-r2020-wrap-bigfont-01": (
        "r2020-wrap-bigfont-01", generator_docx, 0,
        "generate.py's own .docx, 2019 template: labels wrapped with w:br, procurement amount in 万元"),
    "word-r2024-hidden-white-01": (
        "r2024-hidden-white-01", generator_docx, 0,
        "generate.py's own .docx with hidden text: white “999” runs (w:color FFFFFF) after numbers and a 1 pt "
        "digit (w:sz 2) in 四's 复议 总计; none of it is part of a value"),
    "word-r2022-prose-review-01": (
        "r2022-prose-review-01", generator_docx, 0,
        "generate.py's own .docx: the prose states 行政复议 with only the concluded cases "
        "(warning prose.contradicts_table, read from the document's paragraphs)"),
    "nested-r2022-nulls-slash-01": (
        "r2022-nulls-slash-01", nested_docx, 0,
        "the three tables nested in a one-cell layout table (Table Grid style, python-docx merges); “/” for nulls"),
}


def write_readme(folder: str, samples: dict, suffix: str) -> None:
    lines = [
        f"# {folder}/: {'web pages' if folder == 'html' else 'Word files'} of sample reports",
        "",
        "Made by `samples/make_markup_samples.py` (see its docstring) from the PDF samples named in",
        "each file name: the same values, prose and title, so the same `<name>.expected.json`.",
        "Regenerate with `python samples/make_markup_samples.py`; two runs give identical bytes.",
        "",
        "| file | from | exercises |",
        "|---|---|---|",
    ]
    for name, (base, _, _, what) in samples.items():
        lines.append(f"| `{name}{suffix}` | `{base}` | {what} |")
    (SAMPLES / folder / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> int:
    for folder, samples, suffix in (("html", HTML_SAMPLES, ".html"), ("docx", DOCX_SAMPLES, ".docx")):
        out = SAMPLES / folder
        out.mkdir(exist_ok=True)
        for name, (base, writer, wrap, _) in samples.items():
            report = load_report(base, wrap)
            (out / f"{name}{suffix}").write_bytes(writer(report))
            (out / f"{name}.expected.json").write_bytes((SAMPLES / f"{base}.expected.json").read_bytes())
            print(f"{folder}/{name}{suffix}")
        write_readme(folder, samples, suffix)
    return 0


if __name__ == "__main__":
    sys.exit(main())

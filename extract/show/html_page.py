"""The static HTML page of one report (`extract FILE --html report.html`), and the HTML
table rendering the review app can reuse.

The page is one self-contained file: CSS and a little script inline, each value cell's
crop embedded as a `data:` PNG, and a Content-Security-Policy that forbids loading
anything else, so it opens the same from a mail attachment with no network. Every label,
value and message is escaped (`html.escape`) before it reaches the page.

Tables are drawn from `layout.py` with their printed merged cells (rowspan/colspan). A
value cell is focusable (tab, click): on hover or focus it shows the crop of the page it
was read from. Cells named by a finding carry its severity as a class and its messages as
a tooltip; each finding in the list links to its cells (`#cell-<table.row.column>`).

A pre-2019 report shows its statistics tables the same way (labels indented by their
nesting, a unit column). Every report, of every era, also shows its sections (number,
heading, pages, the text folded) and the figures its text states (value, unit, sentence,
and links to the cells they speak of).
"""

from __future__ import annotations

import base64
from html import escape
from typing import Callable, Optional

from ..checks.accounting import cause_note, describe
from ..records import Report
from ..table_layout import PRE2019, TableLayout, report_layouts, value_captions
from .marks import CellMark, cell_marks, report_values, shown_value

# key -> URL of its crop image (a data: URI here, a route in the review app), or None.
CropSource = Callable[[str], Optional[str]]


def cell_id(key: str) -> str:
    """The HTML id of a value cell (record keys hold only [a-z0-9_.])."""
    return f"cell-{key}"


def _attr(text: str) -> str:
    return escape(text, quote=True)


def value_cell_html(
    report: Report,
    key: str,
    *,
    row_span: int = 1,
    col_span: int = 1,
    marks: dict[str, CellMark],
    values: dict,
    caption: tuple[str, str] = ("", ""),
    crop_src: Optional[CropSource] = None,
) -> str:
    """One `<td>`: the value shown, classes for its marks, its findings as a tooltip, and
    its crop (if any) in a tip shown on hover and focus."""
    mark = marks.get(key)
    record = report.cells.get(key)
    classes = ["v"]
    notes: list[str] = []
    if record is None:
        classes.append("unread")
    elif values.get(key) is None:
        classes.append("null")
    if mark is not None:
        if mark.severity:
            classes.append(mark.severity)
        if mark.repaired:
            classes.append("repaired")
        if mark.low_confidence:
            classes.append("low")
        notes += [f"[{report.findings[i].severity}] {report.findings[i].message}" for i in mark.findings]
    if record is not None and record.repair is not None:
        notes.append(f"读作 read as “{record.text}”; {record.repair}")
    row_caption, column_caption = caption
    if record is not None:
        where = f"第{record.page}页 page {record.page}, " if record.page is not None else ""
        notes.insert(0, f"印有 printed “{record.text}”, {where}{record.source} {record.confidence:.2f}")
    title = "\n".join([f"{row_caption} · {column_caption} ({key})", *notes])
    spans = (f' rowspan="{row_span}"' if row_span > 1 else "") + (f' colspan="{col_span}"' if col_span > 1 else "")
    described = " ".join(f"finding-{i}" for i in mark.findings) if mark else ""
    aria = f' aria-describedby="{described}"' if described else ""
    crop = crop_src(key) if (crop_src is not None and record is not None) else None
    tip = (f'<span class="tip" role="tooltip"><img alt="{_attr("crop of " + key)}" src="{_attr(crop)}"></span>'
           if crop else "")
    return (f'<td id="{_attr(cell_id(key))}" class="{" ".join(classes)}" data-key="{_attr(key)}" tabindex="0"'
            f'{spans}{aria} title="{_attr(title)}"><span class="val">{escape(shown_value(report, key, values))}</span>'
            f"{tip}</td>")


def render_table_html(
    layout: TableLayout,
    report: Report,
    *,
    marks: Optional[dict[str, CellMark]] = None,
    values: Optional[dict] = None,
    crop_src: Optional[CropSource] = None,
) -> str:
    """One table as printed: a `<table>` with its merged cells as rowspan/colspan, header
    cells `<th>`, labels `<th scope="row">`, values `<td>` (see `value_cell_html`)."""
    marks = cell_marks(report) if marks is None else marks
    values = report_values(report) if values is None else values
    captions = value_captions(layout)
    out = [f'<table class="report-table" id="table-{_attr(layout.table)}">',
           f"<caption>{escape(layout.title)}</caption>"]
    for row in layout.rows():
        out.append("<tr>")
        for cell in row:
            if cell.kind == "value":
                out.append(value_cell_html(report, cell.key, row_span=cell.row_span, col_span=cell.col_span,
                                           marks=marks, values=values, caption=captions[cell.key], crop_src=crop_src))
                continue
            spans = ((f' rowspan="{cell.row_span}"' if cell.row_span > 1 else "")
                     + (f' colspan="{cell.col_span}"' if cell.col_span > 1 else ""))
            if cell.kind == "text":  # a unit, or a value column left empty on this row
                out.append(f'<td class="text"{spans}>{escape(cell.text)}</td>')
                continue
            kind = "label" if cell.kind == "label" else "head"
            group = " group" if cell.kind == "label" and not cell.key else ""
            if cell.depth:
                group += f" depth-{min(cell.depth, 6)}"
            scope = ' scope="row"' if cell.kind == "label" else ""
            out.append(f'<th class="{kind}{group}"{scope}{spans}>{escape(cell.text)}</th>')
        out.append("</tr>")
    out.append("</table>")
    return "\n".join(out)


def findings_html(report: Report, keys_shown: set[str], captions: dict[str, tuple[str, str]],
                  location_src: Optional[Callable[[int, tuple], Optional[str]]] = None) -> str:
    """The findings as a list, worst first; each links to the cells it names that the
    page shows, and shows the crop of a location that is no cell (a number not placed)."""
    order = {"error": 0, "warning": 1, "info": 2}
    items = []
    for index in sorted(range(len(report.findings)), key=lambda i: (order[report.findings[i].severity], i)):
        finding = report.findings[index]
        links = []
        for key in finding.cells:
            row, column = captions.get(key, ("", ""))
            text = f"{row} · {column}" if row or column else key
            if key in keys_shown:
                links.append(f'<a class="cell-link" href="#{_attr(cell_id(key))}" title="{_attr(key)}">{escape(text)}</a>')
            else:
                links.append(f'<span class="cell-ref" title="{_attr(key)}">{escape(text)}</span>')
        pictures = []
        for location in finding.locations:
            if location.cell or location.page is None or location.bbox is None or location_src is None:
                continue
            src = location_src(location.page, tuple(location.bbox))
            if src:
                pictures.append(f'<img class="where" alt="{_attr(f"page {location.page}")}" src="{_attr(src)}">')
        items.append(
            f'<li id="finding-{index}" class="finding {finding.severity}">'
            f'<span class="sev">{escape(finding.severity)}</span> <code>{escape(finding.rule)}</code> '
            f'<span class="msg">{escape(finding.message)}</span>'
            f'<div class="en">{escape(finding.message_en)}</div>'
            + (f'<div class="cause">{escape(cause_note(finding).strip(" ()"))}</div>' if finding.cause else "")
            + (f'<div class="cells">{" ".join(links)}</div>' if links else "")
            + "".join(pictures)
            + "</li>"
        )
    return '<ol class="findings">' + "\n".join(items) + "</ol>" if items else '<p class="none">没有发现 No findings.</p>'


def _pages(first: Optional[int], last: Optional[int]) -> str:
    if first is None:
        return ""
    last = last or first
    return f"第{first}页" if last == first else f"第{first}–{last}页"


def sections_html(report: Report) -> str:
    """The report's sections: number, heading as printed, pages, the text folded under the
    heading (a `<details>` opened by a click or Enter)."""
    if not report.sections:
        return '<p class="none">未识别出章节 No sections found.</p>'
    items = []
    for index, section in enumerate(report.sections):
        pages = _pages(section.first_page, section.last_page)
        items.append(
            f'<li id="section-{index}"><details><summary>'
            f'<span class="num">{escape(section.number or "—")}</span> '
            f'<span class="heading">{escape(section.heading)}</span>'
            + (f' <span class="pages">{escape(pages)}</span>' if pages else "")
            + f'</summary><div class="section-text">{escape(section.text)}</div></details></li>'
        )
    return '<ol class="sections">' + "\n".join(items) + "</ol>"


def prose_figures_html(report: Report, keys_shown: set[str], captions: dict[str, tuple[str, str]]) -> str:
    """The figures the report's text states: value, unit, what it counts, the sentence, the
    section and page, and links to the cells they speak of (the sum of them)."""
    if not report.prose_figures:
        return '<p class="none">正文中没有识别出数字 No figures found in the text.</p>'
    rows = ['<table class="figures"><thead><tr><th>数值 value</th><th>单位 unit</th><th>所指 about</th>'
            "<th>原句 sentence</th><th>章节 section</th><th>页 page</th><th>对应单元格 cells</th></tr></thead><tbody>"]
    for figure in report.prose_figures:
        links = []
        for key in figure.cells:
            row, column = captions.get(key, ("", ""))
            text = f"{row} · {column}" if row or column else key
            if key in keys_shown:
                links.append(f'<a class="cell-link" href="#{_attr(cell_id(key))}" title="{_attr(key)}">{escape(text)}</a>')
            else:
                links.append(f'<span class="cell-ref" title="{_attr(key)}">{escape(text)}</span>')
        value = str(figure.value)
        where = "" if figure.page is None else str(figure.page)
        source = "" if figure.source != "ocr" else f" (OCR {figure.confidence:.2f})"
        rows.append(
            f'<tr class="figure"><td class="num" title="{_attr(figure.text)}">{escape(value)}</td>'
            f"<td>{escape(figure.unit or '')}</td><td>{escape(figure.about or '')}</td>"
            f'<td class="sentence">{escape(figure.sentence)}{escape(source)}</td>'
            f"<td>{escape(figure.section or '')}</td><td>{escape(where)}</td>"
            f'<td class="cells">{" + ".join(links)}</td></tr>'
        )
    rows.append("</tbody></table>")
    return "\n".join(rows)


_CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",sans-serif;margin:1.5em;color:#222;background:#fff}
h1{font-size:1.3em;margin:0 0 .3em}
dl.info{display:grid;grid-template-columns:max-content auto;gap:.15em 1em;margin:0 0 1em;font-size:.9em}
dl.info dt{color:#666}dl.info dd{margin:0;word-break:break-all}
.counts span{margin-right:1em}.counts .error{color:#b00020}.counts .warning{color:#8a6d00}
.note{background:#fff4e5;border:1px solid #f0c36d;padding:.4em .6em}
table.report-table{border-collapse:collapse;margin:.5em 0 2em;font-size:.85em}
table.report-table caption{text-align:left;font-weight:bold;font-size:1.1em;padding:.3em 0}
table.report-table th,table.report-table td{border:1px solid #444;padding:.2em .35em}
th.head{background:#eef2f7;font-weight:normal}
th.label{text-align:left;font-weight:normal;max-width:22em}
th.group{background:#f7f7f7}
td.v{text-align:right;min-width:2.5em;position:relative;cursor:default;font-variant-numeric:tabular-nums}
td.v:focus,td.v:hover{outline:2px solid #1a73e8;outline-offset:-2px}
td.null .val,td.unread .val{color:#888}
td.unread{background:repeating-linear-gradient(45deg,#fafafa,#fafafa 4px,#eee 4px,#eee 8px)}
td.error{background:#fde0e0;color:#b00020;font-weight:bold}
td.warning{background:#fff5cc}
td.low .val::after{content:"?";color:#8a6d00;font-size:.8em}
td.repaired .val::after{content:"*";color:#7b1fa2}
td.v:target{box-shadow:inset 0 0 0 3px #1a73e8}
.tip{display:none;position:absolute;z-index:10;left:50%;top:100%;transform:translateX(-50%);background:#fff;
 border:1px solid #888;box-shadow:0 2px 8px rgba(0,0,0,.3);padding:3px;pointer-events:none}
.tip img{display:block;max-width:none}
td.v:hover .tip,td.v:focus .tip{display:block}
ol.findings li{margin:.4em 0}
ol.findings .sev{display:inline-block;min-width:4.5em;font-weight:bold}
li.error .sev{color:#b00020}li.warning .sev{color:#8a6d00}li.info .sev{color:#666}
ol.findings .en{color:#666;font-size:.85em}ol.findings .cause{font-size:.85em}
ol.findings .cells a,ol.findings .cells span{margin-right:.8em;font-size:.9em}
img.where{display:block;margin:.3em 0;border:1px solid #aaa}
.legend span{margin-right:1em;padding:0 .3em}
td.text{color:#555;text-align:center}
table.report-table th.depth-1{padding-left:1.55em}table.report-table th.depth-2{padding-left:2.75em}
table.report-table th.depth-3{padding-left:3.95em}table.report-table th.depth-4{padding-left:5.15em}
table.report-table th.depth-5{padding-left:6.35em}table.report-table th.depth-6{padding-left:7.55em}
table.report-table th.group{font-weight:bold}
ol.sections{padding-left:0;list-style:none}ol.sections li{margin:.25em 0}
ol.sections summary{cursor:pointer}ol.sections .num{display:inline-block;min-width:1.5em;color:#666}
ol.sections .pages{color:#666;font-size:.85em}
.section-text{white-space:pre-wrap;margin:.3em 0 .6em 1.8em;max-width:50em;font-size:.9em;line-height:1.5}
table.figures{border-collapse:collapse;font-size:.85em;margin:.5em 0 2em}
table.figures th,table.figures td{border:1px solid #bbb;padding:.2em .4em;vertical-align:top}
table.figures th{background:#eef2f7;font-weight:normal}
table.figures td.num{text-align:right;font-variant-numeric:tabular-nums}
table.figures td.sentence{max-width:36em}
"""

# Following a finding's link moves focus to the cell too, so its crop shows at once.
_SCRIPT = """
document.addEventListener('click', function (event) {
  var link = event.target.closest('a.cell-link');
  if (!link) return;
  var cell = document.getElementById(decodeURIComponent(link.hash.slice(1)));
  if (cell) { setTimeout(function () { cell.focus(); }, 0); }
});
"""

# Nothing but this document's own inline style and script, and data: images.
_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'"


def png_data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def render_report_html(report: Report, crop_src: Optional[CropSource] = None,
                       location_src: Optional[Callable[[int, tuple], Optional[str]]] = None,
                       note: str = "") -> str:
    """The whole page: report info, the tables as printed, a legend, the findings.
    `note` (escaped) is shown above the tables, e.g. why crops are missing."""
    layouts = report_layouts(report)
    marks, values = cell_marks(report), report_values(report)
    captions: dict[str, tuple[str, str]] = {}
    for layout in layouts:
        captions.update(value_captions(layout))
    info, source = report.report, report.source
    counts = {s: sum(1 for f in report.findings if f.severity == s) for s in ("error", "warning", "info")}
    heading = f"{info.agency or '（机关不详）'} {info.year or ''} 政府信息公开工作年度报告"
    facts = [
        ("文件 file", source.file),
        ("sha256", source.sha256),
        ("机关 agency", info.agency or "?"),
        ("年度 year", str(info.year or "?")),
        ("模板 template", report.tables.template
         + ("（2019年以前的报告：统计表按指标读取 a report of 2008-2018, its statistics tables read as indicators）"
            if report.tables.template == PRE2019 else "")),
        ("页数 pages", str(source.pages) if source.pages is not None else "—"),
        ("类型 kind", source.kind),
        ("单元格 cells read", str(len(report.cells))),
    ]
    tables = "\n".join(render_table_html(layout, report, marks=marks, values=values, crop_src=crop_src)
                       for layout in layouts)
    keys_shown = {key for layout in layouts for key in layout.value_keys}
    if not layouts and report.tables.template == PRE2019:
        tables = ('<p class="note" id="no-table">报告未印制统计表，数据仅见于正文 '
                  "The report prints no statistics table: its figures are stated in its text only.</p>")
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_attr(_CSP)}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(heading)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<header><h1>{escape(heading)}</h1>",
        '<dl class="info">' + "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in facts) + "</dl>",
        '<p class="counts">'
        + "".join(f'<span class="{s}">{counts[s]} {s}</span>' for s in ("error", "warning", "info"))
        + f'<span class="rules">{escape(describe(report.rules))}</span>'
        + '<a href="#findings">发现 findings ↓</a></p></header>',
        f'<p class="note">{escape(note)}</p>' if note else "",
        '<p class="legend"><span class="error" style="background:#fde0e0">错误 error</span>'
        '<span style="background:#fff5cc">警告 warning</span><span>* 已修正 repaired</span>'
        "<span>? 置信度低 low confidence</span><span>悬停或聚焦单元格显示原件截图 hover or focus a value to see its crop</span></p>",
        "<main>",
        tables,
        '<section id="findings"><h2>发现 Findings</h2>',
        findings_html(report, keys_shown, captions, location_src),
        "</section>",
        f'<section id="sections"><h2>章节 Sections ({len(report.sections)})</h2>',
        sections_html(report),
        "</section>",
        f'<section id="prose-figures"><h2>正文中的数字 Figures stated in the text ({len(report.prose_figures)})</h2>',
        prose_figures_html(report, keys_shown, captions),
        "</section></main>",
        f"<script>{_SCRIPT}</script>",
        "</body></html>",
    ])


def write_report_html(report: Report, source_path, out_path, *, scale: float = 2.0) -> str:
    """Write the static page of `report`, its crops cut from `source_path`. Returns the
    note shown on the page ("" when every crop was made). A crop that cannot be made
    leaves its cell without one; a source that cannot be opened leaves the page without
    crops; the note says why."""
    from pathlib import Path

    from .crops import CropError, DocumentCrops

    cell_crops: dict[str, str] = {}
    place_crops: dict[tuple, str] = {}
    failed: list[str] = []
    note = ""
    try:
        crops = DocumentCrops(source_path, scale=scale)
    except CropError as exc:
        note = f"没有截图 no crops: {exc.reason}"
    else:
        with crops:
            shown = [key for layout in report_layouts(report) for key in layout.value_keys]
            wanted = [(key, report.cells[key]) for key in shown if key in report.cells]
            for key, record in sorted(wanted, key=lambda item: item[1].page or 0):  # page by page
                if record.page is None or record.bbox is None:
                    continue
                try:
                    cell_crops[key] = png_data_uri(crops.crop_png(record.page, record.bbox))
                except (CropError, ValueError) as exc:
                    failed.append(str(exc))
            for finding in report.findings:
                for place in finding.locations:
                    if place.cell or place.page is None or place.bbox is None:
                        continue
                    try:
                        where = (place.page, tuple(place.bbox))
                        place_crops[where] = png_data_uri(crops.crop_png(place.page, place.bbox, margin_pt=12.0))
                    except (CropError, ValueError) as exc:
                        failed.append(str(exc))
        if failed:
            note = f"{len(failed)} 个截图无法生成 crops could not be made: {failed[0]}"
        elif report.cells and all(c.page is None for c in report.cells.values()):
            note = "网页和 Word 文件的单元格没有页面截图 cells of web pages and Word files have no page crops"
    page = render_report_html(report, cell_crops.get, lambda page, bbox: place_crops.get((page, bbox)), note)
    Path(out_path).write_text(page, encoding="utf-8")
    return note

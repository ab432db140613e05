"""The pre-2019 samples (samples/pre2019/, made by samples/make_pre2019.py): their expected
files are well formed and agree with the documents as printed.

- Web pages and Word files: the statistics table is read back from the markup (rowspan /
  colspan, w:gridSpan / w:vMerge) and every indicator row's value cells, in order, are
  exactly the expected records (label, column count, value; a blank, — or / is null).
- Digital PDFs: every expected label is printed, and every non-null expected value is among
  the table's printed numbers (text layer, tokens split by position).
- Scans: the expected file is its source's plus a "scan" key.
- Findings: the declared `indicators.parts_sum` findings are exactly the parent rows whose
  printed children (the vocabulary's partition of it) do not add up.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree, html as lxml_html

from extract.indicators import BY_KEY, PARTITIONS

DIR = Path(__file__).resolve().parent.parent / "samples" / "pre2019"
EXPECTED = sorted(DIR.glob("*.expected.json"))
NULLS = {"", "—", "——", "/", "－", "-", "无"}
CN = "一二三四五六七八九十"


def ws(text: str) -> str:
    return re.sub(r"\s+", "", text.replace("\xa0", " "))


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def document(exp_path: Path) -> Path:
    stem = exp_path.name[: -len(".expected.json")]
    hits = [p for p in DIR.glob(stem + ".*") if not p.name.endswith(".expected.json")]
    assert len(hits) == 1, hits
    return hits[0]


def parse(text: str):
    t = ws(text).replace(",", "")
    if t in NULLS:
        return None
    return float(t) if "." in t else int(t)


def rows_of(exp: dict) -> list[tuple[str, tuple, list]]:
    """(label, path, [values by column]) per indicator row, in printed order."""
    out: list = []
    for ind in exp["indicators"]:
        if out and out[-1][0] == ind["label"] and out[-1][1] == tuple(ind["path"]) and ind["column"] not in out[-1][3]:
            out[-1][2].append(ind["value"])
            out[-1][3].append(ind["column"])
        else:
            out.append((ind["label"], tuple(ind["path"]), [ind["value"]], [ind["column"]]))
    return [(a, b, c) for a, b, c, _ in out]


def test_corpus_present():
    kinds = Counter(document(p).suffix for p in EXPECTED)
    assert len(EXPECTED) >= 12
    assert kinds[".pdf"] >= 8 and kinds[".html"] >= 2 and kinds[".docx"] >= 2
    assert sum(p.stat().st_size for p in DIR.iterdir()) < 12_000_000


@pytest.mark.parametrize("path", EXPECTED, ids=lambda p: p.name)
def test_structure(path: Path):
    exp = load(path)
    assert set(exp) <= {"report", "indicators", "sections", "findings", "scan"}
    rep = exp["report"]
    assert rep["template"] == "pre2019" and 2008 <= rep["year"] <= 2018 and rep["agency"]
    columns: list[str] = []
    for ind in exp["indicators"]:
        assert set(ind) == {"key", "label", "path", "unit", "column", "value"}
        assert ind["key"] is None or ind["key"] in BY_KEY
        assert ind["label"] and ws(ind["label"]) == ind["label"]
        assert all(p and ws(p) == p for p in ind["path"])
        assert ind["unit"] is None or isinstance(ind["unit"], str)
        assert ind["column"] and " " not in ind["column"].replace(" › ", "")
        assert ind["value"] is None or isinstance(ind["value"], (int, float))
        if ind["column"] not in columns:
            columns.append(ind["column"])
    # every indicator row has one value in every value column
    for label, _, values in rows_of(exp):
        assert len(values) == len(columns), label
    # sections: 一、二、… in order
    heads = exp["sections"]
    assert heads
    for i, h in enumerate(heads):
        assert h.startswith(CN[i] + "、"), h
    # findings: exactly the printed parts_sum inconsistencies
    parts = {p.parent: set(p.parts) for p in PARTITIONS}
    found = []
    for col in columns:
        inds = [i for i in exp["indicators"] if i["column"] == col]
        for a in inds:
            kids = [b for b in inds if a["key"] in parts and b["key"] in parts[a["key"]]
                    and b["path"] == a["path"] + [a["label"]]]
            if not kids or a["value"] is None or any(b["value"] is None for b in kids):
                continue
            if abs(sum(b["value"] for b in kids) - a["value"]) > 1e-9:
                f = {"rule": "indicators.parts_sum", "indicator": a["key"]}
                if f not in found:
                    found.append(f)
    assert found == exp["findings"]


# ------------------------------------------------------------------ tables read back from markup

def grid_of(rows: list[list[tuple[str, int, int]]]) -> list[list[object]]:
    """Place (text, rowspan, colspan) cells; each grid slot holds its cell's id and text."""
    grid: dict[tuple[int, int], tuple[int, str]] = {}
    ident = 0
    for r, row in enumerate(rows):
        c = 0
        for text, rs, cs in row:
            while (r, c) in grid:
                c += 1
            ident += 1
            for rr in range(r, r + rs):
                for cc in range(c, c + cs):
                    grid[(rr, cc)] = (ident, text)
            c += cs
    nrows = max(r for r, _ in grid) + 1
    ncols = max(c for _, c in grid) + 1
    return [[grid.get((r, c), (0, "")) for c in range(ncols)] for r in range(nrows)]


def html_rows(path: Path) -> list[list[list[tuple[str, int, int]]]]:
    raw = path.read_bytes()
    charset = re.search(rb"charset=[\"']?([\w-]+)", raw).group(1).decode()
    tree = lxml_html.fromstring(raw.decode(charset))
    tables = []
    for t in tree.iter("table"):
        if t.xpath(".//table"):
            continue  # a layout table
        rows = []
        for tr in t.xpath(".//tr"):
            rows.append([(ws(td.text_content()), int(td.get("rowspan", 1)), int(td.get("colspan", 1)))
                         for td in tr if td.tag in ("td", "th")])
        tables.append(rows)
    return tables


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_rows(path: Path) -> list[list[list[tuple[str, int, int]]]]:
    import zipfile

    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    tables = []
    for tbl in root.iter(W + "tbl"):
        cells: list[list[list]] = []  # [text, rowspan, colspan, start column]
        for tr in tbl.findall(W + "tr"):
            row, col = [], 0
            for tc in tr.findall(W + "tc"):
                pr = tc.find(W + "tcPr")
                span = pr.find(W + "gridSpan") if pr is not None else None
                cs = int(span.get(W + "val")) if span is not None else 1
                vm = pr.find(W + "vMerge") if pr is not None else None
                text = ws("".join(t.text or "" for t in tc.iter(W + "t")))
                if vm is not None and vm.get(W + "val") != "restart":
                    above = next(c for r in reversed(cells) for c in r if c[3] == col)
                    above[1] += 1
                else:
                    row.append([text, 1, cs, col])
                col += cs
            cells.append(row)
        tables.append([[(t, rs, cs) for t, rs, cs, _ in row] for row in cells])
    return tables


def read_back(tables, exp: dict) -> list[tuple[str, list]]:
    """Each indicator row's (label, values) of the table whose header names the expected columns."""
    columns = list(dict.fromkeys(i["column"] for i in exp["indicators"]))
    lasts = [c.split(" › ")[-1] for c in columns]
    labels = {i["label"] for i in exp["indicators"]}
    for rows in tables:
        grid = grid_of(rows)
        head = next((r for r, row in enumerate(grid) if all(any(t == x for _, t in row) for x in lasts)), None)
        if head is None:
            continue
        vcols = []
        for x in lasts:
            vcols.append(next(c for c, (_, t) in enumerate(grid[head]) if t == x and c not in vcols))
        out = []
        for row in grid[head + 1:]:
            lab = next((row[c] for c in range(vcols[0] - 1, -1, -1) if row[c][1] in labels), None)
            if lab is None or any(row[c][0] == lab[0] for c in vcols):
                continue
            out.append((lab[1], [parse(row[c][1]) for c in vcols]))
        return out
    raise AssertionError("no table with the expected column headers")


MARKUP = [p for p in EXPECTED if document(p).suffix in (".html", ".docx") and load(p)["indicators"]]


@pytest.mark.parametrize("path", MARKUP, ids=lambda p: p.name)
def test_markup_values(path: Path):
    exp = load(path)
    doc = document(path)
    tables = html_rows(doc) if doc.suffix == ".html" else docx_rows(doc)
    got = read_back(tables, exp)
    want = [(label, values) for label, _, values in rows_of(exp)]
    assert got == want


# ------------------------------------------------------------------ digital PDFs

def pdf_tokens(path: Path) -> tuple[str, list[str]]:
    """The text without whitespace, and the printed tokens (characters on one line closer
    than 1.5 pt joined) of every page."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    text, tokens = [], []
    try:
        for page in pdf:
            tp = page.get_textpage()
            text.append(tp.get_text_range())
            chars = []
            for i in range(tp.count_chars()):
                ch = tp.get_text_range(i, 1)
                if not ch.strip():
                    continue
                x0, y0, x1, y1 = tp.get_charbox(i, loose=True)
                chars.append((ch, x0, x1, (y0 + y1) / 2))
            chars.sort(key=lambda c: (-round(c[3] / 3), c[1]))
            lines: list[list] = []
            for c in sorted(chars, key=lambda c: -c[3]):
                line = next((ln for ln in lines if abs(ln[0][3] - c[3]) < 2.5), None)
                (line.append(c) if line is not None else lines.append([c]))
            for ln in lines:
                ln.sort(key=lambda c: c[1])
                tok = ln[0][0]
                for a, b in zip(ln, ln[1:]):
                    if b[1] - a[2] > 1.5:
                        tokens.append(tok)
                        tok = ""
                    tok += b[0]
                tokens.append(tok)
    finally:
        pdf.close()
    return ws("".join(text)), tokens


DIGITAL = [p for p in EXPECTED if document(p).suffix == ".pdf" and "scan" not in load(p)]


@pytest.mark.parametrize("path", DIGITAL, ids=lambda p: p.name)
def test_pdf_printed(path: Path):
    exp = load(path)
    text, tokens = pdf_tokens(document(path))
    for h in exp["sections"]:
        assert h in text
    for ind in exp["indicators"]:
        assert ind["label"] in text, ind["label"]
    printed = Counter(t for t in tokens if re.fullmatch(r"\d+(\.\d+)?", t))
    want = Counter(str(i["value"]) for i in exp["indicators"] if i["value"] is not None)
    assert not want - printed


SCANS = [p for p in EXPECTED if "scan" in load(p)]


@pytest.mark.parametrize("path", SCANS, ids=lambda p: p.name)
def test_scan_twin(path: Path):
    exp = load(path)
    source = load(DIR / f"{exp['scan']['source']}.expected.json")
    assert {k: v for k, v in exp.items() if k != "scan"} == source
    assert document(path).stat().st_size < 1_500_000

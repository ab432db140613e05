"""Scanned twins of WPS/Word-made reports printed with faint grey table borders, and of
reports stamped with a seal over the values of 二 or 四 (issue 17, classes 2 and 4).

How such scans arise: WPS's default table border is 0.5 pt, and many offices print the
borders grey (a "light" table style, or a grey line colour picked in the border dialog);
a 150 DPI office scanner turns a 0.5 pt grey line into ~1 px of grey ~170-200 after JPEG.
An official seal is stamped wherever the signing officer puts it, sometimes over a table's
value cells; a grey scan (or a colour scan converted to grey) keeps it as a dark ring and
dark lettering over the digits.

This generator rewrites the source sample's stroked rulings (every stroking colour set to
a grey level, every line width capped) with pikepdf, in memory, renders the result with
pypdfium2 and degrades it with the office-scan model of ``make_scans.py`` (same seal,
lighting, blur, noise, JPEG, PDF/TIFF writers). Seals are placed over the value cells:
``over-2`` on 二's value columns (the rows 规章 .. 行政规范性文件), ``over-4`` on 四's value
row. Writes ``samples/scanned/<name>.pdf|.tif`` and ``<name>.expected.json`` (the source's
values unchanged plus a ``"scan"`` key), and ``samples/scanned/README-faint.md``.

Usage::

    python samples/make_faint_scans.py             # all twins below
    python samples/make_faint_scans.py --only NAME

Deterministic like make_scans.py (fixed seeds; same library versions give the same bytes).
"""
from __future__ import annotations

import argparse
import io
import json
import random
import sys
from pathlib import Path

import numpy as np
import pdfplumber
import pikepdf
import pypdfium2 as pdfium

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_scans as ms  # noqa: E402  (the office-scan model this builds on)

HERE = ms.HERE
OUT = ms.OUT

# Keys as in make_scans.TWINS, except:
#   skew     (lo, hi): each page draws its skew in [lo, hi] degrees (counter-clockwise
#            positive), so a batch fed with the same slant can be imitated
#   rulings  optional dict(grey=level 0..1, width=pt): every stroked line of the source
#            printed in that grey with at most that width (None: printed as the source is)
#   seals    "signature", "over-2" (over 二's value cells), "over-2-counts" (the seal's
#            lettering over 二's 行政许可/行政处罚 counts), "over-4" (over 四's value row)
FAINT_TWINS: list[dict] = [
    # A WPS-made report printed with 0.5 pt light grey borders, 150 DPI grey, JPEG q45.
    dict(name="scan-faint-r2024-wps-vertical-01", source="r2024-wps-vertical-01", seed=2451,
         format="pdf", dpi=150, color="gray", quality=45, skew=(-1.2, 1.2), noise=5.0,
         blur=0.9, lighting=0.10, rulings=dict(grey=0.68, width=0.5), seals=["signature"],
         seal_text="curved"),
    # The same class on the narrow-四 WPS layout, paler still, q42.
    dict(name="scan-faint-r2024-wps-narrow-review-01", source="r2024-wps-narrow-review-01",
         seed=2452, format="pdf", dpi=150, color="gray", quality=42, skew=(-1.0, 1.0),
         noise=6.0, blur=0.9, lighting=0.12, rulings=dict(grey=0.72, width=0.5),
         seals=["signature"], seal_text="curved"),
    # 150 DPI colour JPEG q40, fed with a steady clockwise slant, red seals over 二 and 四.
    dict(name="scan-seal-r2023-nulls-dash-01", source="r2023-nulls-dash-01", seed=2453,
         format="pdf", dpi=150, color="rgb", quality=40, skew=(-2.0, -1.6), noise=6.0,
         blur=0.8, lighting=0.12, rulings=None, seals=["over-2", "over-4", "signature"],
         seal_text="curved+straight"),
    # 150 DPI colour JPEG q40 fed with a counter-clockwise slant of 2.2-2.8 degrees, a red
    # seal's lettering over 二's multi-digit counts (行政许可 871,194): at q40 the stamp's
    # whitened strokes leave specks beside a number ("0.") and a line of their own over it.
    dict(name="scan-seal-r2023-bignumbers-counts-01", source="r2023-bignumbers-thousands-01", seed=1,
         format="pdf", dpi=150, color="rgb", quality=40, skew=(2.2, 2.8), noise=6.0, blur=0.8,
         lighting=0.12, rulings=None, seals=["over-2-counts", "signature"], seal_text="curved+straight"),
    # 200 DPI grey multi-page TIFF (a colour seal converted to grey) over 二's values.
    dict(name="scan-seal-r2022-nulls-slash-01", source="r2022-nulls-slash-01", seed=2454,
         format="tiff", dpi=200, color="gray", quality=50, skew=(-1.0, 1.0), noise=5.0,
         blur=0.9, lighting=0.10, rulings=None, seals=["over-2", "signature"],
         seal_text="curved"),
]


def grey_rulings(pdf_path: Path, grey: float, width: float) -> bytes:
    """The PDF with every stroke printed in `grey` and at most `width` pt wide: stroking
    colour operators replaced (a grey default set first, for strokes that never set one),
    line widths capped. Fills (shaded header cells) and text are left as they are."""
    with pikepdf.open(pdf_path) as pdf:
        for page in pdf.pages:
            ops = pikepdf.parse_content_stream(page)
            out = [pikepdf.ContentStreamInstruction([grey] * 3, pikepdf.Operator("RG"))]
            for operands, op in ops:
                name = str(op)
                if name in ("RG", "G", "K", "SC", "SCN", "CS"):
                    out.append(pikepdf.ContentStreamInstruction([grey] * 3, pikepdf.Operator("RG")))
                elif name == "w":
                    out.append(pikepdf.ContentStreamInstruction([min(float(operands[0]), width)], op))
                else:
                    out.append(pikepdf.ContentStreamInstruction(operands, op))
            page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(out))
        buf = io.BytesIO()
        pdf.save(buf)
    return buf.getvalue()


def render(data: bytes, dpi: int) -> list[np.ndarray]:
    doc = pdfium.PdfDocument(data)
    try:
        return [np.array(doc[i].render(scale=dpi / 72.0).to_pil().convert("RGB")) for i in range(len(doc))]
    finally:
        doc.close()


def locate_section_2_values(pdf_path: Path) -> dict | None:
    """二's value cells of the rows 规章 .. 行政规范性文件: {page, x0, top, x1, bottom} in
    PDF pt (origin top-left), from the first ruled table holding 规章."""
    with pdfplumber.open(pdf_path) as pdf:
        for i, page in enumerate(pdf.pages):
            words = page.extract_words()
            rules = [w for w in words if w["text"].startswith("规章")]
            norms = [w for w in words if "规范性文件" in w["text"]]
            if not rules or not norms:
                continue
            for table in page.find_tables():
                x0, top, x1, bottom = table.bbox
                if top <= rules[0]["top"] <= bottom:
                    return {"page": i, "x0": rules[0]["x1"] + 10, "x1": x1,
                            "top": rules[0]["top"] - 4, "bottom": norms[0]["bottom"] + 4}
    return None


def locate_section_2_counts(pdf_path: Path) -> dict | None:
    """二's value cells of the rows 行政许可 .. 行政处罚 (decision counts, often several
    digits): {page, x0, top, x1, bottom} in PDF pt (origin top-left)."""
    with pdfplumber.open(pdf_path) as pdf:
        for i, page in enumerate(pdf.pages):
            words = page.extract_words()
            licensing = [w for w in words if w["text"] == "行政许可"]
            penalty = [w for w in words if w["text"] == "行政处罚"]
            if not licensing or not penalty or penalty[0]["top"] < licensing[0]["top"]:
                continue
            for table in page.find_tables():
                x0, top, x1, bottom = table.bbox
                if top <= licensing[0]["top"] <= bottom:
                    return {"page": i, "x0": licensing[0]["x1"] + 10, "x1": x1,
                            "top": licensing[0]["top"] - 4, "bottom": penalty[0]["bottom"] + 4}
    return None


def seal_centres(twin: dict, src: Path, prng: random.Random) -> list[dict]:
    """Where each seal goes (pt on the source page, origin top-left)."""
    info = ms.locate(src)
    out = []
    for kind in twin["seals"]:
        if kind == "signature" and info["signature"]:
            s = info["signature"]
            out.append({"kind": kind, "page": s["page"],
                        "center_pt": [s["center"][0] + prng.uniform(-12, 12), s["center"][1] + prng.uniform(-8, 8)]})
        elif kind == "over-2":
            box = locate_section_2_values(src)
            if box is None:
                raise ValueError(f"{twin['name']}: no 二 table in {src.name}")
            out.append({"kind": kind, "page": box["page"],
                        "center_pt": [prng.uniform(box["x0"] + 0.3 * (box["x1"] - box["x0"]), box["x1"] - 30),
                                      prng.uniform(box["top"], box["bottom"])]})
        elif kind == "over-2-counts":
            box = locate_section_2_counts(src)
            if box is None:
                raise ValueError(f"{twin['name']}: no 行政许可/行政处罚 rows in {src.name}")
            # The seal's lettering, not its centre, over the counts: the centre a little
            # above or below the rows, towards the cells' right side.
            out.append({"kind": kind, "page": box["page"],
                        "center_pt": [prng.uniform(box["x0"] + 0.4 * (box["x1"] - box["x0"]), box["x1"] - 20),
                                      prng.choice([box["top"] - 25, box["bottom"] + 25]) + prng.uniform(-8, 8)]})
        elif kind == "over-4":
            row = ms.locate_review_values(src)
            if row is None:
                raise ValueError(f"{twin['name']}: no 15-column 四 in {src.name}")
            xs = row["boundaries"]
            out.append({"kind": kind, "page": row["page"],
                        "center_pt": [prng.uniform(xs[3], xs[10]),
                                      (row["top"] + row["bottom"]) / 2 + prng.uniform(-20, 10)]})
    return out


def make_twin(twin: dict) -> dict:
    src = HERE / f"{twin['source']}.pdf"
    expected = json.loads((HERE / f"{twin['source']}.expected.json").read_text(encoding="utf-8"))
    dpi, scale = twin["dpi"], twin["dpi"] / 72.0
    prng = random.Random(twin["seed"])
    seals = seal_centres(twin, src, prng)
    data = src.read_bytes()
    if twin["rulings"]:
        data = grey_rulings(src, twin["rulings"]["grey"], twin["rulings"]["width"])
    agency = expected.get("report", {}).get("agency", "")
    sizes = ms.locate(src)["sizes"]
    recs, jpegs, images = [], [], []
    for i, rgb in enumerate(render(data, dpi)):
        pseed = twin["seed"] * 1000 + i
        rng, pp = np.random.default_rng(pseed), random.Random(pseed)
        rec = {"page": i + 1, "rotation": 0, "skew_deg": round(pp.uniform(*twin["skew"]), 2)}
        page_seals = [s for s in seals if s["page"] == i]
        for j, s in enumerate(page_seals):
            mask = ms.seal_mask(int(round(ms.SEAL_DIAMETER_MM / 25.4 * dpi)), agency, twin["seal_text"],
                                np.random.default_rng(pseed * 10 + j), random.Random(pseed * 10 + j))
            ms.stamp(rgb, mask, s["center_pt"][0] * scale, s["center_pt"][1] * scale, 0.85)
        if page_seals:
            rec["seals"] = [{"kind": s["kind"], "center_pt": [round(v, 1) for v in s["center_pt"]],
                             "diameter_mm": ms.SEAL_DIAMETER_MM} for s in page_seals]
        img = ms.degrade_page(rgb, twin, rec, rng, pp)
        recs.append(rec)
        if twin["format"] == "pdf":
            jpegs.append(ms.encode_jpeg(img, twin["quality"]))
        else:
            images.append(img)
    OUT.mkdir(exist_ok=True)
    if twin["format"] == "pdf":
        path = OUT / f"{twin['name']}.pdf"
        ms.write_pdf(path, jpegs, sizes)
    else:
        path = OUT / f"{twin['name']}.tif"
        ms.write_tiff(path, images, dpi, twin["quality"])
    scan = {
        "source": twin["source"], "file": path.name, "format": twin["format"], "seed": twin["seed"],
        "dpi": dpi, "color": "gray" if twin["format"] == "tiff" else twin["color"],
        "jpeg_quality": twin["quality"], "compression": "jpeg", "noise_sigma": twin["noise"],
        "blur_sigma_px": round(twin["blur"] * dpi / 300.0, 3), "lighting_depth": twin["lighting"],
        "rulings": twin["rulings"], "seal_text": twin["seal_text"] if seals else None,
        "conventions": {
            "skew_deg": "counter-clockwise positive (image y axis down), about the page centre",
            "center_pt": "seal centre on the source page, PDF points, origin top-left",
            "rulings": "every stroke of the source printed in this grey (0 black .. 1 white) at "
                       "most this wide (pt); null: as the source prints it",
        },
        "pages": recs,
    }
    ms.write_expected(twin["name"], expected, scan)
    return {"name": twin["name"], "file": path, "pages": len(recs)}


def write_readme() -> None:
    rows = ["# Faint-ruling and seal-over-values twins (samples/make_faint_scans.py)", "",
            "Made by `python samples/make_faint_scans.py` with the scan model of make_scans.py "
            "(see README.md here); the source's strokes re-printed grey and thin where `rulings` "
            "is given, seals placed over 二's or 四's value cells.", "",
            "| twin | source | pages | dpi | colour | JPEG q | rulings (grey, pt) | skew per page (°) | seals (page: kind) |",
            "|---|---|---|---|---|---|---|---|---|"]
    for t in FAINT_TWINS:
        path = OUT / f"{t['name']}.expected.json"
        if not path.exists():
            continue
        sc = json.loads(path.read_text(encoding="utf-8"))["scan"]
        rulings = f"{sc['rulings']['grey']:g}, {sc['rulings']['width']:g}" if sc["rulings"] else "as printed"
        skews = " ".join(f"{p['skew_deg']:+.2f}" for p in sc["pages"])
        seals = ", ".join(f"p{p['page']}: {s['kind']}" for p in sc["pages"] for s in p.get("seals", []))
        rows.append(f"| `{sc['file']}` | `{sc['source']}` | {len(sc['pages'])} | {sc['dpi']} | {sc['color']} "
                    f"| {sc['jpeg_quality']} | {rulings} | {skews} | {seals or '—'} |")
    (OUT / "README-faint.md").write_text("\n".join(rows) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", action="append", metavar="NAME", help="this twin only (repeatable)")
    args = ap.parse_args(argv)
    for twin in FAINT_TWINS:
        if args.only and twin["name"] not in args.only:
            continue
        r = make_twin(twin)
        print(f"{r['name']}: {r['file'].name} {r['pages']} pages, {r['file'].stat().st_size / 1e6:.2f} MB")
    write_readme()
    return 0


if __name__ == "__main__":
    sys.exit(main())

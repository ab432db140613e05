"""Volumes: many reports in one PDF. The splitter on page signals as real volumes print
them (letterheads, contents pages that list titles, covers, blank pages, appendices,
lost title pages, restarting page numbers, a report starting mid-page), and the whole
path on the committed digital volume and on a scanned volume built at test time."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest
from conftest import ROOT, SAMPLES

from extract.evaluate import compare, evaluate
from extract.pipeline import extract_reports, split_file
from extract.settings import DEFAULT_SETTINGS
from extract.volumes import PageSignals, TextLine, split_volume

sys.path.insert(0, str(SAMPLES))
import make_volumes  # noqa: E402

VOLUMES = SAMPLES / "volumes"
DIGITAL_VOLUME = VOLUMES / "volume-digital-12.pdf"


def page(number: int, *texts: str, tables: tuple[str, ...] = (), foot: str | None = None) -> PageSignals:
    """A page whose lines outside tables are `texts`, 24 pt apart from the top margin,
    with tables below them and `foot` printed at the bottom."""
    lines = [TextLine(t, 72 + 24 * k, 88 + 24 * k) for k, t in enumerate(texts)]
    if foot is not None:
        lines.append(TextLine(foot, 800, 812))
    tops = tuple(72 + 24 * len(texts) + 40 * k for k in range(len(tables)))
    return PageSignals(number, 842.0, tuple(lines), tables, tops)


PROSE = "2022年，本机关认真贯彻落实《条例》，坚持以公开为常态、不公开为例外。"


def report_pages(first: int, agency: str, year: int, title: bool = True, numbers: bool = False,
                 letterhead: bool = False) -> list[PageSignals]:
    """A four-page report: title and 一, then 二 and 三, 三 continued, 四 with 五 and 六."""
    foot = (lambda n: f"- {n} -") if numbers else (lambda n: None)
    head = [f"{agency}文件", "×政办发〔2023〕3号"] if letterhead else []
    first_lines = [*head, f"{agency}{year}年政府信息公开", "工作年度报告"] if title else []
    return [
        page(first, *first_lines, "本报告根据《中华人民共和国政府信息公开条例》编制。", "一、总体情况", PROSE, foot=foot(1)),
        page(first + 1, "二、主动公开政府信息情况", tables=("proactive", "applications"), foot=foot(2)),
        PageSignals(first + 2, 842.0, tuple(page(0, foot=foot(3)).lines), ruled=1),  # 三 continued
        page(first + 3, "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", PROSE,
             "六、其他需要报告的事项", PROSE, agency, f"{year + 1}年1月20日", tables=("review_litigation",), foot=foot(4)),
    ]


def spans(split) -> list[tuple[int, int]]:
    return [(r.first_page, r.last_page) for r in split.reports]


def rules(span) -> list[str]:
    return [f.rule for f in span.findings]


# ---------------------------------------------------------------- the splitter, on signals

def test_cover_contents_blank_pages_belong_to_no_report():
    cover = page(1, "某县政府信息公开工作年度报告汇编", "（2022年度）", "某县人民政府办公室编")
    contents = page(2, "目录", "甲县交通运输局2022年政府信息公开工作年度报告……3",
                    "乙县水利局2022年政府信息公开工作年度报告……8")
    blank = page(7)
    pages = [cover, contents, *report_pages(3, "甲县交通运输局", 2022), blank, *report_pages(8, "乙县水利局", 2022)]
    split = split_volume(pages)
    assert spans(split) == [(3, 6), (8, 11)]
    assert [(u.page, u.role) for u in split.unassigned] == [(1, "cover"), (2, "contents"), (7, "blank")]
    assert [r.agency for r in split.reports] == ["甲县交通运输局", "乙县水利局"]
    assert all(r.confidence == 1.0 and not r.findings for r in split.reports)


def test_a_contents_page_listing_one_title_is_not_a_report():
    contents = page(1, "甲县交通运输局2022年政府信息公开工作年度报告……………1")
    split = split_volume([contents, *report_pages(2, "甲县交通运输局", 2022)])
    assert spans(split) == [(2, 5)]
    assert [(u.page, u.role) for u in split.unassigned] == [(1, "contents")]


def test_title_under_a_letterhead_names_the_agency_not_the_letterhead():
    split = split_volume(report_pages(1, "甲县交通运输局", 2022, letterhead=True)
                         + report_pages(5, "乙县水利局", 2023, letterhead=True))
    assert spans(split) == [(1, 4), (5, 8)]
    assert [(r.agency, r.year) for r in split.reports] == [("甲县交通运输局", 2022), ("乙县水利局", 2023)]


def test_an_appendix_after_six_stays_with_its_report():
    appendix = page(5, "附件：2022年度政务公开工作要点落实情况表", PROSE, PROSE)
    signature = page(6, "甲县交通运输局", "2023年1月20日")
    pages = [*report_pages(1, "甲县交通运输局", 2022), appendix, signature, *report_pages(7, "乙县水利局", 2022)]
    assert spans(split_volume(pages)) == [(1, 6), (7, 10)]


def test_a_lost_title_page_splits_on_the_tables_starting_again_with_a_warning():
    second = report_pages(5, "乙县水利局", 2022)[1:]  # its first page (title, 一) is lost
    split = split_volume([*report_pages(1, "甲县交通运输局", 2022), *second])
    assert spans(split) == [(1, 4), (6, 8)]
    assert split.reports[1].title is None
    assert "volume.untitled_start" in rules(split.reports[1])
    assert split.reports[1].confidence < 0.6 < split.reports[0].confidence


def test_an_unreadable_title_splits_on_section_one_starting_again():
    split = split_volume(report_pages(1, "甲县交通运输局", 2022) + report_pages(5, "乙县水利局", 2022, title=False))
    assert spans(split) == [(1, 4), (5, 8)]
    assert "volume.untitled_start" in rules(split.reports[1])


def test_page_numbers_restarting_at_one_split_without_title_or_sections():
    def bare(first: int) -> list[PageSignals]:
        return [page(first + k, PROSE, foot=f"第{k + 1}页") for k in range(3)]

    split = split_volume(bare(1) + bare(4))
    assert spans(split) == [(1, 3), (4, 6)]
    assert split.reports[1].findings[0].message_en.endswith("its first page may be off")


def test_printed_page_numbers_running_on_raise_the_confidence():
    numbered = split_volume(report_pages(1, "甲县交通运输局", 2022, numbers=True))
    assert numbered.reports[0].confidence == 1.0


def test_a_report_starting_mid_page_shares_the_page():
    first = report_pages(1, "甲县交通运输局", 2022)
    last = first[-1]
    shared = PageSignals(4, 842.0, last.lines + (
        TextLine("乙县水利局2022年政府信息公开工作年度报告", 500, 520),
        TextLine("本报告根据《中华人民共和国政府信息公开条例》编制。", 530, 545),
        TextLine("一、总体情况", 550, 565),
    ), last.tables, last.table_tops)
    second = report_pages(4, "乙县水利局", 2022)[1:]
    split = split_volume([*first[:-1], shared, *second])
    assert spans(split) == [(1, 4), (4, 7)]
    assert split.reports[0].end_y == 500 and split.reports[1].start_y == 500
    assert "volume.mid_page_start" in rules(split.reports[1])


def test_one_report_is_one_span_without_findings():
    split = split_volume(report_pages(1, "甲县交通运输局", 2022))
    assert spans(split) == [(1, 4)] and not split.unassigned and not split.reports[0].findings


# ---------------------------------------------------------------- the committed digital volume

@pytest.fixture(scope="module")
def digital_reports():
    return extract_reports(DIGITAL_VOLUME, DEFAULT_SETTINGS)


def test_digital_volume_reports_have_the_right_pages_and_every_cell(digital_reports):
    expected = json.loads((VOLUMES / "volume-digital-12.expected.json").read_text(encoding="utf-8"))
    assert [(r.first_page, r.last_page) for r in digital_reports] == [
        (e["source"]["first_page"], e["source"]["last_page"]) for e in expected
    ]
    for found, want in zip(digital_reports, expected):
        record = found.report.model_dump(mode="json")
        assert (record["source"]["first_page"], record["source"]["last_page"]) == (found.first_page, found.last_page)
        result = compare(DIGITAL_VOLUME, want, record)
        assert result.perfect, (found.first_page, result.wrong, result.metadata_diffs)
        assert sum(result.cells.values()) >= 195


def test_digital_volume_extra_pages_are_reported(digital_reports):
    extra = make_volumes.extra_pages("volume-digital-12")
    told = {}
    for item in digital_reports:
        for f in item.report.findings:
            if f.rule == "volume.unassigned_pages":
                told[item.first_page] = f.message_en
    # The cover and contents are told on the first report, the blank page on the one after it.
    blank = next(p for p, role in extra.items() if role == "blank")
    assert set(told) == {3, blank + 1}
    assert "1 (cover), 2 (contents)" in told[3] and f"{blank} (blank)" in told[blank + 1]


def test_split_only_lists_reports_and_unassigned_pages():
    split = split_file(DIGITAL_VOLUME, DEFAULT_SETTINGS)
    assert len(split.reports) == 12 and all(r.confidence >= 0.9 for r in split.reports)
    assert {u.page: u.role for u in split.unassigned} == make_volumes.extra_pages("volume-digital-12")


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "extract.cli", *args], capture_output=True, text=True, cwd=ROOT)


def test_cli_prints_an_array_for_a_volume_and_one_object_for_a_report():
    volume = _cli(str(DIGITAL_VOLUME), "--json", "-q")
    assert volume.returncode == 0, volume.stderr
    records = json.loads(volume.stdout)
    assert isinstance(records, list) and len(records) == 12
    assert records[0]["source"]["first_page"] == 3
    single = _cli(str(SAMPLES / "r2022-error-leaf-01.pdf"), "--json", "-q")
    record = json.loads(single.stdout)
    assert isinstance(record, dict) and "first_page" not in record["source"]
    listed = _cli(str(DIGITAL_VOLUME), "--split-only", "--json")
    assert listed.returncode == 0, listed.stderr
    payload = json.loads(listed.stdout)
    assert len(payload["reports"]) == 12 and [u["page"] for u in payload["unassigned"]][:2] == [1, 2]
    # Without --json: each report's tables as printed, under its page range, on stdout.
    shown = _cli(str(DIGITAL_VOLUME))
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.count("== pages ") == 12 and "== pages 3-6 ==" in shown.stdout
    assert shown.stdout.count("三、收到和处理政府信息公开申请情况") == 12


def test_eval_compares_each_report_of_a_volume():
    results = evaluate([DIGITAL_VOLUME], None, DEFAULT_SETTINGS)
    assert len(results) == 12 and all(r.perfect for r in results)
    assert results[0].pdf.name == "volume-digital-12.pdf#3-6"


def test_a_volume_whose_second_title_page_is_lost_is_split_with_a_warning(tmp_path):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    first = PdfReader(str(SAMPLES / "r2022-error-leaf-01.pdf"))
    second = PdfReader(str(SAMPLES / "r2024-zeros-small-01.pdf"))
    for p in first.pages:
        writer.add_page(p)
    for p in second.pages[1:]:
        writer.add_page(p)
    path = tmp_path / "lost-title.pdf"
    buffer = io.BytesIO()
    writer.write(buffer)
    path.write_bytes(buffer.getvalue())
    found = extract_reports(path, DEFAULT_SETTINGS)
    assert [(r.first_page, r.last_page) for r in found] == [(1, 4), (5, 7)]
    assert "volume.untitled_start" in [f.rule for f in found[1].report.findings]
    expected = json.loads((SAMPLES / "r2024-zeros-small-01.expected.json").read_text(encoding="utf-8"))
    assert compare(path, expected, found[1].report.model_dump(mode="json")).wrong == []


# ---------------------------------------------------------------- a scanned volume

@pytest.fixture(scope="module")
def scanned_volume(tmp_path_factory):
    return make_volumes.build_volume("volume-scanned-2", tmp_path_factory.mktemp("volumes"))


def test_scanned_volume_reports_pages_and_cells(scanned_volume):
    path, expected_path = scanned_volume
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    found = extract_reports(path, DEFAULT_SETTINGS)
    assert [(r.first_page, r.last_page) for r in found] == [
        (e["source"]["first_page"], e["source"]["last_page"]) for e in expected
    ]
    for item, want in zip(found, expected):
        result = compare(path, want, item.report.model_dump(mode="json"))
        assert result.perfect, (item.first_page, result.wrong, result.metadata_diffs)
    told = " ".join(f.message_en for item in found for f in item.report.findings if f.rule == "volume.unassigned_pages")
    for number in make_volumes.extra_pages("volume-scanned-2"):
        assert f"{number} (" in told


def test_a_report_cover_sheet_with_its_title_alone_is_a_cover_not_a_report():
    sheet = page(5, "乙县水利局2022年", "政府信息公开工作年度报告", "乙县水利局", "二〇二三年一月")
    second = [replace_number(p, p.number + 1) for p in report_pages(5, "乙县水利局", 2022)]
    split = split_volume([*report_pages(1, "甲县交通运输局", 2022), sheet, *second])
    assert spans(split) == [(1, 4), (6, 9)]
    assert [(u.page, u.role) for u in split.unassigned] == [(5, "cover")]


def test_a_title_repeated_as_a_running_header_does_not_split():
    header = "甲县交通运输局2022年政府信息公开工作年度报告"
    pages = [page(1, header, "本报告根据《中华人民共和国政府信息公开条例》编制。", "一、总体情况", PROSE)]
    pages += [page(n, header, PROSE, tables=kinds) for n, kinds in
              ((2, ("proactive",)), (3, ("applications",)), (4, ("review_litigation",)))]
    split = split_volume(pages)
    assert spans(split) == [(1, 4)] and not split.reports[0].findings


def replace_number(signals: PageSignals, number: int) -> PageSignals:
    from dataclasses import replace

    return replace(signals, number=number)


class CountingEngine:
    """The real OCR engine, counting what it is asked to do."""

    def __init__(self, engine):
        self.engine, self.name = engine, engine.name
        self.detections = 0
        self.lines = 0

    def recognize_lines(self, crops, **options):
        self.lines += len(crops)
        return self.engine.recognize_lines(crops, **options)

    def read_page(self, image, **options):
        self.detections += 1
        return self.engine.read_page(image, **options)


def test_a_scanned_page_without_tables_costs_a_title_check_not_a_detection_pass():
    from extract.read import pdf
    from extract.scan.ocr import get_engine
    from extract.scan.scanned_page import read_scanned_page
    from extract.volumes import looks_like_title

    settings = DEFAULT_SETTINGS
    doc = pdf.open_pdf(SAMPLES / "scanned" / "scan-r2022-word-shaded-01.pdf", settings)
    try:
        prose, title = (pdf.render_page(doc, k, 150) for k in (1, 0))
    finally:
        doc.close()
    engine = CountingEngine(get_engine(settings.ocr_engine, settings.ocr_threads))
    page = read_scanned_page(prose, engine, settings, page_text=looks_like_title)
    # Orientation reads a few sample lines both ways; the head check one line; no detection.
    assert engine.detections == 0 and engine.lines <= 20
    assert not page.rulings and len(page.boxes) == 1 and "。" not in page.boxes[0].text[:3]
    engine.lines = 0
    page = read_scanned_page(title, engine, settings, page_text=looks_like_title)
    assert engine.detections == 1  # a title: its head read in full, as a single report's first page
    assert any("年度报告" in b.text for b in page.boxes)


def test_batch_stores_each_report_of_a_volume_under_its_first_page(tmp_path):
    import shutil
    import sqlite3

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(DIGITAL_VOLUME, folder)
    db = tmp_path / "results.sqlite"
    run = _cli("batch", str(folder), "--db", str(db), "--jobs", "1", "-q")
    assert run.returncode == 0, run.stderr
    expected = json.loads((VOLUMES / "volume-digital-12.expected.json").read_text(encoding="utf-8"))
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT first_page, last_page, agency FROM reports ORDER BY first_page").fetchall()
        cells = conn.execute("SELECT COUNT(*) FROM cells WHERE first_page = 3").fetchone()[0]
    assert rows == [(e["source"]["first_page"], e["source"]["last_page"], e["report"]["agency"]) for e in expected]
    assert cells >= 190


def test_a_scanned_last_page_read_only_in_part_stays_with_its_report():
    from dataclasses import replace

    # A scan's head check read one short row ("1", a staple mark) of a page whose other
    # eight rows (五, 六, the signature) were found but not read.
    last = PageSignals(5, 842.0, (TextLine("1", 34, 44),), source="ocr", partial=True, unread_rows=8)
    split = split_volume([*report_pages(1, "甲县交通运输局", 2022), last])
    assert spans(split) == [(1, 5)] and not split.unassigned
    # Every row of it read, a few short lines: a cover, between two reports.
    cover = replace(last, lines=(TextLine("某县政府信息公开年报汇编", 300, 330), TextLine("第二册", 360, 380)), unread_rows=0)
    split = split_volume([*report_pages(1, "甲县交通运输局", 2022), cover, *report_pages(6, "乙县水利局", 2022)])
    assert spans(split) == [(1, 4), (6, 9)] and [(u.page, u.role) for u in split.unassigned] == [(5, "cover")]

"""Sections and prose figures (issue 14, part 2): on every digital, web-page and Word
sample, the real huaian report, pre-2019 samples, and --full-text on a scan."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import SAMPLES

from extract.checks.prose_figures import figures_in_text, read_prose
from extract.pipeline import extract_file, extract_reports
from extract.records import Indicator
from extract.sections import ProseLine, sections, split_heading

# --------------------------------------------------------------------------- pure


def _lines(*texts: str, page: int = 1) -> list[ProseLine]:
    return [ProseLine(t, page) for t in texts]


def test_headings_alone_or_running_into_their_first_sentence():
    assert split_heading("一、总体情况").heading == "一、总体情况"
    h = split_heading("一、总体情况。2024年，我市共收到申请3件。")
    assert (h.number, h.heading, h.rest) == (1, "一、总体情况", "2024年，我市共收到申请3件。")
    assert split_heading("一、概述2016年，本局").heading == "一、概述"
    assert split_heading("一、概述今年以来，我局认真贯彻落实条例，取得了较好成效。").heading == "一、概述"
    h = split_heading("二、主动公开政府信息情况（一）主动公开数量")
    assert (h.heading, h.rest) == ("二、主动公开政府信息情况", "（一）主动公开数量")
    assert split_heading("七、其他需要报告的事项：无。").rest == "无。"
    assert split_heading("十二、其他").number == 12
    assert split_heading("第一部分概述").number == 1
    assert split_heading("三、2024年全年") is None  # a number, then a sentence
    assert split_heading("（一）主动公开情况") is None  # a sub-heading, never a section


def test_sections_go_up_in_order_lists_and_sub_headings_stay_inside():
    found = sections(_lines(
        "白石镇人民政府2012年政府信息公开工作年度报", "告", "本报告根据条例编制。",
        "一、总体情况", "我局做了以下工作：", "一、加强领导。", "二、完善制度。", "三、强化培训。",
        "（一）主动公开情况。全年主动公开信息20条。",
        "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
        "五、政府信息公开工作存在的主要问题", "及改进情况", "一、问题", "二、措施",
        "六、其他需要报告的事项", "无。", "-3-",
    ))
    assert [(s.number, s.heading) for s in found] == [
        (None, "白石镇人民政府2012年政府信息公开工作年度报告"),
        ("一", "一、总体情况"),
        ("二", "二、主动公开政府信息情况"),
        ("三", "三、收到和处理政府信息公开申请情况"),
        # 四 was a caption inside its table's frame: 五 follows 三 by its wording
        ("五", "五、政府信息公开工作存在的主要问题及改进情况"),
        ("六", "六、其他需要报告的事项"),
    ]
    assert found[0].text == "本报告根据条例编制。"
    assert found[1].text.startswith("我局做了以下工作：一、加强领导。二、完善制度。三、强化培训。（一）")
    assert found[2].text == ""  # a table caption: the section is there, its text is empty
    assert found[4].text == "一、问题二、措施"
    assert found[5].text == "无。"  # the page number -3- is not text
    # a list item two ahead with no section's wording is not a section
    assert [s.number for s in sections(_lines("一、总体情况", "三、加强领导，完善制度。"))] == ["一"]


def test_pages_of_sections():
    lines = _lines("一、总体情况", "第一页的文字。") + _lines("接上页。", "二、主动公开政府信息情况", page=2)
    assert [(s.first_page, s.last_page) for s in sections(lines)] == [(1, 2), (2, 2)]


# --------------------------------------------------------------------------- figures


def test_figures_their_units_and_what_is_not_a_figure():
    figures = figures_in_text(
        "一、总体情况。2024年，全年主动公开政府信息5500余条，召开新闻发布会12场，制作公报6期，"
        "收取信息处理费3940元、1.5万元。依据〔2016〕3号文件第3条，电话0517-83605210，"
        "在20个工作日内答复，合格率100%，3人民调解。"
    )
    assert [(f.value, f.unit, f.text) for f in figures] == [
        (5500, "条", "5500余条"), (12, "场", "12场"), (6, "期", "6期"), (3940, "元", "3940元"), (1.5, "万元", "1.5万元"),
    ]
    assert all(f.section == "一" and f.page is None and f.bbox is None for f in figures)
    assert figures[1].about == "召开新闻发布会"
    assert figures[0].sentence.startswith("2024年，全年主动公开政府信息5500余条")


def test_combined_statements_name_every_cell():
    both = ("applications.granted.total", "applications.partially_granted.total")
    for text in ("予以公开及部分公开42件。", "同意公开和部分公开42件。", "予以公开（含部分公开）42件。", "全部公开和部分公开42件。"):
        (figure,) = figures_in_text(text)
        assert (figure.value, figure.cells) == (42, both), text
    # two statements: each its own cell
    assert [f.cells for f in figures_in_text("予以公开22件、部分公开20件。")] == [both[:1], both[1:]]
    # 不同意公开 is not 同意公开
    assert figures_in_text("不同意公开3件。")[0].about == "不予公开"
    # out of scope: stated, but no cells
    (figure,) = figures_in_text("对自然人的申请予以公开及部分公开30件。")
    assert figure.cells == () and figure.about == "予以公开和部分公开"


def test_pre2019_figures_map_to_indicators_this_year_preferred():
    def indicator(key, column_key, row, value=5, unit="件"):
        return Indicator(cell=f"indicators.{key}.{column_key}", key=key, label=key, unit=unit, column=column_key,
                         column_key=column_key, value=value, table=1, row=row)

    indicators = [indicator("applications_received", "this_year", 1), indicator("applications_received", "cumulative", 1),
                  indicator("replies_granted", "this_year", 2), indicator("fees_charged", "this_year", 3, 0.5, "万元")]
    reading = read_prose(_lines("全年共受理政府信息公开申请5件，同意公开4件，同意部分公开1件，收取费用5000元。"), "pre2019", {},
                         indicators)
    assert [f.cells for f in reading.figures] == [
        ("indicators.applications_received.this_year",), ("indicators.replies_granted.this_year",),
        (),  # the table has no 同意部分公开 indicator
        ("indicators.fees_charged.this_year",),
    ]
    # template cells are not named for a pre-2019 report, nor indicators for a 2021 one
    assert read_prose(_lines("收到申请5件。"), "2021", {}, indicators).figures[0].cells == ("applications.new_received.total",)


def test_pre2019_prose_check_against_indicators_with_units():
    from extract.checks.soft_checks import run_soft_checks

    def indicator(key, value, unit):
        return Indicator(cell=f"indicators.{key}.this_year", key=key, label=key, unit=unit, column="本年度",
                         column_key="this_year", value=value, table=1, row=1)

    indicators = [indicator("applications_received", 6, "件"), indicator("fees_charged", 0.5, "万元")]
    figures = read_prose(_lines("全年共受理政府信息公开申请5件，收取费用5000元。"), "pre2019", {}, indicators).figures
    (finding,) = run_soft_checks(figures, {}, "白石镇人民政府", "pre2019", indicators)
    assert (finding.rule, finding.cells, finding.expected, finding.printed) == (
        "prose.contradicts_table", ("indicators.applications_received.this_year",), 5.0, 6.0)


def test_ocr_figures_are_recorded_but_never_accuse_the_report():
    from extract.checks.soft_checks import prose_vs_tables

    lines = [ProseLine("本年度共收到政府信息公开申请29件。", 1, None, None, "ocr", 0.93)]
    (figure,) = read_prose(lines, "2021", {}).figures
    assert (figure.source, figure.confidence, figure.cells) == ("ocr", 0.93, ("applications.new_received.total",))
    assert prose_vs_tables([figure], {"applications.new_received.total": 20}) == []
    assert len(prose_vs_tables([figure.model_copy(update={"source": "text"})], {"applications.new_received.total": 20})) == 1


# --------------------------------------------------------------------------- real files

HUAIAN_HEADINGS = [
    (None, "淮安市人民政府2024年政府信息公开工作年度报告", 1, 1),
    ("一", "一、总体情况", 1, 3),
    ("二", "二、主动公开政府信息情况", 3, 3),
    ("三", "三、收到和处理政府信息公开申请情况", 4, 4),
    ("四", "四、政府信息公开行政复议、行政诉讼情况", 5, 5),
    ("五", "五、存在的主要问题及改进情况", 5, 6),
    ("六", "六、其他需要报告的事项", 6, 6),
]


def test_huaian_sections_and_figures(huaian):
    report = extract_file(huaian)
    assert [(s.number, s.heading, s.first_page, s.last_page) for s in report.sections] == HUAIAN_HEADINGS
    assert report.sections[6].text == "2024年,市政府严格落实《政府信息公开信息处理费管理办法》,全年收取政府信息公开信息处理费3940元。"
    assert "-1-" not in report.sections[1].text and "-2-" not in report.sections[1].text  # page numbers
    fee = next(f for f in report.prose_figures if f.text == "3940元")
    assert (fee.section, fee.page, fee.source, fee.about) == ("六", 6, "text", "依申请公开收取的费用")
    x0, top, x1, bottom = fee.bbox
    assert 380 < x0 < x1 < 430 and 420 < top < bottom < 445  # the number's glyphs on page 6
    review = next(f for f in report.prose_figures if f.text == "351件")
    assert review.cells == ("review_litigation.review.total",) and review.page == 2
    # 全市共受理…3119件 is the whole city's: stated, not compared
    received = next(f for f in report.prose_figures if f.text == "3119件")
    assert received.cells == () and received.about == "收到政府信息公开申请"
    assert not [f for f in report.findings if f.rule.startswith("prose.")]


def _digital_files() -> list[Path]:
    files = sorted(SAMPLES.glob("*.pdf")) + sorted(SAMPLES.glob("html/*.html")) + sorted(SAMPLES.glob("docx/*.docx"))
    pre2019 = SAMPLES / "pre2019"
    files += [p for p in sorted(pre2019.glob("*")) if p.suffix in (".pdf", ".html", ".docx") and not p.name.startswith("scan-")]
    return files


def _expected_prose_warnings(path: Path) -> set[tuple[str, ...]]:
    expected = path.with_name(path.stem + ".expected.json")
    if not expected.is_file():
        return set()
    data = json.loads(expected.read_text(encoding="utf-8"))
    findings = data.get("findings", []) + data.get("warnings", []) if isinstance(data, dict) else []
    return {tuple(f["cells"]) for f in findings if f["rule"] == "prose.contradicts_table"}


def test_every_digital_web_and_word_sample_gets_its_sections_and_no_false_prose_warning():
    files = _digital_files()
    assert len(files) >= 50
    for path in files:
        report = extract_file(path)
        numbered = [s for s in report.sections if s.number is not None]
        assert len(numbered) >= 5, (path.name, [s.heading for s in report.sections])
        assert numbered[0].number == "一", path.name
        assert all("、" in s.heading for s in numbered), path.name
        if path.suffix == ".pdf":
            assert all(s.first_page is not None and s.first_page <= s.last_page for s in report.sections), path.name
        else:
            assert all(s.first_page is None for s in report.sections), path.name
        warned = {f.cells for f in report.findings if f.rule == "prose.contradicts_table"}
        assert warned == _expected_prose_warnings(path), path.name


def test_volume_reports_each_get_their_sections():
    for item in extract_reports(SAMPLES / "volumes" / "volume-digital-12.pdf"):
        numbered = [s for s in item.report.sections if s.number is not None]
        assert numbered and numbered[0].number == "一"
        assert all(item.first_page <= s.first_page <= s.last_page <= item.last_page for s in numbered)


def test_issue_14_combined_statement_is_no_contradiction(tmp_path):
    """The 2023 web report of issue 14: 予以公开及部分公开42件 against 22 + 20."""
    page = (SAMPLES / "html" / "cms-r2024-prose-received-01.html").read_text(encoding="utf-8")
    report = extract_file(SAMPLES / "html" / "cms-r2024-prose-received-01.html")
    granted = report.tables.applications.granted.total
    partial = report.tables.applications.partially_granted.total
    sentence = "其中，予以公开1件，部分公开1件，"
    assert sentence in page
    edited = tmp_path / "combined.html"
    edited.write_text(page.replace(sentence, f"其中，予以公开及部分公开{granted + partial}件，"), encoding="utf-8")
    report = extract_file(edited)
    figure = next(f for f in report.prose_figures if f.about == "予以公开和部分公开")
    assert figure.cells == ("applications.granted.total", "applications.partially_granted.total")
    assert not [f for f in report.findings if f.rule == "prose.contradicts_table" and "granted" in f.cells[0]]
    edited.write_text(page.replace(sentence, f"其中，予以公开及部分公开{granted + partial + 1}件，"), encoding="utf-8")
    (finding,) = [f for f in extract_file(edited).findings if f.cells == figure.cells]
    assert (finding.expected, finding.printed) == (granted + partial + 1, granted + partial)


# --------------------------------------------------------------------------- scans


def test_full_text_reads_the_sections_of_a_scan():
    scan = SAMPLES / "scanned" / "scan-seed-2024.pdf"
    plain = extract_file(scan, pages=(1,))
    assert [s.number for s in plain.sections] == [None]  # the first page's text above its table
    full = extract_file(scan, pages=(1, 2), full_text=True)
    assert [s.heading for s in full.sections] == [
        "泰安市泰山区行政审批服务局2024年政府信息公开工作年度报告", "一、总体情况", "二、主动公开政府信息情况"]
    received = next(f for f in full.prose_figures if f.about == "收到政府信息公开申请")
    assert (received.value, received.source, received.page) == (28, "ocr", 1)
    assert 0.5 < received.confidence <= 1.0 and received.bbox is not None
    # an OCR'd figure never gives a prose warning, whatever the table says
    assert not [f for f in full.findings if f.rule.startswith("prose.")]

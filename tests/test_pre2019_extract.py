"""Pre-2019 reports read end to end: every sample of samples/pre2019/ comes out exactly as its
expected file says (each indicator's label, path, unit, column and value; the sections; the
rule findings), through the same `extract eval` comparison the CLI prints.

The digital, web page and Word samples run always; of the scans, the one whose blank cells
print "/" (a slash the recogniser reads as "1") and the one whose table is split over pages.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from extract.evaluate import evaluate
from extract.settings import Settings

DIR = Path(__file__).resolve().parent.parent / "samples" / "pre2019"
DOCUMENTS = sorted(
    p for p in DIR.iterdir() if not p.name.endswith(".expected.json") and p.suffix in {".pdf", ".html", ".docx"}
)
SCANS = {"scan-p2014-serial-01.pdf", "scan-p2016-national-split-01.pdf"}
CHOSEN = [p for p in DOCUMENTS if not p.name.startswith("scan-") or p.name in SCANS]


@pytest.mark.parametrize("path", CHOSEN, ids=lambda p: p.name)
def test_sample_exact(path: Path):
    (result,) = evaluate([path], None, Settings())
    assert result.error is None, result.error
    problems = [m.describe() for m in result.wrong] + result.metadata_diffs
    assert result.perfect, (problems, result.expected_findings ^ result.found_findings)
    # Every printed indicator value was compared: the expected file lists them.
    assert sum(result.cells.values()) > 0 or "prose" in path.name


def test_every_kind_is_covered():
    kinds = {p.suffix for p in CHOSEN} | {"scan" for p in CHOSEN if p.name.startswith("scan-")}
    assert kinds >= {".pdf", ".html", ".docx", "scan"}


def test_a_2019_report_whose_template_tables_were_not_recognised_says_so(tmp_path: Path):
    """A report for 2019 or later prints the national template's tables. When none is
    recognised (a damaged scan: its tables fall back to statistics tables), the record is
    no quiet pre-2019 record: an error says the template was not found. The same page
    dated 2011 is a pre-2019 report, read without it."""
    from extract.pipeline import extract_file

    source = DIR / "html-p2011-cms-cumulative-01.html"
    dated_2020 = tmp_path / "p2020.html"
    dated_2020.write_text(source.read_text(encoding="utf-8").replace("2011", "2020"), encoding="utf-8")
    for path, year in ((source, 2011), (dated_2020, 2020)):
        report = extract_file(path)
        assert (report.report.year, report.report.template) == (year, "pre2019")
        errors = [f for f in report.findings if f.rule == "template.not_recognised"]
        assert [f.severity for f in errors] == (["error"] if year >= 2019 else [])

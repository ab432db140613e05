"""The review app on an archive-sized database (issue 16, item 7): 10,000 reports.

    python benchmarks/bench_review.py [--reports 10000] [--repeat 5] [--json]

Extracts a few samples once (a digital 2021 report with a broken rule, a clean digital
2019-format one, a web page, a pre-2019 report with its statistics table), stores them as
`extract batch` does, then copies them in SQL (`copy_reports`: new sha256, agency, year and
path per copy, every cell, finding, indicator and section copied, one in ten signed off) up
to `--reports`. Nothing is extracted 10,000 times.

Then, through Starlette's TestClient (the app in this process, no network), the median and
worst of `--repeat` runs of: the queue's first page, a filtered page (status, template,
year), a search (agency or file name), a page deep in the queue, a report page, one
decision (accept a cell), an undo, and a bulk accept of one rule over 100 reports (the
filter narrowed to 100 reports). Each must stay under 200 ms. Exit 1 if one does not.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
LIMIT_MS = 200.0
# The samples copied: (file, what it brings to the queue).
SOURCES = (
    SAMPLES / "r2024-error-grandtotal-01.pdf",      # a broken rule (errors)
    SAMPLES / "r2019-basic-procurement-01.pdf",     # 2019 template, clean
    SAMPLES / "html" / "cms-r2024-hidden-white-01.html",
    SAMPLES / "pre2019" / "p2013-error-replies-01.pdf",  # pre-2019 statistics table
)
# Tables holding one row set per report (sha256, first_page): copied with each report.
PER_REPORT_TABLES = ("cells", "findings", "indicators", "sections", "prose_figures")
DISTRICTS = ("东城", "西城", "朝阳", "海淀", "丰台", "石景山", "门头沟", "房山", "通州", "顺义",
             "昌平", "大兴", "怀柔", "平谷", "密云", "延庆", "滨海", "和平", "河西", "南开")
BUREAUS = ("人民政府办公室", "发展和改革委员会", "教育局", "公安局", "民政局", "司法局", "财政局",
           "人力资源和社会保障局", "自然资源局", "生态环境局", "住房和城乡建设局", "交通运输局",
           "水务局", "农业农村局", "商务局", "文化和旅游局", "卫生健康委员会", "应急管理局",
           "审计局", "市场监督管理局")


def store_samples(db_path: Path, sources=SOURCES) -> None:
    """Extract each source once and store it as `extract batch` does."""
    from extract.batch.store import DocumentResult, extractor_version, open_store, write_document
    from extract.files import sha256_file
    from extract.pipeline import extract_file

    db = open_store(db_path)
    try:
        for path in sources:
            record = extract_file(path).model_dump(mode="json")
            pages = record["source"].get("pages") or 1
            write_document(db, DocumentResult(sha256=sha256_file(path), path=str(path), status="ok",
                                              extractor_version=extractor_version(), pages=pages,
                                              reports=((1, pages, record),)))
    finally:
        db.close()


def copy_reports(db_path: Path, total: int, *, reviewed_every: int = 10, folder: str = "/archive") -> int:
    """Grow the database to `total` reports by copying the reports it holds, in SQL: copy i
    of source i % K gets sha256 = i in hex over the source's, an agency from DISTRICTS x
    BUREAUS, a year from 2014 to 2025, a path under `folder` (absent: no crops), and every
    row of PER_REPORT_TABLES; every `reviewed_every`-th is signed off. Returns the count."""
    db = sqlite3.connect(db_path)
    try:
        sources = db.execute("SELECT sha256, first_page FROM reports ORDER BY sha256, first_page").fetchall()
        missing = total - len(sources)
        if missing <= 0:
            return len(sources)
        db.execute("CREATE TEMP TABLE source (k INTEGER PRIMARY KEY, sha256 TEXT, first_page INTEGER)")
        db.executemany("INSERT INTO source VALUES (?, ?, ?)", [(k, s, f) for k, (s, f) in enumerate(sources)])
        db.execute("CREATE TEMP TABLE district (k INTEGER PRIMARY KEY, name TEXT)")
        db.executemany("INSERT INTO district VALUES (?, ?)", list(enumerate(DISTRICTS)))
        db.execute("CREATE TEMP TABLE bureau (k INTEGER PRIMARY KEY, name TEXT)")
        db.executemany("INSERT INTO bureau VALUES (?, ?)", list(enumerate(BUREAUS)))
        db.execute(f"""
            CREATE TEMP TABLE copy AS
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {missing})
            SELECT n.i, s.sha256 AS src, s.first_page AS first_page,
                   printf('%08x', n.i) || substr(s.sha256, 9) AS sha256,
                   d.name || '区' || b.name AS agency, 2014 + n.i % 12 AS year
            FROM n JOIN source s ON s.k = n.i % {len(sources)}
                   JOIN district d ON d.k = (n.i / {len(BUREAUS)}) % {len(DISTRICTS)}
                   JOIN bureau b ON b.k = n.i % {len(BUREAUS)}""")
        with db:
            db.execute(f"""
                INSERT INTO documents (sha256, path, status, reason, exit_code, extractor_version, pages, reports, seconds)
                SELECT DISTINCT c.sha256, '{folder}/' || c.year || '/' || c.agency || '-' || c.i || '.pdf', d.status,
                       d.reason, d.exit_code, d.extractor_version, d.pages, d.reports, d.seconds
                FROM copy c JOIN documents d ON d.sha256 = c.src""")
            report_columns = [r[1] for r in db.execute("PRAGMA table_info(reports)")]
            chosen = {"sha256": "c.sha256", "agency": "c.agency", "year": "c.year",
                      "reviewed_by": f"CASE WHEN c.i % {reviewed_every} = 0 THEN 'bench' END",
                      "reviewed_at": f"CASE WHEN c.i % {reviewed_every} = 0 THEN '2026-12-01T00:00:00Z' END"}
            db.execute(f"INSERT INTO reports ({', '.join(report_columns)}) SELECT "
                       + ", ".join(chosen.get(col, f"r.{col}") for col in report_columns)
                       + " FROM copy c JOIN reports r ON r.sha256 = c.src AND r.first_page = c.first_page")
            for table in PER_REPORT_TABLES:
                columns = [r[1] for r in db.execute(f"PRAGMA table_info({table})")]
                db.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT "
                           + ", ".join("c.sha256" if col == "sha256" else f"t.{col}" for col in columns)
                           + f" FROM copy c JOIN {table} t ON t.sha256 = c.src AND t.first_page = c.first_page")
        return db.execute("SELECT COUNT(*) FROM reports").fetchone()[0]
    finally:
        db.close()


def _timed(call, repeat: int) -> dict[str, float]:
    """Wall and CPU milliseconds (median, worst) of `repeat` calls. CPU time is this process's,
    all threads (the app runs in TestClient's thread): the steadier figure on a shared machine."""
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        call()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return {"median_ms": round(statistics.median(wall), 1), "worst_ms": round(max(wall), 1),
            "cpu_median_ms": round(statistics.median(cpu), 1)}


def measure(db_path: Path, repeat: int) -> dict[str, dict[str, float]]:
    from starlette.testclient import TestClient

    from extract.review.app import ReviewConfig, create_app

    token = "bench-token"
    started, started_cpu = time.perf_counter(), time.process_time()
    app = create_app(ReviewConfig(database=db_path, reviewer="bench-reviewer", token=token))
    startup_ms = (time.perf_counter() - started) * 1000
    startup_cpu_ms = (time.process_time() - started_cpu) * 1000
    headers = {"X-Review-Token": token}
    db = sqlite3.connect(db_path)
    error_report = db.execute("SELECT r.sha256, f.cells FROM reports r JOIN findings f USING (sha256, first_page)"
                              " WHERE f.severity = 'error' AND f.cells != '[]' AND r.reviewed_at IS NULL"
                              " ORDER BY r.sha256 DESC LIMIT 1").fetchone()
    rule = db.execute("SELECT rule FROM findings WHERE severity = 'error' AND cells != '[]'"
                      " GROUP BY rule ORDER BY COUNT(*) DESC LIMIT 1").fetchone()[0]
    # The filter for the bulk accept: a district (and year) whose reports with that rule
    # number closest to 100.
    candidates = []
    for district in DISTRICTS:
        for year in (None, *range(2014, 2026)):
            n = db.execute("SELECT COUNT(*) FROM reports r WHERE r.agency LIKE ? AND (? IS NULL OR r.year = ?)"
                           " AND EXISTS (SELECT 1 FROM findings f WHERE f.sha256 = r.sha256"
                           " AND f.first_page = r.first_page AND f.rule = ?)",
                           (f"%{district}%", year, year, rule)).fetchone()[0]
            candidates.append((abs(n - 100), {"agency": district, **({"year": str(year)} if year else {})}))
        if min(c[0] for c in candidates) <= 10:
            break
    bulk_filter = min(candidates, key=lambda c: c[0])[1]
    db.close()
    sha, cells = error_report[0], json.loads(error_report[1])
    results: dict[str, dict[str, float]] = {"startup (count every report)": {
        "median_ms": round(startup_ms, 1), "worst_ms": round(startup_ms, 1), "cpu_median_ms": round(startup_cpu_ms, 1)}}
    with TestClient(app, base_url="http://127.0.0.1") as client:
        def get(url):
            def call():
                answer = client.get(url)
                assert answer.status_code == 200, (url, answer.status_code, answer.text[:200])
            return call

        def post(url, body):
            def call():
                answer = client.post(url, json=body, headers=headers)
                assert answer.status_code == 200, (url, answer.status_code, answer.text[:200])
                return answer.json()
            return call

        client.get("/")  # warm: templates compiled, statements prepared
        cases = {
            "queue page 1": get("/"),
            "queue page 100": get("/?page=100"),
            "filtered queue (status=errors&template=2021&year=2020)": get("/?status=errors&template=2021&year=2020"),
            "filtered queue (rule, sort=agency)": get(f"/?rule={rule}&sort=agency"),
            "search (agency)": get("/?search=%E6%B5%B7%E6%B7%80"),  # 海淀
            "search (file name)": get("/?search=-4242.pdf"),
            "report page (queue position)": get(f"/report/{sha}/1?status=errors"),
            "decision (accept a cell)": post(f"/report/{sha}/1/cells/{cells[0]}", {"action": "accept"}),
            "undo (the last decision)": post("/undo", {}),
        }
        for name, call in cases.items():
            results[name] = _timed(call, repeat)
        if bulk_filter:
            preview = post("/bulk-accept", {"filter": bulk_filter, "rule": rule})()
            answers = []
            timing = _timed(lambda: answers.append(
                post("/bulk-accept", {"filter": bulk_filter, "rule": rule, "confirm": True})()), 1)
            done = answers[0]
            results[f"bulk accept ({done['cells']} cells, {done['reports']} reports)"] = timing
            assert preview["reports"] == done["reports"]
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--db", type=Path, help="make (or, when it exists, reuse) the database here and keep it; "
                        "a copy of it is measured, so reruns start equal")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        db_path = Path(folder) / "archive.sqlite"
        made = args.db or db_path
        extracted = copied = 0.0
        if not made.exists():
            start = time.perf_counter()
            store_samples(made)
            extracted = time.perf_counter() - start
            start = time.perf_counter()
            copy_reports(made, args.reports)
            copied = time.perf_counter() - start
        if made != db_path:
            shutil.copyfile(made, db_path)
        count = sqlite3.connect(db_path).execute("SELECT COUNT(*) FROM reports").fetchone()[0]
        results = measure(db_path, args.repeat)
        size_mb = db_path.stat().st_size / 1e6
    slow = [name for name, r in results.items() if not name.startswith("startup") and r["worst_ms"] > LIMIT_MS]
    if args.json:
        print(json.dumps({"reports": count, "database_mb": round(size_mb, 1), "results": results, "slow": slow},
                         ensure_ascii=False, indent=2))
    else:
        print(f"{count} reports ({size_mb:.0f} MB): samples extracted in {extracted:.1f} s, copied in {copied:.1f} s")
        for name, r in results.items():
            flag = "" if name.startswith("startup") or r["worst_ms"] <= LIMIT_MS else "  > 200 ms"
            print(f"  {name:60s} median {r['median_ms']:7.1f} ms  worst {r['worst_ms']:7.1f} ms"
                  f"  cpu {r['cpu_median_ms']:7.1f} ms{flag}")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())

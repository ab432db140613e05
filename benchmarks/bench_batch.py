"""`extract batch` throughput against `extract FILE` run on the same files one after another.

    python benchmarks/bench_batch.py [--digital N] [--scanned N] [--workers 1,2] [--json OUT]

For a set of digital samples and a set of scanned samples (the first N of each, sorted by
name), measures wall-clock documents and pages per minute of
  - `sequential`: `extract FILE -q` as one subprocess per file, one after another (each
    process imports the pipeline and loads the OCR models again);
  - `batch wN`: one `extract batch` run with --workers N on a fresh database (each worker
    loads them once; OCR threads = cores / workers); `default` is the batch without
    --workers (as many workers as cores).
and peak memory: the largest single `extract FILE` process (sequential), the largest
worker's high-water mark (VmHWM, as the batch summary reports it) and the batch process
itself. The machine this runs on may be shared: say so with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


def _pages(path: Path) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        return len(doc)
    finally:
        doc.close()


def _run(argv: list[str]) -> tuple[float, float, str]:
    """(wall seconds, peak RSS in MB of the process itself, stderr) of one subprocess."""
    started = time.monotonic()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return time.monotonic() - started, usage.ru_maxrss / 1024.0, stderr


def sequential(files: list[Path]) -> dict:
    wall, peak = 0.0, 0.0
    for path in files:
        seconds, rss, _ = _run([sys.executable, "-m", "extract.cli", str(path), "-q"])
        wall += seconds
        peak = max(peak, rss)
    return {"seconds": wall, "peak_process_mb": peak}


def batch(files: list[Path], workers: int | None) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        listing = Path(tmp) / "list.txt"
        listing.write_text("\n".join(map(str, files)) + "\n", encoding="utf-8")
        argv = [sys.executable, "-m", "extract.cli", "batch", f"@{listing}", "--db", str(Path(tmp) / "r.sqlite")]
        if workers is not None:
            argv += ["--workers", str(workers)]
        seconds, parent_rss, stderr = _run(argv)
    done = re.search(r"batch: (\d+) extracted, (\d+) failed", stderr)
    worker = re.search(r"peak memory of a worker: (\d+) MB", stderr)
    if not done or int(done.group(2)):
        raise SystemExit(f"the batch failed on some files:\n{stderr}")
    return {"seconds": seconds, "peak_worker_mb": float(worker.group(1)) if worker else None,
            "batch_process_mb": parent_rss}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--digital", type=int, default=8, help="digital samples to use (default 8)")
    parser.add_argument("--scanned", type=int, default=4, help="scanned samples to use (default 4)")
    parser.add_argument("--workers", default="1,2", help="worker counts to measure (default 1,2)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args()

    digital = sorted(p for p in SAMPLES.glob("*.pdf") if "encrypted" not in p.name)[: args.digital]
    scanned = sorted((SAMPLES / "scanned").glob("*.pdf"))[: args.scanned]
    counts = [int(w) for w in args.workers.split(",") if w]
    results = {"cores": len(os.sched_getaffinity(0)), "load_before": os.getloadavg()[0], "sets": {}}
    for name, files in (("digital", digital), ("scanned", scanned)):
        pages = sum(map(_pages, files))
        runs = {"sequential": sequential(files)}
        for n in counts:
            runs[f"batch w{n}"] = batch(files, n)
        runs["batch default"] = batch(files, None)
        for run in runs.values():
            run["pages_per_min"] = 60.0 * pages / run["seconds"]
            run["documents_per_min"] = 60.0 * len(files) / run["seconds"]
        results["sets"][name] = {"files": len(files), "pages": pages, "runs": runs}
    results["load_after"] = os.getloadavg()[0]

    print(f"cores {results['cores']}, load average {results['load_before']:.1f} before, {results['load_after']:.1f} after")
    print(f"{'set':8} {'run':14} {'seconds':>8} {'docs/min':>9} {'pages/min':>10} {'x seq':>6} {'peak MB':>16}")
    for name, entry in results["sets"].items():
        base = entry["runs"]["sequential"]["pages_per_min"]
        for run_name, run in entry["runs"].items():
            memory = (f"{run['peak_process_mb']:.0f} (process)" if "peak_process_mb" in run
                      else f"{run['peak_worker_mb'] or 0:.0f} (worker)")
            print(f"{name:8} {run_name:14} {run['seconds']:8.1f} {run['documents_per_min']:9.1f} {run['pages_per_min']:10.1f} "
                  f"{run['pages_per_min'] / base:6.2f} {memory:>16}")
        print(f"{name:8} {entry['files']} files, {entry['pages']} pages")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Peak memory of one `extract FILE` process on long scans (issue 17: a worker < 1 GB).

    python benchmarks/bench_memory.py [--cases colour300,volume100] [--env NAME=VALUE ...]

Builds, in a temporary folder and in a process of its own (pdfium keeps the decoded images
of the documents it copies pages from, which must not count):
  - `colour300`: a 30-page 300 dpi colour scan, the pages of the 300 dpi RGB twin
    scan-r2021-split-unable-norepeat-01 repeated;
  - `volume100`: a 100-page scanned volume, the scanned twins' PDFs one after another
    (150-300 dpi, grey and colour, many reports: split into reports as a volume);
then runs `extract FILE -q` on each in a fresh process and reports its wall time and peak
RSS (ru_maxrss of the child, as a batch worker's VmHWM measures it). --env sets variables
for the child (e.g. MALLOC_ARENA_MAX=2) to compare allocator settings. Slow: a 100-page
scan is minutes of OCR. The machine may be shared: say so with the figures.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCANNED = ROOT / "samples" / "scanned"

_BUILD = """
import sys, pypdfium2 as pdfium
out, pages, sources = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
dst = pdfium.PdfDocument.new()
while len(dst) < pages:
    for name in sources:
        src = pdfium.PdfDocument(name)
        dst.import_pages(src, list(range(min(len(src), pages - len(dst)))))
        src.close()
        if len(dst) >= pages:
            break
dst.save(out)
"""


def build(out: Path, pages: int, sources: list[Path]) -> Path:
    subprocess.run([sys.executable, "-c", _BUILD, str(out), str(pages), *map(str, sources)], check=True)
    return out


def measure(path: Path, extra: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """(wall seconds, peak RSS in MB, exit code) of `extract FILE -q` in a fresh process."""
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "extract.cli", str(path), "-q", *extra],
        stdout=subprocess.DEVNULL,
        env={**os.environ, **env},
    )
    _, status, usage = os.wait4(proc.pid, 0)
    return time.monotonic() - started, usage.ru_maxrss / 1024.0, os.waitstatus_to_exitcode(status)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", default="colour300,volume100")
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for the extracting process")
    args = parser.parse_args()
    env = dict(item.split("=", 1) for item in args.env)
    limits = ["--max-pages", "200", "--timeout", "7200"]
    with tempfile.TemporaryDirectory() as tmp:
        cases = {
            "colour300": lambda: (build(Path(tmp) / "colour300.pdf", 30, [SCANNED / "scan-r2021-split-unable-norepeat-01.pdf"]), limits),
            "volume100": lambda: (
                build(Path(tmp) / "volume100.pdf", 100, sorted(SCANNED.glob("scan-*.pdf"))),
                limits,
            ),
        }
        for name in args.cases.split(","):
            path, extra = cases[name]()
            seconds, peak, code = measure(path, extra, env)
            print(f"{name}: {seconds:.0f} s, peak RSS {peak:.0f} MB, exit {code}" + (f"  env {env}" if env else ""), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

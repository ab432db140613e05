"""Damaged copies of sample PDFs: every one must end with a record or a one-line error
with a documented exit code, never exit 10 (an internal error) or a traceback.

    python tests/fuzz_inputs.py [--count 500] [--seed 1] [--ocr]

The tests run a fixed-seed subset (test_fuzz.py); this script runs a larger set and prints
the exit codes seen, with the files that gave an internal error kept for debugging.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import random
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT / "samples" / "r2022-error-leaf-01.pdf", ROOT / "samples" / "r2024-wps-vertical-01.pdf"]
MUTATIONS = ("flip", "truncate", "zero", "duplicate", "object_number", "length")


def mutate(data: bytes, kind: str, rng: random.Random) -> bytes:
    """One kind of damage: flipped bits, a truncated tail, a zeroed or duplicated block,
    a corrupted object number or stream /Length."""
    out = bytearray(data)
    if kind == "flip":
        for _ in range(rng.randint(1, 24)):
            i = rng.randrange(len(out))
            out[i] ^= 1 << rng.randrange(8)
    elif kind == "truncate":
        out = out[: rng.randrange(16, len(out))]
    elif kind == "zero":
        i, n = rng.randrange(len(out)), rng.randint(16, 4096)
        out[i : i + n] = bytes(len(out[i : i + n]))
    elif kind == "duplicate":
        i, n, at = rng.randrange(len(out)), rng.randint(16, 4096), rng.randrange(len(out))
        out[at:at] = out[i : i + n]
    elif kind in ("object_number", "length"):
        pattern = rb"(\d+)(?= 0 obj)" if kind == "object_number" else rb"(?<=/Length )(\d+)"
        found = list(re.finditer(pattern, bytes(out)))
        if found:
            m = rng.choice(found)
            out[m.start() : m.end()] = str(rng.randint(0, 10 * int(m.group(1)) + 9)).encode()
    return bytes(out)


def run_cli(path: Path, ocr: bool) -> tuple[int, str]:
    """Exit code and stderr of `extract FILE --json` run in this process."""
    from extract.cli import main

    err, out = io.StringIO(), io.StringIO()
    args = [str(path), "--json", "-q"] + ([] if ocr else ["--no-ocr"])
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        code = main(args)
    return code, err.getvalue()


def cases(count: int, seed: int) -> list[tuple[str, str, int]]:
    """(source name, mutation, case seed) for `count` damaged copies."""
    rng = random.Random(seed)
    return [(rng.choice(SOURCES).name, MUTATIONS[i % len(MUTATIONS)], rng.randrange(1 << 30)) for i in range(count)]


def damaged_copy(folder: Path, source: str, kind: str, case_seed: int) -> Path:
    data = (ROOT / "samples" / source).read_bytes()
    path = folder / f"{Path(source).stem}-{kind}-{case_seed}.pdf"
    path.write_bytes(mutate(data, kind, random.Random(case_seed)))
    return path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--ocr", action="store_true", help="let damaged pages go to OCR (slow)")
    args = parser.parse_args()
    codes: Counter = Counter()
    slowest = 0.0
    keep = Path(tempfile.mkdtemp(prefix="extract-fuzz-"))
    with tempfile.TemporaryDirectory() as tmp:
        for source, kind, case_seed in cases(args.count, args.seed):
            path = damaged_copy(Path(tmp), source, kind, case_seed)
            started = time.monotonic()
            code, err = run_cli(path, args.ocr)
            slowest = max(slowest, time.monotonic() - started)
            codes[code] += 1
            if code == 10 or "Traceback" in err or err.count("\n") > 1:
                kept = keep / path.name
                kept.write_bytes(path.read_bytes())
                print(f"exit {code}: {kept}: {err.strip()[:200]}")
    print(f"exit codes: {dict(sorted(codes.items()))}; slowest {slowest:.1f} s; kept failures in {keep}")
    return 1 if codes.get(10) else 0


if __name__ == "__main__":
    sys.exit(main())

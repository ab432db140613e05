"""What a batch tells its operator: a live bar on a terminal, plain timestamped lines in a
log (stderr not a terminal), and a summary by outcome and by failure reason at the end."""

from __future__ import annotations

import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Optional, TextIO

from ..errors import EXIT_CODES
from ..options import INTERNAL_ERROR


@dataclass
class Tally:
    """Counts of one run. Rates count only documents this run extracted or failed on
    (skipped ones cost nothing and would make the ETA lie)."""

    total: int
    extracted: int = 0
    failed: int = 0
    skipped: int = 0  # already in the database, same content and extractor version
    duplicates: int = 0  # same content as another input of this run
    with_findings: int = 0  # extracted, and some report has an error or warning finding
    reports: int = 0
    pages: int = 0
    unreadable: int = 0  # could not even be read to compute its sha256: not stored
    interrupted: int = 0  # in flight at a second Ctrl-C: not stored, done by the next run
    failures: Counter = field(default_factory=Counter)  # (exit code, reason) -> count
    peak_worker_rss_mb: Optional[float] = None
    # `--searchable DIR`: copies "written", "none" (no scanned page), "failed", "exists"
    # (a file already there: not overwritten), "skipped" (already in the database).
    searchable: Counter = field(default_factory=Counter)
    started: float = field(default_factory=time.monotonic)

    @property
    def processed(self) -> int:
        return self.extracted + self.failed

    @property
    def seen(self) -> int:
        return self.processed + self.skipped + self.duplicates + self.unreadable + self.interrupted

    def rate_per_min(self) -> float:
        elapsed = time.monotonic() - self.started
        return 60.0 * self.processed / elapsed if elapsed > 0 else 0.0

    def pages_per_min(self) -> float:
        elapsed = time.monotonic() - self.started
        return 60.0 * self.pages / elapsed if elapsed > 0 else 0.0

    def eta_s(self) -> Optional[float]:
        rate = self.rate_per_min()
        left = self.total - self.seen
        return 60.0 * left / rate if rate > 0 else None

    def stats(self) -> str:
        eta = self.eta_s()
        return (f"{self.extracted} ok, {self.failed} failed, {self.with_findings} with findings, "
                f"{self.skipped + self.duplicates} skipped · {self.rate_per_min():.1f} docs/min, "
                f"{self.pages_per_min():.0f} pages/min · ETA {_duration(eta) if eta is not None else '?'}")

    def compact(self) -> str:
        """For the bar on a terminal (80 columns hold it)."""
        eta = self.eta_s()
        return (f"ok {self.extracted} · failed {self.failed} · findings {self.with_findings} · "
                f"{self.rate_per_min():.1f}/min · ETA {_duration(eta) if eta is not None else '?'}")

    def line(self) -> str:
        """The one-line total (also what `-q` prints)."""
        text = f"batch: {self.extracted} extracted, {self.failed} failed, {self.skipped} already in the database"
        if self.duplicates:
            text += f", {self.duplicates} duplicate{'s' if self.duplicates > 1 else ''} of another input"
        return text + f" ({self.with_findings} with findings, {self.pages} pages in {_duration(time.monotonic() - self.started)})"

    def summary(self) -> str:
        lines = [self.line(), "by outcome:"]
        outcomes = [("extracted, no error or warning finding", self.extracted - self.with_findings),
                    ("extracted, with findings", self.with_findings), ("failed", self.failed),
                    ("already in the database (same sha256 and extractor version)", self.skipped),
                    ("duplicate content of another input", self.duplicates),
                    ("could not be read from disk (not stored)", self.unreadable),
                    ("interrupted in flight (not stored; the next run does them)", self.interrupted)]
        lines += [f"  {count:6d}  {what}" for what, count in outcomes if count]
        if self.failures:
            lines.append("failed, by reason:")
            by_code: Counter = Counter()
            for (code, _), count in self.failures.items():
                by_code[code] += count
            for code, count in by_code.most_common():
                meaning = EXIT_CODES.get(code, "internal error" if code == INTERNAL_ERROR else "other")
                lines.append(f"  {count:6d}  [exit {code}] {meaning}")
                reasons = [(r, n) for (c, r), n in self.failures.most_common() if c == code]
                for reason, n in reasons[:5]:
                    lines.append(f"  {n:10d}  {reason}")
                if len(reasons) > 5:
                    lines.append(f"  {sum(n for _, n in reasons[5:]):10d}  ({len(reasons) - 5} other reasons)")
        if self.searchable:
            kinds = [("written", "written"), ("none", "not written: no scanned page (digital, web page or Word)"),
                     ("exists", "not written: a file of that name is already there (never overwritten)"),
                     ("failed", "failed (see the lines above)")]
            lines.append("searchable copies:")
            lines += [f"  {self.searchable[k]:6d}  {what}" for k, what in kinds if self.searchable[k]]
        if self.peak_worker_rss_mb is not None:
            lines.append(f"peak memory of a worker: {self.peak_worker_rss_mb:.0f} MB")
        return "\n".join(lines)


def _duration(seconds: float) -> str:
    seconds = round(seconds)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


class Display:
    """Progress output. `live` (stderr is a terminal): a rich progress bar, with failures
    printed above it; otherwise a plain line every `every_s` seconds. `quiet`: nothing
    until the one-line total."""

    def __init__(self, tally: Tally, *, quiet: bool, every_s: float, stream: Optional[TextIO] = None):
        self.tally = tally
        self.quiet = quiet
        self.every_s = every_s
        # sys.stderr as it is when the batch starts, not when this module was imported (a
        # caller, or a test's capture, may have replaced it since).
        stream = stream if stream is not None else sys.stderr
        self.stream = stream
        self._last_line = time.monotonic()
        self._progress = None
        self._task = None
        if not quiet and stream.isatty():
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            self._progress = Progress(
                BarColumn(bar_width=16), MofNCompleteColumn(), TimeElapsedColumn(),
                TextColumn("{task.fields[stats]}"),
                console=Console(file=stream), transient=False, refresh_per_second=4,
            )
            self._task = self._progress.add_task("batch", total=tally.total, stats=tally.compact())
            self._progress.start()

    def note(self, text: str) -> None:
        """A line worth keeping in the log (a failed document, stopping)."""
        if self.quiet:
            return
        if self._progress is not None:
            self._progress.console.print(text, markup=False, highlight=False, soft_wrap=True)
        else:
            print(text, file=self.stream, flush=True)

    def update(self, *, final: bool = False) -> None:
        if self.quiet:
            return
        if self._progress is not None:
            self._progress.update(self._task, completed=self.tally.seen, stats=self.tally.compact())
            return
        now = time.monotonic()
        if final or now - self._last_line >= self.every_s:
            self._last_line = now
            stamp = time.strftime("%Y-%m-%d %H:%M:%S")
            print(f"{stamp} batch: {self.tally.seen}/{self.tally.total} documents · {self.tally.stats()}",
                  file=self.stream, flush=True)

    def close(self) -> None:
        if self._progress is not None:
            self.update()
            self._progress.stop()
            self._progress = None
        elif not self.quiet:
            self.update(final=True)
        print(self.tally.line() if self.quiet else self.tally.summary(), file=self.stream, flush=True)

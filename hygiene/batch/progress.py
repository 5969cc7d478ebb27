"""A progress line on stderr for long runs: count, rate and, when the total is
known, percent and ETA. Shown only on an interactive terminal and never in CI,
so logs and pipes stay clean."""

from __future__ import annotations

import os
import sys
import time
from types import TracebackType
from typing import TextIO

REFRESH = 0.2  # seconds between redraws


def interactive(stream: TextIO | None = None) -> bool:
    """Whether a progress line would reach a person."""
    stream = stream or sys.stderr
    return stream.isatty() and not os.environ.get("CI")


def _clock(seconds: float) -> str:
    seconds = round(seconds)  # not int(): a float a hair under a whole second
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


class Progress:
    """``with Progress("pass 1/2", total=None, enabled=...) as bar: bar.advance()``."""

    def __init__(
        self,
        label: str,
        total: int | None = None,
        *,
        enabled: bool | None = None,
        stream: TextIO | None = None,
        unit: str = "docs",
    ) -> None:
        self.label = label
        self.total = total
        self.stream = stream or sys.stderr
        self.enabled = interactive(self.stream) if enabled is None else enabled
        self.unit = unit
        self.done = 0
        self._start = time.monotonic()
        self._drawn = 0.0

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def advance(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if self.enabled and now - self._drawn >= REFRESH:
            self._drawn = now
            self._draw(now)

    def line(self, now: float | None = None) -> str:
        elapsed = max((now or time.monotonic()) - self._start, 1e-9)
        rate = self.done / elapsed
        text = f"{self.label}: {self.done:,} {self.unit}, {rate:,.1f}/s, {_clock(elapsed)}"
        if self.total:
            share = min(self.done / self.total, 1.0)
            left = (self.total - self.done) / rate if rate > 0 else 0.0
            width = 24
            filled = int(share * width)
            bar = "█" * filled + "·" * (width - filled)
            text = (
                f"{self.label} {bar} {share:4.0%} {self.done:,}/{self.total:,} {self.unit}, "
                f"{rate:,.1f}/s, ETA {_clock(left)}"
            )
        return text

    def _draw(self, now: float) -> None:
        self.stream.write("\r\x1b[K" + self.line(now))
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self._draw(time.monotonic())
            self.stream.write("\n")
            self.stream.flush()
            self.enabled = False

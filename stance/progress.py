"""Progress reporting for long runs (``stance run``/``score``, batch mode): a tqdm bar with
articles/s and ETA on a terminal, periodic log lines otherwise."""
from __future__ import annotations

import logging
import sys
import time
from dataclasses import dataclass

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class BatchProgress:
    read: int  # articles read so far (done-earlier ones included)
    scored: int
    cached: int
    statements: int
    total: int | None  # articles expected, when cheaply known
    elapsed_s: float


class ConsoleProgress:
    """Pass as ``run_batch(..., progress=ConsoleProgress())`` from a script or CLI."""

    def __init__(self, *, stream=None, every_s: float = 10.0):
        self.stream = stream or sys.stderr
        self.every_s = every_s
        self._bar = None
        self._last = 0.0
        self._tty = hasattr(self.stream, "isatty") and self.stream.isatty()

    def __call__(self, p: BatchProgress) -> None:
        rate_a = p.read / p.elapsed_s if p.elapsed_s > 0 else 0.0
        rate_s = p.statements / p.elapsed_s if p.elapsed_s > 0 else 0.0
        if self._tty:
            if self._bar is None:
                from tqdm import tqdm

                self._bar = tqdm(total=p.total, unit=" articles", file=self.stream, dynamic_ncols=True)
            self._bar.update(p.read - self._bar.n)
            self._bar.set_postfix_str(f"{rate_s:.1f} stmt/s, {p.cached} cached")
            return
        now = time.monotonic()
        if now - self._last >= self.every_s or (p.total is not None and p.read >= p.total):
            self._last = now
            eta = ""
            if p.total and rate_a > 0:
                eta = f", ETA {max(p.total - p.read, 0) / rate_a:.0f} s"
            of = f"/{p.total}" if p.total is not None else ""
            logger.info("%d%s articles (%d scored, %d cached), %d statements; %.1f articles/s, %.1f statements/s%s",
                        p.read, of, p.scored, p.cached, p.statements, rate_a, rate_s, eta)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()

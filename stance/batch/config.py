"""The batch job's settings and its end-of-run summary."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from pathlib import Path

from stance.classifier import DEFAULT_BATCH_SIZE, runs_on_torch
from stance.ingest import IngestLimits


class BatchError(RuntimeError):
    """A batch that cannot start or resume; the message says how to fix it."""


SCHEDULERS = ("local", "dask")


@dataclass(frozen=True)
class BatchConfig:
    """Everything ``run_batch`` needs. Paths may be given as strings; they are stored as Paths.

    Settings that change the output (inputs, shard size, model, watchlist, date, dedup) are
    recorded in the out folder's ledger; a rerun with different ones is refused rather than
    silently mixing results. Settings that only change speed (n_process, batch sizes, workers,
    scheduler, cache location) may differ between runs.
    """

    inputs: tuple[Path, ...]
    out_dir: Path
    watchlist: Path
    model: Path | None = None  # None: the shipped model (or $STANCE_MODEL)
    backend: str = "auto"
    device: str = "cpu"  # torch device for the classifier; another one ("cuda") implies the torch backend
    shard_size: int = 500  # articles per output shard; also the unit of work and of resumption
    write_csv: bool = False  # Parquet shards are always written; CSV shards on request
    n_process: int = 1  # spaCy processes per shard
    batch_size: int = DEFAULT_BATCH_SIZE  # classifier batch size
    # Documents per nlp.pipe batch. On real-shaped news (scripts/bench_batch.py, 1,000 articles, 2
    # workers) 64 saves ~6% CPU against 16 but the process tree peaks at ~1.8 GB against ~1.3 GB (32:
    # ~4% and ~1.5 GB), so 16 keeps memory flat. n_process > 1 never paid on 2 cores: use workers.
    spacy_batch_size: int = 16
    cache: Path | None = None  # None: out_dir/cache.sqlite; share one file between runs to reuse scores
    use_cache: bool = True
    default_date: dt.date | None = None
    dedup: bool = True
    dedup_threshold: float = 0.8  # estimated Jaccard similarity of word 5-gram sets
    restart: bool = False  # discard earlier results in out_dir (the cache is kept)
    scheduler: str = "local"
    workers: int = 1  # processes scoring shards in parallel (a local pool, or a Dask LocalCluster)
    dask_address: str | None = None
    max_in_flight: int = 0  # Dask: shards submitted at once (0: 2 per worker); bounds driver memory
    limits: IngestLimits = IngestLimits()  # size cap and plausible dates; larger/other records are rejected
    # Seconds one article may take in spaCy + extraction + classifier before it is rejected as too
    # slow (0: no limit). Enforced with SIGALRM where shards run in a process's main thread (the
    # in-process and local-pool paths), not on Dask's worker threads.
    article_timeout_s: float = 120.0
    # Leave rows that no watchlist actor said unscored (empty stance, score and confidence): the
    # classifier runs on actors' statements only. Part of the scorer's version (cache keys, ledger).
    actors_only: bool = False

    def __post_init__(self) -> None:
        inputs = (self.inputs,) if isinstance(self.inputs, (str, Path)) else tuple(self.inputs)
        if not inputs:
            raise ValueError("BatchConfig.inputs is empty; pass at least one file or folder of articles")
        object.__setattr__(self, "inputs", tuple(Path(p).expanduser() for p in inputs))
        for name in ("out_dir", "watchlist", "model", "cache"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, Path(value).expanduser())
        if isinstance(self.default_date, str):
            object.__setattr__(self, "default_date", dt.date.fromisoformat(self.default_date))
        checks = [
            (self.shard_size >= 1, f"shard_size must be >= 1, got {self.shard_size}"),
            (self.n_process >= 1, f"n_process must be >= 1, got {self.n_process}"),
            (self.batch_size >= 1, f"batch_size must be >= 1, got {self.batch_size}"),
            (self.spacy_batch_size >= 1, f"spacy_batch_size must be >= 1, got {self.spacy_batch_size}"),
            (0.0 < self.dedup_threshold <= 1.0, f"dedup_threshold must be in (0, 1], got {self.dedup_threshold}"),
            (self.scheduler in SCHEDULERS, f"scheduler must be one of {SCHEDULERS}, got {self.scheduler!r}"),
            (self.workers >= 1, f"workers must be >= 1, got {self.workers}"),
            (self.max_in_flight >= 0, f"max_in_flight must be >= 0, got {self.max_in_flight}"),
            (self.backend in ("auto", "onnx", "torch"), f"backend must be auto, onnx or torch, got {self.backend!r}"),
            (self.article_timeout_s >= 0, f"article_timeout_s must be >= 0 (0: no limit), got {self.article_timeout_s}"),
            (isinstance(self.limits, IngestLimits), f"limits must be an IngestLimits, got {type(self.limits).__name__}"),
        ]
        for ok, message in checks:
            if not ok:
                raise ValueError(f"BatchConfig: {message}")
        if not self.on_cpu:  # torch is imported only for a GPU: CPU workers may run without it
            from stance.classifier import check_device

            check_device(self.device, self.backend)
        if not self.watchlist.is_file():
            raise FileNotFoundError(f"{self.watchlist}: watchlist file not found; pass --watchlist PATH.yaml")

    @property
    def on_cpu(self) -> bool:
        """False when the classifier runs on a GPU, which needs torch (the ONNX graph is CPU-only)."""
        return self.device.split(":")[0] == "cpu"

    @property
    def torch_classifier(self) -> bool:
        """True when the classifier runs through torch for sure (asked for, or on a GPU): no ONNX graph to build."""
        return runs_on_torch(self.backend, self.device)

    @property
    def cache_path(self) -> Path | None:
        if not self.use_cache:
            return None
        return self.cache if self.cache is not None else self.out_dir / "cache.sqlite"

    @property
    def statements_dir(self) -> Path:
        return self.out_dir / "statements"


@dataclass(frozen=True)
class BatchSummary:
    """What a run did. ``read`` counts every article read from the inputs, including those in
    shards finished by an earlier run (``skipped_done``), cache hits (``cached``) and articles
    actually run through spaCy and the classifier (``scored``)."""

    out_dir: Path
    read: int = 0
    scored: int = 0
    cached: int = 0
    skipped_done: int = 0
    rejected: int = 0
    duplicates: int = 0
    statements: int = 0  # rows written by this run (statement-target pairs)
    shards_written: int = 0
    shards_skipped: int = 0
    elapsed_s: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage

    @property
    def articles_per_s(self) -> float:
        return self.read / self.elapsed_s if self.elapsed_s > 0 else 0.0

    @property
    def statements_per_s(self) -> float:
        return self.statements / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def as_dict(self) -> dict:
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["out_dir"] = str(self.out_dir)
        out["articles_per_s"] = round(self.articles_per_s, 2)
        out["statements_per_s"] = round(self.statements_per_s, 2)
        return out

    def describe(self) -> str:
        lines = [
            f"articles read:     {self.read}",
            f"  scored:          {self.scored}",
            f"  from cache:      {self.cached}",
            f"  done earlier:    {self.skipped_done} (in {self.shards_skipped} shards finished by an earlier run)",
            f"  near-duplicates: {self.duplicates} (see duplicates.csv; kept and marked)",
            f"rejected records:  {self.rejected} (see rejects.csv)",
            f"statement rows:    {self.statements} in {self.shards_written} new shards",
            f"elapsed:           {self.elapsed_s:.1f} s "
            f"({self.articles_per_s:.1f} articles/s, {self.statements_per_s:.1f} statements/s)",
        ]
        if self.timings:
            total = sum(self.timings.values()) or 1.0
            parts = ", ".join(f"{k} {v:.1f} s ({100 * v / total:.0f}%)" for k, v in self.timings.items())
            lines.append(f"time by stage:     {parts}")
        lines.append(f"results:           {self.out_dir / 'statements'} (read with stance.batch.read_results)")
        return "\n".join(lines)

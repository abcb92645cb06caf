"""``run_batch``: read inputs as a stream, cut it into shards, score and commit each shard.

Constant memory: one shard of articles at a time (a bounded window of shards on Dask); the
near-duplicate index and the score cache live in SQLite files.
"""
from __future__ import annotations

import csv
import io
import logging
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from stance.batch.config import BatchConfig, BatchError, BatchSummary
from stance.batch.dedup import DedupIndex
from stance.batch.ledger import Ledger, fingerprint, shard_digest
from stance.batch.progress import BatchProgress, estimate_total
from stance.batch.executors import make_executor
from stance.batch.scoring import Scorer, Shard, ShardResult
from stance.batch.cache import check_cache
from stance.batch.shards import committed_shards, remove_temporaries, shard_name, verify_shard
from stance.io import atomic_write_bytes
from stance.outputs import locked, prepare_out_dir
from stance.ingest import Reject, RejectWriter, discover_files, read_articles
from stance.records import Article

logger = logging.getLogger(__name__)

ProgressFn = Callable[[BatchProgress], None]


class _Totals:
    def __init__(self) -> None:
        self.counts = dict.fromkeys(("read", "scored", "cached", "skipped_done", "rejected", "duplicates",
                                     "statements", "shards_written", "shards_skipped"), 0)
        self.timings: dict[str, float] = {}

    def time(self, stage: str, seconds: float) -> None:
        self.timings[stage] = self.timings.get(stage, 0.0) + seconds


def _timed(articles: Iterator[Article], totals: _Totals) -> Iterator[Article]:
    while True:
        t0 = time.perf_counter()
        try:
            article = next(articles)
        except StopIteration:
            totals.time("ingest", time.perf_counter() - t0)
            return
        totals.time("ingest", time.perf_counter() - t0)
        yield article


def _chunks(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    stream = iter(items)
    while chunk := list(islice(stream, size)):
        yield chunk


def _clear(config: BatchConfig) -> None:
    out = config.out_dir
    if config.statements_dir.exists():
        shutil.rmtree(config.statements_dir)
    for name in ("ledger.json", "rejects.csv", "duplicates.csv", "dedup.sqlite"):
        (out / name).unlink(missing_ok=True)


def run_batch(config: BatchConfig, *, progress: ProgressFn | None = None, scorer: Scorer | None = None,
              client: Any = None) -> BatchSummary:
    """Score ``config.inputs`` into Parquet shards under ``config.out_dir``; resumes a killed run.

    ``scorer`` replaces the spaCy + classifier pipeline (tests, custom models); with Dask it must
    be picklable. ``client`` is a ``dask.distributed.Client`` to use (implies the Dask path).
    """
    out = prepare_out_dir(config.out_dir, config.inputs)  # a file, inside an input folder, unwritable: refused
    with locked(out):  # a second run into the same folder at the same time is refused
        return _run_batch(config, progress=progress, scorer=scorer, client=client)


def _run_batch(config: BatchConfig, *, progress: ProgressFn | None, scorer: Scorer | None,
               client: Any) -> BatchSummary:
    started = time.perf_counter()
    totals = _Totals()
    out = config.out_dir
    if config.restart:
        _clear(config)
    for folder in (out, config.statements_dir):
        remove_temporaries(folder)
    if config.cache_path is not None:  # a damaged cache: refused here, or rebuilt with --restart
        check_cache(config.cache_path, rebuild=config.restart)

    files = discover_files(config.inputs)
    t0 = time.perf_counter()
    executor = make_executor(config, scorer, client)  # in-process: loads spaCy and the model here
    index = None
    try:
        ledger = Ledger.open(out, fingerprint(config, files, executor.scorer_version()))
        totals.time("loading", time.perf_counter() - t0)
        done = committed_shards(config.statements_dir)
        total = estimate_total(files)

        rejects_path = out / "rejects.csv"
        rejects_path.unlink(missing_ok=True)  # every run re-reads all inputs, so it rewrites this file in full
        scoring_rejects = RejectWriter(rejects_path)

        def count_reject(_: Reject) -> None:
            totals.counts["rejected"] += 1

        def report() -> None:
            if progress is not None:
                c = totals.counts
                progress(BatchProgress(read=c["read"], scored=c["scored"], cached=c["cached"],
                                       statements=c["statements"], total=total,
                                       elapsed_s=time.perf_counter() - started))

        def finished(result: ShardResult) -> None:
            c = totals.counts
            c["scored"] += result.scored
            c["cached"] += result.cached
            c["statements"] += result.rows
            c["shards_written"] += 1
            for file, line, reason in result.rejects:
                scoring_rejects.write(Reject(file, line, reason))
                c["rejected"] += 1
            for stage, seconds in result.timings.items():
                totals.time(stage, seconds)
            ledger.record(result.index, articles=result.articles, rows=result.rows, digest=result.digest)
            report()

        index = DedupIndex(out / "dedup.sqlite", threshold=config.dedup_threshold) if config.dedup else None
        articles = read_articles(files, default_date=config.default_date, skip_bad=True, rejects_path=rejects_path,
                                 on_reject=count_reject, limits=config.limits)
        ordinal = 0
        n_shards = 0
        for shard_index, chunk in enumerate(_chunks(_timed(articles, totals), config.shard_size)):
            n_shards = shard_index + 1
            totals.counts["read"] += len(chunk)
            t0 = time.perf_counter()
            duplicates: dict[str, str] = {}
            if index is not None:
                for article in chunk:
                    found = index.add(ordinal, article.id, article.text)
                    ordinal += 1
                    if found:
                        duplicates[article.id] = found.duplicate_of
                index.commit()
            totals.counts["duplicates"] += len(duplicates)
            digest = shard_digest(chunk)
            totals.time("dedup", time.perf_counter() - t0)
            if shard_index in done:
                meta = _check_done(done[shard_index], digest, shard_index, scoring_rejects, totals)
                if meta is not None:
                    # Also heals a ledger that missed this shard (a kill between commit and ledger write).
                    ledger.record(shard_index, articles=len(chunk), rows=int(meta.get("rows", 0)), digest=digest)
                    report()
                    continue
                del done[shard_index]  # damaged: removed by _check_done, scored again below
            for result in executor.submit(Shard(shard_index, tuple(chunk), digest, duplicates)):
                finished(result)
        for result in executor.drain():
            finished(result)
    except BaseException:
        if index is not None:
            index.close()
        executor.close(abort=True)  # Ctrl-C or an error: stop the workers now (committed shards are kept)
        raise
    executor.close()
    stale = [i for i in done if i >= n_shards]
    if stale:
        raise BatchError(f"{config.statements_dir} holds shards {stale[:5]} beyond the end of the inputs, which "
                         "shrank since they were written; use a new --out folder or pass --restart")
    t0 = time.perf_counter()
    if index is not None:
        _write_duplicates(out / "duplicates.csv", index)
        index.close()
    totals.time("writing", time.perf_counter() - t0)
    summary = BatchSummary(out_dir=out, elapsed_s=time.perf_counter() - started,
                           timings={k: round(v, 3) for k, v in totals.timings.items()}, **totals.counts)
    ledger.finish(summary.as_dict())
    logger.info("batch done: %d articles read, %d scored, %d from cache, %d rejected in %.1f s",
                summary.read, summary.scored, summary.cached, summary.rejected, summary.elapsed_s)
    return summary


def _check_done(path: Path, digest: str, shard_index: int, rejects: RejectWriter,
                totals: _Totals) -> dict[str, Any] | None:
    """The metadata of a shard an earlier run committed, after reading all of it; None when it is
    damaged (it is then deleted, to be scored again)."""
    try:
        meta = verify_shard(path)
    except ValueError as exc:
        logger.warning("%s; scoring shard %d again", exc, shard_index)
        path.unlink(missing_ok=True)
        path.with_name(shard_name(shard_index, ".csv")).unlink(missing_ok=True)
        return None
    if meta.get("digest") != digest:
        raise BatchError(f"{path} was made from different articles than the inputs now hold at shard {shard_index} "
                         "(an input file was edited); use a new --out folder, or pass --restart to discard the "
                         "results in this one (the score cache is kept, so unchanged articles are not re-scored)")
    for file, line, reason in meta.get("rejects", []):
        rejects.write(Reject(file, line, reason))
        totals.counts["rejected"] += 1
    totals.counts["skipped_done"] += int(meta.get("articles", 0))
    totals.counts["shards_skipped"] += 1
    return meta


def _write_duplicates(path: Path, index: DedupIndex) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["article_id", "duplicate_of", "similarity"])
    writer.writerows(index.duplicates())
    atomic_write_bytes(path, buffer.getvalue().encode("utf-8"))

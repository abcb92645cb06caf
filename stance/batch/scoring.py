"""Scoring one partition (shard) of articles: cache lookups, spaCy + classifier on the
misses, bad articles isolated, rows in input order. The same function serves the
single-process path and the Dask workers."""
from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
import signal
import sqlite3
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from stance.batch.cache import ScoreCache, cache_key, restore
from stance.batch.config import BatchConfig, BatchError
from stance.batch.shards import COLUMNS, write_shard
from stance.classifier import DEFAULT_BATCH_SIZE
from stance.records import Article
from stance.watchlist import Watchlist

logger = logging.getLogger(__name__)


class Scorer(Protocol):
    """Turns articles into statement rows (dicts with the statements-table columns)."""

    version: str  # changes whenever the rows for the same article could change

    def score(self, articles: Sequence[Article]) -> tuple[list[list[dict[str, Any]]], dict[str, float]]:
        """Rows per article, in input order, and seconds spent per stage."""
        ...


def watchlist_hash(watchlist: Watchlist) -> str:
    # The parsed form, so comments and formatting in the YAML do not invalidate the cache.
    return hashlib.sha256(repr(watchlist).encode("utf-8")).hexdigest()[:12]


def pipeline_version(model_version: str, watchlist: Watchlist, *, actors_only: bool = False,
                     backend: str = "onnx") -> str:
    """What decides an article's rows. ``backend``: the classifier's backend as it runs ("onnx" int8 or
    "torch" fp32, whose scores differ a little; one cache must not mix them)."""
    from stance.attribution import EXTRACTOR_VERSION
    from stance.classifier import SCORING_VERSION

    version = (f"model={model_version};extractor={EXTRACTOR_VERSION};watchlist={watchlist_hash(watchlist)};"
               f"scoring={SCORING_VERSION};backend={backend}")
    return version + (";actors-only" if actors_only else "")  # its rows differ: unattributed ones unscored


@dataclass
class PipelineScorer:
    """The real pipeline: spaCy statement extraction + target linking, then the classifier."""

    watchlist: Watchlist
    classifier: Any
    nlp: Any = None
    n_process: int = 1
    batch_size: int = DEFAULT_BATCH_SIZE
    spacy_batch_size: int = 16
    actors_only: bool = False  # rows no watchlist actor said are left unscored (pipeline.score_statements)
    version: str = field(init=False)

    def __post_init__(self) -> None:
        self.version = pipeline_version(self.classifier.version, self.watchlist, actors_only=self.actors_only,
                                        backend=getattr(self.classifier, "backend", "onnx"))

    # Articles per spaCy + classifier round: bounds the transient memory of a round (a whole
    # 250-article shard at once peaked ~250 MB higher per process) while keeping ~250
    # statement-target pairs per classifier call, plenty to fill its batches.
    chunk: int = 64

    def score(self, articles: Sequence[Article]) -> tuple[list[list[dict[str, Any]]], dict[str, float]]:
        from stance.attribution import extract_statements, load_extraction_nlp, prepare_nlp
        from stance.pipeline import score_statements, to_frame

        # "parse": spaCy's nlp.pipe; "extraction": attributions, speakers and targets on the parse.
        timings = {"parse": 0.0, "extraction": 0.0, "classifier": 0.0}
        nlp = prepare_nlp(self.nlp) if self.nlp is not None else load_extraction_nlp()
        by_article: dict[str, list[dict[str, Any]]] = {a.id: [] for a in articles}
        # spaCy starts its n_process workers on every call: with several, one round per shard.
        step = self.chunk if self.n_process == 1 else max(len(articles), 1)
        for start in range(0, len(articles), step):
            part = articles[start:start + step]
            statements = []
            t0 = time.perf_counter()
            # as stance.attribution.iter_statements, timing the parse and the extraction apart
            for doc, article in nlp.pipe(((a.text, a) for a in part), as_tuples=True,
                                         batch_size=self.spacy_batch_size, n_process=self.n_process):
                t1 = time.perf_counter()
                timings["parse"] += t1 - t0
                try:
                    statements.extend(extract_statements(article, self.watchlist, doc=doc))
                except Exception:  # noqa: BLE001 - one malformed article must not lose the batch
                    logger.exception("statement extraction failed for article %r (%s); skipped", article.id,
                                     article.origin)
                t0 = time.perf_counter()
                timings["extraction"] += t0 - t1
            t1 = time.perf_counter()
            timings["parse"] += t1 - t0
            scored = score_statements(statements, self.classifier, batch_size=self.batch_size,
                                      actors_only=self.actors_only)
            timings["classifier"] += time.perf_counter() - t1
            for row in to_frame(scored, titles={a.id: a.title for a in part}).to_dict("records"):
                by_article[row["article_id"]].append(row)
        return [by_article[a.id] for a in articles], timings


def config_scorer_version(config: BatchConfig) -> str:
    """The default scorer's version without loading spaCy's model or the classifier (for cache hits)."""
    _maybe_block_torch()  # pipeline_version imports the extractor, hence spaCy
    from stance.classifier import check_model_dir, default_model_dir

    model_dir = config.model or default_model_dir()
    check_model_dir(model_dir)
    return _version_of(model_dir.resolve(), config.watchlist.resolve(), config.watchlist.stat().st_mtime_ns,
                       config.actors_only, "torch" if config.torch_classifier else "onnx")


@functools.lru_cache(maxsize=4)
def _version_of(model_dir: Path, watchlist: Path, _stamp: int, actors_only: bool = False, backend: str = "onnx") -> str:
    from stance.classifier import model_version

    return pipeline_version(model_version(model_dir), Watchlist.from_yaml(watchlist), actors_only=actors_only,
                            backend=backend)


# Set by the batch runner in worker processes it starts itself: spaCy's thinc imports torch
# whenever it is installed (~200 MB per process), though the ONNX classifier never uses it.
NO_TORCH_ENV = "STANCE_BATCH_NO_TORCH"


def torch_not_needed(config: BatchConfig) -> bool:
    """True when the ONNX graph for the model is already built, so workers can skip torch."""
    import importlib.util

    from stance.classifier import default_model_dir, int8_graph_path

    if config.torch_classifier or importlib.util.find_spec("onnxruntime") is None:
        return False
    model_dir = config.model or default_model_dir()
    try:
        return int8_graph_path(model_dir).is_file()
    except OSError:
        return False


def _maybe_block_torch() -> None:
    if os.environ.get(NO_TORCH_ENV) == "1" and "torch" not in sys.modules:
        sys.modules["torch"] = None  # type: ignore[assignment]  # `import torch` now raises ImportError
        logger.debug("torch import blocked in this worker (%s=1)", NO_TORCH_ENV)


@functools.lru_cache(maxsize=2)
def _pipeline_scorer(watchlist: Path, model: Path | None, backend: str, device: str, n_process: int, batch_size: int,
                     spacy_batch_size: int, actors_only: bool, _stamp: int) -> PipelineScorer:
    _maybe_block_torch()
    from stance.classifier import StanceClassifier

    return PipelineScorer(watchlist=Watchlist.from_yaml(watchlist),
                          classifier=StanceClassifier.from_pretrained(model, backend=backend, device=device),
                          n_process=n_process, batch_size=batch_size, spacy_batch_size=spacy_batch_size,
                          actors_only=actors_only)


def default_scorer(config: BatchConfig) -> PipelineScorer:
    """The pipeline scorer for ``config``, loaded once per process."""
    stamp = config.watchlist.stat().st_mtime_ns  # an edited watchlist is reloaded
    return _pipeline_scorer(config.watchlist, config.model, config.backend, config.device, config.n_process,
                            config.batch_size, config.spacy_batch_size, config.actors_only, stamp)


@functools.lru_cache(maxsize=4)
def _cache(path: Path) -> ScoreCache:
    return ScoreCache(path)


@contextlib.contextmanager
def _cache_errors(config: BatchConfig):
    """A damaged cache file found mid-run: one BatchError naming it, not a worker's traceback."""
    try:
        yield
    except sqlite3.DatabaseError as exc:
        from stance.batch.cache import REBUILD

        message = str(exc) if str(config.cache_path) in str(exc) else f"{config.cache_path}: {exc}"
        raise BatchError(f"score cache unusable: {message}" + ("" if REBUILD in message else f"; {REBUILD}")) from None


@dataclass(frozen=True)
class Shard:
    """One unit of work: consecutive articles of the input stream."""

    index: int
    articles: tuple[Article, ...]
    digest: str
    duplicates: dict[str, str] = field(default_factory=dict)  # article id -> id of the earlier copy


@dataclass(frozen=True)
class PartitionResult:
    frame: pd.DataFrame  # rows in input order, with the shard columns
    scored: int  # articles run through the scorer
    cached: int  # articles answered by the cache
    rejects: list[tuple[str, int, str]]  # (file, line, reason) of articles the scorer failed on
    timings: dict[str, float]


@dataclass(frozen=True)
class ShardResult:
    index: int
    articles: int
    rows: int
    scored: int
    cached: int
    rejects: list[tuple[str, int, str]]
    timings: dict[str, float]
    digest: str


def _origin(article: Article) -> tuple[str, int]:
    file, _, line = article.origin.rpartition(":")
    return (file, int(line)) if line.isdigit() else (article.origin, 0)


class TimeLimitExceeded(BaseException):
    """Raised by the alarm in ``time_limit``; a BaseException so that no ``except Exception`` on
    the way (in spaCy or the extractor) can swallow it."""


# Seconds a group of articles may take on top of the per-article limit, per article: far above
# the normal pace (~0.05 s an article), so only a group holding a very slow article runs over.
GROUP_ALLOWANCE_S = 1.0


def can_limit_time() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def time_limit(seconds: float):
    """Raise TimeLimitExceeded in this thread after ``seconds`` (0, or not the main thread: no limit)."""
    if seconds <= 0 or not can_limit_time():
        yield
        return

    def alarm(signum, frame):
        raise TimeLimitExceeded()

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _score_isolating_failures(scorer: Scorer, articles: Sequence[Article], timeout_s: float = 0.0):
    """Score all at once; if that fails or runs too long, one by one so that a single bad or
    slow article is rejected alone (each then has ``timeout_s`` seconds; 0: no limit)."""
    group_limit = timeout_s + GROUP_ALLOWANCE_S * len(articles) if timeout_s > 0 else 0.0
    try:
        with time_limit(group_limit):
            rows, timings = scorer.score(articles)
        return list(zip(articles, rows)), [], timings
    except TimeLimitExceeded:
        logger.warning("scoring %d articles took over %.0f s; retrying one by one to find the slow ones",
                       len(articles), group_limit)
    except Exception:  # noqa: BLE001 - a bad article must never stop the batch
        logger.warning("scoring %d articles failed; retrying one by one to isolate the bad ones", len(articles),
                       exc_info=True)
    done, rejects, timings = [], [], {}
    for article in articles:
        try:
            with time_limit(timeout_s):
                rows, t = scorer.score([article])
        except TimeLimitExceeded:
            rejects.append((*_origin(article), f"article {article.id!r} took over {timeout_s:g} s to score "
                                               f"({len(article.text):,} characters); split it, or raise "
                                               "--article-timeout"))
            logger.warning("%s: article %s took over %g s; rejected", article.origin, article.id, timeout_s)
            continue
        except Exception as exc:  # noqa: BLE001
            rejects.append((*_origin(article), f"scoring failed for article {article.id!r}: {type(exc).__name__}: {exc}"))
            continue
        done.append((article, rows[0]))
        for k, v in t.items():
            timings[k] = timings.get(k, 0.0) + v
    return done, rejects, timings


def score_partition(articles: Sequence[Article], config: BatchConfig, *, scorer: Scorer | None = None,
                    duplicates: dict[str, str] | None = None) -> PartitionResult:
    """Rows for a partition of articles, reusing and filling the score cache.

    Runs anywhere the config's paths are readable (this process or a Dask worker); the
    scorer and the cache connection are opened once per process.
    """
    _maybe_block_torch()  # before anything imports spaCy (pipeline_version does)
    with _cache_errors(config):
        cache = _cache(config.cache_path) if config.cache_path else None
    t0 = time.perf_counter()
    # The version alone decides the keys, so a shard answered by the cache never loads the model.
    version = scorer.version if scorer is not None else config_scorer_version(config)
    keys = {a.id: cache_key(a, version) for a in articles}
    with _cache_errors(config):
        hits = cache.get_many(list(keys.values())) if cache is not None else {}
    misses = [a for a in articles if keys[a.id] not in hits]
    t_lookup = time.perf_counter() - t0
    t_load = 0.0
    if misses and scorer is None:
        scorer = default_scorer(config)  # loads spaCy's model and the classifier on first use
        t_load = time.perf_counter() - t0 - t_lookup
    done, rejects, timings = (_score_isolating_failures(scorer, misses, config.article_timeout_s) if misses
                              else ([], [], {}))
    t1 = time.perf_counter()
    if cache is not None:
        with _cache_errors(config):
            cache.put_many((keys[a.id], rows) for a, rows in done)
    fresh = {a.id: rows for a, rows in done}
    duplicates = duplicates or {}
    out: list[dict[str, Any]] = []
    for article in articles:
        rows = restore(hits[keys[article.id]], article) if keys[article.id] in hits else fresh.get(article.id, [])
        out.extend({**row, "duplicate_of": duplicates.get(article.id, "")} for row in rows)
    timings["cache"] = t_lookup + time.perf_counter() - t1
    if t_load > 0.01:
        timings["loading"] = t_load
    frame = pd.DataFrame(out, columns=COLUMNS)
    n_cached = len(articles) - len(misses)
    return PartitionResult(frame=frame, scored=len(misses), cached=n_cached, rejects=rejects, timings=timings)


def process_shard(shard: Shard, config: BatchConfig, scorer: Scorer | None = None) -> ShardResult:
    """Score a shard and commit it to ``config.statements_dir``; returns what happened."""
    part = score_partition(shard.articles, config, scorer=scorer, duplicates=shard.duplicates)
    t0 = time.perf_counter()
    meta = {"shard": shard.index, "digest": shard.digest, "articles": len(shard.articles), "rows": len(part.frame),
            "rejects": part.rejects}
    write_shard(config.statements_dir, shard.index, part.frame, meta, write_csv=config.write_csv)
    timings = {**part.timings, "writing": time.perf_counter() - t0}
    return ShardResult(index=shard.index, articles=len(shard.articles), rows=len(part.frame), scored=part.scored,
                       cached=part.cached, rejects=part.rejects, timings=timings, digest=shard.digest)

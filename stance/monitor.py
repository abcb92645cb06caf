"""A monitoring run: ``stance run`` again on a folder that grew, in the same output folder.

Every article's statement rows are kept in a content-hash score cache in the output folder
(``DIR/cache.sqlite``, the batch mode's ``stance.batch.cache``: keyed by the article's text,
date, source and title and by the model, extractor, watchlist and backend). A rerun reads all
articles but parses and scores only those the cache has not seen, so growing a corpus costs
the new articles only; a changed model, watchlist or backend misses the cache and rescores
everything. The statements table is the same as one run over everything (rows in input
order), and ``pipeline.report`` compares the shifts with the previous run's (``stance.alerts``).

Cached scores are those of the run that first saw the article. The int8 backend quantizes
activations per batch, so an article's scores move slightly (up to 0.02 on the example corpus)
with the other texts in its batch; a grown corpus keeps its earlier scores rather than drifting
with each run.
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from stance.batch.cache import ScoreCache, cache_key, restore
from stance.pipeline import RunResult
from stance.pipeline import run as pipeline_run
from stance.records import Article
from stance.watchlist import Watchlist

logger = logging.getLogger(__name__)

CACHE_NAME = "cache.sqlite"


class ArticleCache:
    """``pipeline.score``'s cache: rows per article in a ``ScoreCache`` file, opened on first use
    (after the output folder has been checked)."""

    def __init__(self, path: str | Path, version: str):
        self.path, self.version = Path(path), version
        self._cache: ScoreCache | None = None

    def _open(self) -> ScoreCache:
        if self._cache is None:
            self._cache = ScoreCache(self.path)
        return self._cache

    def get(self, articles: Sequence[Article]) -> dict[str, list[dict]]:
        keys = {a.id: cache_key(a, self.version) for a in articles}
        found = self._open().get_many(list(keys.values()))
        return {a.id: restore(found[keys[a.id]], a) for a in articles if keys[a.id] in found}

    def put(self, items: Sequence[tuple[Article, list[dict]]]) -> None:
        self._open().put_many((cache_key(a, self.version), rows) for a, rows in items)

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()
            self._cache = None


def scorer_version(watchlist: Watchlist, *, model: str | Path | None = None, backend: str = "auto",
                   device: str = "cpu", actors_only: bool = False) -> str:
    """What decides an article's rows: model, extractor and watchlist versions, ``actors_only``, and
    the backend (int8 and fp32 scores differ a little; one run should not mix them)."""
    from stance.batch.scoring import pipeline_version
    from stance.classifier import default_model_dir, model_version, runs_on_torch

    model_dir = Path(model) if model else default_model_dir()
    version = pipeline_version(model_version(model_dir), watchlist, actors_only=actors_only,
                               backend="torch" if runs_on_torch(backend, device) else "onnx")
    return f"{version};device={device}"


def run(paths: Sequence[str | Path], watchlist: Watchlist, out_dir: str | Path, **options) -> RunResult:
    """``pipeline.run`` with the score cache in ``out_dir``: statements.csv, shifts, reports and alerts.

    ``options`` as for ``pipeline.run``; ``cache_version`` overrides the cache key's version (tests).
    """
    version = options.pop("cache_version", None) or scorer_version(
        watchlist, model=options.get("model"), backend=options.get("backend", "auto"),
        device=options.get("device", "cpu"), actors_only=options.get("actors_only", False))
    cache = ArticleCache(Path(out_dir) / CACHE_NAME, version)
    try:
        return pipeline_run(paths, watchlist, out_dir, cache=cache, **options)
    finally:
        cache.close()

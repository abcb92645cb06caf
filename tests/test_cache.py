"""The content-hash score cache: keys, storage, and that unchanged articles are never re-scored."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import multiprocessing

import pandas as pd
import pytest

from stance.batch import BatchConfig, ScoreCache, cache_key, read_results, run_batch
from stance.batch.scoring import default_scorer
from stance.batch.synthetic import synthetic_articles, write_corpus
from stance.batch.testing import CountingClassifier, KeywordScorer, real_pipeline_missing
from stance.records import Article

BASE = Article(id="a1", date=dt.date(2024, 12, 1), source="Wire", title="Talks", text="Lavrov said talks went well.",
               url="https://example.org/1", origin="f.jsonl:1")


@pytest.mark.parametrize("change, version, same", [
    ({}, "v1", True),
    ({"id": "other-id"}, "v1", True),  # identity is not content: the same text under a new id is a hit
    ({"url": "https://example.org/2"}, "v1", True),
    ({"origin": "g.jsonl:9"}, "v1", True),
    ({"text": "Lavrov said talks went badly."}, "v1", False),
    ({"date": dt.date(2024, 12, 2)}, "v1", False),
    ({"source": "Other Wire"}, "v1", False),
    ({"title": "Talks end"}, "v1", False),
    ({}, "v2", False),  # new model, extractor or watchlist
])
def test_cache_key_depends_on_content_and_version(change, version, same):
    assert (cache_key(dataclasses.replace(BASE, **change), version) == cache_key(BASE, "v1")) is same


def test_cache_round_trip_and_identity_restore(tmp_path):
    from stance.batch.cache import restore

    cache = ScoreCache(tmp_path / "c.sqlite")
    rows = [{"article_id": "a1", "url": "u", "title": "t", "text": "x", "score": -0.1234, "inferred": False}]
    cache.put_many([("k1", rows), ("k2", [])])
    again = ScoreCache(tmp_path / "c.sqlite")  # a second connection sees committed entries
    got = again.get_many(["k1", "k2", "missing"])
    assert set(got) == {"k1", "k2"} and got["k2"] == []
    other = dataclasses.replace(BASE, id="b7", url="https://b", title="B")
    assert restore(got["k1"], other) == [{**rows[0], "article_id": "b7", "url": "https://b", "title": "B"}]
    assert len(again) == 2


def test_cache_refuses_a_file_that_is_not_sqlite(tmp_path):
    path = tmp_path / "c.sqlite"
    path.write_text("not a database, just text " * 100)
    with pytest.raises(Exception, match="--restart to rebuild it"):
        ScoreCache(path)


def _config(folder, out, cache, **kw):
    return BatchConfig(inputs=(folder,), out_dir=out, watchlist=folder / "watchlist.yaml", cache=cache, **kw)


def _open_and_put(path, number, barrier):
    barrier.wait()  # all processes open the new file at the same moment, as pool workers do
    cache = ScoreCache(path)
    cache.put_many([(f"key{number}", [{"score": number}])])
    cache.close()


def test_processes_opening_a_new_cache_together_all_succeed(tmp_path):
    # Once failed: switching the new file to WAL answered "database is locked" to all but one opener.
    context = multiprocessing.get_context("fork")
    for trial in range(10):
        path = tmp_path / f"cache{trial}.sqlite"
        barrier = context.Barrier(6)
        workers = [context.Process(target=_open_and_put, args=(path, n, barrier)) for n in range(6)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=60)
        assert [w.exitcode for w in workers] == [0] * 6
        cache = ScoreCache(path)
        assert len(cache) == 6
        cache.close()


def test_unchanged_articles_are_not_rescored_and_grown_corpus_scores_only_new(tmp_path):
    folder = tmp_path / "corpus"
    write_corpus(folder, 30)
    cache = tmp_path / "shared.sqlite"
    first = KeywordScorer()
    run_batch(_config(folder, tmp_path / "run1", cache, shard_size=8), scorer=first)
    assert first.articles == 30
    second = KeywordScorer()
    summary = run_batch(_config(folder, tmp_path / "run2", cache, shard_size=8), scorer=second)
    assert second.calls == 0 and summary.scored == 0 and summary.cached == 30
    pd.testing.assert_frame_equal(read_results(tmp_path / "run2"), read_results(tmp_path / "run1"))
    # Grow the corpus: a new file with 12 new articles (ids and texts not seen before).
    new = list(synthetic_articles(12, seed=99))
    with (folder / "more.jsonl").open("w") as fh:
        for r in new:
            fh.write(json.dumps({**r, "id": "new-" + r["id"]}) + "\n")
    third = KeywordScorer()
    summary = run_batch(_config(folder, tmp_path / "run3", cache, shard_size=8), scorer=third)
    assert third.articles == summary.scored == 12 and summary.cached == 30
    # Another scorer version (new model / extractor / watchlist) misses every entry.
    fourth = KeywordScorer(version="keyword-2")
    run_batch(_config(folder, tmp_path / "run4", cache, shard_size=8), scorer=fourth)
    assert fourth.articles == 42


@pytest.mark.skipif(real_pipeline_missing() is not None, reason=str(real_pipeline_missing()))
def test_real_pipeline_cache_counts_classifier_calls(tmp_path):
    folder = tmp_path / "corpus"
    write_corpus(folder, 20, seed=7)
    cache = tmp_path / "shared.sqlite"
    config = _config(folder, tmp_path / "run1", cache, shard_size=10)
    scorer = dataclasses.replace(default_scorer(config))
    counter = CountingClassifier(scorer.classifier)
    scorer.classifier = counter
    first = run_batch(config, scorer=scorer)
    assert first.scored == 20 and counter.calls >= 1 and counter.texts == first.statements > 0

    counter.calls = counter.texts = 0
    second = run_batch(_config(folder, tmp_path / "run2", cache, shard_size=10), scorer=scorer)
    assert (second.scored, second.cached, counter.calls) == (0, 20, 0)
    pd.testing.assert_frame_equal(read_results(tmp_path / "run2"), read_results(tmp_path / "run1"))

    with (folder / "more.jsonl").open("w") as fh:
        for r in synthetic_articles(5, seed=123, syndicate_every=0):
            fh.write(json.dumps({**r, "id": "new-" + r["id"]}) + "\n")
    third = run_batch(_config(folder, tmp_path / "run3", cache, shard_size=10), scorer=scorer)
    new_rows = read_results(tmp_path / "run3").query("article_id.str.startswith('new-')", engine="python")
    assert (third.scored, third.cached) == (5, 20)
    assert counter.texts == len(new_rows) > 0  # only the new articles' statements reached the classifier

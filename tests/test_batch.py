"""Batch scoring: shards, resume after a kill, refusal to mix inputs, rejects, progress."""
from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from stance.batch import BatchConfig, BatchError, read_results, merge_results, run_batch
from stance.batch.shards import COLUMNS, committed_shards
from stance.batch.synthetic import write_corpus
from stance.batch.testing import KeywordScorer, real_pipeline_missing
from stance.ingest import read_articles

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def corpus(tmp_path):
    paths = write_corpus(tmp_path / "corpus", 45, files=2)
    return tmp_path / "corpus", paths


def _config(folder, out, **kw):
    return BatchConfig(inputs=(folder,), out_dir=out, watchlist=folder / "watchlist.yaml", **kw)


def _expected_rows(folder, scorer):
    articles = list(read_articles([folder], skip_bad=True))
    rows, _ = scorer.score(articles)
    return [r["text"] for rs in rows for r in rs], [r["article_id"] for rs in rows for r in rs]


@pytest.mark.parametrize("kwargs, message", [
    ({"shard_size": 0}, "shard_size"),
    ({"n_process": 0}, "n_process"),
    ({"dedup_threshold": 0.0}, "dedup_threshold"),
    ({"scheduler": "spark"}, "scheduler"),
    ({"backend": "tf"}, "backend"),
    ({"inputs": ()}, "inputs"),
    ({"device": "gpu0"}, "must be a torch device"),
    ({"device": "cuda", "backend": "onnx"}, "ONNX int8 backend runs on the CPU only"),
])
def test_config_rejects_bad_settings(tmp_path, corpus, kwargs, message):
    folder, _ = corpus
    base = {"inputs": (folder,), "out_dir": tmp_path / "out", "watchlist": folder / "watchlist.yaml"}
    with pytest.raises(ValueError, match=message):
        BatchConfig(**{**base, **kwargs})


def test_the_batch_scorer_loads_the_classifier_on_the_configured_device(tmp_path, corpus, monkeypatch):
    from stance.batch import scoring
    from stance.classifier import StanceClassifier

    folder, _ = corpus
    asked = []

    def from_pretrained(path=None, **kwargs):
        asked.append(kwargs)
        raise RuntimeError("stop here")

    monkeypatch.setattr(StanceClassifier, "from_pretrained", from_pretrained)
    scoring._pipeline_scorer.cache_clear()
    config = BatchConfig(inputs=(folder,), out_dir=tmp_path / "out", watchlist=folder / "watchlist.yaml",
                         backend="torch", device="cpu:0")
    with pytest.raises(RuntimeError, match="stop here"):
        scoring.default_scorer(config)
    assert asked == [{"backend": "torch", "device": "cpu:0"}]
    assert config.on_cpu and config.torch_classifier
    on_onnx = BatchConfig(inputs=(folder,), out_dir=tmp_path / "out", watchlist=folder / "watchlist.yaml",
                          device="cpu:0")
    assert on_onnx.on_cpu and not on_onnx.torch_classifier  # a CPU device leaves auto free to pick the int8 graph


def test_workers_skip_torch_once_the_int8_graph_the_classifier_loads_is_built(tmp_path, corpus, monkeypatch):
    """torch_not_needed must look where StanceClassifier builds the graph (it once missed the recipe key,
    so every worker imported torch)."""
    pytest.importorskip("onnxruntime")
    from stance.batch.scoring import torch_not_needed
    from stance.classifier import StanceClassifier

    folder, _ = corpus
    config = BatchConfig(inputs=(folder,), out_dir=tmp_path / "out", watchlist=folder / "watchlist.yaml")
    StanceClassifier.from_pretrained(backend="onnx")  # builds the graph into the cache if it is not there
    assert torch_not_needed(config)
    assert not torch_not_needed(BatchConfig(**{**config.__dict__, "backend": "torch"}))
    monkeypatch.setenv("STANCE_CACHE_DIR", str(tmp_path / "empty-cache"))
    assert not torch_not_needed(config)


def test_config_names_a_missing_watchlist(tmp_path):
    with pytest.raises(FileNotFoundError, match="watchlist"):
        BatchConfig(inputs=(tmp_path,), out_dir=tmp_path / "o", watchlist=tmp_path / "nope.yaml")


@pytest.mark.parametrize("shard_size, write_csv", [(7, False), (45, True), (100, False)])
def test_rows_match_scoring_all_at_once(tmp_path, corpus, shard_size, write_csv):
    folder, _ = corpus
    config = _config(folder, tmp_path / "out", shard_size=shard_size, write_csv=write_csv)
    summary = run_batch(config, scorer=KeywordScorer())
    frame = read_results(config.out_dir)
    texts, ids = _expected_rows(folder, KeywordScorer())
    assert list(frame["text"]) == texts and list(frame["article_id"]) == ids
    assert list(frame.columns) == COLUMNS
    n_shards = -(-45 // shard_size)
    assert sorted(committed_shards(config.statements_dir)) == list(range(n_shards))
    assert summary.read == 45 and summary.scored == 45 and summary.statements == len(frame)
    assert len(list(config.statements_dir.glob("*.csv"))) == (n_shards if write_csv else 0)
    merged = pd.read_csv(merge_results(config.out_dir, tmp_path / "all.csv"), keep_default_na=False)
    assert list(merged["text"]) == texts
    assert not list(config.out_dir.rglob(".*tmp-*"))


class _Killed(BaseException):
    """Stands in for SIGKILL in-process: not an Exception, so nothing inside may swallow it."""


class _DiesAfter(KeywordScorer):
    def __init__(self, shards: int):
        super().__init__()
        self.left = shards

    def score(self, articles):
        if self.left == 0:
            raise _Killed()
        self.left -= 1
        return super().score(articles)


@pytest.mark.parametrize("die_after", [0, 1, 3])
def test_resume_after_interruption_gives_the_same_rows(tmp_path, corpus, die_after):
    folder, _ = corpus
    reference = run_batch(_config(folder, tmp_path / "ref", shard_size=6), scorer=KeywordScorer())
    config = _config(folder, tmp_path / "out", shard_size=6)
    with pytest.raises(_Killed):
        run_batch(config, scorer=_DiesAfter(die_after))
    assert len(committed_shards(config.statements_dir)) == die_after
    rest = KeywordScorer()
    summary = run_batch(config, scorer=rest)
    pd.testing.assert_frame_equal(read_results(config.out_dir), read_results(tmp_path / "ref"))
    assert summary.shards_skipped == die_after
    assert rest.articles == 45 - 6 * die_after  # done shards were not scored again
    assert reference.read == summary.read == 45
    ledger = json.loads((config.out_dir / "ledger.json").read_text())
    assert ledger["complete"] and len(ledger["shards"]) == reference.shards_written


def _append_article(folder, paths):
    with paths[1].open("a") as fh:
        fh.write(json.dumps({"id": "new-1", "date": "2024-12-01", "text": "Lavrov said so."}) + "\n")


def _same_size_edit(folder, paths):
    text = paths[0].read_text()
    paths[0].write_text(text.replace("Lavrov", "Lavrow", 1))


def _drop_ledger(folder, paths):
    pass  # handled in the test: the ledger is deleted


@pytest.mark.parametrize("change, settings, message", [
    (None, {"shard_size": 9}, "shard_size"),
    (None, {"dedup_threshold": 0.5}, "dedup"),
    (_append_article, {}, "changed size"),
    (_same_size_edit, {}, "different articles"),
    (_drop_ledger, {}, "ledger.json is missing"),
])
def test_resume_refuses_changed_inputs_or_settings(tmp_path, corpus, change, settings, message):
    folder, paths = corpus
    config = _config(folder, tmp_path / "out", shard_size=6)
    with pytest.raises(_Killed):
        run_batch(config, scorer=_DiesAfter(2))
    if change is not None:
        change(folder, paths)
    if change is _drop_ledger:
        (config.out_dir / "ledger.json").unlink()
    changed = dataclasses.replace(config, **settings)
    with pytest.raises(BatchError, match=message) as info:
        run_batch(changed, scorer=KeywordScorer())
    assert "--restart" in str(info.value)
    summary = run_batch(dataclasses.replace(changed, restart=True), scorer=KeywordScorer())
    assert summary.shards_skipped == 0 and summary.read == len(list(read_articles([folder], skip_bad=True)))


def test_bad_records_are_rejected_and_the_batch_goes_on(tmp_path, corpus):
    folder, paths = corpus
    with paths[0].open("a") as fh:
        fh.write("{not json\n")
        fh.write(json.dumps({"id": "no-text", "date": "2024-12-01"}) + "\n")
        fh.write(json.dumps({"id": "bad-date", "date": "someday", "text": "Fidan said no."}) + "\n")
    config = _config(folder, tmp_path / "out", shard_size=10)
    victim = "syn-000004"
    summary = run_batch(config, scorer=KeywordScorer(fail_on=[victim]))
    rejects = pd.read_csv(config.out_dir / "rejects.csv")
    assert list(rejects.columns) == ["file", "line", "reason"]
    reasons = " | ".join(rejects["reason"])
    for fragment in ("not valid JSON", "missing or empty 'text'", "not understood", f"scoring failed for article '{victim}'"):
        assert fragment in reasons
    assert summary.rejected == len(rejects) == 4
    frame = read_results(config.out_dir)
    assert victim not in set(frame["article_id"]) and frame["article_id"].nunique() > 30
    # A rerun skips every shard yet reports the same rejects (kept in the shards' metadata).
    again = run_batch(config, scorer=KeywordScorer())
    assert again.rejected == 4 and sorted(pd.read_csv(config.out_dir / "rejects.csv")["reason"]) == sorted(rejects["reason"])


def test_duplicates_are_marked_not_dropped(tmp_path, corpus):
    folder, _ = corpus
    config = _config(folder, tmp_path / "out", shard_size=8)
    summary = run_batch(config, scorer=KeywordScorer())
    dups = pd.read_csv(config.out_dir / "duplicates.csv")
    frame = read_results(config.out_dir)
    # write_corpus reprints an earlier article as every 10th one.
    assert set(dups["article_id"]) == {f"syn-{i:06d}" for i in (9, 19, 29, 39)}
    assert summary.duplicates == 4
    marked = frame[frame["duplicate_of"] != ""]
    with_rows = set(frame["article_id"])
    assert set(marked["article_id"]) == set(dups["article_id"]) & with_rows and len(marked) > 0
    for row in dups.itertuples():
        assert row.duplicate_of < row.article_id and row.similarity >= 0.8


def test_progress_reports_reach_the_total(tmp_path, corpus):
    folder, _ = corpus
    seen = []
    run_batch(_config(folder, tmp_path / "out", shard_size=10), scorer=KeywordScorer(), progress=seen.append)
    reads = [p.read for p in seen]
    assert reads == sorted(reads) and reads[-1] == 45 and seen[-1].total == 45


def test_leftover_temporaries_of_a_killed_run_are_removed(tmp_path, corpus):
    folder, _ = corpus
    config = _config(folder, tmp_path / "out", shard_size=10)
    config.statements_dir.mkdir(parents=True)
    stray = config.statements_dir / ".part-000000.parquet.tmp-999"
    stray.write_bytes(b"half a shard")
    run_batch(config, scorer=KeywordScorer())
    assert not stray.exists() and len(committed_shards(config.statements_dir)) == 5


# --- the real pipeline (spaCy + shipped model) -------------------------------------------------------

needs_real = pytest.mark.skipif(real_pipeline_missing() is not None, reason=str(real_pipeline_missing()))


@needs_real
def test_sigkill_and_resume_with_the_real_pipeline(tmp_path):
    folder = tmp_path / "corpus"
    write_corpus(folder, 24, seed=3)
    args = [str(folder), "--watchlist", str(folder / "watchlist.yaml"), "--shard-size", "4", "-q"]
    env = {**os.environ, "STANCE_NUM_THREADS": "1"}
    out = tmp_path / "killed"
    proc = subprocess.Popen([sys.executable, str(REPO / "scripts" / "batch_score.py"), *args, "--out", str(out)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    first = out / "statements" / "part-000000.parquet"
    deadline = time.monotonic() + 120
    while not first.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL, f"the run ended before it could be killed: {err.decode()[-2000:]}"
    done = len(committed_shards(out / "statements"))
    assert 1 <= done < 6

    resumed = run_batch(_config(folder, out, shard_size=4))
    reference = run_batch(_config(folder, tmp_path / "ref", shard_size=4))
    got, want = read_results(out), read_results(tmp_path / "ref")
    assert len(want) > 24 and reference.scored == 24  # the extractor found statements in the synthetic articles
    pd.testing.assert_frame_equal(got, want)
    assert resumed.shards_skipped == done and resumed.skipped_done == 4 * done
    assert resumed.scored + resumed.cached == 24 - 4 * done


@pytest.mark.parametrize("files, expected", [
    ({"a.jsonl": '{"x": 1}\n\n{"x": 2}\n', "b.txt": "Title\nBody"}, 3),
    ({"a.jsonl": '{"x": 1}\n', "c.csv": "text\nhello\n"}, None),  # CSV cells may span lines: unknown
    ({"d.txt": "T\nB", "e.txt": "T\nB"}, 2),
])
def test_estimate_total(tmp_path, files, expected):
    from stance.batch.progress import estimate_total

    paths = []
    for name, content in files.items():
        (tmp_path / name).write_text(content)
        paths.append(tmp_path / name)
    assert estimate_total(paths) == expected


class _Stream:
    def __init__(self, tty: bool):
        self.tty, self.text = tty, []

    def isatty(self):
        return self.tty

    def write(self, s):
        self.text.append(s)

    def flush(self):
        pass


@pytest.mark.parametrize("tty", [True, False])
def test_console_progress_bar_on_a_tty_log_lines_otherwise(caplog, tty):
    import logging

    from stance.batch.progress import BatchProgress, ConsoleProgress

    stream = _Stream(tty)
    progress = ConsoleProgress(stream=stream, every_s=0.0)
    with caplog.at_level(logging.INFO, logger="stance.progress"):
        for read in (10, 20):
            progress(BatchProgress(read=read, scored=read, cached=0, statements=3 * read, total=40, elapsed_s=2.0))
        progress.close()
    if tty:
        assert "20/40" in "".join(stream.text) and not caplog.records
    else:
        assert not stream.text and "20/40 articles" in caplog.records[-1].getMessage()
        assert "ETA" in caplog.records[-1].getMessage()


@needs_real
def test_cli_batch_with_two_workers_after_the_int8_graph_is_built_matches_one_process(tmp_path):
    """The main batch path once crashed here: workers told to run without torch imported it to check the device."""
    pytest.importorskip("onnxruntime")
    from stance.batch.scoring import torch_not_needed
    from stance.classifier import StanceClassifier

    examples = REPO / "data" / "examples"
    watchlist = examples / "watchlist.yaml"
    StanceClassifier.from_pretrained(backend="onnx")  # the graph is in the cache before the run, as on every rerun
    assert torch_not_needed(BatchConfig(inputs=(examples / "articles",), out_dir=tmp_path / "x", watchlist=watchlist))
    common = [str(examples / "articles"), "--watchlist", str(watchlist), "--batch", "--shard-size", "5"]
    runs = {}
    for workers in ("1", "2"):
        out = tmp_path / f"w{workers}"
        proc = subprocess.run([sys.executable, "-m", "stance.cli", "score", *common, "--workers", workers,
                               "--out", str(out)], capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr[-3000:]
        runs[workers] = read_results(out).sort_values(["article_id", "start", "target"]).reset_index(drop=True)
    assert len(runs["1"]) > 100
    pd.testing.assert_frame_equal(runs["2"], runs["1"])


def test_replicated_corpus_copies_are_unique_and_keep_the_text(tmp_path):
    from stance.batch.synthetic import write_replicated_corpus

    source = tmp_path / "source"
    source.mkdir()
    texts = ["The envoy said the talks went well.", "Officials said the border stays shut.\nMore to come."]
    (source / "articles.jsonl").write_text("".join(
        json.dumps({"id": f"a{k}", "date": f"2024-12-0{k + 1}", "source": "S", "title": "T", "text": t}) + "\n"
        for k, t in enumerate(texts)), encoding="utf-8")
    (source / "watchlist.yaml").write_text("entities:\n  - name: Iran\n    aliases: [Iran]\n", encoding="utf-8")
    paths = write_replicated_corpus(tmp_path / "out", 5, source, files=2)
    assert len(paths) == 2 and (tmp_path / "out" / "watchlist.yaml").read_text() == (source / "watchlist.yaml").read_text()
    articles = list(read_articles([tmp_path / "out"]))
    assert len(articles) == 5 and len({a.id for a in articles}) == 5
    assert len({a.text for a in articles}) == 5  # nothing is a cache hit of another copy
    for i, article in enumerate(articles):
        first, _, rest = article.text.partition("\n")
        assert rest == texts[i % 2] and first not in texts[i % 2]


@needs_real
def test_pipeline_scorer_rows_and_stage_timings_match_the_plain_pipeline(tmp_path):
    from stance.batch.scoring import PipelineScorer
    from stance.classifier import StanceClassifier
    from stance.pipeline import score_articles, to_frame
    from stance.watchlist import Watchlist

    folder = tmp_path / "corpus"
    write_corpus(folder, 12, seed=5)
    watchlist = Watchlist.from_yaml(folder / "watchlist.yaml")
    articles = list(read_articles([folder]))
    classifier = StanceClassifier.from_pretrained(None)
    scorer = PipelineScorer(watchlist=watchlist, classifier=classifier)
    rows, timings = scorer.score(articles)
    titles = {a.id: a.title for a in articles}
    want = to_frame(score_articles(articles, watchlist, classifier), titles=titles).to_dict("records")
    assert [r for rs in rows for r in rs] == want and len(want) > 12
    assert set(timings) == {"parse", "extraction", "classifier"} and all(v > 0 for v in timings.values())


def test_the_classifier_backend_and_scoring_are_part_of_every_cache_version(tmp_path, monkeypatch):
    """int8 and fp32 scores differ a little, and so do two ways of running one graph: a cache must not
    hand one run's rows to another."""
    import stance.classifier
    from stance.batch import BatchConfig
    from stance.batch.scoring import _version_of, config_scorer_version, pipeline_version
    from stance.monitor import scorer_version
    from stance.watchlist import Watchlist

    watchlist_path = tmp_path / "w.yaml"
    watchlist_path.write_text("entities:\n  - name: Norland\n    aliases: [Norland]\n", encoding="utf-8")
    watchlist = Watchlist.from_yaml(watchlist_path)
    assert pipeline_version("m", watchlist, backend="onnx") != pipeline_version("m", watchlist, backend="torch")
    assert scorer_version(watchlist, backend="onnx") != scorer_version(watchlist, backend="torch")
    assert scorer_version(watchlist, backend="auto") == scorer_version(watchlist, backend="onnx")  # on a CPU
    configs = [BatchConfig(inputs=(tmp_path,), out_dir=tmp_path / "o", watchlist=watchlist_path, backend=b)
               for b in ("onnx", "torch")]
    assert config_scorer_version(configs[0]) != config_scorer_version(configs[1])
    before = pipeline_version("m", watchlist)
    monkeypatch.setattr(stance.classifier, "SCORING_VERSION", "rows-test")
    assert pipeline_version("m", watchlist) != before
    _version_of.cache_clear()

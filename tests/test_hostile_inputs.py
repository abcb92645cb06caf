"""Hostile inputs and faults, each with its expected outcome (issue #32).

Tables of what a careless, tired or hostile user can hand the tool: files in the wrong
encoding, byte-order marks, absurd dates and sizes, watchlists that match everything or make
the YAML parser's message huge, output folders that cannot work, damaged batch state, Ctrl-C.
Each row says what must happen: the rows read, the rejects line, or the exact error. Nothing
here loads the real model (a stub classifier stands in), so the file runs in seconds.
"""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from two_states import WATCHLIST

from stance.batch import BatchConfig, run_batch
from stance.batch.testing import KeywordScorer
from stance.cli import main
from stance.ingest import IngestError, IngestLimits, read_articles
from stance.pipeline import STATEMENT_COLUMNS, read_statements_csv
from stance.watchlist import Watchlist, WatchlistError

# ---------------------------------------------------------------------------------------------
# Test texts, written for these tests: two invented states and their envoys.

SAYS = ('Norland\'s foreign minister Mara Velk said on Monday that Ostavia "has been a patient and reliable '
        'neighbour" and that talks would go on.')
QUIET = "Rain fell over the northern valleys on Monday and the harvest was late."


def jsonl(*records: dict) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode("utf-8")


def record(i: int, text: str = SAYS, date: str = "2025-03-03", **extra) -> dict:
    return {"id": f"n{i}", "date": date, "source": "Gazette", "title": f"Item {i}", "text": text, **extra}


BOM = b"\xef\xbb\xbf"

# name -> (files, expected article ids, expected rejects as (file, line, words in the reason))
INGEST_CASES = {
    "jsonl starting with a UTF-8 BOM reads its first line": (
        {"a.jsonl": BOM + jsonl(record(1), record(2))}, ["n1", "n2"], []),
    "csv starting with a UTF-8 BOM keeps its id column": (
        {"a.csv": BOM + b"id,date,source,title,text\nc7,2025-03-03,Gazette,T,Some words here.\n"}, ["c7"], []),
    "a Latin-1 line in a jsonl file is rejected, not decoded with replacement characters": (
        {"a.jsonl": jsonl(record(1)) + '{"id": "n2", "date": "2025-03-03", "text": "caf\xe9 talks"}\n'.encode("latin-1")
         + jsonl(record(3))},
        ["n1", "n3"], [("a.jsonl", 2, "not UTF-8 text (byte 0xe9 at column 48)")]),
    "a Latin-1 row in a csv file is rejected with its line": (
        {"a.csv": "id,date,text\nc1,2025-03-03,fine words\nc2,2025-03-03,na\xefve words\n".encode("latin-1")},
        ["c1"], [("a.csv", 3, "not UTF-8 text (byte 0xef at column 17)")]),
    "a Latin-1 csv header rejects the file at line 1": (
        {"a.csv": "id,date,t\xe9xt\nc1,2025-03-03,x\n".encode("latin-1")}, [], [("a.csv", 1, "header: not UTF-8")]),
    "a Latin-1 txt file is rejected naming the line of the bad byte": (
        {"a.txt": "Title\nMarch 3, 2025 - a line\nthe caf\xe9 closed\n".encode("latin-1")}, [],
        [("a.txt", 3, "not UTF-8 text (byte 0xe9 at column 8)")]),
    "a date in year 1 is rejected at ingest": (
        {"a.jsonl": jsonl(record(1, date="0001-01-01"), record(2))}, ["n2"],
        [("a.jsonl", 1, "date 0001-01-01 is outside the plausible range 1900-01-01 to 2100-12-31")]),
    "a date in year 9999 is rejected at ingest": (
        {"a.jsonl": jsonl(record(1, date="9999-12-31"))}, [], [("a.jsonl", 1, "date 9999-12-31 is outside")]),
    "an article over the size cap is rejected with its size": (
        {"a.jsonl": jsonl(record(1, text="word " * 20_001), record(2))}, ["n2"],
        [("a.jsonl", 1, "text is 100,005 characters, over the 100,000 limit")]),
    "JSON nested past Python's recursion limit is a rejected line, not a crash": (
        {"a.jsonl": b"[" * 100_000 + b"]" * 100_000 + b"\n" + jsonl(record(2))}, ["n2"],
        [("a.jsonl", 1, "nested too deeply")]),
    "hidden files in an input folder (editor locks, macOS ._ forks) are not articles": (
        {"a.jsonl": jsonl(record(1)), "._a.jsonl": b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X",
         ".backup/old.jsonl": jsonl(record(9))}, ["n1"], []),
}


@pytest.mark.parametrize("name", list(INGEST_CASES))
def test_hostile_files_are_read_or_rejected_with_the_reason(tmp_path, name):
    files, ids, rejects = INGEST_CASES[name]
    folder = tmp_path / "in"
    for rel, data in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(data)
    seen = []
    articles = list(read_articles([folder], skip_bad=True, on_reject=seen.append))
    assert [a.id for a in articles] == ids
    assert [(Path(r.file).name, r.line) for r in seen] == [(f, line) for f, line, _ in rejects]
    for reject, (_, _, words) in zip(seen, rejects):
        assert words in reject.reason
    if rejects:  # without --skip-bad the first one stops the run, naming file and line
        file, line, words = rejects[0]
        with pytest.raises(IngestError, match=rf"{file}:{line}: .*{words[:12]}"):
            list(read_articles([folder]))


def test_a_token_of_ten_thousand_quote_marks_is_cut_before_spacy(tmp_path):
    text = 'Velk said: ' + '"' * 10_000 + " and then nothing more."
    path = tmp_path / "a.jsonl"
    path.write_bytes(jsonl(record(1, text=text)))
    (article,) = read_articles([path])
    assert article.text == 'Velk said: """ and then nothing more.'


# ---------------------------------------------------------------------------------------------
# Watchlists: every row is a file that must be refused with a short message saying where.

LAUGHS = "".join(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 7))
WATCHLIST_CASES = {
    "alias 'the' matches nearly every sentence": (
        "entities:\n  - name: Norland\n    aliases: [Norland, the]\n",
        "entity 'Norland': alias 'the' is a common English word"),
    "alias 'said' turns every quote into a mention": (
        "entities:\n  - name: Norland\n    aliases: [said]\n", "alias 'said' is a common English word"),
    "a one-letter alias": ("entities:\n  - name: Norland\n    aliases: [a]\n", "alias 'a' has fewer than two letters"),
    "a date PyYAML itself rejects names its line": (
        "entities:\n  - name: Norland\n    aliases: [{alias: Norland, from: 2025-02-30}]\n",
        "watchlist.yaml:3: 2025-02-30: day is out of range for month"),
    "a watchlist that is not UTF-8": (
        "entities:\n  - name: Norland\n    aliases: [Norl\xe4nd]\n", "watchlist.yaml:3: not UTF-8 text (byte 0xe4)"),
    "anchors that expand to millions of items give a short message": (
        "l0: &l0 [x]\n" + LAUGHS + "entities:\n  - name: Norland\n    aliases: [*l6]\n",
        "entity 'Norland': expected a string or a mapping, got [[[...], [...], [...], [...], ...], "),
    "a syntax error names line and column": (
        "entities:\n  - name: Norland\n    aliases: [Norland\n  - name: x\n", "not valid YAML"),
}


@pytest.mark.parametrize("name", list(WATCHLIST_CASES))
def test_hostile_watchlists_are_refused_in_one_short_line(tmp_path, name):
    text, message = WATCHLIST_CASES[name]
    path = tmp_path / "watchlist.yaml"
    path.write_bytes(text.encode("latin-1" if "not UTF-8" in message else "utf-8"))
    started = time.perf_counter()
    with pytest.raises(WatchlistError) as info:
        Watchlist.from_yaml(path)
    assert message in str(info.value)
    assert len(str(info.value)) < 500 and "\n" not in str(info.value)
    assert time.perf_counter() - started < 5


def test_acronyms_and_names_that_look_like_common_words_in_capitals_stay_allowed():
    watchlist = Watchlist.from_dict({"entities": [{"name": "United States", "aliases": ["US", "Washington"]}]})
    assert [a.text for a in watchlist.entities[0].aliases] == ["United States", "US", "Washington"]


# ---------------------------------------------------------------------------------------------
# The command line, with a stub classifier: errors are one line (exit 2) and come before any
# scoring; interrupted runs say how to go on; outputs of two runs never mix.


class StubClassifier:
    version = "stub-1"
    loads = 0

    def predict(self, targets, texts, **kwargs):
        from stance.classifier import to_predictions

        return to_predictions(np.tile([0.1, 0.2, 0.7], (len(texts), 1)))


@pytest.fixture
def stub_model(monkeypatch):
    from stance.classifier import StanceClassifier

    StubClassifier.loads = 0

    def load(*args, **kwargs):
        StubClassifier.loads += 1
        return StubClassifier()

    monkeypatch.setattr(StanceClassifier, "from_pretrained", classmethod(lambda cls, *a, **k: load()))
    return StubClassifier


def _setup(tmp_path, files: dict[str, bytes]) -> tuple[Path, Path]:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    (tmp_path / "watchlist.yaml").write_text(WATCHLIST, encoding="utf-8")
    return folder, tmp_path / "watchlist.yaml"


LATE_BAD = {"a.jsonl": jsonl(*[record(i) for i in range(1, 6)]) + b"{oops\n"}
CLI_ERRORS = {
    "--out is an existing file": (
        LATE_BAD, ["score", "{in}", "--watchlist", "{wl}", "--out", "{tmp}/taken.txt"],
        "--out {tmp}/taken.txt is an existing file"),
    "--out is the input folder": (
        LATE_BAD, ["run", "{in}", "--watchlist", "{wl}", "--out", "{in}"], "is inside the input folder"),
    "--out inside the input folder": (
        LATE_BAD, ["score", "{in}", "--watchlist", "{wl}", "--out", "{in}/results"], "is inside the input folder"),
    "--out that cannot be written is found before scoring": (
        LATE_BAD, ["score", "{in}", "--watchlist", "{wl}", "--out", "/proc/self"], "--out /proc/self: cannot write"),
    "a bad record at the end of the input stops the run before scoring": (
        LATE_BAD, ["run", "{in}", "--watchlist", "{wl}", "--out", "{tmp}/o"],
        "a.jsonl:6: not valid JSON (Expecting property name enclosed in double quotes at column 2) "
        "(pass --skip-bad to skip such records)"),
    "an over-long article without --skip-bad names file and line": (
        {"a.jsonl": jsonl(record(1), record(2, text="x" * 100_001))},
        ["score", "{in}", "--watchlist", "{wl}", "--out", "{tmp}/o"], "a.jsonl:2: text is 100,001 characters"),
    "the watchlist path is a folder": (
        LATE_BAD, ["score", "{in}", "--watchlist", "{tmp}", "--out", "{tmp}/o"], "is a folder; pass the watchlist"),
    "--min-date after --max-date": (
        LATE_BAD, ["score", "{in}", "--watchlist", "{wl}", "--out", "{tmp}/o", "--min-date", "2025-01-01",
                   "--max-date", "2024-01-01"], "min_date 2025-01-01 is after max_date 2024-01-01"),
    "--max-chars above spaCy's own limit": (
        LATE_BAD, ["run", "{in}", "--watchlist", "{wl}", "--out", "{tmp}/o", "--max-chars", "2000000"],
        "max_chars must be between 1 and 1,000,000 characters (spaCy's limit)"),
    "a damaged score cache in batch mode": (
        LATE_BAD, ["score", "{in}", "--watchlist", "{wl}", "--out", "{tmp}/o", "--batch"],
        "the score cache is damaged (file is not a database); rerun with --restart to rebuild it"),
}


@pytest.mark.parametrize("name", list(CLI_ERRORS))
def test_cli_errors_are_one_line_and_come_before_any_scoring(tmp_path, capsys, stub_model, name):
    files, argv, message = CLI_ERRORS[name]
    folder, watchlist = _setup(tmp_path, files)
    (tmp_path / "taken.txt").write_text("keep me")
    (tmp_path / "o").mkdir()
    (tmp_path / "o" / "cache.sqlite").write_bytes(b"this is not a database " * 200)
    subs = {"in": str(folder), "wl": str(watchlist), "tmp": str(tmp_path)}
    assert main([a.format(**subs) for a in argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("stance: error: ") and len(err.splitlines()) == 1
    assert message.format(**subs) in err
    assert stub_model.loads == 0  # nothing was scored, so nothing was lost
    assert (tmp_path / "taken.txt").read_text() == "keep me"
    assert not list(folder.rglob("statements.csv"))


def test_over_long_article_with_skip_bad_is_a_rejects_line_and_the_rest_is_scored(tmp_path, capsys, stub_model):
    folder, watchlist = _setup(tmp_path, {"a.jsonl": jsonl(record(1), record(2, text="x" * 100_001), record(3))})
    out = tmp_path / "o"
    assert main(["score", str(folder), "--watchlist", str(watchlist), "--out", str(out), "--skip-bad"]) == 0
    assert pd.read_csv(out / "statements.csv")["article_id"].unique().tolist() == ["n1", "n3"]
    assert (out / "rejects.csv").read_text().splitlines() == [
        "file,line,reason", f"{folder / 'a.jsonl'},2,\"text is 100,001 characters, over the 100,000 limit; split the "
                            "article (--oversize split), or raise the limit with --max-chars\""]


def test_oversize_split_scores_every_part_of_a_long_article(tmp_path, capsys, stub_model):
    paragraph = SAYS + " " + "The ferry to the islands ran late again, passengers said. " * 10
    long_text = "\n\n".join([paragraph] * 12)  # ~8,400 characters in 12 paragraphs
    folder, watchlist = _setup(tmp_path, {"a.jsonl": jsonl(record(1), record(2, text=long_text))})
    out = tmp_path / "o"
    assert main(["score", str(folder), "--watchlist", str(watchlist), "--out", str(out), "--max-chars", "3000",
                 "--oversize", "split"]) == 0
    ids = pd.read_csv(out / "statements.csv")["article_id"].unique().tolist()
    assert ids == ["n1", "n2~1", "n2~2", "n2~3"] and not (out / "rejects.csv").exists()
    limits = IngestLimits(max_chars=3000, oversize="split")
    parts = [a.text for a in read_articles([folder], limits=limits) if a.id.startswith("n2")]
    assert "".join(parts) == long_text and all(len(p) <= 3000 and p.endswith("\n\n") for p in parts[:-1])


def _stub_fails_on_a_word(monkeypatch) -> str:
    """The stub classifier raises on any text with 'meltdown'; returns an article text that has it."""
    original = StubClassifier.predict

    def predict(self, targets, texts, **kwargs):
        if any("meltdown" in t for t in texts):
            raise RuntimeError("the stub cannot score this")
        return original(self, targets, texts)

    monkeypatch.setattr(StubClassifier, "predict", predict)
    return SAYS.replace("patient and reliable", "meltdown-prone")


@pytest.mark.parametrize("skip_bad", [True, False])
def test_an_article_the_classifier_fails_on_is_a_reject_not_a_lost_run(tmp_path, capsys, monkeypatch, stub_model,
                                                                       skip_bad):
    bad = _stub_fails_on_a_word(monkeypatch)
    folder, watchlist = _setup(tmp_path, {"a.jsonl": jsonl(record(1), record(2, text=bad), record(3))})
    out = tmp_path / "o"
    argv = ["score", str(folder), "--watchlist", str(watchlist), "--out", str(out)] + ["--skip-bad"] * skip_bad
    reason = "scoring failed for article 'n2': RuntimeError: the stub cannot score this"
    if skip_bad:
        assert main(argv) == 0
        assert pd.read_csv(out / "statements.csv")["article_id"].unique().tolist() == ["n1", "n3"]
        assert (out / "rejects.csv").read_text().splitlines()[1:] == [f"{folder / 'a.jsonl'},2,{reason}"]
    else:
        assert main(argv) == 2
        assert capsys.readouterr().err == f"stance: error: {folder / 'a.jsonl'}:2: {reason} (pass --skip-bad to " \
                                          "skip such articles)\n"


def test_a_classifier_failure_while_the_next_chunk_is_parsed_loses_only_that_article(tmp_path, monkeypatch,
                                                                                    stub_model):
    # One article per chunk: the model fails on n2 on its own thread while n3 is parsed; n2 goes to
    # rejects and every other article keeps its rows, in input order.
    from stance import pipeline

    bad = _stub_fails_on_a_word(monkeypatch)
    folder, watchlist = _setup(tmp_path, {"a.jsonl": jsonl(record(1), record(2, text=bad), record(3), record(4))})
    rejects = tmp_path / "rejects.csv"
    frame = pipeline.score([folder], Watchlist.from_yaml(watchlist), chunk_size=1, skip_bad=True,
                           rejects_path=rejects)
    assert frame["article_id"].unique().tolist() == ["n1", "n3", "n4"]
    assert rejects.read_text().splitlines()[1:] == [
        f"{folder / 'a.jsonl'},2,scoring failed for article 'n2': RuntimeError: the stub cannot score this"]


def test_summary_counts_articles_read_not_articles_with_statements(tmp_path, capsys, stub_model):
    folder, watchlist = _setup(tmp_path, {"a.jsonl": jsonl(record(1, text=QUIET))})
    assert main(["score", str(folder), "--watchlist", str(watchlist), "--out", str(tmp_path / "o")]) == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        "Statements: 0 statement-target rows from 1 article; 0 attributed to watchlist actors")


def test_a_second_run_into_the_same_folder_leaves_only_its_own_files(tmp_path, capsys, stub_model):
    folder, watchlist = _setup(tmp_path, {"a.jsonl": jsonl(record(1), record(2, date="0001-01-01"))})
    out = tmp_path / "o"
    assert main(["run", str(folder), "--watchlist", str(watchlist), "--out", str(out), "--skip-bad"]) == 0
    first = sorted(p.name for p in (out / "reports").iterdir())
    assert "norland.html" in first and (out / "rejects.csv").exists()
    # The second run quotes only Ostavia's envoy: Norland's report and the old rejects must go.
    other = SAYS.replace("Norland's foreign minister Mara Velk", "Ostavia's envoy Teodor Brann").replace(
        "that Ostavia", "that Norland")
    (folder / "a.jsonl").write_bytes(jsonl(record(5, text=other)))
    assert main(["run", str(folder), "--watchlist", str(watchlist), "--out", str(out)]) == 0
    assert sorted(p.name for p in (out / "reports").iterdir()) == ["ostavia.html", "ostavia.md"]
    assert sorted(p.name for p in (out / "charts").iterdir()) == ["heatmap_change.png", "heatmap_current.png",
                                                                    "ostavia.png"]
    assert not (out / "rejects.csv").exists()
    assert set(pd.read_csv(out / "statements.csv")["article_id"]) == {"n5"}
    # `score` alone replaces statements.csv: the reports made from the old statements go too.
    assert main(["score", str(folder), "--watchlist", str(watchlist), "--out", str(out)]) == 0
    assert not (out / "index.html").exists() and not (out / "shifts.csv").exists()
    assert not list((out / "reports").iterdir())


@pytest.mark.parametrize("argv, message", [
    (["score", "{in}", "--watchlist", "{wl}", "--out", "{tmp}/o"],
     "stance: interrupted; the files in --out are as they were before this run; rerun the same command to start "
     "again"),
    (["score", "{in}", "--watchlist", "{wl}", "--out", "{tmp}/o", "--batch"],
     "stance: interrupted; rerun the same command to resume"),
])
def test_ctrl_c_says_how_to_go_on(tmp_path, capsys, monkeypatch, argv, message):
    folder, watchlist = _setup(tmp_path, LATE_BAD)

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("stance.pipeline.score", interrupt)
    monkeypatch.setattr("stance.batch.run_batch", interrupt)
    subs = {"in": str(folder), "wl": str(watchlist), "tmp": str(tmp_path)}
    assert main([a.format(**subs) for a in argv]) == 130
    assert capsys.readouterr().err.splitlines() == [message]


def test_batch_errors_are_one_line(tmp_path, capsys, stub_model):
    folder, watchlist = _setup(tmp_path, {"a.jsonl": jsonl(record(1))})
    (tmp_path / "o" / "statements").mkdir(parents=True)
    (tmp_path / "o" / "statements" / "part-000000.parquet").write_bytes(b"left from another run")
    argv = ["score", str(folder), "--watchlist", str(watchlist), "--out", str(tmp_path / "o"), "--batch"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and f"{tmp_path / 'o' / 'statements'} holds shards but" in err


def test_long_runs_report_progress_with_rate_and_eta(tmp_path, caplog, stub_model):
    import logging

    folder, watchlist = _setup(tmp_path, {"a.jsonl": jsonl(*[record(i) for i in range(70)])})
    with caplog.at_level(logging.INFO, logger="stance.progress"):
        assert main(["-v", "score", str(folder), "--watchlist", str(watchlist), "--out", str(tmp_path / "o")]) == 0
    lines = [r.getMessage() for r in caplog.records if r.name == "stance.progress"]
    assert lines[0].startswith("64/70 articles") and lines[-1].startswith("70/70 articles")
    assert "articles/s" in lines[0] and "ETA" in lines[0]


@pytest.mark.parametrize("argv", [
    ["score", "{in}", "--watchlist", "{wl}", "--out", "{tmp}/o"],
    ["score", "{in}", "--watchlist", "{wl}", "--out", "{tmp}/o", "--batch"],
])
def test_a_second_run_into_a_folder_in_use_is_refused(tmp_path, capsys, stub_model, argv):
    from stance.outputs import locked

    folder, watchlist = _setup(tmp_path, {"a.jsonl": jsonl(record(1))})
    (tmp_path / "o").mkdir()
    subs = {"in": str(folder), "wl": str(watchlist), "tmp": str(tmp_path)}
    with locked(tmp_path / "o"):  # the first run, still writing
        assert main([a.format(**subs) for a in argv]) == 2
    err = capsys.readouterr().err
    assert f"--out {tmp_path / 'o'} is in use by another stance run (pid " in err and len(err.splitlines()) == 1
    assert not (tmp_path / "o" / "statements.csv").exists() and not (tmp_path / "o" / "statements").exists()
    assert main([a.format(**subs) for a in argv]) == 0  # and once it is done, the folder is free again


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0 and capsys.readouterr().out.strip() == "stance 0.1.0"


# ---------------------------------------------------------------------------------------------
# `stance report` on a hand-edited statements.csv.


def _statements(path: Path, edit: dict | None = None, *, actor: str = "Norland", quote: str = "Fine words.") -> Path:
    rows = []
    for i in range(8):
        day = (dt.date(2025, 3, 1) + dt.timedelta(days=2 * i)).isoformat()
        score = -0.8 if i < 4 else 0.8
        rows.append({"article_id": f"n{i}", "date": day, "source": "Gazette", "speaker": "Mara Velk", "actor": actor,
                     "target": "Ostavia", "kind": "direct", "cue": "said", "text": quote, "start": 0, "end": 11,
                     "stance": "against" if score < 0 else "favor", "score": score, "confidence": 0.9})
    rows[2].update(edit or {})
    pd.DataFrame(rows, columns=STATEMENT_COLUMNS).to_csv(path, index=False)
    return path


@pytest.mark.parametrize("edit, message", [
    ({"score": 1.5}, "statements.csv:4: column 'score' holds '1.5', not a number in [-1, 1]"),
    ({"score": "high"}, "statements.csv:4: column 'score' holds 'high', not a number in [-1, 1]"),
    ({"confidence": -0.2}, "statements.csv:4: column 'confidence' holds '-0.2', not a number in [0, 1]"),
    ({"stance": "positive"}, "statements.csv:4: column 'stance' holds 'positive', not one of against, neutral, favor"),
    ({"date": "9999-12-31"}, "statements.csv:4: column 'date' holds 9999-12-31, outside the plausible range"),
    ({"date": "0001-01-01"}, "statements.csv:4: column 'date' holds 0001-01-01, outside the plausible range"),
    ({"date": "March 5"}, "statements.csv:4: column 'date' holds 'March 5', not a date written YYYY-MM-DD"),
    ({"score": 7, "_quote": "A quote\nover two lines."}, "statements.csv:6: column 'score' holds '7.0'"),
    # an unscored row (--actors-only) has all three cells empty; a half-empty one is an error
    ({"stance": ""}, "statements.csv:4: column 'stance' holds '', not one of against, neutral, favor"),
    ({"score": ""}, "statements.csv:4: column 'score' holds '', not a number in [-1, 1]"),
    ({"stance": "", "score": ""}, "statements.csv:4: column 'score' holds '', not a number in [-1, 1]"),
    ({"stance": "", "confidence": ""}, "statements.csv:4: column 'confidence' holds '', not a number in [0, 1]"),
])
def test_report_refuses_bad_values_naming_file_line_and_column(tmp_path, capsys, edit, message):
    edit = dict(edit)
    quote = edit.pop("_quote", "Fine words.")
    path = _statements(tmp_path / "statements.csv", edit, quote=quote)
    assert main(["report", str(path), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and message in err
    assert not (tmp_path / "o" / "index.html").exists()


def test_report_reads_rows_left_unscored_by_actors_only_and_leaves_them_out_of_shifts(tmp_path, capsys, caplog):
    path = _statements(tmp_path / "statements.csv")
    scored = pd.read_csv(path, dtype=str, keep_default_na=False)
    unscored = scored.assign(actor="", speaker="an onlooker", stance="", score="", confidence="")
    both = pd.concat([scored, unscored.iloc[:3]], ignore_index=True)
    both.to_csv(tmp_path / "both.csv", index=False)
    assert main(["report", str(path), "--out", str(tmp_path / "a")]) == 0
    with caplog.at_level("WARNING"):
        assert main(["report", str(tmp_path / "both.csv"), "--out", str(tmp_path / "b")]) == 0
    assert not [r for r in caplog.records if "without a numeric score" in r.getMessage()]
    shifts_a, shifts_b = (pd.read_csv(tmp_path / d / "shifts.csv") for d in ("a", "b"))
    assert len(shifts_a) == 1
    pd.testing.assert_frame_equal(shifts_a, shifts_b)
    assert "3 statements without an attributed actor" in (tmp_path / "b" / "index.html").read_text()
    read = read_statements_csv(tmp_path / "both.csv")
    assert read["score"].isna().sum() == 3 and (read["stance"] == "").sum() == 3


def test_report_names_the_file_of_a_csv_it_cannot_parse(tmp_path, capsys):
    path = tmp_path / "statements.csv"
    path.write_text(",".join(STATEMENT_COLUMNS) + "\n" + "a,\"unclosed\n")
    assert main(["report", str(path), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"stance: error: {path}: not a readable CSV file") and len(err.splitlines()) == 1


@pytest.mark.parametrize("actor, quote", [
    ("$\\frac$ Norland", "Fine words."),
    ("Norland", "It cost $\\undefinedcommand{x}$ in all, a minister said."),
    ("Norland $^$", "Fine words."),
])
def test_chart_text_that_matplotlib_reads_as_mathtext_is_drawn_literally(tmp_path, capsys, actor, quote):
    path = _statements(tmp_path / "statements.csv", actor=actor, quote=quote)
    assert main(["report", str(path), "--out", str(tmp_path / "o")]) == 0
    assert (tmp_path / "o" / "index.html").exists()


# ---------------------------------------------------------------------------------------------
# Batch recovery: damaged shards are redone naming the file; a damaged cache is refused or
# rebuilt; one slow article is rejected, not left to stall its shard.


@pytest.fixture
def batch_corpus(tmp_path):
    folder, watchlist = _setup(tmp_path, {"a.jsonl": jsonl(*[record(i, text=f"Article {i}. Velk said it was fine. "
                                                                         f"Brann said it was not.") for i in range(12)])})
    return folder, watchlist


def _batch(folder, watchlist, out, **kw):
    return BatchConfig(inputs=(folder,), out_dir=out, watchlist=watchlist, shard_size=4, **kw)


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _flip_a_data_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 3] ^= 0xFF  # inside the column pages, well before the footer
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("damage", [_truncate, _empty, _flip_a_data_byte])
def test_a_damaged_shard_is_found_on_resume_and_scored_again(tmp_path, batch_corpus, caplog, damage):
    folder, watchlist = batch_corpus
    out = tmp_path / "out"
    run_batch(_batch(folder, watchlist, out, use_cache=False), scorer=KeywordScorer())
    expected = pd.concat([pd.read_parquet(p) for p in sorted((out / "statements").glob("*.parquet"))])
    shard = out / "statements" / "part-000001.parquet"
    damage(shard)
    scorer = KeywordScorer()
    summary = run_batch(_batch(folder, watchlist, out, use_cache=False), scorer=scorer)  # really scored again
    assert summary.shards_written == 1 and summary.shards_skipped == 2 and scorer.articles == 4
    assert any(f"{shard}: damaged shard" in r.getMessage() for r in caplog.records)
    again = pd.concat([pd.read_parquet(p) for p in sorted((out / "statements").glob("*.parquet"))])
    pd.testing.assert_frame_equal(again.reset_index(drop=True), expected.reset_index(drop=True))


def test_reading_results_names_a_damaged_shard_and_says_how_to_repair_it(tmp_path, batch_corpus):
    from stance.batch import read_results

    folder, watchlist = batch_corpus
    out = tmp_path / "out"
    run_batch(_batch(folder, watchlist, out), scorer=KeywordScorer())
    _flip_a_data_byte(out / "statements" / "part-000002.parquet")
    with pytest.raises(ValueError, match=r"part-000002.parquet: damaged shard .*rerun the batch command"):
        read_results(out)


def test_a_damaged_cache_is_refused_and_restart_rebuilds_it(tmp_path, batch_corpus):
    folder, watchlist = batch_corpus
    out = tmp_path / "out"
    out.mkdir()
    (out / "cache.sqlite").write_bytes(b"SQLite format 3\x00" + b"\x07" * 5000)
    with pytest.raises(sqlite3.DatabaseError, match=r"cache.sqlite: the score cache is damaged .*--restart"):
        run_batch(_batch(folder, watchlist, out), scorer=KeywordScorer())
    summary = run_batch(_batch(folder, watchlist, out, restart=True), scorer=KeywordScorer())
    assert summary.read == 12 and summary.scored == 12
    assert run_batch(_batch(folder, watchlist, out, restart=True), scorer=KeywordScorer()).cached == 12


def test_one_slow_article_is_rejected_and_the_rest_of_its_shard_is_scored(tmp_path, batch_corpus):
    folder, watchlist = batch_corpus
    out = tmp_path / "out"
    started = time.perf_counter()
    summary = run_batch(_batch(folder, watchlist, out, article_timeout_s=0.5),
                        scorer=KeywordScorer(slow_on=["n5"], slow_s=60))
    assert time.perf_counter() - started < 10
    assert summary.read == 12 and summary.rejected == 1
    (line,) = (out / "rejects.csv").read_text().splitlines()[1:]
    assert line.startswith(f"{folder / 'a.jsonl'},6,\"article 'n5' took over 0.5 s to score (56 characters)")
    rows = pd.concat([pd.read_parquet(p) for p in sorted((out / "statements").glob("*.parquet"))])
    assert sorted(set(rows["article_id"])) == sorted(f"n{i}" for i in range(12) if i != 5)

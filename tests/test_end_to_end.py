"""The README's main job on the shipped example corpus, with the real shipped model.

The expected answers come from data/examples/expected.yaml, written by hand from the events.
"""
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
import yaml
from markupsafe import escape

from stance import pipeline
from stance.watchlist import Watchlist

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "examples"


@pytest.fixture(scope="module")
def expected():
    return yaml.safe_load((EXAMPLES / "expected.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    watchlist = Watchlist.from_yaml(EXAMPLES / "watchlist.yaml")
    return out, pipeline.run([EXAMPLES / "articles"], watchlist, out)


def _window(text):
    start, end = (dt.date.fromisoformat(d) for d in text.split(".."))
    return start, end


def test_strong_shifts_are_found_with_direction_date_and_quotes(result, expected):
    out, run = result
    shifts = pd.read_csv(out / "shifts.csv", keep_default_na=False)
    for want in (s for s in expected["shifts"] if s["strength"] == "strong"):
        found = shifts[(shifts.actor == want["actor"]) & (shifts.target == want["target"])
                       & (shifts.direction == want["direction"])]
        assert len(found) >= 1, f"no {want['direction']} shift for {want['actor']} -> {want['target']}"
        start, end = _window(want["window"])
        day = dt.date.fromisoformat(found.iloc[0]["date"])
        assert start <= day <= end, f"{want['actor']}: shift dated {day}, expected {want['window']}"
        row = found.iloc[0]
        assert row["before_quote"] and row["after_quote"]
        assert (row["after"] - row["before"]) * (1 if want["direction"] == "up" else -1) > 0.4


def test_no_false_alarm_on_steady_pairs(result, expected):
    out, _ = result
    shifts = pd.read_csv(out / "shifts.csv", keep_default_na=False)
    for pair in expected["no_shift"]:
        flagged = shifts[(shifts.actor == pair["actor"]) & (shifts.target == pair["target"])]
        assert flagged.empty, f"false shift for {pair}"


def test_statements_table_has_the_issue_columns_and_valid_values(result):
    out, _ = result
    table = pd.read_csv(out / "statements.csv", keep_default_na=False)
    assert list(table.columns[:14]) == pipeline.STATEMENT_COLUMNS
    assert set(table.stance) <= {"against", "neutral", "favor"}
    assert table.score.between(-1, 1).all() and table.confidence.between(0, 1).all()
    assert set(table.kind) == {"direct", "indirect", "designation", "act"}


def test_unattributed_speakers_stay_unattributed(result, expected):
    out, _ = result
    table = pd.read_csv(out / "statements.csv", keep_default_na=False)
    for item in (s for s in expected["statements"] if s["actor"] == ""):
        rows = table[table.text.str.contains(item["quote"][:40], regex=False)]
        assert (rows.actor == "").all(), f"{item['quote']!r} attributed to {set(rows.actor)}"


def test_reports_show_the_quotes_on_each_side(result):
    out, run = result
    iran = (out / "reports" / "iran.html").read_text(encoding="utf-8")
    for _, shift in run.shifts[run.shifts.actor == "Iran"].iterrows():
        for quote in (shift["before_quote"], shift["after_quote"]):
            assert str(escape(quote[:30])) in iran
    assert (out / "index.html").exists() and (out / "charts" / "iran.png").stat().st_size > 10_000


def test_scoring_in_small_chunks_gives_the_same_table_in_input_order():
    # score() parses chunk k+1 while the model reads chunk k on its own thread: many small chunks in
    # flight must give the very rows, in the very order, of one chunk holding everything.
    watchlist = Watchlist.from_yaml(EXAMPLES / "watchlist.yaml")
    whole = pipeline.score([EXAMPLES / "articles"], watchlist, chunk_size=10_000)
    chunked = pipeline.score([EXAMPLES / "articles"], watchlist, chunk_size=3)
    assert len(whole) > 100 and whole["article_id"].nunique() > 10
    pd.testing.assert_frame_equal(chunked, whole)


def test_the_readme_shows_what_the_job_prints(result, capsys):
    # The README's first command prints this summary; a change that moves it must update the README too.
    from stance.cli import _print_summary

    _, run = result
    _print_summary(run.statements, run.shifts)
    printed = capsys.readouterr().out.splitlines()
    readme = (EXAMPLES.parents[1] / "README.md").read_text(encoding="utf-8")
    block = readme.split("The first prints:", 1)[1].split("```", 2)[1].splitlines()
    assert printed == [line for line in block if line.startswith(("Statements:", "Shifts:", "  "))]

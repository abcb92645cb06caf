"""The hand-written data in data/examples and data/diplomatic/dev.jsonl stays usable.

These check the data, not the pipeline: the files load with the library's own readers, every
hand-labelled quote can be found in its article, and the dev set passes the set checker.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

from stance.ingest import read_articles
from stance.watchlist import Watchlist

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "data" / "examples"
DEV = ROOT / "data" / "diplomatic" / "dev.jsonl"
SHIFT_DAY = dt.date(2024, 12, 8)


@pytest.fixture(scope="module")
def articles():
    return list(read_articles([EXAMPLES / "articles"]))


@pytest.fixture(scope="module")
def by_key(articles):
    """Articles by id, and .txt articles also by file name (ingest hashes their ids)."""
    keys = {}
    for a in articles:
        keys[a.id] = a
        path = Path(a.origin.rsplit(":", 1)[0])
        if path.suffix == ".txt":
            keys[path.name] = a
    return keys


@pytest.fixture(scope="module")
def expected():
    return yaml.safe_load((EXAMPLES / "expected.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("suffix, minimum", [(".jsonl", 20), (".csv", 5), (".txt", 2)])
def test_every_format_is_used_and_dated(articles, suffix, minimum):
    mine = [a for a in articles if a.origin.rsplit(":", 1)[0].endswith(suffix)]
    assert len(mine) >= minimum
    assert all(a.date is not None and a.title and a.text for a in mine)


@pytest.mark.parametrize("alias, day, entity", [
    ("Syrian government", dt.date(2024, 12, 7), "Assad government"),
    ("Syrian government", dt.date(2024, 12, 8), "Syrian opposition"),
    ("Kremlin", dt.date(2024, 12, 1), "Russia"),
    ("HTS", dt.date(2024, 11, 30), "Syrian opposition"),
])
def test_watchlist_time_bounded_aliases(alias, day, entity):
    watchlist = Watchlist.from_yaml(EXAMPLES / "watchlist.yaml")
    assert [m.entity for m in watchlist.find_aliases(f"said the {alias} would", day)] == [entity]


def test_labelled_quotes_occur_once_in_their_article(by_key, expected):
    watchlist = Watchlist.from_yaml(EXAMPLES / "watchlist.yaml")
    for item in expected["statements"]:
        article = by_key[item.get("article") or item["file"]]
        assert article.text.count(item["quote"]) == 1, item
        assert item["kind"] in ("direct", "indirect", "designation")
        assert item["stance"] in ("against", "neutral", "favor")
        for name in (item["actor"], item["target"]):
            assert name == "" or name in watchlist.names, item


@pytest.mark.parametrize("actor", ["Iran", "Russia"])
def test_strong_shift_series_have_statements_on_both_sides(articles, expected, actor):
    shift = next(s for s in expected["shifts"] if s["actor"] == actor and s["strength"] == "strong")
    start, end = (dt.date.fromisoformat(d) for d in shift["window"].split(".."))
    assert start <= SHIFT_DAY <= end
    for side, quotes in (("before", shift["before"]), ("after", shift["after"])):
        for quote in quotes:
            days = {a.date for a in articles if quote in a.text}
            assert days, quote
            assert all((d < SHIFT_DAY) == (side == "before") for d in days), (quote, days)


def test_dev_set_passes_the_checker(load_script):
    module = load_script("check_diplomatic_set")
    rows, errors = module.read_rows(DEV)
    assert not errors
    assert len(rows) >= 350
    assert module.check(rows) == []
    assert all(json.loads(line)["id"].startswith("dipdev-") for line in DEV.read_text().splitlines())


@pytest.mark.parametrize("path", sorted((ROOT / "data" / "multitarget").glob("train_*.jsonl")), ids=lambda p: p.name)
def test_multitarget_files_pass_the_checker(path, load_script):
    module = load_script("check_diplomatic_set")
    rows, errors = module.read_rows(path, module.MULTI_TARGET_KEYS)
    assert not errors
    assert len(rows) >= 400
    assert module.check(rows, module.MULTI_TARGET_PHENOMENA) == []
    assert module.check_multi_target(rows) == []
    dev_texts = {json.loads(line)["text"] for line in DEV.read_text().splitlines()}
    assert not dev_texts & {r["text"] for r in rows}


def _rows(*triples):
    return [{"text": t, "target": g, "label": y, "_where": f"x:{n}"} for n, (t, g, y) in enumerate(triples, 1)]


@pytest.mark.parametrize(
    "rows,problem",
    [
        (_rows(("A backed B but C scolded D.", "B", "favor"), ("A backed B but C scolded D.", "D", "against")), None),
        (_rows(("A backed B; B thanked D.", "B", "favor"), ("A backed B; B thanked D.", "D", "neutral")),
         "occurs 2 times"),
        (_rows(("A backed B but C scolded D.", "B", "favor")), "single target"),
        (_rows(("A met B and D.", "B", "neutral"), ("A met B and D.", "D", "neutral")), "contrastive"),
    ],
    ids=["ok", "repeated-target", "single-target", "no-contrast"],
)
def test_multi_target_check_names_the_problem(rows, problem, load_script):
    errors = load_script("check_diplomatic_set").check_multi_target(rows)
    if problem is None:
        assert errors == []
    else:
        assert any(problem in e for e in errors), errors

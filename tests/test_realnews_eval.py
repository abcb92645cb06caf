"""The real-news gold statements as a stance dataset (stance/evaluation/realnews.py).

The toy folder below is written in our own words; the real folder (``../shared/data/realnews``) is read
only by the last test, which skips when it is absent.
"""
import json
from pathlib import Path

import numpy as np
import pytest

from stance.evaluation.realnews import find_phrase, load_realnews, pick_mention, sentence_bounds
from stance.evaluation.stance_eval import confusion_table, default_datasets, shared_data_dir
from stance.watchlist import AliasMatch


@pytest.mark.parametrize("text,phrase,expected", [
    ("The envoy said ties were \u201cwarm and steady\u201d this year.", 'ties were "warm and steady"',
     "ties were \u201cwarm and steady\u201d"),
    ("The envoy said ties were\n  WARM and steady.", "ties were warm and", "ties were\n  WARM and"),
    ("It called the move \u2018unacceptable\u2019.", "the move 'unacceptable'", "the move \u2018unacceptable\u2019"),
    # "\u0130" lower-cases to two characters: offsets after it must still point into the original
    ("\u0130stanbul talks: the minister said relations were improving.", "relations were improving",
     "relations were improving"),
    ("Nothing of the sort here.", "relations were improving", None),
    ("Some text.", "   ", None),
])
def test_find_phrase_ignores_case_whitespace_and_quote_style(text, phrase, expected):
    found = find_phrase(text, phrase)
    assert (found if found is None else text[found[0]:found[1]]) == expected


def _m(start, end):
    return AliasMatch("Freedonia", "Freedonia", start, end)


@pytest.mark.parametrize("matches,phrase,expected", [
    ([], (10, 20), None),
    ([_m(0, 5), _m(12, 17), _m(30, 35)], (10, 20), (12, 17)),  # inside the phrase wins
    ([_m(0, 5), _m(24, 29)], (10, 20), (24, 29)),  # else the nearest (4 after vs 5 before)
    ([_m(0, 6), _m(24, 29)], (10, 20), (0, 6)),
])
def test_pick_mention_prefers_the_phrase_then_the_nearest(matches, phrase, expected):
    assert pick_mention(matches, phrase) == expected


def test_sentence_bounds_keep_to_the_line_of_the_phrase():
    from stance.nlp import load_nlp

    text = "March 3 2031 10:00\nThe minister said talks with Freedonia went well. Rain fell later."
    start = text.index("talks")
    lo, hi = sentence_bounds(text, start, start + 10, load_nlp())
    assert text[lo:hi] == "The minister said talks with Freedonia went well."


@pytest.fixture()
def toy_folder(tmp_path):
    articles = [
        {"id": "A1", "date": "2031-03-03", "source": "x", "url": "", "title": "t",
         "text": "Freedonia's envoy said the talks with Sylvania were cordial. Later he called the Sylvanian "
                 "blockade an act of piracy.\nHe said the new ties were a gift to both peoples."},
    ]
    (tmp_path / "articles.jsonl").write_text("\n".join(json.dumps(a) for a in articles) + "\n", encoding="utf-8")
    (tmp_path / "watchlist.yaml").write_text(
        "entities:\n  - name: Freedonia\n    aliases: [Freedonia]\n"
        "  - name: Sylvania\n    aliases: [Sylvania, Sylvanian]\n", encoding="utf-8")
    gold = tmp_path / "gold_statements.csv"
    gold.write_text(
        "article_id,actor,target,stance,phrase\n"
        "A1,Freedonia,Sylvania,favor,the talks with Sylvania were cordial\n"
        "A1,Freedonia,Sylvania,against,blockade an act of piracy\n"
        "A1,Freedonia,Sylvania,favor,the new ties were a gift\n"
        "A1,Freedonia,Sylvania,favor,a phrase that is nowhere\n"
        "B9,Freedonia,Sylvania,favor,an article that is missing\n"
        "A1,Freedonia,Sylvania,positive,the talks with Sylvania were cordial\n", encoding="utf-8")
    return gold


def test_load_realnews_gives_sentence_mention_and_speaker(toy_folder, caplog):
    ds = load_realnews(toy_folder)
    assert ds.texts == ["Freedonia's envoy said the talks with Sylvania were cordial.",
                        "Later he called the Sylvanian blockade an act of piracy.",
                        "He said the new ties were a gift to both peoples."]
    assert ds.targets == ["Sylvania", "Sylvanian", "Sylvania"]  # the last: no mention, scored as inferred
    assert ds.spans[0] == (38, 46) and ds.spans[2] is None
    assert ds.speakers == ["Freedonia"] * 3
    assert list(ds.labels) == [2, 0, 2]
    assert "1 without a target mention" in ds.notes and "3 skipped" in ds.notes
    assert "gold_statements.csv:5: skipped (phrase not in its article)" in caplog.text
    assert "gold_statements.csv:6: skipped (article 'B9' not in articles.jsonl)" in caplog.text
    assert "gold_statements.csv:7: skipped (unknown stance 'positive')" in caplog.text


def test_load_realnews_names_a_missing_companion_file(toy_folder):
    (toy_folder.parent / "watchlist.yaml").unlink()
    with pytest.raises(FileNotFoundError, match="watchlist.yaml"):
        load_realnews(toy_folder)


def test_confusion_table_rows_are_gold_columns_predicted():
    lines = confusion_table(np.array([0, 0, 1, 2]), np.array([1, 0, 1, 1])).splitlines()
    assert lines[0].split()[-3:] == ["against", "neutral", "favor"]
    assert [line.split()[1:] for line in lines[1:]] == [["1", "1", "0"], ["0", "1", "0"], ["0", "1", "0"]]


def test_realnews_is_a_default_dataset():
    path, loader = default_datasets()["realnews_gold"]
    assert path.name == "gold_statements.csv" and loader is load_realnews


def test_real_news_gold_statements_load_in_full():
    path = shared_data_dir() / "realnews" / "gold_statements.csv"
    if not path.is_file():
        pytest.skip("../shared/data/realnews not available")
    ds = load_realnews(path)
    n_rows = sum(1 for _ in open(path, encoding="utf-8")) - 1
    assert len(ds.texts) == n_rows  # every gold phrase is found in its article
    named = [(t, x, s) for t, x, s in zip(ds.targets, ds.texts, ds.spans) if s is not None]
    assert all(x[a:b] == t for t, x, (a, b) in named)
    assert 0 < len(named) < n_rows


def test_write_errors_lists_wrong_rows_and_refuses_the_repository(tmp_path):
    from stance.evaluation.stance_eval import StanceDataset, write_errors

    ds = StanceDataset("toy", ["Sylvania", "Freedonia"], ["Talks with Sylvania\n went well.", "Freedonia lied."],
                       np.array([2, 0]), speakers=["Freedonia", "Sylvania"])
    probs = np.array([[0.1, 0.7, 0.2], [0.8, 0.1, 0.1]])  # first wrong (neutral for favor), second right
    out = tmp_path / "errors.tsv"
    assert write_errors({"toy": (ds, probs)}, out) == 1
    lines = out.read_text().splitlines()
    assert lines[1].split("\t") == ["toy", "favor", "neutral", "0.700", "Freedonia", "Sylvania",
                                    "Talks with Sylvania went well."]  # one line per row
    repo_file = Path(__file__).resolve().parents[1] / "errors.tsv"
    with pytest.raises(ValueError, match="outside the repository"):
        write_errors({"toy": (ds, probs)}, repo_file)
    assert not repo_file.exists()

"""Recaps of earlier events: which statements report the past rather than news of the article's day.

One table row per pattern, each a short article in our own words (invented officials) dated
2024-11-20, and what the extractor must say of the statement by Norway's foreign minister in it:
"" when it is news of the day, else the start of the reason it is a recap.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from stance.attribution import extract_statements, load_extraction_nlp
from stance.records import Article
from stance.timeline import dedupe_statements
from stance.watchlist import Watchlist

WATCHLIST = Watchlist.from_dict({"entities": [
    {"name": "Norway", "aliases": ["Norway", "Norwegian", "Oslo"], "speakers": ["Kari Haugland"]},
    {"name": "Chile", "aliases": ["Chile", "Chilean", "Santiago"]},
    {"name": "Kenya", "aliases": ["Kenya", "Kenyan", "Nairobi"]},
]})
DAY = dt.date(2024, 11, 20)
PAST_PERFECT, DATED, PARAGRAPH = "past perfect cue", "cue dated earlier", "in a paragraph of background"
THEN = "speaker named as the holder then"

CASES = [
    ("news of the day", "Foreign Minister Kari Haugland said Chile was a trusted partner.", ""),
    ("past perfect cue", "Foreign Minister Kari Haugland had called Chile an unreliable partner.", PAST_PERFECT),
    ("past perfect with an adverb", "Foreign Minister Kari Haugland had previously accused Chile of spying.",
     PAST_PERFECT),
    ("past perfect of the same day", "Foreign Minister Kari Haugland had said on Monday that Chile was a trusted "
     "partner.", ""),
    ("backshift inside the report is not a recap", "Foreign Minister Kari Haugland said relations with Chile had "
     "been difficult for years.", ""),
    ("a month months back", "Foreign Minister Kari Haugland said in July that Chile was a trusted partner.", DATED),
    ("a month later in the year is last year", "Foreign Minister Kari Haugland said in December that Chile was a "
     "trusted partner.", DATED),
    ("the article's own month", "Foreign Minister Kari Haugland said in November that Chile was a trusted partner.",
     ""),
    ("last year", "Foreign Minister Kari Haugland said last year that Chile was a trusted partner.", DATED),
    ("years ago", "Foreign Minister Kari Haugland said two years ago that Chile was a trusted partner.", DATED),
    ("month and year", "Foreign Minister Kari Haugland said in March 2021 that Chile was a trusted partner.", DATED),
    ("a year inside a longer phrase is about something else", "Foreign Minister Kari Haugland said at a dinner "
     "marking the treaty of 1905 that Chile was a trusted partner.", ""),
    ("a date inside the report is not the cue's", "Foreign Minister Kari Haugland said Chile had broken its word "
     "in July.", ""),
    ("a background paragraph", "Relations had frozen after the fishing dispute. Foreign Minister Kari Haugland "
     "accused Chile of bad faith.", PARAGRAPH),
    ("a present-tense sentence ends the background", "Relations had frozen after the fishing dispute. Both sides "
     "now want a settlement. Foreign Minister Kari Haugland praised Chile for its patience.", ""),
    ("a time of the day ends the background", "Relations had frozen after the fishing dispute. On Tuesday, "
     "Foreign Minister Kari Haugland praised Chile for its patience.", ""),
    ("a new paragraph starts afresh", "Relations had frozen after the fishing dispute.\nForeign Minister Kari "
     "Haugland praised Chile for its patience.", ""),
    ("a post held then", "The feud began when then-Foreign Minister Kari Haugland accused Chile of spying.", THEN),
    ("a post held then, without the hyphen", "The feud began when then Foreign Minister Kari Haugland accused "
     "Chile of spying.", THEN),
    ("a sentence's then is the adverb", "Then Foreign Minister Kari Haugland accused Chile of spying.", ""),
]


@pytest.fixture(scope="module")
def nlp():
    return load_extraction_nlp()


def _norway_statement(text: str, nlp):
    article = Article(id="t", date=DAY, source="test", title="", text=text)
    found = [s for s in extract_statements(article, WATCHLIST, nlp=nlp) if s.actor == "Norway"]
    assert len(found) == 1, [(s.speaker, s.text) for s in found]
    return found[0]


@pytest.mark.parametrize("name, text, expected", CASES, ids=[c[0] for c in CASES])
def test_recaps_of_earlier_events_are_marked(name, text, expected, nlp):
    statement = _norway_statement(text, nlp)
    if expected:
        assert statement.background.startswith(expected), statement.background
    else:
        assert statement.background == "", statement.background


def test_an_undated_article_has_no_dated_recaps(nlp):
    text = "Foreign Minister Kari Haugland said in July that Chile was a trusted partner."
    article = Article(id="t", date=None, source="test", title="", text=text)
    (statement,) = [s for s in extract_statements(article, WATCHLIST, nlp=nlp) if s.actor == "Norway"]
    assert statement.background == ""


def test_recaps_stay_in_the_table_but_not_in_the_series():
    rows = pd.DataFrame([
        {"article_id": "a", "date": "2024-11-20", "source": "s", "speaker": "x", "actor": "Norway", "target": "Chile",
         "kind": "direct", "text": "news", "stance": "favor", "score": 0.8, "confidence": 0.9, "background": ""},
        {"article_id": "a", "date": "2024-11-20", "source": "s", "speaker": "x", "actor": "Norway", "target": "Chile",
         "kind": "indirect", "text": "old", "stance": "against", "score": -0.8, "confidence": 0.9,
         "background": "past perfect cue (had said)"},
    ])
    assert list(dedupe_statements(rows)["text"]) == ["news"]
    assert sorted(dedupe_statements(rows, recaps=True)["text"]) == ["news", "old"]

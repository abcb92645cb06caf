"""Bullet points under a line that says whose they are (readouts, live pages), in our own words."""
from __future__ import annotations

import datetime as dt

import pytest

from stance.attribution import extract_statements, load_extraction_nlp
from stance.attribution.bullets import bullet_blocks
from stance.records import Article
from stance.watchlist import Watchlist

WATCHLIST = Watchlist.from_dict({"entities": [
    {"name": "Norway", "aliases": ["Norway", "Norwegian", "Oslo"], "speakers": ["Kari Haugland"]},
    {"name": "Chile", "aliases": ["Chile", "Chilean", "Santiago"]},
]})


@pytest.fixture(scope="module")
def nlp():
    return load_extraction_nlp()


def _statements(nlp, text):
    article = Article(id="t", date=dt.date(2024, 3, 5), source="test", title="", text=text)
    return extract_statements(article, WATCHLIST, nlp=nlp)


@pytest.mark.parametrize("text, bodies", [
    ("Points:\n• Trade with Chile will grow\n• Talks resume in May\n", ["Trade with Chile will grow", "Talks resume in May"]),
    ("Points:\n\n  - Trade with Chile will grow\n  * Talks resume in May", ["Trade with Chile will grow",
                                                                         "Talks resume in May"]),
    ("Points:\n• Trade\n• Talks resume in May", ["Talks resume in May"]),  # a one-word point is a heading
    ("No colon here\n• Trade with Chile will grow", []),  # the line above must end with a colon
    ("Points:\nTrade with Chile will grow", []),  # no bullet
    ("Points:\n-5 degrees were forecast for Oslo", []),  # a minus sign is no bullet
])
def test_bullet_blocks(text, bodies):
    found = [text[a:b] for _, spans in bullet_blocks(text) for a, b in spans]
    assert found == bodies


def test_points_under_a_speech_verb_are_the_speakers(nlp):
    text = ("Haugland met her Chilean counterpart on Monday. Haugland said:\n"
            "  • Relations with Chile are on the right track\n  • Trade\n  • Both sides will meet again in May")
    said = [s for s in _statements(nlp, text) if s.cue == "said"]
    assert [s.text for s in said] == ["Relations with Chile are on the right track",
                                      "Both sides will meet again in May"]
    assert {s.actor for s in said} == {"Norway"}


def test_comments_from_a_side_are_that_sides_statements(nlp):
    text = ("Haugland met her Chilean counterpart on Monday. Comments from the Norwegian side:\n\n"
            "  • Relations with Chile are on the right track\n  • We hope Santiago keeps its commitments")
    points = [s for s in _statements(nlp, text) if s.cue == "Comments from"]
    assert [(s.speaker, s.actor, [t.entity for t in s.targets]) for s in points] == [
        ("the Norwegian side", "Norway", ["Chile"]), ("the Norwegian side", "Norway", ["Chile"])]

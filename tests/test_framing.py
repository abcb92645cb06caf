import datetime as dt

import pandas as pd
import pytest

from stance.framing import framing_terms, label_changes, normalise_term, quoted_phrases
from stance.records import Shift
from stance.synthetic import make_demo_statements

D = dt.date(2024, 11, 25)


def _rows(spec):
    rows = []
    for i, (day, kind, text, mention) in enumerate(spec):
        rows.append({"article_id": f"a{i}", "date": D + dt.timedelta(days=day), "source": f"Outlet {i % 3}",
                     "speaker": "FM", "actor": "Iran", "target": "Syrian opposition", "kind": kind, "cue": "said",
                     "text": text, "start": 0, "end": 1, "stance": "neutral", "score": 0.0, "confidence": 0.9,
                     "mention": mention, "inferred": False})
    return pd.DataFrame(rows)


@pytest.mark.parametrize("raw,term", [
    ("Terrorist Groups", "terrorist groups"),
    ("the legal occupants.", "legal occupants"),
    ("these so-called rebels", "rebels"),
    ("1234", ""),
    ("one two three four five six seven", ""),
])
def test_normalise_term(raw, term):
    assert normalise_term(raw) == term


@pytest.mark.parametrize("text,phrases", [
    ('They are "terrorist groups" and nothing else.', ["terrorist groups"]),
    ("He called them “the lawful authorities” and ‘partners’.", ["lawful authorities", "partners"]),
    ("It's the rebels' offensive, not a quote.", []),
    ('"A very long quoted sentence that is certainly not a label at all" he said.', []),
])
def test_quoted_phrases(text, phrases):
    assert quoted_phrases(text) == phrases


def test_framing_terms_counts_and_dates():
    df = _rows([(0, "designation", "terrorist groups", "terrorist groups"),
                (1, "direct", 'We fight these "terrorist groups".', "terrorist groups"),
                (14, "designation", "legal occupants", "legal occupants")])
    terms = framing_terms(df).set_index("term")
    assert terms.loc["terrorist groups", "n"] == 2
    assert terms.loc["terrorist groups", "first_date"] == D
    assert terms.loc["terrorist groups", "last_date"] == D + dt.timedelta(days=1)
    assert "designation" in terms.loc["terrorist groups", "origins"]
    assert terms.loc["legal occupants", "first_date"] == D + dt.timedelta(days=14)


@pytest.mark.parametrize("spec,expected", [
    # dominant label moves from one term to another between weeks -> one change
    ([(0, "designation", "terrorist groups", ""), (1, "designation", "terrorist groups", ""),
      (14, "designation", "legal occupants", ""), (15, "designation", "legal occupants", "")],
     [("terrorist groups", "legal occupants")]),
    # same label throughout, with an empty week in between -> no change
    ([(0, "designation", "terrorist groups", ""), (21, "designation", "terrorist groups", "")], []),
    # only the plain mention changes -> ignored by default
    ([(0, "direct", "They must go.", "HTS"), (14, "direct", "We will talk.", "new authorities")], []),
])
def test_label_changes_between_periods(spec, expected):
    changes = label_changes(_rows(spec), period="week")
    period_changes = changes[changes["basis"] == "period"]
    assert list(zip(period_changes["from_label"], period_changes["to_label"])) == expected


def test_label_change_across_a_shift():
    df = make_demo_statements()
    shift = Shift(actor="Iran", target="Syrian opposition", date=dt.date(2024, 12, 8), direction="up",
                  before=-0.8, after=0.5, delta=1.3, n_before=3, n_after=3)
    changes = label_changes(df, shifts=[shift])
    at_shift = changes[changes["basis"] == "shift"]
    assert len(at_shift) == 1
    row = at_shift.iloc[0]
    assert (row["actor"], row["from_label"], row["to_label"]) == ("Iran", "terrorist groups", "legal occupants")
    assert row["date"] == dt.date(2024, 12, 8)


def test_empty_input_gives_empty_frames():
    df = _rows([(0, "direct", "No labels here.", "")])
    assert framing_terms(df, include_mentions=False).empty
    assert label_changes(df).empty


@pytest.mark.parametrize("spec,expected", [
    # the old label stops, a new one starts inside the same month -> a replacement
    ([(0, "designation", "terrorist groups", ""), (2, "designation", "terrorist groups", ""),
      (9, "designation", "legal occupants", "")], [("terrorist groups", "legal occupants")]),
    # the labels overlap in time -> no replacement
    ([(0, "designation", "terrorist groups", ""), (9, "designation", "legal occupants", ""),
      (10, "designation", "terrorist groups", "")], []),
    # a variant of the same wording -> no replacement
    ([(0, "designation", "terrorist groups", ""), (2, "designation", "terrorist groups", ""),
      (9, "designation", "terrorists", "")], []),
    # the old label was used once only -> too little to call a change
    ([(0, "designation", "rebels", ""), (9, "designation", "legal occupants", "")], []),
])
def test_label_replacement(spec, expected):
    changes = label_changes(_rows(spec), period="month")
    got = changes[changes["basis"] == "replacement"]
    assert list(zip(got["from_label"], got["to_label"])) == expected


@pytest.mark.parametrize("text,label", [
    ("terrorist groups", "terrorist groups"),
    ('the country\'s "legal occupants"', "legal occupants"),
    ('the country\'s "legal occupants', "legal occupants"),  # closing quote outside the span
])
def test_designation_label(text, label):
    terms = framing_terms(_rows([(0, "designation", text, "")]), include_mentions=False)
    assert list(terms["term"]) == [label]


def test_a_recap_of_an_old_label_is_no_change_of_label():
    # Weeks after the label changed, an article recalls the old one ("had called them terrorist groups").
    df = _rows([(0, "designation", "terrorist groups", ""), (1, "designation", "terrorist groups", ""),
                (14, "designation", "legal occupants", ""), (15, "designation", "legal occupants", ""),
                (28, "designation", "terrorist groups", ""), (29, "designation", "terrorist groups", "")])
    df["background"] = [""] * 4 + ["past perfect cue (had called)"] * 2
    changes = label_changes(df, period="week")
    assert set(zip(changes["from_label"], changes["to_label"])) == {("terrorist groups", "legal occupants")}
    assert framing_terms(df).set_index("term").loc["terrorist groups", "last_date"] == D + dt.timedelta(days=1)

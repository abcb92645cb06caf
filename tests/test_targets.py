"""Target linking: named, time-bounded, inferred from labels, and fallback targets."""
from __future__ import annotations

import datetime as dt

import pytest

from stance.nlp import load_nlp
from stance.records import Article, Statement
from stance.attribution import load_extraction_nlp, extract_statements
from stance.attribution import link_targets
from stance.watchlist import Watchlist

WATCHLIST = Watchlist.from_dict(
    {
        "entities": [
            {"name": "Iran", "aliases": ["Iran", "Iranian", "Tehran"], "speakers": ["Abbas Araghchi"]},
            {"name": "Russia", "aliases": ["Russia", "Moscow"], "speakers": ["Sergei Lavrov", "Dmitry Peskov"]},
            {"name": "Israel", "aliases": ["Israel", "Israeli"]},
            {"name": "United States", "aliases": ["United States", "US", "Washington"]},
            {"name": "Turkey", "aliases": ["Turkey", "Turkish"], "speakers": ["Hakan Fidan"]},
            {"name": "China", "aliases": ["China", "Beijing"], "speakers": ["Wang Yi"]},
            {
                "name": "Assad government",
                "aliases": ["Assad government", {"alias": "Syrian government", "until": "2024-12-08"}],
            },
            {
                "name": "HTS",
                "aliases": ["HTS", "Hayat Tahrir al-Sham", "rebels", {"alias": "Syrian government", "from": "2024-12-08"}],
            },
        ]
    }
)


@pytest.fixture(scope="module", params=["spacy-default", "lean"])
def nlp(request):
    # Both the pipeline callers may pass (spaCy's own components) and extraction's lean default.
    return load_nlp(("lemmatizer",)) if request.param == "spacy-default" else load_extraction_nlp()


# (date, text, expected {entity: inferred} for the article's last statement)
CASES = [
    pytest.param("2024-12-05", "Iranian Foreign Minister Abbas Araghchi said the rebels were backed by Israel.",
                 {"HTS": False, "Israel": False}, id="several-targets-not-own-title"),
    pytest.param("2024-12-05", "Lavrov said Moscow would keep supporting the Syrian government.",
                 {"Assad government": False}, id="alias-before-handover"),
    pytest.param("2024-12-20", "Lavrov said Moscow would keep talking to the Syrian government.",
                 {"HTS": False}, id="alias-after-handover"),
    pytest.param("2024-12-05", "Araghchi condemned the US-backed offensive.",
                 {"United States": False}, id="hyphenated-compound"),
    pytest.param("2024-12-05", "Fidan described Hayat Tahrir al-Sham as a movement of liberation.",
                 {"HTS": False}, id="designated-object"),
    pytest.param("2024-12-05", "Wang Yi told his Turkish counterpart that Beijing opposed sanctions on Iran.",
                 {"Iran": False}, id="addressee-is-not-a-target"),
    pytest.param("2024-12-05", "The rebels seized the airport on Monday. Araghchi said the terrorist groups would be defeated.",
                 {"HTS": True}, id="label-resolves-to-last-named"),
    # An actor's statement that names nobody is about its counterpart: the other entity the paragraph
    # named last, else the article's main other entity (named at least twice, more than any other).
    pytest.param("2024-12-05", "HTS fighters advanced on Hama. Israeli jets struck depots. Peskov said the situation was worrying.",
                 {"Israel": True}, id="counterpart-named-last-in-the-paragraph"),
    pytest.param("2024-12-05", "HTS fighters advanced on Hama. HTS took the airport.\n\nPeskov said the situation was worrying.",
                 {"HTS": True}, id="counterpart-is-the-articles-main-other-entity"),
    pytest.param("2024-12-05", "HTS fighters advanced on Hama. Israeli jets struck depots.\n\nPeskov said the situation was worrying.",
                 {}, id="no-counterpart-when-no-entity-leads"),
    pytest.param("2024-12-05", "Moscow watched the talks.\n\nPeskov said the situation was worrying.",
                 {}, id="no-counterpart-but-its-own-entity"),
    pytest.param("2024-12-05", 'The rebels took Aleppo. "These groups threaten every country, including Turkey," Araghchi said.',
                 {"Turkey": False, "HTS": True}, id="anaphor-adds-referent-to-named"),
    pytest.param("2024-12-05", 'The rebels took Hama. Araghchi said Iran backed the Syrian government against what he '
                               'called "takfiri terrorist groups".',
                 {"HTS": True}, id="group-label-skips-government"),
    pytest.param("2024-12-05", "Israeli jets struck depots near Damascus. Lavrov said such actions were unacceptable.",
                 {"Israel": True}, id="event-label-to-its-agent"),
    pytest.param("2024-12-05", 'Lavrov said Moscow was talking to the rebels. "We are discussing the safety of our people," '
                               "he said.",
                 {"HTS": True}, id="quote-continues-paraphrase"),
    pytest.param("2024-12-05", 'Lavrov said Moscow was talking to the rebels and to Turkish officials.\n\n"We are '
                               'discussing the safety of our people," he said.',
                 {}, id="no-carry-across-paragraphs"),
    pytest.param("2024-12-05", 'Araghchi said Moscow had been informed. "Our positions will depend on the conduct of all '
                               'actors," Peskov said.',
                 {}, id="no-carry-from-another-actor"),
    pytest.param("2024-12-05", "HTS fighters advanced on Hama. A researcher in Paris said the situation was worrying.",
                 {}, id="no-fallback-for-unattributed"),
    pytest.param("2024-12-05", "Araghchi said Iran would defend itself.", {}, id="own-entity-only"),
    # "the two countries" of a speaker are its own state and the one the text last coordinated with it,
    # also when a third entity was named since and a pronoun in the words would point there
    pytest.param("2024-12-05", "Fidan called Turkey and Israel partners against threats from Russia.\n\nSpeaking "
                               "later, Fidan said the two countries were working together in their common interest.",
                 {"Israel": True}, id="the-two-countries-are-the-pair-named-last"),
    pytest.param("2024-12-05", "Turkey-China trade grew fast. Israeli jets struck depots.\n\nFidan said both sides "
                               "would gain from more flights.",
                 {"China": True}, id="both-sides-of-a-hyphenated-pair"),
    pytest.param("2024-12-05", "Israeli jets struck depots. Fidan said the two countries would talk.",
                 {"Israel": True}, id="no-pair-named-the-counterpart-as-before"),
    # what is between two states: "such a peace", "normalization" of the speaker's state and the one coordinated with it
    pytest.param("2024-12-05", "Washington pressed for a peace between Turkey and Israel.\n\n\"We are moving closer "
                               "to normalization,\" Fidan said.",
                 {"Israel": True}, id="normalization-is-with-the-state-coordinated-with-the-speakers"),
    pytest.param("2024-12-05", "Washington hosted talks on a peace between Turkey and Israel.\n\n\"Such a peace would "
                               "change the region,\" Fidan said.",
                 {"Israel": True}, id="such-a-peace-is-with-the-state-coordinated-with-the-speakers"),
    # a brief that names one other entity, once, before the words: that is the counterpart
    pytest.param("2024-12-05", "Israel and Cyprus signed a gas deal.\n\nFidan said Turkey considered the agreement void.",
                 {"Israel": True}, id="the-only-other-entity-named-once-before"),
    pytest.param("2024-12-05", "Fidan said Turkey considered the agreement void.\n\nIsrael and Cyprus signed it in May.",
                 {}, id="not-when-it-is-named-only-after"),
    pytest.param("2024-12-05", "Israel and Cyprus signed a gas deal.\n\n" + "The weather in the region stayed mild "
                               "all week, and markets were calm. " * 12 + "\n\nFidan said Turkey considered the "
                               "agreement void.",
                 {}, id="not-in-a-longer-story-than-a-brief"),
    pytest.param("2024-12-05", "Turkey's ambassador to Israel said Ankara considered the agreement void.",
                 {}, id="not-when-it-is-in-the-speakers-title"),
]


@pytest.mark.parametrize("date, text, expected", CASES)
def test_targets(nlp, date, text, expected):
    article = Article(id="t", date=dt.date.fromisoformat(date), source="t", title="", text=text)
    statements = extract_statements(article, WATCHLIST, nlp=nlp)
    assert statements, "no statement extracted"
    got = {t.entity: t.inferred for t in statements[-1].targets}
    assert got == expected
    for link in statements[-1].targets:
        assert link.mention  # the surface text that produced the link


def test_link_targets_without_parse():
    """link_targets works on a bare Statement (e.g. re-linking a stored one) using its context."""
    text = "Foreign Minister Abbas Araghchi said on Monday that the rebels and Israel had coordinated."
    article = Article(id="t", date=dt.date(2024, 12, 3), source="t", title="", text=text)
    start = text.index("the rebels")
    st = Statement(article_id="t", date=article.date, source="t", speaker="Foreign Minister Abbas Araghchi",
                   actor="Iran", cue="said", text=text[start:-1], kind="indirect", start=start,
                   end=len(text) - 1, context=text)
    linked = link_targets(st, article, WATCHLIST)
    assert {t.entity for t in linked.targets} == {"HTS", "Israel"}
    assert linked.targets and not any(t.inferred for t in linked.targets)


@pytest.mark.parametrize("mention, marked", [
    ("their", "Sylvania"),  # a pronoun is our guess at coreference: the classifier gets the entity, unmarked
    ("Their", "Sylvania"),
    ("them", "Sylvania"),
    ("the regime", "the regime"),  # a label about the target is marked where it stands
    ("Sylvanian", "Sylvanian"),
    ("the junta", "Sylvania"),  # not in the sentence
])
def test_classifier_inputs_mark_names_and_labels_but_never_a_pronoun(mention, marked):
    from stance.pipeline import classifier_inputs
    from stance.records import TargetLink

    text = "Their envoy said the regime had cut the Sylvanian grain exports and told them to wait."
    statement = Statement(article_id="a", date=None, source="s", speaker="the envoy", actor="Freedonia", cue="said",
                          text=text, kind="indirect", start=0, end=len(text), context=text,
                          targets=(TargetLink(entity="Sylvania", mention=mention, inferred=True),))
    assert classifier_inputs(statement) == [(marked, text)]

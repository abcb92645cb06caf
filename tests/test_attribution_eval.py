"""Attribution evaluation: span matching, brat parsing, PolNeAR and the diplomatic gold set."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from stance.evaluation.attribution import (
    GoldSpan,
    QuoteSpans,
    char_token_index,
    citron_overlap_counts,
    evaluate_gold,
    evaluate_polnear,
    format_polnear_table,
    match_counts,
    polnear_pairs,
    read_brat,
    read_brat_quotes,
    read_gold,
    shared_data_dir,
    source_phrase,
    token_overlap_counts,
)
from stance.records import STATEMENT_KINDS
from stance.watchlist import Watchlist

REPO = Path(__file__).resolve().parents[1]
GOLD = REPO / "data" / "attribution" / "gold.jsonl"
GOLD_WATCHLIST = REPO / "data" / "attribution" / "watchlist.yaml"
POLNEAR_DEV = shared_data_dir() / "polnear" / "dev"


def span(*pieces):
    return GoldSpan("content", tuple(pieces))


@pytest.mark.parametrize(
    "pred, gold, exact, overlap",
    [
        pytest.param([span((0, 10))], [span((0, 10))], 1, 1, id="identical"),
        pytest.param([span((0, 10))], [span((5, 20))], 0, 1, id="overlap-only"),
        pytest.param([span((0, 10))], [span((10, 20))], 0, 0, id="touching-is-not-overlap"),
        pytest.param([span((0, 30))], [span((0, 10)), span((12, 30))], 0, 1, id="one-to-one"),
        pytest.param([span((0, 5)), span((6, 9))], [span((0, 5), (6, 9))], 0, 1, id="discontinuous-gold"),
        pytest.param([span((0, 5), (6, 9))], [span((0, 5), (6, 9))], 1, 1, id="discontinuous-exact"),
        pytest.param([], [span((0, 5))], 0, 0, id="nothing-predicted"),
        # The first prediction overlaps both gold spans, the second only the larger one: both count,
        # whatever the order of the predictions.
        pytest.param([span((0, 12)), span((2, 6))], [span((0, 10)), span((10, 14))], 0, 2, id="order-free-a"),
        pytest.param([span((2, 6)), span((0, 12))], [span((0, 10)), span((10, 14))], 0, 2, id="order-free-b"),
        pytest.param([span((0, 5)), span((0, 5))], [span((0, 5))], 1, 1, id="gold-used-once"),
    ],
)
def test_match_counts(pred, gold, exact, overlap):
    assert match_counts(pred, gold) == {"exact": exact, "overlap": overlap}


TOKEN_TEXT = "Iran's foreign minister said the rebels were terrorists ."


def chars_of(words: str) -> tuple[int, int]:
    start = TOKEN_TEXT.index(words)
    return start, start + len(words)


@pytest.mark.parametrize(
    "pred, gold, expected",
    [
        # Citron's overlap metric counts tokens: 2 of the gold source's 4 tokens are found.
        pytest.param(["foreign minister"], ["Iran's foreign minister"], (2, 2, 4), id="half-a-source"),
        pytest.param(["Iran's foreign minister said"], ["Iran's foreign minister"], (4, 5, 4), id="one-token-too-long"),
        pytest.param(["the rebels"], ["Iran's foreign minister"], (0, 2, 4), id="disjoint"),
        # Tokens are pooled per article: two predictions over the same tokens count them once.
        pytest.param(["foreign minister", "minister"], ["foreign minister"], (2, 2, 2), id="pooled"),
        # A span that ends inside a token still takes the whole token ("minist" -> "minister").
        pytest.param([("foreign minister", -2)], ["foreign minister"], (2, 2, 2), id="partial-token"),
        pytest.param([], ["the rebels were terrorists"], (0, 0, 4), id="nothing-predicted"),
    ],
)
def test_token_overlap_counts(pred, gold, expected):
    import spacy

    doc = spacy.blank("en")(TOKEN_TEXT)

    def spans(phrases):  # a phrase, or (phrase, characters to cut from its end)
        out = []
        for words, cut in (w if isinstance(w, tuple) else (w, 0) for w in phrases):
            a, b = chars_of(words)
            out.append(GoldSpan("source", ((a, b + cut),)))
        return out

    counts = token_overlap_counts(spans(pred), spans(gold), char_token_index(doc))
    assert (counts["token"], counts["token_pred"], counts["token_gold"]) == expected


CITRON_TEXT = "Iran's foreign minister said the rebels were terrorists and added that talks were over ."


def quote(source="", cue="", content=""):
    """QuoteSpans over phrases of CITRON_TEXT (first occurrence); an empty phrase is no span."""
    def pieces(words):
        if not words:
            return ()
        start = CITRON_TEXT.index(words)
        return ((start, start + len(words)),)

    return QuoteSpans(pieces(source), pieces(cue), pieces(content))


SAID = dict(source="Iran's foreign minister", cue="said", content="the rebels were terrorists")
ADDED = dict(source="Iran's foreign minister", cue="added", content="talks were over")


@pytest.mark.parametrize(
    "pred, gold, expected_source, expected_content",
    [
        # (overlap, predicted length, gold length) in tokens, summed as citron/metrics.py sums them.
        pytest.param([quote(**SAID)], [quote(**SAID)], (4, 4, 4), (4, 4, 4), id="identical"),
        pytest.param([quote(source="foreign minister", cue="said", content="rebels")], [quote(**SAID)],
                     (2, 2, 4), (1, 1, 4), id="partial"),
        pytest.param([], [quote(**SAID)], (0, 0, 4), (0, 0, 4), id="nothing-predicted"),
        # Two gold quotes share one source: its tokens count once per quote in the gold length, and
        # a prediction that names the source once overlaps both (Citron sums over quote pairs).
        pytest.param([quote(**SAID), quote(cue="added", content="talks were over")], [quote(**SAID), quote(**ADDED)],
                     (8, 4, 8), (7, 7, 7), id="shared-source-counts-per-pair"),
        # A source predicted for a quote that is not in the gold still costs its length.
        pytest.param([quote(source="the rebels", cue="were", content="terrorists")], [quote(**SAID)],
                     (0, 2, 4), (1, 1, 4), id="unannotated-quote"),
    ],
)
def test_citron_overlap_counts(pred, gold, expected_source, expected_content):
    import spacy

    doc = spacy.blank("en")(CITRON_TEXT)
    counts = citron_overlap_counts(pred, gold, char_token_index(doc))
    for kind, expected in (("source", expected_source), ("content", expected_content)):
        got = (counts[f"citron_{kind}"], counts[f"citron_{kind}_pred"], counts[f"citron_{kind}_gold"])
        assert got == expected, kind


def test_read_brat_quotes_gives_a_shared_source_to_each_event(tmp_path):
    text = "The minister said talks failed and added that he would resign."
    ann = tmp_path / "c_1234.ann"
    ann.write_text(
        "T1\tSource 0 12\tThe minister\n"
        "T2\tCue 13 17\tsaid\n"
        "T3\tContent 18 30\ttalks failed\n"
        "T4\tCue 35 40\tadded\n"
        "T5\tContent 41 61\tthat he would resign\n"
        "T6\tAttribution 13 17\tsaid\n"
        "T7\tAttribution 35 40\tadded\n"
        "E1\tAttribution:T6 Source:T1 Cue:T2 Content:T3\n"
        "E2\tAttribution:T7 Cue:T4 Content:T5 Source:T1\n"
        "E3\tAttribution:T7 Cue:T4\n",
        encoding="utf-8",
    )
    assert read_brat_quotes(ann, text) == [
        QuoteSpans(((0, 12),), ((13, 17),), ((18, 30),)),
        QuoteSpans(((0, 12),), ((35, 40),), ((41, 61),)),
        QuoteSpans((), ((35, 40),), ()),
    ]
    # read_brat lists the shared source once: the span-count metrics score distinct spans.
    assert [s.kind for s in read_brat(ann, text)] == ["source", "cue", "content", "cue", "content"]


@pytest.mark.parametrize(
    "text, name, phrase",
    [
        ("Sen. Lindsey Graham (R-S.C.), who chairs the panel, said the deal was dead.",
         "Sen. Lindsey Graham", "Sen. Lindsey Graham (R-S.C.), who chairs the panel"),
        ("Brian Fallon, the campaign's press secretary, said they would appeal.",
         "Brian Fallon", "Brian Fallon, the campaign's press secretary"),
        ("Mr. Grassley and Mr. Leahy said the program was abused.",
         "Mr. Grassley", "Mr. Grassley and Mr. Leahy"),
        # A line break ends the phrase: a dateline is not part of the speaker.
        ("10:40 a.m.\n\nDonald Trump said he would win.", "Donald Trump", "Donald Trump"),
        ("He said the talks had failed.", "He", "He"),
    ],
)
def test_source_phrase_is_the_whole_noun_phrase(text, name, phrase):
    from stance.attribution import find_attributions, load_extraction_nlp

    doc = load_extraction_nlp()(text)
    att = next(a for a in find_attributions(doc, Watchlist(()), None, profile="broad") if a.source is not None)
    assert text[att.source[0]:att.source[1]] == name
    a, b = source_phrase(doc, att)
    assert text[a:b].rstrip(",") == phrase


def test_read_brat_discontinuous_and_relations(tmp_path):
    text = '"We will go on," the minister said, "whatever it costs."'
    ann = tmp_path / "a_1234.ann"
    ann.write_text(
        "T1\tSource 17 29\tthe minister\n"
        "T2\tCue 30 34\tsaid\n"
        "T3\tContent 1 14;37 54\tWe will go on whatever it costs.\n"
        "T4\tAttribution 30 34\tsaid\n"
        "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n"
        "A1\tFactuality T4 asserted\n",
        encoding="utf-8",
    )
    spans = read_brat(ann, text)
    assert [(s.kind, s.pieces) for s in spans] == [
        ("source", ((17, 29),)),
        ("cue", ((30, 34),)),
        ("content", ((1, 14), (37, 54))),
    ]
    assert text[17:29] == "the minister"
    # The same attribution is kept when only speech cues are asked for ("said" is one).
    assert len(read_brat(ann, text, speech_only=True)) == 3


def test_read_brat_skips_continuation_lines(tmp_path):
    # An annotation whose text holds a line break continues on a line of its own; one that starts
    # with "T" is not a text-bound annotation.
    text = "He said 3.\n\nThe number rose."
    ann = tmp_path / "b_1234.ann"
    ann.write_text(
        "T1\tSource 0 2\tHe\n"
        "T2\tContent 8 9;12 28\t3\n"
        "\n"
        "The number rose.\n"
        "E1\tAttribution:T2 Content:T2 Source:T1\n",
        encoding="utf-8",
    )
    assert [(s.kind, s.pieces) for s in read_brat(ann, text)] == [
        ("source", ((0, 2),)), ("content", ((8, 9), (12, 27)))]


def test_polnear_pairs_takes_one_annotator(tmp_path):
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "doc-a.txt").write_text("x", encoding="utf-8")
    for name in ("doc-a_4b22.ann", "doc-a_ef2d.ann", "doc-b_4b22.ann"):
        (tmp_path / "attributions" / name).write_text("", encoding="utf-8")
    pairs = polnear_pairs(tmp_path)
    assert [(t.name, a.name) for t, a in pairs] == [("doc-a.txt", "doc-a_4b22.ann")]


@pytest.mark.skipif(not (POLNEAR_DEV / "text").is_dir(), reason="PolNeAR not available under ../shared/data")
def test_polnear_dev_floor():
    # Measured on these 8 articles: source 0.63, cue 0.61, content 0.61 overlap F1 (all 84: 0.66/0.62/0.64).
    table = evaluate_polnear(POLNEAR_DEV, limit=8)
    assert set(table.index) == {"source", "cue", "content"}
    assert table.loc["source", "overlap_f1"] >= 0.50
    assert table.loc["content", "overlap_f1"] >= 0.50
    assert (table["overlap_precision"] >= 0.80).all()
    assert (table["exact_f1"] <= table["overlap_f1"]).all()


@pytest.mark.skipif(not (POLNEAR_DEV / "text").is_dir(), reason="PolNeAR not available under ../shared/data")
def test_polnear_broad_profile_trades_little_precision_for_recall():
    # Measured on these 8 articles: speech 0.63/0.61 source/content F1, broad 0.78/0.80
    # (all 84: speech 0.67/0.66, broad 0.77/0.80); precision stays above 0.8.
    speech = evaluate_polnear(POLNEAR_DEV, limit=8, profile="speech")
    broad = evaluate_polnear(POLNEAR_DEV, limit=8, profile="broad")
    for span in ("source", "content"):
        assert broad.loc[span, "overlap_recall"] >= speech.loc[span, "overlap_recall"] + 0.10
        assert broad.loc[span, "overlap_f1"] >= speech.loc[span, "overlap_f1"] + 0.05
    assert (broad["overlap_precision"] >= 0.80).all()


def test_gold_set_is_well_formed():
    items = read_gold(GOLD)
    watchlist = Watchlist.from_yaml(GOLD_WATCHLIST)
    assert len(items) >= 120
    heldout = sum(it["split"] == "heldout" for it in items)
    assert 0.35 <= heldout / len(items) <= 0.45
    names = set(watchlist.names)
    for it in items:
        for st in it["statements"]:
            assert st["kind"] in STATEMENT_KINDS
            assert st["actor"] == "" or st["actor"] in names, it["id"]
            assert set(st["targets"]) <= names, it["id"]
            assert st["content"] in it["text"], it["id"]
    assert sum(1 for it in items for st in it["statements"] if st["actor"] == "") >= 15  # unattributed voices


@pytest.mark.parametrize("split", ["dev", "heldout"])
def test_gold_set_meets_issue_thresholds(split):
    metrics = evaluate_gold(GOLD, GOLD_WATCHLIST, split=split)
    assert metrics["actor_precision"] >= 0.99, metrics["errors"]  # issue #30: no precision lost to recall
    assert metrics["actor_recall"] >= 0.90, metrics["errors"]
    # The gold set was annotated when a statement that names nobody got no target; since issue #30 an
    # actor's such statement is about its counterpart (inferred), as independent real-news annotation
    # has it, and a few of these items disagree: target accuracy was 0.932 (dev) / 0.966 (heldout) before.
    assert metrics["target_accuracy"] >= 0.88, metrics["errors"]


def test_gold_scoring_penalises_wrong_actor(tmp_path):
    """The scorer itself: a gold item whose expected actor differs lowers precision and recall."""
    item = {"id": "x", "split": "dev", "date": "2024-12-05", "text": "Lavrov said Moscow would keep its bases.",
            "statements": [{"speaker": "Lavrov", "actor": "Iran", "targets": [], "kind": "indirect",
                            "content": "keep its bases"}]}
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(item) + "\n", encoding="utf-8")
    metrics = evaluate_gold(path, GOLD_WATCHLIST)
    assert metrics["actor_precision"] == 0.0 and metrics["actor_recall"] == 0.0


def test_format_polnear_table_prints_every_metric_in_columns():
    import pandas as pd

    row = {"exact_precision": 0.5, "exact_recall": 0.25, "exact_f1": 1 / 3,
           "overlap_precision": 1.0, "overlap_recall": 0.5, "overlap_f1": 2 / 3,
           "token_precision": 0.8, "token_recall": 0.8, "token_f1": 0.8,
           "citron_precision": 0.9, "citron_recall": 0.6, "citron_f1": 0.72}
    table = pd.DataFrame([{"span": "source", **row}]).set_index("span")
    assert format_polnear_table(table).splitlines() == [
        "         exact              overlap (spans)    overlap (tokens)   overlap (Citron)",
        "span     P     R     F1     P     R     F1     P     R     F1     P     R     F1",
        "source   0.500 0.250 0.333  1.000 0.500 0.667  0.800 0.800 0.800  0.900 0.600 0.720",
    ]

"""scripts/check_diplomatic_set.py --not-near: the guard against training rows that nearly copy dev sentences.

Reference texts are written here, in our own words, into tmp_path; no dataset text is used.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REALNEWS = ROOT.parent / "shared" / "data" / "realnews"

# A reference article: several sentences, names of made-up places.
ARTICLE = ("On Monday officials in Velmora said that the river barrage would open in June. "
           "The Velmoran foreign minister said the talks had been long but useful. "
           'A spokesman added: "They must pay back every coin they took from the harbour fund." '
           "Ministers from Velmora told reporters after the meeting that it had gone well.")
PHRASE = "the bridge over the gorge will carry trains from next spring"


def _row(text, actor="Kenya", target="Chile", rid="r1"):
    return {"id": rid, "text": text, "target": target, "label": "neutral", "actor": actor,
            "phenomenon": "fact", "_where": f"x.jsonl:{rid}"}


@pytest.fixture
def refs(tmp_path, load_script):
    module = load_script("check_diplomatic_set")
    (tmp_path / "articles.jsonl").write_text(json.dumps({"id": "a1", "text": ARTICLE}) + "\n", encoding="utf-8")
    (tmp_path / "gold.csv").write_text(f"article_id,actor,target,stance,phrase\na1,X,Y,neutral,{PHRASE}\n",
                                       encoding="utf-8")
    return module, module.read_references([tmp_path / "articles.jsonl", tmp_path / "gold.csv"])


@pytest.mark.parametrize(
    "text,actor,target,run,where",
    [
        # a content run of 5+ words, names differing (the row's own names and a reference name -> one placeholder)
        ("Kenya said the river barrage would open in June, a month later than planned.", "Kenya", "Chile",
         "the river barrage would open in <name>", "articles.jsonl:1"),  # a month never written in lower case is a name too
        # a capital and a weekday (capitalised, never in lower case) are names too
        ("The Kenyan envoy said that on Monday officials in Nairobi said that the port of Chile was ready.", "Kenya",
         "Chile", "on <name> officials in <name> said that", "articles.jsonl:1"),
        # a sentence-initial pronoun is a word, and matches the same word inside a quote of the reference
        ("They must pay back every coin they owe, the Kenyan foreign minister said of Chile.", "Kenya", "Chile",
         "they must pay back every coin they", "articles.jsonl:1"),
        # the phrase column of a .csv file is read
        ("The Kenyan trade minister said the bridge over the gorge will carry trains soon.", "Kenya", "Chile",
         "the bridge over the gorge will carry trains", "gold.csv:2"),
        # only 4 shared words: not a near copy
        ("Kenya said the river barrage was finished and that Chile had paid for half of it.", "Kenya", "Chile",
         None, None),
        # reporting boilerplate is excused
        ("Kenya's envoy told reporters after the meeting that Chile had asked for more time.", "Kenya", "Chile",
         None, None),
        # speaker attribution only ("the <name> foreign minister said the") is excused
        ("The Kenyan foreign minister said the harvest in Chile had been the best in ten years.", "Kenya", "Chile",
         None, None),
    ],
    ids=["content-run", "capital-and-weekday", "initial-pronoun", "csv-phrase", "four-words",
         "boilerplate", "attribution"],
)
def test_not_near_fails_rows_sharing_a_run(refs, text, actor, target, run, where):
    module, references = refs
    errors, _ = module.check_not_near([_row(text, actor, target)], references)
    if run is None:
        assert errors == []
    else:
        assert len(errors) == 1, errors
        assert f'r1 shares the run "{run}"' in errors[0] and errors[0].endswith(where), errors


@pytest.mark.parametrize(
    "text,reported",
    [
        # the reference phrase's words, reordered: no shared run of 5, but token_set_ratio 100
        ("Trains from next spring will carry over the gorge the bridge, said Kenya of Chile.", True),
        ("Kenya and Chile signed a fisheries accord after three days of talks in the capital.", False),
    ],
    ids=["reordered", "unrelated"],
)
def test_not_near_reports_fuzzy_matches_without_failing(refs, text, reported):
    module, references = refs
    errors, reports = module.check_not_near([_row(text)], references)
    assert errors == []
    assert bool(reports) is reported, reports
    if reported:
        assert "token_set_ratio" in reports[0] and "gold.csv:2" in reports[0]


def test_not_near_main_exit_status_and_bad_reference(tmp_path, load_script, capsys):
    module = load_script("check_diplomatic_set")
    ref = tmp_path / "ref.csv"
    ref.write_text(f"phrase\n{PHRASE}\n", encoding="utf-8")
    texts = [("Kenya said the bridge over the gorge will carry trains to Chile.", "against"),
             ("Kenya said the harvest in Chile had been the largest since records began.", "neutral"),
             ("Kenya praised Chile for sending doctors and tents within a day of the storm.", "favor")]
    data = tmp_path / "set.jsonl"
    data.write_text("".join(json.dumps({"id": f"r{i}", "text": t, "target": "Chile", "label": y, "actor": "Kenya",
                                        "phenomenon": "fact"}) + "\n" for i, (t, y) in enumerate(texts)),
                    encoding="utf-8")
    assert module.main([str(data)]) == 0
    assert module.main([str(data), "--not-near", str(ref)]) == 1
    assert '"the bridge over the gorge will carry trains"' in capsys.readouterr().err
    bad = tmp_path / "bad.csv"
    bad.write_text("article_id,quote\na1,some words\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="no column 'phrase'"):
        module.main([str(data), "--not-near", str(bad)])


def test_inferred_more_rows(load_script):
    module = load_script("build_speaker_set")
    rows = module.build_inferred_more()
    assert len(rows) == 4 * len(module.INFERRED_MORE) and len({r["id"] for r in rows}) == len(rows)
    labels = [label for _, label, _ in module.INFERRED_MORE]
    assert labels.count("neutral") >= 20 and labels.count("favor") >= 8 and labels.count("against") >= 8
    assert all(r["target"] not in r["text"] and 12 <= len(r["text"].split()) <= 40 for r in rows)
    assert rows == module.build_inferred_more()  # deterministic


def _speaker_phrases(module, row):
    """The speaker phrases of build_speaker_set (PERSONS, INSTITUTIONS) that occur in a row's text."""
    name, capital, adjective = next(c for c in module.COUNTRIES if c[0] == row["actor"])
    phrases = {p.replace("{Sn}", name).replace("{Scap}", capital).replace("{Sa}", adjective)
               for p in module.PERSONS + module.INSTITUTIONS}
    return {p for p in phrases if p in row["text"] or p[0].upper() + p[1:] in row["text"]}


def test_contrast_rows(load_script):
    """train_contrast.jsonl (issue #41): each negation pair is one frame filled once positive (favor) and once
    negated (against) with the same speaker, target and speaker phrase, so only the wording tells them apart."""
    module = load_script("build_speaker_set")
    rows = module.build_contrast_more()
    assert len(rows) == 4 * (2 * len(module.NEGATION_PAIRS) + len(module.CONTRAST_MORE))
    assert len({r["id"] for r in rows}) == len(rows)
    assert all(r["target"] in r["text"] and 12 <= len(r["text"].split()) <= 40 for r in rows)
    pairs = {}
    for row in rows:
        if row["phenomenon"] == "negation_contrast":
            pairs.setdefault(row["id"].rsplit("-", 1)[0], []).append(row)
    assert len(pairs) == 4 * len(module.NEGATION_PAIRS)
    for favor, against in pairs.values():
        assert (favor["label"], against["label"]) == ("favor", "against")
        assert (favor["actor"], favor["target"]) == (against["actor"], against["target"])
        assert favor["text"] != against["text"]
        assert _speaker_phrases(module, favor) == _speaker_phrases(module, against) != set()
    labels = [r["label"] for r in rows]
    assert all(0.28 <= labels.count(label) / len(rows) <= 0.40 for label in ("against", "neutral", "favor"))
    assert rows == module.build_contrast_more()  # deterministic


@pytest.mark.skipif(not REALNEWS.is_dir(), reason="../shared/data/realnews is absent")
@pytest.mark.parametrize("name", ["train.jsonl", "train_inferred.jsonl", "train_neutral.jsonl",
                                  "train_inferred_more.jsonl", "train_contrast.jsonl"])
def test_speaker_set_is_not_near_the_real_news_dev_set(name, load_script):
    module = load_script("check_diplomatic_set")
    rows, errors = module.read_rows(ROOT / "data" / "diplomatic_speaker" / name)
    references = module.read_references([REALNEWS / "articles.jsonl", REALNEWS / "gold_statements.csv"])
    assert not errors
    assert module.check_not_near(rows, references)[0] == []

"""--actors-only: rows that no watchlist actor said are kept in statements.csv without a score,
and the classifier never sees them; caches and batch ledgers keep such runs apart."""
from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pandas as pd
import pytest
from two_states import WATCHLIST

from stance.cli import main
from stance.pipeline import score_statements, to_frame
from stance.records import UNSCORED, ScoredStatement, Statement, TargetLink


class RecordingClassifier:
    """Scores every pair 'favor' and remembers the texts it was given."""

    version = "recording-1"

    def __init__(self):
        self.texts: list[str] = []

    def predict(self, targets, texts, **kwargs):
        from stance.classifier import to_predictions

        self.texts.extend(texts)
        return to_predictions(np.tile([0.1, 0.2, 0.7], (len(texts), 1)))


def _statement(text: str, actor: str, targets: tuple[str, ...] = ("Ostavia",)) -> Statement:
    return Statement(article_id="a1", date=dt.date(2025, 3, 3), source="Gazette", speaker="someone", actor=actor,
                     cue="said", text=text, kind="indirect", start=0, end=len(text),
                     targets=tuple(TargetLink(entity=t, mention=t) for t in targets))


STATEMENTS = [
    _statement("Ostavia keeps its word, the envoy said.", "Norland"),
    _statement("Ostavia and Kelm were slow to answer, a trader said.", "", ("Ostavia", "Kelm")),
    _statement("Kelm was a good host, the minister said.", "Norland", ("Kelm",)),
]


@pytest.mark.parametrize("actors_only, classified, unscored", [
    (False, [0, 1, 1, 2], []),
    (True, [0, 2], [1, 2]),  # rows 1 and 2 are the trader's two targets
])
def test_actors_only_skips_the_classifier_for_rows_no_actor_said(actors_only, classified, unscored):
    classifier = RecordingClassifier()
    scored = score_statements(STATEMENTS, classifier, actors_only=actors_only)
    assert [(s.statement.text, s.target.entity) for s in scored] == [
        (st.text, t.entity) for st in STATEMENTS for t in st.targets]  # every row kept, in order
    assert classifier.texts == [STATEMENTS[i].text for i in classified]
    assert [i for i, s in enumerate(scored) if s.stance == UNSCORED] == unscored
    for i, s in enumerate(scored):
        if i in unscored:
            assert math.isnan(s.score) and math.isnan(s.confidence)
        else:
            assert s.stance == "favor" and s.score == pytest.approx(0.6)
    frame = to_frame(scored)
    assert frame["score"].isna().sum() == len(unscored)
    csv = frame.to_csv(index=False)
    assert pd.read_csv(pd.io.common.StringIO(csv), dtype=str, keep_default_na=False)["score"].eq("").sum() == len(unscored)


@pytest.mark.parametrize("stance, score, confidence", [
    (UNSCORED, 0.5, float("nan")),
    (UNSCORED, float("nan"), 0.9),
    ("favor", float("nan"), float("nan")),
])
def test_an_unscored_row_has_no_score_and_a_scored_one_has_one(stance, score, confidence):
    statement = STATEMENTS[0]
    with pytest.raises(ValueError):
        ScoredStatement(statement=statement, target=statement.targets[0], stance=stance, score=score,
                        confidence=confidence)


def test_actors_only_is_part_of_every_cache_version(tmp_path):
    from stance.batch import BatchConfig
    from stance.batch.scoring import config_scorer_version, pipeline_version
    from stance.monitor import scorer_version
    from stance.watchlist import Watchlist

    watchlist_path = tmp_path / "w.yaml"
    watchlist_path.write_text("entities:\n  - name: Norland\n    aliases: [Norland]\n", encoding="utf-8")
    watchlist = Watchlist.from_yaml(watchlist_path)
    assert pipeline_version("m", watchlist) != pipeline_version("m", watchlist, actors_only=True)
    assert scorer_version(watchlist) != scorer_version(watchlist, actors_only=True)
    configs = [BatchConfig(inputs=(tmp_path,), out_dir=tmp_path / "o", watchlist=watchlist_path, actors_only=flag)
               for flag in (False, True)]
    assert config_scorer_version(configs[0]) != config_scorer_version(configs[1])


TEXT = ('Norland\'s foreign minister Mara Velk said on Monday that Ostavia "has been a patient and reliable '
        'neighbour". A grain trader in the port, Ilya Dorn, said that Ostavia had been slow to pay its bills.')


@pytest.mark.parametrize("command", ["score", "run"])
def test_cli_actors_only_writes_unscored_rows_and_never_mixes_with_a_full_run(tmp_path, monkeypatch, command):
    from stance.classifier import StanceClassifier

    classifier = RecordingClassifier()
    monkeypatch.setattr(StanceClassifier, "from_pretrained", classmethod(lambda cls, *a, **k: classifier))
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.jsonl").write_text(json.dumps(
        {"id": "n1", "date": "2025-03-03", "source": "Gazette", "title": "T", "text": TEXT}) + "\n", encoding="utf-8")
    (tmp_path / "w.yaml").write_text(WATCHLIST, encoding="utf-8")
    out = tmp_path / "o"
    argv = [command, str(tmp_path / "in"), "--watchlist", str(tmp_path / "w.yaml"), "--out", str(out)]
    assert main(argv + ["--actors-only"]) == 0
    rows = pd.read_csv(out / "statements.csv", dtype=str, keep_default_na=False)
    assert sorted(rows["actor"]) == ["", "Norland"]
    assert rows.loc[rows["actor"] == "", ["stance", "score", "confidence"]].eq("").all(axis=None)
    assert rows.loc[rows["actor"] != "", "stance"].tolist() == ["favor"]
    assert len(classifier.texts) == 1 and "Mara Velk" in classifier.texts[0]
    # the same folder without the flag: every row scored (for `run`, not answered by the cache)
    assert main(argv) == 0
    rows = pd.read_csv(out / "statements.csv", dtype=str, keep_default_na=False)
    assert rows["stance"].tolist() == ["favor", "favor"]

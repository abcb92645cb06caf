"""Monitoring runs: a folder that grew, rerun in the same --out, scores only its new articles and
reports what changed (alerts.csv / alerts.md, first on the index page)."""
import csv
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from stance import monitor
from stance.alerts import ALERT_COLUMNS, alerts_markdown, compute_alerts, read_previous_shifts
from stance.watchlist import Watchlist

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "examples"
CUT = "2024-12-06"  # the example corpus up to this day holds an emerging shift the rest confirms


def _shift(actor="A", target="T", direction="up", date="2024-01-10", status="confirmed", **extra):
    return {"actor": actor, "target": target, "direction": direction, "date": date, "status": status,
            "before": -0.5, "after": 0.5, "delta": 1.0, "before_quote": "old words", "after_quote": "new words",
            "note": "", **extra}


@pytest.mark.parametrize("previous,current,expected", [
    (None, [_shift()], [("new", "confirmed")]),  # first run: everything is new
    ([_shift()], [_shift()], []),  # nothing changed
    ([_shift(status="emerging")], [_shift()], [("confirmed", "confirmed")]),
    ([_shift(status="emerging")], [_shift(date="2024-01-12")], [("confirmed", "confirmed")]),  # date moved later
    ([_shift(status="emerging")], [_shift(date="2024-01-01")], [("new", "confirmed"), ("withdrawn", "emerging")]),
    ([_shift(status="emerging")], [], [("withdrawn", "emerging")]),
    ([_shift()], [_shift(), _shift(target="U", status="emerging")], [("new", "emerging")]),
    ([_shift(direction="down")], [_shift()], [("new", "confirmed"), ("withdrawn", "confirmed")]),
])
def test_alerts_are_the_differences(previous, current, expected):
    prev = None if previous is None else pd.DataFrame(previous).astype(str)
    alerts = compute_alerts(prev, pd.DataFrame(current, columns=list(_shift())))
    assert list(alerts.columns) == list(ALERT_COLUMNS)
    assert list(zip(alerts["alert"], alerts["status"])) == expected


def test_previous_shifts_from_an_older_version_or_a_broken_file(tmp_path):
    assert read_previous_shifts(tmp_path / "missing.csv") is None
    old = tmp_path / "old.csv"
    old.write_text("actor,target,date,direction\nA,T,2024-01-10,up\n", encoding="utf-8")
    assert read_previous_shifts(old)["status"].tolist() == ["confirmed"]
    broken = tmp_path / "broken.csv"
    broken.write_text("something,else\n1,2\n", encoding="utf-8")
    assert read_previous_shifts(broken) is None


def test_alerts_markdown_escapes_and_links():
    alerts = compute_alerts(None, pd.DataFrame([_shift(actor="A*", after_quote="<b>new</b> [x](y)",
                                                       after_source="Outlet", after_url="https://example.org/a b",
                                                       after_date="2024-01-10")]))
    text = alerts_markdown(alerts)
    assert "A\\*" in text and "&lt;b&gt;" in text and "\\[x\\]" in text
    assert "https://example.org/a b" not in text  # not a safe URL: the source stays plain text


class CountingScoring:
    """Stands in for spaCy and extraction (``stance.attribution.iter_statements``, one statement per
    article) and for the classifier (``pipeline.score_statements``), and records which articles it
    was asked to score."""

    def __init__(self, monkeypatch):
        from stance.classifier import StanceClassifier

        self.seen = []
        monkeypatch.setattr("stance.attribution.iter_statements", self.extract)
        monkeypatch.setattr("stance.pipeline.score_statements", self.score)
        monkeypatch.setattr(StanceClassifier, "from_pretrained", staticmethod(lambda *a, **k: object()))

    def extract(self, articles, watchlist, **kwargs):
        from stance.records import Statement, TargetLink

        for a in articles:
            self.seen.append(a.id)
            target = TargetLink(entity="T", mention="T")
            yield a, [Statement(article_id=a.id, date=a.date, source=a.source, speaker="a minister", actor="A",
                                cue="said", text=a.text[:40], kind="direct", start=0, end=5, targets=(target,),
                                url=a.url)]

    def score(self, statements, classifier, **kwargs):
        from stance.records import ScoredStatement

        return [ScoredStatement(statement=s, target=s.targets[0], stance="favor", score=0.5, confidence=0.9)
                for s in statements]


def _write_jsonl(path, days):
    with path.open("w", encoding="utf-8") as fh:
        for day in days:
            fh.write(json.dumps({"id": f"n-{day}", "date": day, "source": "Outlet", "title": f"News of {day}",
                                 "text": f"The minister spoke about the other country on {day}."}) + "\n")


def test_only_new_articles_are_scored(tmp_path, monkeypatch):
    folder, out = tmp_path / "in", tmp_path / "out"
    folder.mkdir()
    watchlist = Watchlist.from_yaml(EXAMPLES / "watchlist.yaml")
    scoring = CountingScoring(monkeypatch)

    def run():
        scoring.seen.clear()
        return monitor.run([folder], watchlist, out, cache_version="fake-1")

    _write_jsonl(folder / "a.jsonl", ["2024-01-01", "2024-01-02"])
    r1 = run()
    assert scoring.seen == ["n-2024-01-01", "n-2024-01-02"]
    assert (r1.statements.attrs["scored"], r1.statements.attrs["cached"]) == (2, 0)
    _write_jsonl(folder / "a.jsonl", ["2024-01-01", "2024-01-02", "2024-01-03"])
    _write_jsonl(folder / "b.jsonl", ["2024-01-04"])
    r2 = run()
    assert scoring.seen == ["n-2024-01-03", "n-2024-01-04"]
    assert (r2.statements.attrs["scored"], r2.statements.attrs["cached"]) == (2, 2)
    assert r2.statements["article_id"].tolist() == ["n-2024-01-01", "n-2024-01-02", "n-2024-01-03", "n-2024-01-04"]
    # an edited article is new content: scored again
    _write_jsonl(folder / "b.jsonl", ["2024-01-05"])
    run()
    assert scoring.seen == ["n-2024-01-05"]
    # without the cache (pipeline.run) everything is scored, with the same rows
    scoring.seen.clear()
    from stance import pipeline

    plain = pipeline.run([folder], watchlist, tmp_path / "plain")
    assert len(scoring.seen) == 4
    cached = pd.read_csv(out / "statements.csv", keep_default_na=False)
    assert cached.equals(pd.read_csv(tmp_path / "plain" / "statements.csv", keep_default_na=False))
    assert plain.alerts is not None


def _copy_corpus(dest: Path, *, until: str | None) -> int:
    """The example corpus, or its articles dated up to ``until``; returns how many articles."""
    dest.mkdir(exist_ok=True)
    n = 0
    src = EXAMPLES / "articles"
    lines = [json.loads(x) for x in (src / "syria_week.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    keep = [x for x in lines if until is None or x["date"] <= until]
    (dest / "syria_week.jsonl").write_text("".join(json.dumps(x) + "\n" for x in keep), encoding="utf-8")
    n += len(keep)
    with (src / "context.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    keep = [r for r in rows if until is None or r["date"] <= until]
    with (dest / "context.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(keep)
    n += len(keep)
    for txt in sorted(src.glob("*.txt")):
        if until is None or txt.stem[-10:] <= until:
            shutil.copy(txt, dest / txt.name)
            n += 1
    return n


def _key(frame):
    return set(zip(frame["actor"], frame["target"], frame["direction"], frame["date"].astype(str),
                   frame["status"]))


def test_corpus_grown_in_two_steps_matches_one_run_and_alerts_are_the_differences(tmp_path):
    watchlist = Watchlist.from_yaml(EXAMPLES / "watchlist.yaml")
    folder, out, once = tmp_path / "articles", tmp_path / "out", tmp_path / "once"
    # fp32: the int8 graph quantizes activations per batch, so its scores depend (slightly) on which
    # texts share a batch, and the two steps batch the texts differently from one run.
    n_first = _copy_corpus(folder, until=CUT)
    step1 = monitor.run([folder], watchlist, out, backend="torch")
    n_all = _copy_corpus(folder, until=None)
    step2 = monitor.run([folder], watchlist, out, backend="torch")
    whole = monitor.run([folder], watchlist, once, backend="torch")

    # only the new articles were parsed and scored
    assert (step2.statements.attrs["scored"], step2.statements.attrs["cached"]) == (n_all - n_first, n_first)
    a, b = step2.statements, whole.statements
    assert a.drop(columns=["score", "confidence"]).equals(b.drop(columns=["score", "confidence"]))
    assert (a["score"] - b["score"]).abs().max() <= 2e-4  # rounding to 4 decimals of fp32 sums
    assert _key(step2.shifts) == _key(whole.shifts)

    s1, s2 = _key(step1.shifts), _key(step2.shifts)
    assert any(k[4] == "emerging" for k in s1), "the first step should hold an emerging shift"
    # an emerging shift is confirmed by a confirmed one of the same pair and direction, dated on or after it
    # (more evidence can move the segmentation's date later, never earlier)
    emerged = {k for k in s1 if k[4] == "emerging"}
    pairs = {e: next((k for k in sorted(s2) if k[4] == "confirmed" and k[:3] == e[:3] and k[3] >= e[3]), None)
             for e in emerged}
    confirmed = {k for k in pairs.values() if k is not None}
    want = ({("confirmed",) + k for k in confirmed}
            | {("new",) + k for k in s2 - s1 - confirmed}
            | {("withdrawn",) + k for k in s1 - s2 if pairs.get(k) is None})
    alerts = pd.read_csv(out / "alerts.csv", keep_default_na=False)
    got = set(zip(alerts["alert"], alerts["actor"], alerts["target"], alerts["direction"], alerts["date"],
                  alerts["status"]))
    assert confirmed, "the emerging shift of the first step should be confirmed by the second"
    assert got == want
    md = (out / "alerts.md").read_text(encoding="utf-8")
    assert "Newly confirmed" in md and "https://" in md
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.index("Alerts since the previous run") < index.index("<h2>Actors</h2>")

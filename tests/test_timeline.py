import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from stance.timeline import aggregate, choose_period, dedupe_statements, label_for_score, weighted_band

D = dt.date(2024, 12, 1)


def _row(**kw):
    base = {"article_id": "a", "date": D, "source": "Outlet A", "speaker": "FM", "actor": "Iran",
            "target": "Syria", "kind": "direct", "cue": "said", "text": "words", "start": 0, "end": 5,
            "stance": "neutral", "score": 0.0, "confidence": 1.0}
    base.update(kw)
    return base


def _frame(rows):
    return pd.DataFrame([_row(article_id=f"a{i}", **r) for i, r in enumerate(rows)])


@pytest.mark.parametrize("scores,confs", [
    ([1.0, -1.0], [0.9, 0.1]),
    ([0.5, 0.2, -0.4], [0.3, 0.6, 0.9]),
    ([0.8], [0.0]),  # zero confidence still counts (floored), never divides by zero
])
def test_mean_is_confidence_weighted(scores, confs):
    df = _frame([{"score": s, "confidence": c, "text": f"distinct {i}"} for i, (s, c) in enumerate(zip(scores, confs))])
    agg = aggregate(df, period="day")
    w = np.maximum(confs, 0.05)
    assert len(agg) == 1
    assert agg["mean"].iloc[0] == pytest.approx(float(np.dot(w, scores) / w.sum()))
    assert agg["n"].iloc[0] == len(scores)


@pytest.mark.parametrize("reports,expected_n,expected_outlets", [
    # same quote, three outlets, within the window -> one statement, three outlets
    ([("Outlet A", 0, "We will never accept this."), ("Outlet B", 1, "we will NEVER accept this"),
      ("Outlet C", 2, "We will never accept this!")], 1, 3),
    # same quote carried again much later -> a new statement
    ([("Outlet A", 0, "We will never accept this."), ("Outlet B", 10, "We will never accept this.")], 2, 2),
    # different quotes, same outlet -> two statements, one outlet
    ([("Outlet A", 0, "We will never accept this."), ("Outlet A", 0, "Talks are going well.")], 2, 1),
])
def test_dedup_counts_statements_once_and_outlets_separately(reports, expected_n, expected_outlets):
    df = _frame([{"source": s, "date": D + dt.timedelta(days=off), "text": t, "score": -0.5}
                 for s, off, t in reports])
    stmts = dedupe_statements(df, window_days=3)
    assert len(stmts) == expected_n
    agg = aggregate(df, period="year")
    assert agg["n"].sum() == expected_n
    assert agg["n_outlets"].iloc[0] == expected_outlets
    assert agg["n_reports"].sum() == len(reports)


def test_dedup_keeps_actors_apart():
    df = _frame([{"actor": "Iran", "text": "Same words."}, {"actor": "Russia", "text": "Same words."}])
    assert len(dedupe_statements(df)) == 2


def test_gaps_are_absent_or_nan_never_interpolated():
    df = _frame([{"date": D, "score": -1.0, "text": "x"}, {"date": D + dt.timedelta(days=4), "score": 1.0,
                                                           "text": "y"}])
    sparse = aggregate(df, period="day")
    assert list(sparse["period"]) == ["2024-12-01", "2024-12-05"]
    full = aggregate(df, period="day", complete=True)
    assert len(full) == 5
    middle = full.iloc[1:4]
    assert middle["mean"].isna().all() and (middle["n"] == 0).all()
    assert full["mean"].iloc[0] == -1.0 and full["mean"].iloc[-1] == 1.0


@pytest.mark.parametrize("span_days,expected", [(0, "day"), (20, "day"), (60, "week"), (400, "month"),
                                                (3000, "year")])
def test_auto_period_follows_span(span_days, expected):
    assert choose_period([D, D + dt.timedelta(days=span_days)]) == expected


@pytest.mark.parametrize("period,label", [("day", "2024-12-03"), ("week", "2024-W49"), ("month", "2024-12"),
                                          ("year", "2024")])
def test_period_labels(period, label):
    agg = aggregate(_frame([{"date": "2024-12-03"}]), period=period)
    assert agg["period"].iloc[0] == label
    assert agg["period_start"].iloc[0] <= dt.date(2024, 12, 3) <= agg["period_end"].iloc[0]


def test_band_narrows_with_more_statements_and_stays_in_range():
    one = weighted_band(np.array([0.9]), np.array([1.0]))
    many = weighted_band(np.array([0.9, 0.85, 0.95, 0.9, 0.88]), np.ones(5))
    for mean, low, high in (one, many):
        assert -1.0 <= low <= mean <= high <= 1.0
    assert (many[2] - many[1]) < (one[2] - one[1])


def test_rows_without_actor_or_date_are_left_out():
    df = _frame([{"actor": ""}, {"date": None, "text": "undated"}, {"text": "kept"}])
    agg = aggregate(df)
    assert agg["n"].sum() == 1


def test_missing_column_error_says_how_to_fix():
    with pytest.raises(ValueError, match="to_frame"):
        aggregate(pd.DataFrame({"actor": ["x"]}))


@pytest.mark.parametrize("score,label", [(-0.9, "against"), (0.0, "neutral"), (0.5, "favor"), (math.nan, "")])
def test_label_for_score(score, label):
    assert label_for_score(score) == label


@pytest.mark.parametrize("value", [dt.date(2024, 12, 3), "2024-12-03", "2024-12-03T10:00:00",
                                   pd.Timestamp("2024-12-03 23:59"), dt.datetime(2024, 12, 3, 8)])
def test_dates_are_normalised(value):
    agg = aggregate(_frame([{"date": value}]), period="day")
    assert agg["period_start"].iloc[0] == dt.date(2024, 12, 3)


def test_bad_date_error_says_how_to_fix():
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        aggregate(_frame([{"date": "3rd of December"}]))


def test_aggregate_band_matches_weighted_band():
    scores, confs = [0.2, 0.5, -0.1, 0.4], [0.9, 0.6, 0.3, 1.0]
    df = _frame([{"score": s, "confidence": c, "text": f"t{i}"} for i, (s, c) in enumerate(zip(scores, confs))])
    row = aggregate(df, period="day").iloc[0]
    mean, low, high = weighted_band(np.array(scores), np.array(confs))
    assert (row["mean"], row["low"], row["high"]) == pytest.approx((mean, low, high))

"""How an actor labels a target over time: "terrorist groups" -> "legal occupants".

Terms come from three places in the statements frame:
  designation  the text of ``kind == "designation"`` rows (the label itself, or the quoted
               phrases in it when it is longer than a label);
  quoted       short quoted phrases (1-6 words) inside any statement's text, e.g. scare
               quotes around "terrorists";
  mention      the surface text that linked the target (``mention``), when not inferred:
               calling them "the opposition" rather than "HTS" is framing too.
Terms are case-folded with leading determiners removed. ``label_changes`` compares the dominant
(most used) label between periods and across detected shifts; by default it ignores
mentions, which are mostly plain names.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
from collections import Counter
from collections.abc import Iterable

import numpy as np
import pandas as pd

from .records import Shift
from .timeline import _FREQ, _resolve_period, normalise_statements, period_label, to_periods

log = logging.getLogger(__name__)

ORIGINS = ("designation", "quoted", "mention")
_COARSER = {"day": "week", "week": "month", "month": "year", "year": "year"}
MAX_TERM_WORDS = 6
TERM_COLUMNS = ("actor", "target", "term", "origins", "n", "n_outlets", "first_date", "last_date")
CHANGE_COLUMNS = ("actor", "target", "basis", "date", "from_label", "to_label", "from_period", "to_period",
                  "n_from", "n_to")

_QUOTED = re.compile(r"[\"“”«»„]([^\"“”«»„]{2,80})[\"“”«»„]|(?<![\w])['‘]([^'‘’]{2,80})['’](?![\w])")
_DETERMINERS = re.compile(r"^(?:the|a|an|these|those|this|that|its|their|so called)\s+", re.IGNORECASE)


def normalise_term(text: str) -> str:
    """Case-folded, trimmed of punctuation and leading determiners; "" if not a usable label."""
    term = " ".join(text.replace("-", " ").split()).strip(" .,;:!?\"'“”‘’«»()[]").lower()
    while True:
        stripped = _DETERMINERS.sub("", term)
        if stripped == term:
            break
        term = stripped
    words = term.split()
    if not words or len(words) > MAX_TERM_WORDS or not re.search(r"[^\W\d_]", term):
        return ""
    return term


def quoted_phrases(text: str) -> list[str]:
    """Short quoted phrases in ``text`` (normalised)."""
    out = []
    for match in _QUOTED.finditer(text):
        term = normalise_term(match.group(1) or match.group(2) or "")
        if term:
            out.append(term)
    return out


def statement_terms(row: dict, *, include_mentions: bool = True) -> list[tuple[str, str]]:
    """(term, origin) pairs one statement row contributes."""
    text = str(row.get("text", "") or "")
    found: list[tuple[str, str]] = []
    if row.get("kind") == "designation":
        # The quoted words are the label ("the country's 'legal occupants'"); else the whole text.
        quoted = quoted_phrases(text)
        opened = re.split(r"[\"“«„]", text)
        if not quoted and len(opened) > 1:  # an opening quote whose close fell outside the span
            quoted = [t for t in (normalise_term(opened[-1]),) if t]
        label = normalise_term(text)
        found.extend((t, "designation") for t in quoted) if quoted else (
            found.append((label, "designation")) if label else None)
    elif text:
        found.extend((t, "quoted") for t in quoted_phrases(text))
    mention = str(row.get("mention", "") or "")
    if include_mentions and mention and not bool(row.get("inferred", False)):
        term = normalise_term(mention)
        if term:
            found.append((term, "mention"))
    seen: set[str] = set()
    unique = []
    for term, origin in found:
        if term not in seen:
            seen.add(term)
            unique.append((term, origin))
    return unique


def _term_rows(df: pd.DataFrame, *, include_mentions: bool) -> pd.DataFrame:
    data = normalise_statements(df)
    # Recaps of earlier events carry the article's date, not the date the label was used.
    data = data[(data["actor"] != "") & (data["target"] != "") & data["date"].notna() & (data["background"] == "")]
    rows = []
    for row in data.to_dict("records"):
        for term, origin in statement_terms(row, include_mentions=include_mentions):
            rows.append({"actor": row["actor"], "target": row["target"], "date": row["date"],
                         "source": row["source"], "article_id": row["article_id"], "term": term,
                         "origin": origin})
    return pd.DataFrame(rows, columns=["actor", "target", "date", "source", "article_id", "term", "origin"])


def framing_terms(df: pd.DataFrame, *, include_mentions: bool = True) -> pd.DataFrame:
    """Per (actor, target, term): origins, n (articles using it), outlets, first and last date.

    Sorted by actor, target, first date, then descending n.
    """
    uses = _term_rows(df, include_mentions=include_mentions)
    if uses.empty:
        return pd.DataFrame(columns=list(TERM_COLUMNS))
    rows = []
    for (actor, target, term), grp in uses.groupby(["actor", "target", "term"], sort=False):
        rows.append({"actor": actor, "target": target, "term": term,
                     "origins": ", ".join(o for o in ORIGINS if o in set(grp["origin"])),
                     "n": grp["article_id"].nunique(), "n_outlets": grp["source"].nunique(),
                     "first_date": min(grp["date"]), "last_date": max(grp["date"])})
    out = pd.DataFrame(rows, columns=list(TERM_COLUMNS))
    out = out.sort_values(["actor", "target", "first_date", "n"], ascending=[True, True, True, False],
                          kind="stable")
    return out.reset_index(drop=True)


def _dominant(uses: pd.DataFrame) -> tuple[str, int]:
    # Most used label; ties go to the most recently used, then alphabetical, so it is stable.
    counts = Counter(uses["term"])
    latest = uses.groupby("term")["date"].max().to_dict()
    term = max(counts, key=lambda t: (counts[t], latest[t], [-ord(c) for c in t]))
    return term, counts[term]


def _period_changes(uses: pd.DataFrame, kind: str, min_uses: int) -> list[dict]:
    freq = _FREQ[kind]
    periods = to_periods(uses["date"], freq)
    uses = uses.assign(_period=periods)
    out = []
    previous: tuple[str, int, str] | None = None
    for period, grp in uses.groupby("_period", sort=True):
        label, count = _dominant(grp)
        name = period_label(period, kind)
        # A change needs some weight behind it and a new family of wording, not a variant.
        if (previous is not None and label != previous[0] and max(count, previous[1]) >= min_uses
                and not _stems(label) & _stems(previous[0])):
            out.append({"basis": "period", "date": min(grp.loc[grp["term"] == label, "date"]),
                        "from_label": previous[0], "to_label": label, "from_period": previous[2],
                        "to_period": name, "n_from": previous[1], "n_to": count})
        previous = (label, count, name)
    return out


def _shift_changes(uses: pd.DataFrame, shifts: list[Shift]) -> list[dict]:
    out = []
    ordered = sorted(shifts, key=lambda s: s.date)
    for i, shift in enumerate(ordered):
        lower = ordered[i - 1].date if i > 0 else dt.date.min
        upper = ordered[i + 1].date if i + 1 < len(ordered) else dt.date.max
        before = uses[(uses["date"] >= lower) & (uses["date"] < shift.date)]
        after = uses[(uses["date"] >= shift.date) & (uses["date"] < upper)]
        if before.empty or after.empty:
            continue
        (b_label, b_n), (a_label, a_n) = _dominant(before), _dominant(after)
        if b_label != a_label:
            out.append({"basis": "shift", "date": shift.date, "from_label": b_label, "to_label": a_label,
                        "from_period": f"before {shift.date.isoformat()}",
                        "to_period": f"from {shift.date.isoformat()}", "n_from": b_n, "n_to": a_n})
    return out


def _stems(term: str) -> set[str]:
    # Crude stems so that "terrorists" and "terrorist groups" count as one family of labels.
    return {w[:6] for w in term.split() if len(w) >= 4}


def _replacements(uses: pd.DataFrame, min_uses: int) -> list[dict]:
    # "Stopped saying A, started saying B": every use of B comes after the last use of A.
    stats = uses.groupby("term")["date"].agg(["min", "max", "count"])
    out = []
    for old, row in stats.iterrows():
        if row["count"] < min_uses:
            continue
        unrelated = np.array([not (_stems(t) & _stems(old)) for t in stats.index], dtype=bool)
        later = stats[(stats["min"] > row["max"]).to_numpy() & unrelated]
        if later.empty:
            continue
        new = min(later.index, key=lambda t: (-later.loc[t, "count"], later.loc[t, "min"], t))
        out.append({"basis": "replacement", "date": later.loc[new, "min"], "from_label": old, "to_label": new,
                    "from_period": f"until {row['max'].isoformat()}",
                    "to_period": f"from {later.loc[new, 'min'].isoformat()}", "n_from": int(row["count"]),
                    "n_to": int(later.loc[new, "count"])})
    return out


def label_changes(df: pd.DataFrame, *, period: str = "auto", shifts: Iterable[Shift] = (),
                  include_mentions: bool = False, min_uses: int = 2) -> pd.DataFrame:
    """Where the dominant label an actor uses for a target changes.

    ``basis == "period"``: between consecutive periods that have labels (empty periods are
    skipped, not treated as a change); ``date`` is the first use of the new label in its period.
    Variants of one wording ("terrorists", "terrorist groups") are not changes, and one of the
    two labels must be used at least ``min_uses`` times in its period.
    ``period="auto"`` picks one step coarser than ``timeline.choose_period`` (week for a month
    of data).
    ``basis == "shift"``: between the statements before and after a detected shift of that pair
    (bounded by neighbouring shifts); ``date`` is the shift's date.
    ``basis == "replacement"``: a label used at least ``min_uses`` times is never used again
    after another label first appears ("terrorist groups" until 3 Dec, "legal occupants" from
    8 Dec); ``date`` is the new label's first use. This catches a switch inside one period.
    """
    uses = _term_rows(df, include_mentions=include_mentions)
    if uses.empty:
        return pd.DataFrame(columns=list(CHANGE_COLUMNS))
    if period == "auto":
        # One step coarser than a timeline would use: labels are sparse, and a daily
        # comparison flags every change of wording between two single uses.
        kind = _COARSER[_resolve_period(period, list(uses["date"]))]
    else:
        kind = _resolve_period(period, list(uses["date"]))
    by_pair: dict[tuple[str, str], list[Shift]] = {}
    for shift in shifts:
        by_pair.setdefault((shift.actor, shift.target), []).append(shift)
    rows = []
    for (actor, target), grp in uses.groupby(["actor", "target"], sort=True):
        found = (_period_changes(grp, kind, min_uses) + _shift_changes(grp, by_pair.get((actor, target), []))
                 + _replacements(grp, min_uses))
        for change in found:
            rows.append({"actor": actor, "target": target, **change})
    out = pd.DataFrame(rows, columns=list(CHANGE_COLUMNS))
    return out.sort_values(["actor", "target", "date", "basis"], kind="stable").reset_index(drop=True)

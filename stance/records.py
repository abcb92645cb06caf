"""The typed records that pass between pipeline stages.

Article -> Statement -> ScoredStatement -> Shift. All are frozen so a stage can
never change what an earlier stage produced; use ``dataclasses.replace`` to derive.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

STATEMENT_KINDS = ("direct", "indirect", "designation", "act")
VOICES = ("official", "institution", "joint", "state media", "")
STANCE_LABELS = ("against", "neutral", "favor")
# The stance of a row left unscored on purpose (``actors_only``: no watchlist actor said it); its score
# and confidence are NaN, written as empty cells in statements.csv.
UNSCORED = ""
# confirmed: the evidence rule's support on both sides; emerging: the new side rests on one
# article (or one day) but the change is large against a settled prior (see stance.shifts).
SHIFT_STATUSES = ("confirmed", "emerging")


def format_score(value: float) -> str:
    """A stance score or change as printed for analysts: signed, two decimals, never "-0.00"."""
    text = f"{value:+.2f}"
    return "+0.00" if text == "-0.00" else text


@dataclass(frozen=True)
class Article:
    id: str
    date: dt.date | None
    source: str
    title: str
    text: str
    url: str = ""
    origin: str = ""  # "file:line" where it was read, for error messages and rejects


@dataclass(frozen=True)
class TargetLink:
    """A watchlist entity a statement is about."""

    entity: str
    mention: str  # the surface text that linked it ("rebels", "HTS", "terrorist groups")
    inferred: bool = False  # True when resolved from context rather than named in the text


@dataclass(frozen=True)
class Statement:
    article_id: str
    date: dt.date | None
    source: str
    speaker: str  # as written in the article, e.g. "Iranian Foreign Minister Abbas Araghchi" or "he"
    actor: str  # watchlist entity the speaker speaks for; "" when none
    cue: str  # the cue verb or phrase ("said", "referred to ... as", ":")
    text: str  # the statement's content
    kind: str  # one of STATEMENT_KINDS
    start: int  # character offsets of ``text`` in the article's text
    end: int
    targets: tuple[TargetLink, ...] = ()
    url: str = ""
    # The whole sentence(s) the statement sits in, for the classifier and reports.
    context: str = ""
    # Who ``speaker`` refers to when it is a pronoun or a surname ("he" -> "Abbas Araghchi"); else "".
    speaker_name: str = ""
    # How the actor speaks: "official" (a person), "institution" (ministry, government, capital,
    # document), "joint" (both sides, a joint statement), "state media" (a state's media reporting:
    # no actor unless they quote an official), or "" (nobody on the watchlist).
    voice: str = ""
    # Why the statement reports earlier events rather than news of the article's date ("" when it
    # does not): "past perfect cue (had said)", ... (stance.attribution.background). Such recaps
    # stay in statements.csv and the reports but not in shift detection or the charts.
    background: str = ""

    def __post_init__(self) -> None:
        if self.voice not in VOICES:
            raise ValueError(f"Statement.voice must be one of {VOICES}, got {self.voice!r}")
        if self.kind not in STATEMENT_KINDS:
            raise ValueError(f"Statement.kind must be one of {STATEMENT_KINDS}, got {self.kind!r}")
        if not 0 <= self.start <= self.end:
            raise ValueError(f"Statement offsets must satisfy 0 <= start <= end, got {self.start}, {self.end}")


@dataclass(frozen=True)
class ScoredStatement:
    """One statement's stance toward one target."""

    statement: Statement
    target: TargetLink
    stance: str  # one of STANCE_LABELS, or UNSCORED
    score: float  # P(favor) - P(against), in [-1, 1]; NaN when UNSCORED
    confidence: float  # probability of the predicted label, in [0, 1]; NaN when UNSCORED

    def __post_init__(self) -> None:
        if self.stance == UNSCORED:
            if not (math.isnan(self.score) and math.isnan(self.confidence)):
                raise ValueError("an unscored statement (stance '') must have NaN score and confidence")
            return
        if self.stance not in STANCE_LABELS:
            raise ValueError(f"stance must be one of {STANCE_LABELS}, got {self.stance!r}")
        if not -1.0 <= self.score <= 1.0:
            raise ValueError(f"score must be in [-1, 1], got {self.score}")


@dataclass(frozen=True)
class Quote:
    """Evidence for one side of a shift, traceable to a sentence, source and date."""

    text: str
    date: dt.date | None
    source: str
    article_id: str
    speaker: str
    score: float
    url: str = ""


@dataclass(frozen=True)
class Shift:
    actor: str
    target: str
    date: dt.date  # first day of the new regime (between last statement before and first after)
    direction: str  # "up" (toward favor) or "down" (toward against)
    before: float  # weighted mean score before
    after: float  # weighted mean score after
    delta: float  # after - before
    n_before: int
    n_after: int
    last_before: dt.date | None = None
    first_after: dt.date | None = None
    delta_low: float = float("nan")  # bootstrap interval on delta
    delta_high: float = float("nan")
    before_quotes: tuple[Quote, ...] = field(default=())
    after_quotes: tuple[Quote, ...] = field(default=())
    status: str = "confirmed"  # one of SHIFT_STATUSES
    note: str = ""  # for an emerging shift: what evidence would confirm or withdraw it

    def __post_init__(self) -> None:
        if self.direction not in ("up", "down"):
            raise ValueError(f"direction must be 'up' or 'down', got {self.direction!r}")
        if self.status not in SHIFT_STATUSES:
            raise ValueError(f"status must be one of {SHIFT_STATUSES}, got {self.status!r}")

"""Recaps: statements an article reports from earlier events, not from the day it was published.

News stories retell the history of a dispute ("India had dismissed the allegations as absurd";
"Relations had soured after ... . Delhi rejected the accusation ..."; "Erdogan said in July ...").
Dated at the article's date, such a recap puts an old position in the new period and blurs the
very shift the analyst is looking for. A statement is marked as background when

* its cue verb is in the past perfect ("had said", "had previously dismissed");
* its cue verb carries a time that lies weeks or more before the article's date ("said in July"
  in a November article, "last year", "in 2019", "two years ago");
* or it sits, with a cue in the simple past, in a paragraph that a past-perfect sentence opened as
  background ("Relations had deteriorated sharply after ..."), until a sentence in the present
  or present perfect, or one with a time of the day ("on Monday", "today"), brings the paragraph
  back to the news.

The tense rules read the cue verb, never the reported content: in "X said relations had been
strong" the past perfect is the backshift of reported speech, not a recap. The reason is kept on
the statement; shift detection and the charts leave such statements out.
"""
from __future__ import annotations

import datetime as dt
import re

from spacy.tokens import Doc, Span, Token

from .coreference import is_title_word
from .text import Attribution, _sents, doc_text

_MONTHS = {m: i for i, m in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"), start=1)}
_MONTH = r"(january|february|march|april|may|june|july|august|september|october|november|december)"
_YEAR = r"((?:19|20)\d\d)"
_NUMBER = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "several": 2, "few": 2}
_MONTH_YEAR = re.compile(rf"\b{_MONTH}\s+(?:\d{{1,2}},?\s+)?{_YEAR}\b", re.I)
_LAST_MONTH_NAME = re.compile(rf"\blast\s+{_MONTH}\b", re.I)
_IN_MONTH = re.compile(rf"\b(?:in|on|since)\s+{_MONTH}\b(?!\s+\d)", re.I)
_BARE_YEAR = re.compile(rf"\b(?:in|since|during|of)\s+{_YEAR}\b", re.I)
_LAST_YEAR = re.compile(r"\blast\s+year\b|\bthe\s+previous\s+year\b", re.I)
_AGO = re.compile(r"\b(a|one|two|three|four|five|six|several|few|\d+)\s+(months?|years?)\s+ago\b", re.I)
# A time within the news cycle: the recap rules never fire on a sentence that carries one.
_NEWS_TIME = re.compile(
    r"\b(today|tonight|yesterday|this\s+(?:week|morning|afternoon|evening)|"
    r"(?:on|late|early|earlier|last)\s+(?:on\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b",
    re.I)
# "then-President Wilson announced", "the then foreign minister said": a post held at the time told of.
_THEN_BEFORE = re.compile(r"(?:\bthen-|\bthe\s+then\s+)$", re.I)
# "in 2018 then President Moon said" (a title after it); a sentence's "Then" is the adverb
_THEN_SPACE_BEFORE = re.compile(r"\bthen\s+$")
_THEN_INSIDE = re.compile(r"^(?:the\s+)?then(?:-|\s+)\w", re.I)
# Weeks: a statement from within this many days of the article is news, not a recap.
RECENT_DAYS = 21


def background_reasons(doc: Doc, attributions: list[Attribution], day: dt.date | None) -> list[str]:
    """For each attribution, why it reports earlier events ("" when it does not)."""
    if not attributions:
        return []
    framed = _framed_sentences(doc, attributions)
    sents = _sents(doc)  # Token.sent rescans the doc on every call
    out = []
    for att in attributions:
        verb = _cue_verb(doc, att)
        if verb is None:
            out.append("")
            continue
        sent = sents.of(verb)
        if _then_holder(doc_text(doc), att):
            out.append("speaker named as the holder then")
        elif _NEWS_TIME.search(sent.text):
            out.append("")
        elif _past_perfect(verb):
            out.append(f"past perfect cue ({_aux_had(verb).text} {verb.text})")
        elif (when := _earlier_time(verb, att, day)):
            out.append(f"cue dated earlier ({when})")
        elif sent.start in framed and verb.tag_ == "VBD":
            out.append("in a paragraph of background (past perfect)")
        else:
            out.append("")
    return out


def _then_holder(text: str, att: Attribution) -> bool:
    """The speaker is named by a post held then ("then-President X", "the then foreign minister")."""
    if att.source is None:
        return False
    start = att.source[0]
    before = text[max(0, start - 9):start]
    phrase = text[start:att.source[1]]
    return bool(_THEN_INSIDE.match(phrase) or _THEN_BEFORE.search(before)
                or _THEN_SPACE_BEFORE.search(before) and phrase.split() and is_title_word(phrase.split()[0]))


def _cue_verb(doc: Doc, att: Attribution) -> Token | None:
    span = doc.char_span(att.cue[0], att.cue[1], alignment_mode="expand")
    if span is None:
        return None
    verbs = [t for t in span if t.pos_ in ("VERB", "AUX") and t.tag_.startswith("VB")]
    main = [t for t in verbs if t.dep_ not in ("aux", "auxpass")]  # "dismissed" in "had previously dismissed"
    return (main or verbs or [None])[0]


def _aux_had(verb: Token) -> Token | None:
    return next((c for c in verb.children if c.dep_ == "aux" and c.lower_ in ("had", "'d")), None)


def _past_perfect(verb: Token) -> bool:
    return verb.tag_ == "VBN" and _aux_had(verb) is not None


def _outside(tokens, spans: tuple[tuple[int, int], ...]) -> bool:
    return all(not (a <= t.idx < b) for t in tokens for a, b in spans)


def _earlier_time(verb: Token, att: Attribution, day: dt.date | None) -> str:
    """The words of a time adjunct of the cue verb that lies weeks before ``day``, if any."""
    if day is None:
        return ""
    for child in verb.children:
        head = _time_head(child)
        if head is None:
            continue
        sub = list(child.subtree) if child.dep_ != "prep" else [child, *head.subtree]
        if not _outside(sub, att.content):
            continue
        words = verb.doc[min(t.i for t in sub):max(t.i for t in sub) + 1].text
        last_day = _latest_day_meant(words, day)
        if last_day is not None and (day - last_day).days > RECENT_DAYS:
            return words
    return ""


_TIME_WORDS = {*_MONTHS, "year", "years", "month", "months", "ago"}


def _time_head(child: Token) -> Token | None:
    """The word that makes an adjunct of the cue verb a time ("in [July]", "[last] year", "two years
    [ago]"), or None: a date deeper inside a longer phrase ("at the ceremony marking the protests of
    1919") is about something else."""
    if child.dep_ == "prep":
        head = next((c for c in child.children if c.dep_ == "pobj"), None)
    elif child.dep_ in ("npadvmod", "advmod", "tmod"):
        head = child
    else:
        return None
    if head is None:
        return None
    word = head.lower_
    return head if word in _TIME_WORDS or (len(word) == 4 and word.isdigit() and word[:2] in ("19", "20")) else None


def _month_end(year: int, month: int) -> dt.date:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def _latest_day_meant(words: str, day: dt.date) -> dt.date | None:
    """The last day a time phrase can mean, read against the article's date (None: not a past time)."""
    if m := _MONTH_YEAR.search(words):
        return _month_end(int(m.group(2)), _MONTHS[m.group(1).lower()])
    if m := _LAST_MONTH_NAME.search(words):
        month = _MONTHS[m.group(1).lower()]
        return _month_end(day.year - (month >= day.month), month)
    if m := _IN_MONTH.search(words):
        month = _MONTHS[m.group(1).lower()]
        if month == day.month:
            return None
        return _month_end(day.year - (month > day.month), month)
    if m := _BARE_YEAR.search(words):
        year = int(m.group(1))
        return dt.date(year, 12, 31) if year < day.year else None
    if _LAST_YEAR.search(words):
        return dt.date(day.year - 1, 12, 31)
    if m := _AGO.search(words):
        n = int(m.group(1)) if m.group(1).isdigit() else _NUMBER[m.group(1).lower()]
        months = n * (12 if m.group(2).lower().startswith("year") else 1)
        return day - dt.timedelta(days=int(months * 30.4) - 15)
    return None


def _tense(sent: Span) -> str:
    root = sent.root
    if _past_perfect(root):
        return "past perfect"
    auxes = {c.lower_ for c in root.children if c.dep_ in ("aux", "auxpass")}
    if root.tag_ == "VBD" and not auxes:
        return "past"
    if auxes & {"has", "have", "is", "are", "am", "will", "does", "do", "'s", "'re"} or root.tag_ in ("VBZ", "VBP"):
        return "present"
    return "other"


def _framed_sentences(doc: Doc, attributions: list[Attribution]) -> set[int]:
    """Start tokens of sentences inside a background paragraph (the opening past-perfect sentence
    included), as described in the module docstring."""
    contents = tuple(span for att in attributions for span in att.content)
    text = doc_text(doc)  # Doc.text re-joins every token on each access
    framed: set[int] = set()
    framing = False
    paragraph_end = -1
    for sent in _sents(doc).spans:
        if sent.start_char > paragraph_end:  # a new paragraph starts framing afresh
            framing = False
            nl = text.find("\n", sent.start_char)
            paragraph_end = nl if nl != -1 else len(text)
        tense = _tense(sent)
        if _NEWS_TIME.search(sent.text) or tense == "present":
            framing = False
        elif tense == "past perfect" and _outside([sent.root], contents):
            framing = True
        if framing:
            framed.add(sent.start)
    return framed

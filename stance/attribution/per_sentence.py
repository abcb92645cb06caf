"""One statement per sentence: a quote or report that runs over several sentences is split at their ends.

Speakers change register inside one quote ('"We received a note from them yesterday. We reject these
absurd claims," the ministry said'): the first sentence reports a contact, the second rebuts. Read as one
text, the stance of one sentence stands for all of them, and the analyst cannot tell which words carried
it. Each sentence keeps the speaker, cue and kind of the whole; its context is the sentence itself, so
that the classifier reads only it. A sentence that names no target takes the targets of the whole
statement, marked inferred (:func:`stance.attribution.targets.link_targets`'s ``carried``).
"""
from __future__ import annotations

import bisect
import re
from dataclasses import replace

from spacy.tokens import Doc

from .lexicon import _CLOSE, _OPEN
from .text import Attribution, _sents, _trim, doc_text

# Kinds whose content can run over sentences; a designation or an act is a phrase.
SPLIT_KINDS = ("direct", "indirect")
# A piece with fewer words than this ('Yes.', 'he added.') stays with its neighbour.
MIN_WORDS = 4
_WORD = re.compile(r"[^\W_]+")
_DOUBLE = '"' + _OPEN + _CLOSE
_SINGLE = "'\u2018\u2019"


def sentence_pieces(doc: Doc, att: Attribution) -> list[Attribution]:
    """``att`` cut at the doc's sentence ends, one attribution per sentence of its content; ``[]`` when
    its content lies in one sentence (or is not of a kind that is split)."""
    if att.kind not in SPLIT_KINDS or not att.content:
        return []
    sents = _sents(doc)
    text = doc_text(doc)
    lo, hi = att.content[0][0], att.content[-1][1]
    first, last = sents.at_char(lo), sents.at_char(hi - 1)
    i, j = bisect.bisect_left(sents.starts, first.start), bisect.bisect_left(sents.starts, last.start)
    units = _units(text, sents.spans[i:j + 1])
    groups: list[tuple[list[tuple[int, int]], int, int]] = []  # (pieces, context start, context end)
    for s0, s1 in units:
        pieces = [_strip_marks(text, *_trim(text, max(a, s0), min(b, s1))) for a, b in att.content if a < s1 and s0 < b]
        pieces = [(a, b) for a, b in pieces if b > a]
        if not pieces:
            continue
        if groups and (_words(text, pieces) < MIN_WORDS or _words(text, groups[-1][0]) < MIN_WORDS):
            prev_pieces, c0, _ = groups[-1]
            groups[-1] = (prev_pieces + pieces, c0, s1)
        else:
            groups.append((pieces, s0, s1))
    if len(groups) < 2:
        return []
    # The sentence that holds the reporting clause is read with all of it, as a one-sentence statement is
    # (the parser may cut a sentence inside the clause: 'welcoming PM | Haugland to the summit, said, "...').
    clause = [span for span in (att.source, att.cue) if span is not None]
    out = []
    for pieces, c0, c1 in groups:
        if any(c0 <= a < c1 or c0 < b <= c1 for a, b in clause):
            c0 = min([c0] + [a for a, _ in clause])
            c1 = max([c1] + [b for _, b in clause])
        out.append(replace(att, content=tuple(pieces), context=_trim(text, c0, c1)))
    return out


def _units(text: str, spans) -> list[tuple[int, int]]:
    """The sentences' character ranges, also cut at line breaks: the parser may run a sentence across
    a paragraph end, and a paragraph is never one sentence with the next."""
    out = []
    for sent in spans:
        a = sent.start_char
        for line in re.finditer(r"\n+", text[sent.start_char:sent.end_char]):
            out.append((a, sent.start_char + line.start()))
            a = sent.start_char + line.end()
        out.append((a, sent.end_char))
    return [(a, b) for a, b in out if b > a]


def _strip_marks(text: str, a: int, b: int) -> tuple[int, int]:
    """A piece without the quotation marks a cut at a sentence end leaves at its edges."""
    while a < b and (text[a] in _DOUBLE or text[a] in _SINGLE or text[a].isspace()):
        a += 1
    while b > a and (text[b - 1] in _DOUBLE or text[b - 1].isspace()
                     or (text[b - 1] in _SINGLE and b - 2 >= a and text[b - 2] in ".!?,")):
        b -= 1
    return a, b


def _words(text: str, pieces: list[tuple[int, int]]) -> int:
    return sum(len(_WORD.findall(text[a:b])) for a, b in pieces)

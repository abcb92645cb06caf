"""Bullet lists under a line that says whose they are: each bullet is that speaker's statement.

Readouts and live pages print what a side said as points: "Wang said:" or "Comments from the Chinese
side:" on a line of its own, then one line per point ("• Relations are on the right track"). The
header ends with a colon; the block is the run of bullet lines right after it. A header with a speech
verb ("Wang said:") gives its cue the bullets as content; a header of the form "Comments (remarks,
points) from/by X:" is a cue of its own, with X as the speaker.
"""
from __future__ import annotations

import re

from spacy.tokens import Doc, Token

from .syntax import _Draft, _in_spans
from .text import doc_text

_BULLET = re.compile(r"[ \t]*(?:[•·▪◦●■*]|[-–—](?=[ \t]))[ \t]*(?=\S)")
_HEADER = re.compile(r"\b(?:comments|remarks|points|highlights|key\s+points|statements?)\s+(?:from|by|of)\s+"
                     r"(?P<who>[^:\n]{2,60}?)\s*:\s*$", re.IGNORECASE)
MIN_BULLET_WORDS = 3  # "• Trade" is a heading, not a statement


def bullet_blocks(text: str) -> list[tuple[tuple[int, int], list[tuple[int, int]]]]:
    """(header line span, bullet body spans) for every run of bullet lines right under a line ending in ':'."""
    lines, pos = [], 0
    for line in text.split("\n"):
        lines.append((pos, pos + len(line)))
        pos += len(line) + 1
    out, i = [], 0
    while i < len(lines):
        a, b = lines[i]
        header = text[a:b].strip()
        j = i + 1
        while j < len(lines) and not text[lines[j][0]:lines[j][1]].strip():
            j += 1  # blank lines between the header and its first point
        bodies = []
        while j < len(lines) and (m := _BULLET.match(text, lines[j][0], lines[j][1])):
            body = (m.end(), lines[j][1])
            if len(text[body[0]:body[1]].split()) >= MIN_BULLET_WORDS:
                bodies.append(body)
            j += 1
        if header.endswith(":") and bodies:
            out.append(((a, b), bodies))
            i = j
        else:
            i += 1
    return out


def bullet_drafts(doc: Doc, drafts: dict[int, _Draft], quotes) -> list[_Draft]:
    """Drafts for the bullet blocks of ``doc``: an existing cue in the header takes the bullets as content
    (returned too), else a "Comments from X:" header makes one."""
    text = doc_text(doc)
    out = []
    for (a, b), bodies in bullet_blocks(text):
        if _in_spans(a, quotes) is not None:
            continue
        # the cue's own content, if the parser found any, is the block read as one run-on clause
        in_header = [d for d in drafts.values() if a <= d.verb.idx < b and all(p[0] >= b for p in d.pieces)]
        if in_header:
            d = in_header[-1]
            d.pieces, d.reported = list(bodies), True
            out.append(d)
            continue
        m = _HEADER.search(text, a, b)
        who = doc.char_span(m.start("who"), m.end("who"), alignment_mode="expand") if m else None
        first = doc.char_span(m.start(), m.start("who"), alignment_mode="expand") if m else None
        if who is None or first is None or not len(first):
            continue
        head: Token = who.root
        out.append(_Draft(first[0], "say", head, list(who), list(bodies), False, True, cue_toks=list(first)))
    return out

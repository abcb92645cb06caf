"""Character-level spans: quotes, sentences, and the Attribution record that carries them."""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from .lexicon import _CLOSE, _OPEN


class _Sents:
    """Sentence look-ups for one doc; spaCy's Token.sent rescans the doc on every call."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.spans = list(doc.sents)
        self.starts = [s.start for s in self.spans]
        self.char_starts = [s.start_char for s in self.spans]
        self.text = doc.text  # Doc.text re-joins every token on each access: once per doc, not per quote
        self.token_chars = [t.idx for t in doc]
        self.quotes: list[tuple[int, int]] | None = None  # filled by doc_quotes

    def first_token_from(self, lo: int) -> Token | None:
        i = bisect.bisect_left(self.token_chars, lo)
        return self.doc[i] if i < len(self.token_chars) else None

    def tokens_from(self, lo: int, hi: int) -> list[Token]:
        """Tokens starting at characters lo <= idx < hi, found by bisection (no scan of the doc)."""
        a = bisect.bisect_left(self.token_chars, lo)
        b = bisect.bisect_left(self.token_chars, hi)
        return [self.doc[i] for i in range(a, b)]

    def of(self, token: Token) -> Span:
        return self.spans[bisect.bisect_right(self.starts, token.i) - 1]

    def at_char(self, pos: int) -> Span:
        return self.spans[max(0, bisect.bisect_right(self.char_starts, pos) - 1)]


_SENTS: dict[int, _Sents] = {}


def doc_text(doc: Doc) -> str:
    """``doc.text``, built once per doc."""
    return _sents(doc).text


def doc_quotes(doc: Doc) -> list[tuple[int, int]]:
    """``quote_spans`` of the doc's text, found once per doc (callers must not change the list)."""
    sents = _sents(doc)
    if sents.quotes is None:
        sents.quotes = quote_spans(sents.text)
    return sents.quotes


def _sents(doc: Doc) -> _Sents:
    # Keyed by id(doc) and checked by identity: docs are processed one at a time.
    cached = _SENTS.get(id(doc))
    if cached is None or not cached.spans or cached.spans[0].doc is not doc:
        _SENTS.clear()
        cached = _SENTS[id(doc)] = _Sents(doc)
    return cached


# ---------------------------------------------------------------------------------------------
# Quote spans


_SENTENCE_END = re.compile(r"[.!?](?=\s+[A-Z])")
_DOUBLE_MARKS = re.compile('["\u201c\u201d\u201e\u00ab\u00bb]')
_SINGLE_OPEN = re.compile(r"(?:^|(?<=[\s(\[\u2014-]))['\u2018](?=[^\W\d_])")
_SINGLE_CLOSE = re.compile(r"(?<=\S)['\u2019](?=$|[\s,.;:!?)\u2014-])")


def _single_quotes_as_double(text: str) -> str:
    """``text`` with single quotation marks turned into double ones (same length), in paragraphs that
    use no double marks: British and Australian outlets quote with 'single' marks.

    A mark opens a quote when it follows a space (or starts the paragraph) and precedes a letter, and
    closes one when it follows a non-space and precedes a space, punctuation or the paragraph's end, so
    apostrophes inside words ("Beijing's", "don't") are never marks. A plural possessive ("the
    ministers' meeting") looks like a closing mark; it is passed over when a lower-case word follows
    and another closing mark comes later in the paragraph. An opening mark that finds no closing
    one is kept only at a paragraph's start (a quote running on into the next paragraph)."""
    if "'" not in text and "\u2018" not in text:
        return text
    chars = list(text)
    for para in re.finditer(r"[^\n]+", text):
        p_start, p_end = para.span()
        if _DOUBLE_MARKS.search(text, p_start, p_end):
            continue
        closers = [m.start() for m in _SINGLE_CLOSE.finditer(text, p_start, p_end)]
        pos = p_start
        for opener in _SINGLE_OPEN.finditer(text, p_start, p_end):
            i = opener.start()
            if i < pos:
                continue
            later = [j for j in closers if j > i + 1]
            close = next((j for k, j in enumerate(later)
                          if not (text[j - 1] == "s" and text[j + 1:j + 3].strip()[:1].islower()
                                  and k + 1 < len(later))), None)
            if close is None:
                if i == p_start:
                    chars[i] = '"'
                break
            chars[i] = chars[close] = '"'
            pos = close + 1
    return "".join(chars)


def _closes(text: str, i: int, p_start: int, p_end: int) -> bool:
    """The mark at ``i`` is shaped like a closing one: after a word or punctuation, before a space,
    punctuation or the paragraph's end (a straight mark opening a quote sits before a word)."""
    if i == p_start or text[i - 1].isspace() or text[i] == '"' and text[i - 1].isdigit():  # 5" is inches
        return False
    return i + 1 >= p_end or text[i + 1].isspace() or text[i + 1] in ",.;:!?)\u2014-"


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Character spans (inside the marks) of quotations in ``text``.

    Curly and straight double quotes both count. A quote left open at the end of a paragraph
    continues only when the next paragraph opens with a quote mark (the news convention for
    multi-paragraph quotes); otherwise it is capped at its paragraph, so one stray mark never
    swallows the rest of the article. A paragraph whose first mark closes a quote (an excerpt that
    starts mid-quote) holds a quote from its start to that mark; a quote never closed ends with its
    first sentence.
    """
    # Some archives write double quotes as two apostrophes (''like this''); same length keeps offsets.
    text = _single_quotes_as_double(text.replace("''", '" '))
    spans: list[tuple[int, int]] = []
    paragraphs = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    open_at: int | None = None
    for p_index, (p_start, p_end) in enumerate(paragraphs):
        i = p_start
        if open_at is not None:
            # Continuation paragraph: its opening mark re-opens the running quote.
            i = p_start + 1
        first_mark = True
        while i < p_end:
            ch = text[i]
            if first_mark and open_at is None and ch in _CLOSE + '"' and _closes(text, i, p_start, p_end):
                # The paragraph's first mark closes a quote it never opened: an excerpt that starts
                # mid-quote ('... silent," the minister said'). The quote runs from the paragraph start.
                first_mark = False
                if i > p_start:
                    spans.append((p_start, i))
                i += 1
                continue
            if ch in _OPEN + _CLOSE + '"':
                first_mark = False
            if ch in _OPEN or (ch == '"' and open_at is None):
                if open_at is None:
                    open_at = i + 1
                i += 1
                continue
            if ch in _CLOSE or ch == '"':
                if open_at is not None:
                    if i > open_at:
                        spans.append((open_at, i))
                    open_at = None
            i += 1
        if open_at is not None:
            nxt = paragraphs[p_index + 1] if p_index + 1 < len(paragraphs) else None
            if nxt is not None and text[nxt[0]] in _OPEN + '"':
                continue
            end = p_end
            # Never closed: a mark lost in the copy or an excerpt cut mid-quote. The quote ends with its
            # first sentence in this paragraph, so that the sentences after it are read as narration.
            stop = _SENTENCE_END.search(text, max(open_at, p_start), p_end)
            if stop is not None:
                end = stop.end()
            while end > open_at and text[end - 1].isspace():
                end -= 1
            if end > open_at:
                spans.append((open_at, end))
            open_at = None
    out = []
    for a, b in spans:
        while a < b and text[a].isspace():
            a += 1
        if b > a:
            out.append((a, b))
    return out


# ---------------------------------------------------------------------------------------------
# Extraction result with spans (used by the PolNeAR evaluation)


@dataclass(frozen=True)
class Attribution:
    """One attribution with character spans, before conversion to a :class:`Statement`."""

    kind: str
    source: tuple[int, int] | None  # speaker phrase as written
    cue: tuple[int, int]
    content: tuple[tuple[int, int], ...]  # one or more pieces (a quote split by its cue)
    speaker: str
    actor: str
    cue_text: str
    context: tuple[int, int]
    designated: tuple[int, int] | None = None  # the object of a designation ("Y" in "called Y Z")
    addressee: tuple[int, int] | None = None  # "his Iranian counterpart" in "told his Iranian counterpart"
    speaker_name: str = ""  # who a pronoun or surname speaker refers to


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in ",;:"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:"):
        end -= 1
    return start, end

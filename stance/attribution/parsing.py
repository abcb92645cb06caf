"""spaCy pipeline for extraction: only the components it needs, and coarse POS from the tagger's tags."""
from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from .lexicon import _BE, _VERB_FORMS

# spaCy components the extractor does not use: the lemmatizer is replaced by the verb-form table
# below, and the attribute ruler (slow: a matcher over every token) by a plain tag -> POS map.
UNUSED_COMPONENTS = ("lemmatizer", "attribute_ruler")
POS_COMPONENT = "stance_pos_from_tags"
NEWLINE_COMPONENT = "stance_newline_sentences"

_TAG_POS = {
    "NN": "NOUN", "NNS": "NOUN", "NNP": "PROPN", "NNPS": "PROPN", "JJ": "ADJ", "JJR": "ADJ", "JJS": "ADJ",
    "AFX": "ADJ", "VB": "VERB", "VBD": "VERB", "VBG": "VERB", "VBN": "VERB", "VBP": "VERB", "VBZ": "VERB",
    "MD": "AUX", "RB": "ADV", "RBR": "ADV", "RBS": "ADV", "WRB": "ADV", "IN": "ADP", "RP": "ADP",
    "DT": "DET", "PDT": "DET", "WDT": "DET", "PRP$": "DET", "WP$": "DET", "PRP": "PRON", "WP": "PRON",
    "EX": "PRON", "CC": "CCONJ", "CD": "NUM", "POS": "PART", "TO": "PART", "UH": "INTJ", "SYM": "SYM",
    "$": "SYM", "FW": "X", "LS": "X", "ADD": "X", "XX": "X", "NIL": "X", "_SP": "SPACE", "SP": "SPACE",
}
_AUX_FORMS = {"be", "is", "are", "was", "were", "been", "being", "am", "'s", "'re", "'m",
              "have", "has", "had", "having", "'ve", "'d", "do", "does", "did"}


@Language.component(POS_COMPONENT)
def _pos_from_tags(doc: Doc) -> Doc:
    """Coarse POS from the tagger's fine tags (what the attribute ruler does, minus its matcher)."""
    for tok in doc:
        pos = _TAG_POS.get(tok.tag_, "PUNCT" if tok.is_punct else "X")
        if pos == "VERB" and tok.lower_ in _AUX_FORMS and (tok.dep_ in ("aux", "auxpass") or tok.lower_ in _BE):
            pos = "AUX"
        if pos == "ADP" and tok.dep_ == "mark":
            pos = "SCONJ"
        tok.pos_ = pos
    return doc

@Language.component(NEWLINE_COMPONENT)
def _newline_sentences(doc: Doc) -> Doc:
    """Line breaks after a line that does not end a sentence (a headline, a subhead, a byline) and
    datelines start a sentence: they never run into the speaker or content of the body.

    Runs before the parser, which keeps preset sentence starts. In hard-wrapped text (lines cut at a
    fixed width mid-sentence) only blank lines count.
    """
    _join_reporting_tails(doc)
    text = doc.text
    after_dateline = {m.end() for m in _DATELINE.finditer(text)}
    if "\n" not in text and not after_dateline:
        return doc
    wrapped = _hard_wrapped(text)
    prev_end = None
    for tok in doc:
        if tok.is_space:
            continue
        if prev_end is not None:
            gap = text[prev_end:tok.idx]
            if tok.idx in after_dateline or ("\n" in gap and _open_line_end(text, prev_end) and tok.text not in _OPENERS
                                              and (gap.count("\n") >= 2 or not wrapped)):
                tok.is_sent_start = True
            elif gap.count("\n") >= 2 and not _open_line_end(text, prev_end):
                # a paragraph that ends a sentence: the parser may still run on into the next paragraph's quote
                # ('... integration.”  “We are closely following ...')
                tok.is_sent_start = True
        prev_end = tok.idx + len(tok.text)
    return doc


_TERMINAL = {".", "?", "!"}
_CLOSING = {'"', "\u201d", "\u2019", "'", "\u00bb"}


def _join_reporting_tails(doc: Doc) -> None:
    """'"Why should we wait?" Haugland asked.': a quote closed by its own full stop, question or exclamation
    mark, then a bare reporting clause (a speaker, a speech verb, no finite clause of its own), is one sentence.
    The parser cuts after the closing mark when a capitalised name follows, and the quote loses its speaker.
    """
    n = len(doc)
    for i in range(1, n - 2):
        mark = doc[i]
        if mark.text not in _CLOSING or mark.whitespace_ != " " or not doc[i + 1].text[:1].isupper():
            continue
        k = i - 1
        while k > 0 and doc[k].text in _CLOSING and not doc[k].whitespace_:  # '?’”': a quote inside the quote
            k -= 1
        if doc[k].text not in _TERMINAL or doc[k].whitespace_:
            continue
        verb = None
        for j in range(i + 1, min(n, i + 10)):
            tok = doc[j]
            if tok.is_space or tok.text in _CLOSING or tok.text in _TERMINAL:
                break
            if tok.tag_.startswith("VB"):
                verb = j if tok.lower_ in _VERB_FORMS and tok.tag_ in ("VBD", "VBZ", "VBP") else None
                break
        if verb is None:
            continue
        for k in range(verb + 1, min(n, verb + 16)):
            tok = doc[k]
            if tok.text in _TERMINAL:  # the clause ends with no verb after the cue: it reports the quote
                doc[i + 1].is_sent_start = False
                break
            # a participle may follow ("told ITV in an interview aired on Monday"), a clause of its own may not
            if tok.is_space or tok.text in _CLOSING or tok.tag_ in ("VB", "VBD", "VBZ", "VBP", "MD"):
                break


# A dateline opening a paragraph ("RIYADH —", "CAIRO, March 3 (Agency) -", "YEREVAN:"): the
# place is not the subject of the sentence after it.
_DATELINE = re.compile(
    r"(?:^|(?<=\n))[ \t]*(?:\((?:[^()\n]|\([^()\n]*\)){1,60}\)[ \t]*)?"
    r"(?:[A-Z][A-Z.'/ -]{2,40}(?:,[ \t]*[A-Za-z0-9 .,]{1,30})?"  # "CAIRO", "RIYADH, Oct 28"
    r"|[A-Z][a-z]+(?:[ -][A-Z][a-z]+)?,[ \t]*(?=[^\n]{0,30}\d)[A-Za-z0-9 .,]{1,30})"  # "Riyadh, 28 October 2023"
    r"(?:[ \t]*\([^)\n]{1,40}\))?[ \t]*(?:—|–|--|-|:)[ \t]*(?=\S)")


# A line that opens with a quote mark continues a signed or labelled quote layout ("... ― Name" lines):
# the parser decides there, as before.
_OPENERS = {'"', "“", "”", "'", "‘", "«"}


def _open_line_end(text: str, end: int) -> bool:
    """The line ending at ``end`` stops without closing punctuation: a headline, subhead or byline.

    After such a line a single line break is left to the parser (marking it could move an opening quote
    mark to the wrong side); a blank line always starts a sentence (``_newline_sentences``).
    """
    return not text[max(0, end - 1):end] in (".", "!", "?", ":", ";", '"', "”", "’", "'", ")", "…")


def _hard_wrapped(text: str) -> bool:
    """Most lines followed by another line stop mid-sentence at a similar width: text wrapped by width."""
    lines = [ln for ln in text.split("\n")]
    inner = [a for a, b in zip(lines, lines[1:]) if a.strip() and b.strip()]
    if len(inner) < 3:
        return False
    open_ended = sum(1 for ln in inner if not ln.rstrip().endswith((".", "!", "?", ":", '"', "”", "’", "'", ")")))
    return open_ended / len(inner) > 0.5 and max(len(ln) for ln in inner) <= 100


def prepare_nlp(nlp: Language) -> Language:
    """Add the newline-boundary component and, when the attribute ruler is off, the tag -> POS one (idempotent)."""
    if NEWLINE_COMPONENT not in nlp.pipe_names and "parser" in nlp.pipe_names:
        nlp.add_pipe(NEWLINE_COMPONENT, before="parser")
    if "attribute_ruler" not in nlp.pipe_names and POS_COMPONENT not in nlp.pipe_names:
        nlp.add_pipe(POS_COMPONENT, after="parser" if "parser" in nlp.pipe_names else None)
    return nlp


def load_extraction_nlp(*, ner: bool = False) -> Language:
    """spaCy's English pipeline with only what extraction uses.

    Without the entity recogniser (the default) parsing runs about twice as fast; people are
    then found through the parse (proper-noun subjects and their titles), which gave the same
    PolNeAR and gold-set figures. ``ner=True`` adds spaCy's PERSON entities as extra antecedents
    for pronouns and surnames.
    """
    from ..nlp import load_nlp

    return prepare_nlp(load_nlp(UNUSED_COMPONENTS + (() if ner else ("ner",))))


def _default_nlp() -> Language:
    return load_extraction_nlp()

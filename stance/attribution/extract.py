"""Article -> Statement: the entry points the pipeline, batch and evaluation code call."""
from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import replace

from spacy.language import Language
from spacy.tokens import Doc

from ..records import Article, Statement
from ..watchlist import Watchlist

logger = logging.getLogger(__name__)
from .background import background_reasons
from .find import find_attributions
from .names import is_person_name
from .parsing import _default_nlp, _pos_from_tags, prepare_nlp
from .per_sentence import sentence_pieces
from .speakers import speaker_voice
from .targets import article_mentions, link_targets
from .text import Attribution

# Bump whenever extraction output can change; downstream caches key on it.
EXTRACTOR_VERSION = "attr-70"


def _join_pieces(text: str, pieces) -> str:
    """The statement's words: pieces with words between them (a reporting clause, another sentence)
    joined by " … ", so that a reader never takes two pieces for one verbatim quote."""
    out = ""
    prev_end = None
    for a, b in pieces:
        piece = text[a:b].strip()
        if out:
            gap = text[prev_end:a]
            out += " … " if any(ch.isalnum() for ch in gap) else " "
        out += piece
        prev_end = b
    return out


def _to_statement(article: Article, att: Attribution, *, names_the_state: bool = False,
                  background: str = "") -> Statement:
    text = article.text
    start, end = att.content[0][0], att.content[-1][1]
    content = _join_pieces(text, att.content)
    ctx = text[att.context[0]:att.context[1]].strip()
    return Statement(
        article_id=article.id,
        date=article.date,
        source=article.source,
        speaker=att.speaker,
        actor=att.actor,
        cue=att.cue_text,
        text=content,
        kind=att.kind,
        start=start,
        end=end,
        url=article.url,
        context=ctx,
        speaker_name=att.speaker_name,
        voice=speaker_voice(att.speaker, att.actor, names_the_state=names_the_state),
        background=background,
    )




def extract_statements(
    article: Article, watchlist: Watchlist, *, nlp: Language | None = None, doc: Doc | None = None
) -> list[Statement]:
    """Statements in one article, with targets linked. Pass ``doc`` to reuse a parse."""


    if doc is None:
        nlp = prepare_nlp(nlp) if nlp is not None else _default_nlp()
        doc = nlp(article.text)
    elif doc.text != article.text:
        raise ValueError(
            f"article {article.id!r}: the given doc was parsed from different text; "
            "parse article.text itself (nlp(article.text))"
        )
    if not doc.has_annotation("POS"):
        _pos_from_tags(doc)
    atts = find_attributions(doc, watchlist, article.date)
    recaps = background_reasons(doc, atts, article.date)
    mentions = article_mentions(article, watchlist) if atts else []
    linked = []
    for att, why in zip(atts, recaps):
        names_the_state = _is_alias_of(att.speaker, att.actor, watchlist, article.date)
        whole = link_targets(_to_statement(article, att, names_the_state=names_the_state, background=why),
                             article, watchlist, doc=doc, attribution=att, mentions=mentions)
        pieces = sentence_pieces(doc, att)
        if not pieces:
            linked.append(whole)
            continue
        for piece in pieces:  # one statement per sentence; a sentence that names nobody is about the whole's targets
            st = _to_statement(article, piece, names_the_state=names_the_state, background=why)
            linked.append(link_targets(st, article, watchlist, doc=doc, attribution=piece, mentions=mentions,
                                       carried=whole.targets))
    return _carry_targets(linked, article.text)


def _carry_targets(statements: list[Statement], text: str) -> list[Statement]:
    """A quote that names nothing, right after its speaker's paraphrase, is about the same targets.

    News writing backs a paraphrase with a quote ('He said Washington would watch the new
    authorities. "Words matter," he said.'); the quote inherits the paraphrase's targets as
    inferred links. Only the directly preceding statement of the same actor, in the same
    paragraph, counts.
    """
    out = list(statements)
    for i in range(1, len(out)):
        st, prev = out[i], out[i - 1]
        if st.targets or st.kind != "direct" or not st.actor or prev.actor != st.actor or not prev.targets:
            continue
        if prev.end > st.start or "\n" in text[prev.end:st.start]:  # same paragraph only
            continue
        out[i] = replace(st, targets=tuple(replace(t, inferred=True) for t in prev.targets))
    return out


def iter_statements(
    articles: Iterable[Article],
    watchlist: Watchlist,
    *,
    nlp: Language | None = None,
    n_process: int = 1,
    batch_size: int = 64,
) -> Iterator[tuple[Article, list[Statement]]]:
    """(article, statements) for each article, in input order, parsing with ``nlp.pipe``."""
    if n_process < 1 and n_process != -1:
        raise ValueError(f"n_process must be >= 1 (or -1 for all cores), got {n_process}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    nlp = prepare_nlp(nlp) if nlp is not None else _default_nlp()
    pairs = ((a.text, a) for a in articles)
    for doc, article in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size, n_process=n_process):
        try:
            statements = extract_statements(article, watchlist, doc=doc)
        except Exception:  # one malformed article must not lose the batch
            logger.exception("statement extraction failed for article %r (%s); skipped", article.id, article.origin)
            statements = []
        yield article, statements


def _is_alias_of(phrase: str, actor: str, watchlist: Watchlist, day) -> bool:
    """'Tehran' or 'the Kremlin' for Russia: the phrase is nothing but an alias of the actor, and not the
    name of a listed speaker ('Netanyahu' may be an alias of Israel as a target, but he speaks as himself)."""
    if not actor or is_person_name(watchlist, phrase, day):
        return False
    bare = phrase.strip()
    bare = bare[4:] if bare.lower().startswith("the ") else bare
    return any(m.entity == actor and m.start == 0 and m.end == len(bare) for m in watchlist.find_aliases(bare, day))

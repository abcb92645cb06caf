"""Drafts -> Attribution records with resolved speakers; designations cut out of reported speech."""
from __future__ import annotations

import bisect
import re
from dataclasses import replace

from spacy.tokens import Doc, Token

from ..watchlist import Watchlist
from .cues import _find_attributions_raw
from .lexicon import _BE, ACT_VERBS
from .speakers import _SpeakerResolver
from .syntax import _char_span, _cue_tokens, _Draft, _in_spans, _speaker_tokens
from .text import Attribution, _sents, _trim, doc_quotes, doc_text

# Public API


PROFILES = ("speech", "broad")


# Speech verbs whose "to" phrase names the addressee ("said to Biden"), not a target.
_SAID_TO = frozenset({"say", "speak", "write", "explain", "add", "remark"})


def find_attributions(doc: Doc, watchlist: Watchlist, date=None, *, profile: str = "speech") -> list[Attribution]:
    """All attributions in a parsed document, with character spans for source, cue and content.

    ``profile="speech"`` (the default, used by the pipeline) keeps to speech acts outside quotes.
    ``profile="broad"`` follows PolNeAR's wider notion of attribution: attitude verbs ("wants",
    "supports", "hopes"), any verb with a clausal complement and a person as subject ("Trump
    doubts that ..."), and headline-style "Name: words" lines count as well; so do passives
    without a holder ("X is expected to ..."), "Asked whether ...", "in the latest poll, ...",
    each cue of a coordination, and participle reports or "according to" inside another content;
    so do attitude adjectives ("are skeptical of"), nominal cues ("her decision to ..."), verbs
    with a cue noun as object ("took a swipe at"), passives with a by-phrase ("endorsed by X"),
    and coordinated or subordinate speech verbs nested in another attribution's content.
    """
    if profile not in PROFILES:
        raise ValueError(f"profile must be one of {PROFILES}, got {profile!r}")
    text = doc_text(doc)
    resolver = _SpeakerResolver(doc, watchlist, date)
    out: list[Attribution] = []
    quotes = doc_quotes(doc)
    used_quotes = set()
    drafts = _find_attributions_raw(doc, profile)
    for d in drafts:
        for p in d.pieces:
            used_quotes.add(p)
    # Cue-less quotes right after a statement continue it (the news convention).
    orphan = [q for q in quotes if q not in used_quotes and len(text[q[0]:q[1]].split()) >= 4]
    orphan_starts = [q[0] for q in orphan]
    _quoted_label_designations(doc, drafts, quotes, resolver)
    if profile == "speech":
        _cut_nested_designations(text, drafts)
    cue_starts = sorted(d.verb.idx for d in drafts)
    # Speakers are resolved in text order so that a pronoun sees every earlier speaker.
    resolved: dict[int, tuple[str, str]] = {}
    co_speakers: dict[int, list[tuple[str, str]]] = {}
    for k, d in sorted(enumerate(drafts), key=lambda kd: kd[1].source_toks[0].i if kd[1].source_toks else -1):
        if d.base == "turn":
            resolved[k] = resolver.resolve_label(d.source_toks)
        else:
            resolved[k] = resolver.resolve(d.subj, _naming_tokens(d)) if d.subj is not None and d.source_toks else ("", "")
        if d.subj is not None and d.source_toks and d.base != "turn":
            # in the same pass, so that a later "they" sees the group ("X and Y said ... they added")
            co_speakers[k] = resolver.co_speakers(d.subj, d.source_toks, resolved[k][1])
    for k, d in enumerate(drafts):
        speaker, actor = resolved[k]
        act = d.kind != "designation" and _is_act(d)
        if act and _hedged(d.verb):
            continue  # "Japan is apparently protesting ...": the writer's guess, not an act
        pieces = sorted(set(d.pieces))
        if not actor and pieces and d.subj is not None and d.subj.lower_ in _BODY_NOUNS:
            # "Egypt condemned the strikes, the ministry said": a body reporting what its own state did.
            actor = _state_opening(text, pieces[0], resolver)
        merged: list[tuple[int, int]] = []
        for p in pieces:
            if merged and p[0] <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], p[1]))
            else:
                merged.append(p)
        if d.base == "add" and merged:
            # '"...." [paragraph] "...," he added.': "added" says the quote paragraph before was the speaker's too
            before = _quote_paragraph_before(text, merged[0], orphan, used_quotes, quotes)
            if before is not None:
                merged.insert(0, before)
                used_quotes.add(before)
        end = merged[-1][1]
        # Orphan quotes right after the statement continue it; only the next ones can (read from there on,
        # stopping at the first that does not: the gap only grows).
        for q in orphan[bisect.bisect_left(orphan_starts, end):] if not act else ():
            # (an act is no speech a quote can go on with: "In 2018, he compared X to Y." then someone's words)
            if q in used_quotes:
                continue
            # Only whitespace and quote marks may separate the quote from the attribution's sentence.
            sent_end = max(end, _sentence_bounds(doc, end - 1, end)[1], _sents(doc).of(d.verb).end_char)
            if q[0] >= sent_end and not re.sub(r"[\s\"“”'‘]", "", text[sent_end:q[0]]):
                if _said_by_another(doc, text, q, d.source_toks):
                    break  # '"...?" the interviewer asked': someone else's words, though no statement was made of them
                merged.append(q)
                end = q[1]
                used_quotes.add(q)
            elif q[0] >= sent_end:
                break
        if not act and d.kind != "designation" and not d.quoted and merged:
            merged += _unquoted_run_after_colon(doc, text, d, merged, cue_starts, quotes)
        kind = d.kind
        if act:
            kind = "act"
        elif kind != "designation":
            kind = "direct" if d.quoted and not d.reported else "indirect"
            if d.reported and all(_in_spans(p[0], quotes) for p in merged if _in_spans(p[0], quotes)):
                # Reported clause that is nothing but a quote ("said: ...") is direct speech.
                if all(_inside_quote(p, quotes) for p in merged):
                    kind = "direct"
        # (a headline's "..., says Pashinyan" runs into the blank line after it: whitespace is no part of a name)
        src = _trim(text, *_char_span(d.source_toks)) if d.source_toks and not d.shared_source else None
        speaker = speaker.strip()
        cue_toks = d.cue_toks or ([d.verb] if d.according else _cue_tokens(d.verb))
        cue = _char_span(cue_toks)
        cue_text = "according to" if d.base == "according" else text[cue[0]:cue[1]]
        if d.base == "according":
            cue = (d.verb.idx, d.verb.idx + len("according to"))
        if kind == "designation" and d.designated is not None:
            cue_text = _designation_cue(text, d.verb, d.designated)
        lo = min([merged[0][0], cue[0]] + ([src[0]] if src else []))
        hi = max([merged[-1][1], cue[1]] + ([src[1]] if src else []))
        ctx = _sentence_bounds(doc, lo, hi)
        # The context never reaches past the paragraphs the statement occupies.
        para_lo, para_hi = text.rfind("\n", 0, lo) + 1, text.find("\n", hi)
        ctx = (max(ctx[0], para_lo), min(ctx[1], para_hi if para_hi >= 0 else len(text)))
        while ctx[1] < len(text) and text[ctx[1]] in "\"”’'»":  # a closing quote the parser put after the end
            ctx = (ctx[0], ctx[1] + 1)
        addressee = None
        if d.base in _SAID_TO and not d.according:
            # "said to Biden", "spoke to reporters": whom a quote was said to is not what it is about
            prep = next((c for c in d.verb.children if c.dep_ in ("prep", "dative") and c.lower_ == "to"
                         and not any(a <= c.idx < b for a, b in merged)), None)
            obj = next((c for c in prep.children if c.dep_ == "pobj"), None) if prep is not None else None
            if obj is not None:
                addressee = _char_span(sorted(obj.subtree, key=lambda t: t.i))
        if d.base == "tell" and not d.according:
            obj = next((c for c in d.verb.children if c.dep_ in ("dobj", "dative")), None)
            if obj is not None:
                start = min(p[0] for p in pieces) if pieces else None
                # the addressee stops where the content begins ("told a gathering ... that ..." parsed as one)
                addressee = _char_span([t for t in sorted(obj.subtree, key=lambda t: t.i)
                                        if start is None or t.idx < start] or [obj])
        referent = resolver.referents.get(d.source_toks[0].idx, "") if d.source_toks else ""
        att = Attribution(kind, src, cue, tuple(merged), speaker, actor, cue_text, ctx, d.designated, addressee,
                          speaker_name=referent if referent != speaker else "")
        out.append(att)
        # "Iran and Russia condemned ...", "Gulf states, including Kuwait and Oman, ...", "both sides said":
        # one attribution per entity that speaks.
        for co_speaker, co_actor in co_speakers.get(k, []):
            if co_actor and co_actor != actor:
                out.append(replace(att, speaker=co_speaker, actor=co_actor, speaker_name=""))
    out.extend(_embedded_posts(doc, resolver, out))
    out.extend(_published_remarks(doc, resolver, out))
    return out


def _unquoted_run_after_colon(doc: Doc, text: str, d, merged: list[tuple[int, int]], cue_starts: list[int],
                              quotes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """'Araghchi said: The Islamic Republic has always ... Of course, we have differences ...': agency copy that
    gives speech after a colon without quote marks goes on to the end of its paragraph; the sentences after the
    first are the speaker's too, up to one that holds another cue or a quote."""
    between = text[d.verb.idx:merged[0][0]]
    if ":" not in between or "\n" in between:
        return []
    end = merged[-1][1]
    para_end = text.find("\n", end)
    para_end = len(text) if para_end < 0 else para_end
    sents = _sents(doc)
    out = []
    for sent in sents.spans[bisect.bisect_left(sents.char_starts, end):]:
        if sent.start_char >= para_end:
            break
        next_cue = bisect.bisect_left(cue_starts, sent.start_char)
        if next_cue < len(cue_starts) and cue_starts[next_cue] < sent.end_char \
                or any(sent.start_char <= q[0] < sent.end_char for q in quotes):
            break
        lo, hi = _trim(text, sent.start_char, min(sent.end_char, para_end))
        if hi > lo:
            out.append((lo, hi))
    return out


_QUOTE_MARKS_OR_SPACE = re.compile(r"[\s\"“”'‘’]*")


def _quote_paragraph_before(text: str, first: tuple[int, int], orphan: list[tuple[int, int]],
                            used_quotes: set, quotes: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The cue-less quote that makes up the whole paragraph right before a paragraph opening with the quote
    ``first``, if any."""
    if _in_spans(first[0], quotes) is None:
        return None
    para = text.rfind("\n", 0, first[0]) + 1
    if para == 0 or not _QUOTE_MARKS_OR_SPACE.fullmatch(text[para:first[0]]):
        return None
    for q in orphan:
        if q in used_quotes or q[1] > para:
            continue
        q_para = text.rfind("\n", 0, q[0]) + 1
        if _QUOTE_MARKS_OR_SPACE.fullmatch(text[q_para:q[0]]) and _QUOTE_MARKS_OR_SPACE.fullmatch(text[q[1]:para]):
            return q
    return None


_QUESTION_VERBS = {"ask", "asks", "asked", "asking", "wonder", "wonders", "wondered", "question", "questioned"}
_SENTENCE_END = re.compile(r"[.!?\n]")


def _said_by_another(doc: Doc, text: str, quote: tuple[int, int], source: list[Token]) -> bool:
    """The quote is a question its own sentence gives to someone other than ``source`` ('"...?" the
    interviewer asked'): an interview's question, not the interviewee's words.

    A pronoun ("he asked") is taken for the same speaker, and so is a name that shares a word with
    ``source``. A quote that ends its sentence inside the marks ('...."') has no such tail.
    """
    end = quote[1]
    if text[max(0, end - 8):end].rstrip("\"”’'» ").endswith("."):
        return False
    while end < len(text) and text[end] in "\"”’'»":
        end += 1
    stop = _SENTENCE_END.search(text, end)
    tail = doc.char_span(end, stop.start() if stop else len(text), alignment_mode="expand")
    if tail is None:
        return False
    own = {t.lower_ for t in source if t.is_alpha}
    for verb in tail:
        if verb.lower_ not in _QUESTION_VERBS:
            continue
        for subj in verb.children:
            if subj.dep_ in ("nsubj", "nsubjpass") and subj in tail and subj.pos_ != "PRON":
                words = {t.lower_ for t in subj.subtree if t.is_alpha and t.pos_ == "PROPN"} or {subj.lower_}
                if not words & own:
                    return True
    return False


def _naming_tokens(d: _Draft) -> list[Token]:
    """The phrase that names the speaker: the noun a relative-pronoun source ("who") stands for."""
    toks = d.source_toks
    if len(toks) == 1 and d.subj is not None and toks[0].i != d.subj.i and toks[0].lower_ in ("who", "which", "that"):
        return _speaker_tokens(d.subj)
    return toks


def _quoted_label_designations(doc: Doc, drafts: list[_Draft], quotes, resolver: "_SpeakerResolver") -> None:
    """'Fidan said the YPG was "a terrorist organisation"' labels a listed entity: a designation.

    The reported clause must be a copula whose subject names a watchlist entity and whose
    predicate noun phrase is entirely the speaker's quoted wording; a quote that runs into more
    ("were "terrorist groups" backed by ...") or a subject that is an event ("the strikes were
    "a violation"") stays reported speech.
    """
    for d in drafts:
        if d.kind == "designation" or d.according or not d.reported:
            continue
        for clause in d.verb.children:
            if clause.dep_ != "ccomp" or clause.lower_ not in _BE:
                continue
            subj = next((c for c in clause.children if c.dep_ == "nsubj"), None)
            attr = next((c for c in clause.children if c.dep_ == "attr" and c.i > clause.i), None)
            if subj is None or attr is None or attr.pos_ not in ("NOUN", "PROPN"):
                continue
            words = [t for t in attr.subtree if not t.is_punct]
            if not words:  # a stray hyphen tagged as a noun
                continue
            q = _in_spans(words[0].idx, quotes)
            if q is None or words[-1].idx + len(words[-1]) > q[1]:
                continue
            subj_toks = sorted(subj.subtree, key=lambda t: t.i)
            a, b = _char_span(subj_toks)
            # The alias must be the subject's head: "the YPG", not "the fall of Assad".
            if not any(a + m.start <= subj.idx < a + m.end for m in resolver._find(doc_text(doc)[a:b])):
                continue
            d.kind = "designation"
            d.designated = (a, b)
            break


def _cut_nested_designations(text: str, drafts: list[_Draft]) -> None:
    """End a statement's content where a designation nested at its end begins.

    In 'X said Iran backed the army against what he called "takfiri groups"' the designation is
    its own statement (about another target, with its own stance); leaving it inside the outer
    content would score that label against the outer statement's target too.
    """
    for inner in drafts:
        if inner.kind != "designation":
            continue
        clause = sorted(inner.verb.subtree, key=lambda t: t.i)
        lo, hi = clause[0].idx, clause[-1].idx + len(clause[-1])
        for outer in drafts:
            if outer is inner or outer.kind == "designation":
                continue
            for k, (a, b) in enumerate(outer.pieces):
                if a < lo < b and not re.sub(r"[\s\"“”'’.,;]", "", text[hi:b]):
                    cut = _trim(text, a, lo)
                    if len(text[cut[0]:cut[1]].split()) >= 3:
                        outer.pieces[k] = cut


def _designation_cue(text: str, verb: Token, designated: tuple[int, int]) -> str:
    between = text[verb.idx + len(verb.text): designated[0]].strip()
    base = verb.text + (" " + between if between else "")
    after = text[designated[1]: designated[1] + 4]
    return base + " ... as" if after.strip().startswith("as") else base


def _sentence_bounds(doc: Doc, lo: int, hi: int) -> tuple[int, int]:
    sents = _sents(doc)
    first, last = sents.at_char(lo), sents.at_char(max(lo, hi - 1))
    start = min(lo, first.start_char) if first.start_char <= lo < first.end_char else lo
    end = max(hi, last.end_char) if last.start_char < hi <= last.end_char else hi
    return start, end


def _is_act(d: _Draft) -> bool:
    """A diplomatic act: a speech-act verb whose content is its object, with no reported clause or quote."""
    if d.base not in ACT_VERBS or d.quoted or d.according:
        return False
    return not any(c.dep_ in ("ccomp", "xcomp") and c.pos_ in ("VERB", "AUX") for c in d.verb.children)


_HEDGES = {"apparently", "seemingly", "possibly", "probably", "likely", "presumably", "perhaps"}


def _hedged(verb: Token) -> bool:
    return any(c.dep_ == "advmod" and c.lower_ in _HEDGES for c in verb.children)


# An embedded post as news pages print it: the post's text, then "— Name (@handle) Month D, YYYY".
_POST_BYLINE = re.compile(r"^[ \t]*[—–-][ \t]*(?P<name>[^\n(@]{2,80}?)[ \t]*\(@\w{1,30}\)[^\n]*$", re.MULTILINE)
# The same signature closing the post's own line, as a page pasted without line breaks keeps it:
# "Frank talks in Moscow. ... — Kari Haugland (@KariHaugland) December 22, 2017".
_INLINE_POST_BYLINE = re.compile(
    r"[ \t][—–][ \t]*(?P<name>[^\n(@—–]{2,80}?)[ \t]*\(@\w{1,30}\)[ \t]+[A-Z][a-z]+\.?[ \t]+\d{1,2},[ \t]+\d{4}[ \t]*$",
    re.MULTILINE)


def _embedded_posts(doc: Doc, resolver: _SpeakerResolver, found: list[Attribution]) -> list[Attribution]:
    """A quoted post is its poster's direct statement: the paragraph above the '— Name (@handle) date' line."""
    text = doc_text(doc)
    out = []
    bylines = [(m, False) for m in _POST_BYLINE.finditer(text)] + [(m, True) for m in _INLINE_POST_BYLINE.finditer(text)]
    for m, inline in bylines:
        end = m.start() if inline else text.rfind("\n", 0, m.start())
        if end <= 0:
            continue
        start = text.rfind("\n", 0, end) + 1
        lo, hi = _trim(text, start, end)
        if hi - lo < 10 or any(a.content and a.content[0][0] <= lo < a.content[-1][1] for a in found):
            continue
        name = m.group("name").strip()
        # Names in posts come with other scripts beside them ("Name 名字"): keep the Latin part.
        latin = " ".join(w for w in name.split() if re.search(r"[A-Za-z]", w)) or name
        listed = resolver._listed(latin)
        # a ministry's account ("MFA Russia", "Russian MFA") speaks for its state
        actor = listed[0] if listed else resolver._role_actor_of_text(latin)
        src = (m.start("name"), m.start("name") + len(name))
        out.append(Attribution("direct", src, (m.start(), m.start() + 1), ((lo, hi),), latin, actor, "posted",
                               (lo, hi), speaker_name=listed[1] if listed and listed[1] != latin else ""))
    return out


# A published text headed by whose words it is: "Lavrov's opening remarks at talks with ...", "Statement by
# the Foreign Minister on ...". Its first-person paragraphs are that speaker's direct speech.
_REMARKS_HEAD = re.compile(
    r"^\s*(?:(?P<owner>[A-Z][^\n]{1,80}?)['’]s\s+(?:opening\s+|closing\s+|introductory\s+|keynote\s+)?"
    r"(?:remarks|speech|statement|address|message|op-ed|article)\b"
    r"|(?:remarks|speech|statement|address|message)\s+by\s+(?P<by>[^\n,]{2,80}?)(?=\s+(?:at|on|to|in|during)\b|,|$))",
    re.IGNORECASE | re.MULTILINE)
_FIRST_PERSON = re.compile(r"\b(?:[Ww]e|[Oo]ur|[Uu]s|I|[Mm]y)\b")


def _published_remarks(doc: Doc, resolver: _SpeakerResolver, found: list[Attribution]) -> list[Attribution]:
    text = resolver.text
    first_line_end = text.find("\n")
    head = _REMARKS_HEAD.match(text[:first_line_end if first_line_end > 0 else len(text)])
    if head is None:
        return []
    owner = (head.group("owner") or head.group("by") or "").strip()
    listed = resolver._listed(owner)
    actor = listed[0] if listed else resolver._role_actor_of_text(owner)
    if not actor:
        return []
    # Paragraphs someone on the watchlist is already quoted in keep that attribution; an unattributed
    # "We welcome ..." found there is this speaker's too, and gets this statement beside it.
    covered = [(a.content[0][0], a.content[-1][1]) for a in found if a.content and a.actor]
    out = []
    for m in re.finditer(r"[^\n]+", text[first_line_end + 1:] if first_line_end > 0 else ""):
        lo, hi = _trim(text, first_line_end + 1 + m.start(), first_line_end + 1 + m.end())
        para = text[lo:hi]
        if len(para.split()) < 6 or not _FIRST_PERSON.search(para) or any(a < hi and lo < b for a, b in covered):
            continue
        out.append(Attribution("direct", (head.start(), head.end()), (head.start(), head.end()), ((lo, hi),), owner,
                               actor, "remarks", (lo, hi), speaker_name=listed[1] if listed else ""))
    return out


# Bodies that speak for a state without naming it ("the ministry said"); see _state_opening.
_BODY_NOUNS = {"ministry", "government", "presidency", "office", "embassy", "cabinet", "spokesman", "spokeswoman",
               "spokesperson", "statement", "administration", "department"}


def _state_opening(text: str, piece: tuple[int, int], resolver: _SpeakerResolver) -> str:
    """The entity whose alias opens the reported content as its subject ("Saudi Arabia has strongly
    rejected ...", "Egypt condemned ..."), or "" (also for "Egypt's army ...", "Egyptian officials ...")."""
    head = re.sub(r"^[\s\"“‘']*(?:the\s+)?", "", text[piece[0]:piece[0] + 60], flags=re.IGNORECASE)
    hits = [m for m in resolver._find(head) if m.start == 0]
    if len(hits) != 1:
        return ""
    start = piece[0] + len(text[piece[0]:piece[0] + 60]) - len(head)
    last = _sents(resolver.doc).tokens_from(start, start + hits[0].end)
    # The alias must be the subject itself (its last word heads it), not a modifier of another noun.
    return hits[0].entity if last and last[-1].dep_ in ("nsubj", "nsubjpass") else ""


def _inside_quote(piece: tuple[int, int], quotes: list[tuple[int, int]]) -> bool:
    """The piece lies within one quote (give or take its marks)."""
    q = _in_spans(piece[0] + 1, quotes) or _in_spans(piece[0], quotes)
    return q is not None and q[0] <= piece[0] + 1 and piece[1] <= q[1] + 1

"""Drafts of the broad profile (PolNeAR's wider notion of attribution) and headline/transcript cues."""
from __future__ import annotations

import re
from collections import Counter

from spacy.tokens import Doc, Span, Token

from .lexicon import _ATTITUDE_FORMS, _BASE_VERBS, _CLAUSE_ONLY, _DESIGNATION_VERBS, _VERB_FORMS, _forms
from .syntax import (
    _char_span,
    _cue_tokens,
    _Draft,
    _in_spans,
    _is_circumstance,
    _relative_subject,
    _speaker_tokens,
    _subject,
)
from .text import _sents, _trim, doc_text

# Attitude verbs that frame their host clause in "as X pointed out, ...", like speech verbs do
# (not "as we know it", "as the crowd cheered": there "as" is a manner or a time).
_AS_NOTED = {"point", "learn", "speculate", "document", "hint", "highlight", "acknowledge", "recognize", "recount",
             "detail", "outline", "forecast", "expect", "suspect", "fear", "hope", "assume", "imagine", "decide"}


# Cue verbs whose subject "it" is an organisation or document ("it said", "it plans to raise rates")
# rather than "it seems"-style filler.
_IT_SPEAKS = {b for b in _BASE_VERBS if b not in _CLAUSE_ONLY and b not in _DESIGNATION_VERBS} | {
    "show", "find", "plan", "want", "seek", "hope", "expect", "support", "oppose", "endorse", "propose", "decline",
    "refuse", "recommend", "issue", "cite"}


# "LAVROV: ...", "KATE BOULDUAN: ...", "Q: ...": a speaker label opening a line of a transcript.
_TURN_LABEL = re.compile(r"^[ \t]*((?:[A-Z][A-Za-z.'’-]*[ \t]+){0,3}[A-Z][A-Za-z.'’-]*)[ \t]*:[ \t]+\S", re.MULTILINE)
_INTERVIEWER_LABELS = {"q", "a", "question", "answer"}


def _transcript_drafts(doc: Doc, quotes) -> list[_Draft]:
    """Turns of an interview or press-conference transcript: each line a speaker label opens is that
    speaker's words ("LAVROV: ...", "Sergey Lavrov: ...").

    A document is read as a transcript only when its labels repeat a speaker, or come with
    "Q:"/"Question:" lines, or three are in capitals, so that a dateline ("MOSCOW: ...") or a
    headline ("Milbank: ...") stays what it is. "Q:"/"A:" turns themselves are not attributed:
    who answers is named elsewhere, and PolNeAR leaves most of them unannotated.
    """
    text = doc_text(doc)
    turns, interviewer = [], 0
    for m in _TURN_LABEL.finditer(text):
        label = m.group(1)
        if any(w.strip(".'’") in _HEADLINE_LABELS for w in label.lower().split()) \
                or _in_spans(m.start(1), quotes) is not None:
            continue
        if label.lower() in _INTERVIEWER_LABELS:
            interviewer += 1
        elif len(label) > 1:
            turns.append(m)
    surnames = Counter(m.group(1).split()[-1].lower() for m in turns)
    capitals = sum(m.group(1).isupper() for m in turns)
    if not turns or not (max(surnames.values()) >= 2 or interviewer >= 1 or capitals >= 3):
        return []
    drafts = []
    for m in turns:
        colon = doc.char_span(m.end(1), text.index(":", m.end(1)) + 1, alignment_mode="expand")
        label = doc.char_span(m.start(1), m.end(1), alignment_mode="expand")
        if colon is None or label is None or colon[0].text != ":":
            continue
        line_end = text.find("\n", colon.end_char)
        content = _trim(text, colon.end_char, len(text) if line_end < 0 else line_end)
        if sum(w.isalpha() for w in re.findall(r"[^\W\d_]+|\d+", text[content[0]:content[1]])) < 2:
            continue  # "Hillary Clinton: 1,769." is a tally, not a turn
        drafts.append(_Draft(colon[0], "turn", label[-1], list(label), [content], True, False, kind="direct"))
    return drafts


def _colon_draft(text: str, sent: Span, quotes) -> _Draft | None:
    """Headline style 'Name: words' at the start of a line ("Milbank: Republicans waving the flag ...")."""
    doc = sent.doc
    colon = next((t for t in sent if t.text == ":"), None)
    if colon is None or colon.i - sent.start > 6 or colon.i == sent.start or sent.end - colon.i < 4:
        return None
    para_start = text.rfind("\n", 0, sent.start_char) + 1
    if text[para_start:sent.start_char].strip():
        return None  # not at the start of a line
    head = [t for t in doc[sent.start:colon.i]]
    named = any(t.pos_ == "PROPN" for t in head) or all(t.text[:1].isupper() for t in head)
    if not named or head[0].is_upper and len(head[0]) > 3 or any(t.lower_ in _HEADLINE_LABELS for t in head) \
            or len(head) == 1 and len(head[0]) == 1 or any(t.pos_ in ("VERB", "AUX") for t in head):
        # no name, a dateline ("WASHINGTON:"), a rubric ("Editor's note:"), an interview's "Q:", or a
        # clause ("Ortiz said: ..." is the verb's attribution)
        return None
    if _in_spans(colon.idx, quotes) is not None:
        return None
    line_end = text.find("\n", colon.idx)
    content_span = _trim(text, colon.idx + 1, sent.end_char if line_end < 0 else min(line_end, sent.end_char))
    if len(text[content_span[0]:content_span[1]].split()) < 3:
        return None
    return _Draft(colon, "colon", head[-1], head, [content_span], False, True, according=False)


def _nominal_draft(text: str, noun: Token) -> _Draft | None:
    """'Trump's claim that ...', 'his call for ...', 'her decision to ...', 'complaints that ...'."""
    holder = next((c for c in noun.children if c.dep_ == "poss"), None)
    if holder is None:
        # "the Sanders claim to ...": a name compounded onto the noun holds it too.
        holder = next((c for c in noun.children if c.dep_ == "compound" and c.pos_ == "PROPN" and c.i < noun.i), None)
    clause = next((c for c in noun.children if c.i > noun.i and (
        c.dep_ in ("acl", "ccomp") and any(g.dep_ == "mark" and g.lower_ == "that" for g in c.children)
        or c.dep_ == "acl" and any(g.dep_ == "aux" and g.lower_ == "to" and g.i < c.i for g in c.children)
        or c.dep_ == "prep" and c.lower_ in ("for", "on", "about", "against", "of", "to"))), None)
    if clause is None or holder is None and clause.dep_ == "prep":
        return None  # "complaints that ..." is annotated without a holder; "support for X" alone is no attribution
    toks = sorted(clause.subtree, key=lambda t: t.i)
    if clause.dep_ == "prep":
        toks = toks[1:]
    if len(toks) < 2:
        return None
    src = sorted(holder.subtree, key=lambda t: t.i) if holder is not None else []
    src = [t for t in src if t.dep_ != "case"] or src
    # Like "according to", the cue is a single word that no coordination or addressee rule applies to.
    return _Draft(noun, "nominal", holder, src, [_trim(text, *_char_span(toks))], False, True, according=True)


def _add_broad_drafts(doc: Doc, quotes, cues: list[tuple[Token, str]], drafts: dict[int, _Draft]) -> None:
    """The broad profile's constructions beyond cue verbs with a subject (steps 3b to 4j, in this order)."""
    text = doc_text(doc)
    # 3b. The parser lost the subject of a finite speech verb ("About 4 in 10 say they ...", "... and
    #     more than half said ..."): the noun phrase just before the verb, the rest of the sentence after it.
    for verb, base in cues:
        if verb.i not in drafts and base in _IT_SPEAKS and verb.tag_ in ("VBD", "VBZ", "VBP") \
                and _subject(verb) is None:
            d = _surface_draft(text, verb, base)
            if d is not None:
                drafts[verb.i] = d

    # 4a. Headline style 'Name: words' ("Milbank: Republicans waving the flag of surrender").
    for sent in _sents(doc).spans:
        d = _colon_draft(text, sent, quotes)
        if d is not None:
            drafts[d.verb.i] = d

    # 4b. Title-case headlines the tagger reads as one long name ("Maher Tells Guest Violence Is ...").
    for d in _headline_drafts(doc, quotes, drafts):
        drafts[d.verb.i] = d

    # 4c. Nominal cues: "Trump's claim that ...", "his call for ...", "her decision to ...", "complaints that ...".
    for noun in doc:
        if noun.lower_ in _NOMINAL_CUES and noun.pos_ == "NOUN" and _in_spans(noun.idx, quotes) is None:
            d = _nominal_draft(text, noun)
            if d is not None:
                drafts[noun.i] = d

    # 4d. Passives and "Asked ..." with the holder left out or in a by-phrase.
    for verb, base in cues:
        if verb.i not in drafts:
            d = _passive_draft(text, verb, base) or _agent_draft(text, verb, base)
            if d is not None:
                drafts[verb.i] = d

    # 4e. "in the latest poll, X leads": a document or poll as the holder of the clause it frames.
    cue_verbs = {v.i for v, _ in cues}
    for prep in doc:
        if prep.lower_ in ("in", "by") and prep.dep_ == "prep" and prep.i not in drafts \
                and prep.head.i not in cue_verbs and _in_spans(prep.idx, quotes) is None:
            d = _document_draft(text, prep)
            if d is not None:
                drafts[prep.i] = d

    # 4f. "X is skeptical of Y", "X was quick to note ...": a copula with an attitude adjective.
    for adj in doc:
        if adj.i not in drafts and _in_spans(adj.idx, quotes) is None:
            d = _adjective_draft(text, adj)
            if d is not None:
                drafts[adj.i] = d

    # 4g. Verbs of emotion: "That rattled Rubio", "voters angered by the ruling" (the experiencer holds it).
    for verb in doc:
        if verb.lower_ in _EMOTION_FORMS and verb.i not in drafts and _in_spans(verb.idx, quotes) is None:
            d = _emotion_draft(text, verb)
            if d is not None:
                drafts[verb.i] = d

    # 4h. A verb with a nominal cue as its object: "took a swipe at X", "made no mention of X".
    for verb in doc:
        if verb.pos_ == "VERB" and verb.i not in drafts and _in_spans(verb.idx, quotes) is None:
            d = _light_verb_draft(text, verb)
            if d is not None:
                drafts[verb.i] = d

    # 4i. Evidentials: "Carson seems to recognize ...", "It appears that ...": no holder; the subject is content.
    for verb, base in cues:
        if base in _EVIDENTIALS and not (verb.i in drafts and drafts[verb.i].kind == "designation"):
            d = _evidential_draft(text, verb, base)
            if d is not None:
                drafts[verb.i] = d

    # 4j. Hearsay adverbs: "The group is reportedly spending $1.5 million": no holder, the clause is content.
    for adv in doc:
        if adv.lower_ in _HEARSAY_ADVERBS and adv.dep_ == "advmod" and adv.i not in drafts \
                and adv.head.pos_ in ("VERB", "AUX") and adv.head.i not in drafts \
                and _in_spans(adv.idx, quotes) is None:
            pieces = _pieces_around(text, sorted(adv.head.subtree, key=lambda t: t.i), {adv.i})
            if sum(len(text[a:b].split()) for a, b in pieces) >= 3:
                drafts[adv.i] = _Draft(adv, "hearsay", None, [], pieces, False, True, according=True)


# Speech verbs whose reports PolNeAR annotates inside another attribution's content too; nested
# attitudes ("want", "support") inside reported clauses mostly are not annotated.
_NESTED_BASES = {b for b in _BASE_VERBS if b not in _CLAUSE_ONLY and b not in _DESIGNATION_VERBS} | {"according"}


# Cues PolNeAR annotates in the passive, with or without a by-phrase ("is expected to", "was asked").
_PASSIVE_BASES = {"say", "report", "expect", "believe", "know", "think", "consider", "see", "ask", "announce",
                  "estimate", "project", "deem", "tell", "describe", "call", "criticise", "criticize", "name",
                  "quote", "question", "accuse", "allege", "rumor", "rumour"}


def _headline_drafts(doc: Doc, quotes, drafts: dict[int, _Draft]) -> list[_Draft]:
    """'Another GOP Figure Endorses Hillary Clinton.': name, capitalised cue verb, what it is about."""
    text = doc_text(doc)
    out = []
    for m in re.finditer(r"[^\n]+", text):
        line = m.group()
        words = [w for w in line.split() if w[:1].isalpha()]
        if not 3 <= len(words) <= 25 or sum(w[0].isupper() for w in words) < 0.8 * len(words):
            continue
        toks = [t for t in doc.char_span(m.start(), m.end(), alignment_mode="expand") if not t.is_space]
        if any(t.i in drafts for t in toks):
            continue
        for k, tok in enumerate(toks[1:9], 1):
            base = _VERB_FORMS.get(tok.lower_) or _ATTITUDE_FORMS.get(tok.lower_)
            if base is None or not tok.text[:1].isupper() or tok.lower_.endswith("ing") or _in_spans(tok.idx, quotes):
                continue
            src = toks[:k]
            rest = [t for t in toks[k + 1:] if not (t.is_punct and t.i == toks[-1].i)]
            if len(rest) >= 2 and all(t.pos_ in ("PROPN", "NOUN", "ADJ", "NUM", "DET", "PART", "PUNCT") for t in src):
                out.append(_Draft(tok, base, src[-1], src, [_trim(text, *_char_span(rest))], False, True))
            break
    return out


def _drop_described_holders(drafts: list[_Draft]) -> list[_Draft]:
    """Drop an attitude in a relative clause inside another draft's source phrase.

    "Burr, a Republican who has embraced Trump, acknowledged ...": PolNeAR's source is the whole
    phrase, and the attitude that describes the speaker is mostly not annotated as an attribution
    of its own (on PolNeAR train, under half of them are); speech verbs there ("who told ...") are kept.
    """
    holders = [(d.verb.i, {t.i for t in d.subj.subtree} - {d.subj.i})
               for d in drafts if d.subj is not None and d.source_toks]
    return [d for d in drafts if not (
        d.verb.dep_ == "relcl" and d.base not in _NESTED_BASES
        and any(d.verb.i in phrase and v != d.verb.i for v, phrase in holders))]


def _drop_echoes(drafts: list[_Draft]) -> list[_Draft]:
    """Drop a nominal or colon cue whose content another cue already has.

    "took his criticism to X" fires both the light verb and the noun, "said in a statement that ..."
    both the verb and the noun; PolNeAR has one attribution there, with the verbal cue.
    """
    verbal = {tuple(sorted(d.pieces)) for d in drafts if d.base not in ("nominal", "colon")}
    return [d for d in drafts if d.base not in ("nominal", "colon") or tuple(sorted(d.pieces)) not in verbal]


def _share_repeated_sources(drafts: list[_Draft]) -> None:
    """Mark every draft whose source phrase an earlier draft already has as sharing it.

    "..., he said, citing ...", "X wants to say ...": PolNeAR annotates a source span once however
    many cues it holds, as with coordinated cues; the speaker is still resolved for each.
    """
    seen: set[tuple[int, int]] = set()
    for d in sorted(drafts, key=lambda d: d.verb.i):
        if not d.source_toks or d.shared_source:
            continue
        span = _char_span(d.source_toks)
        d.shared_source = span in seen
        seen.add(span)


def _preceding_report(text: str, verb: Token, d: _Draft, quotes, consumed) -> list[tuple[int, int]]:
    """What a sentence-final report refers back to (broad profile).

    'Avery remains committed, his aide, Tom Reyes, told the Post.' (the parser coordinates the
    report with the clause before it), 'As Clyburn noted, voters will ...' (the host clause), and
    '"Who knows?" Trump asked.' (the sentence splitter cut the quote off: the report is the quote
    that ends just before its sentence).
    """
    doc = verb.doc
    sent = _sents(doc).of(verb)
    if d.source_toks and d.source_toks[0].i == sent.start and verb.dep_ == "ROOT":
        before = [q for q in quotes if q[1] <= sent.start_char and q not in consumed
                  and not re.sub(r"[\s\"“”'’.,?!]", "", text[q[1]:sent.start_char])]
        if before:
            return [before[-1]]
    if _as_clause(verb):
        own = {t.i for t in verb.subtree}
        host = [t for t in sorted(verb.head.subtree, key=lambda t: t.i) if t.i not in own]
        return [p for p in _pieces_around(text, host, set()) if len(text[p[0]:p[1]].split()) >= 3]
    if not d.source_toks or verb.dep_ not in ("conj", "ROOT"):
        return []
    first = d.source_toks[0].i
    if first - 1 <= sent.start or doc[first - 1].text != "," or any(c.dep_ == "cc" for c in verb.children):
        return []
    span = _trim(text, sent.start_char, doc[first - 1].idx)
    return [span] if len(text[span[0]:span[1]].split()) >= 3 else []


def _pieces_around(text: str, toks: list[Token], skip: set[int]) -> list[tuple[int, int]]:
    """Contiguous runs of ``toks`` (sorted) without the tokens in ``skip``, as trimmed char spans."""
    runs: list[list[Token]] = []
    for t in toks:
        if t.i in skip:
            continue
        if not runs or runs[-1][-1].i != t.i - 1:
            runs.append([])
        runs[-1].append(t)
    spans = [_trim(text, *_char_span(r)) for r in runs if r and not all(t.is_punct for t in r)]
    return [p for p in spans if p[1] > p[0]]


def _passive_draft(text: str, verb: Token, base: str) -> _Draft | None:
    """'Obama is expected to join ...', 'it was reported that ...', 'Asked whether ..., she said'.

    The content is the passive subject plus the clause (or, for "it", the clause alone); the
    source is the by-phrase agent, or none: PolNeAR annotates these source-less.
    """
    if verb.tag_ != "VBN":
        return None
    subj = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
    if base not in _PASSIVE_BASES:
        return _plain_passive_draft(text, verb, base, subj)
    asked = subj is None and base == "ask" and verb.dep_ in ("advcl", "ROOT") and not any(
        c.dep_ in ("nsubj", "aux", "auxpass") for c in verb.children)
    if subj is None and not asked:
        return None
    clause = [c for c in verb.children if c.i > verb.i and (
        c.dep_ in ("xcomp", "ccomp") or c.dep_ == "prep" and c.lower_ in ("about", "as", "for", "to") and base != "tell")]
    if not clause:
        return None
    toks = [t for c in clause for t in c.subtree]
    if subj is not None and subj.lower_ not in ("it", "this", "that", "there"):
        toks += list(subj.subtree)
    agent = next((c for c in verb.children if c.dep_ == "agent"), None)
    skip = {t.i for t in agent.subtree} if agent is not None else set()
    pieces = _pieces_around(text, sorted(toks, key=lambda t: t.i), skip | {t.i for t in _cue_tokens(verb)})
    if not pieces or sum(len(text[a:b].split()) for a, b in pieces) < 2:
        return None
    holder = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
    src = _speaker_tokens(holder) if holder is not None else []
    return _Draft(verb, base, holder, src, pieces, False, True)


_EVIDENTIALS = {"seem", "appear", "sound"}
_HEARSAY_ADVERBS = {"reportedly", "allegedly", "purportedly", "reputedly", "seemingly", "ostensibly", "supposedly"}


def _evidential_draft(text: str, verb: Token, base: str) -> _Draft | None:
    """'Carson seems to recognize his problem': no source (an evidential); subject and complement are content."""
    comp = [c for c in verb.children if c.i > verb.i and (c.dep_ in ("xcomp", "ccomp", "acomp", "attr", "oprd")
                                                      or c.dep_ == "prep" and c.lower_ == "like")]
    if not comp:
        return None
    subj = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "expl")), None)
    toks = [t for c in comp for t in c.subtree]
    if subj is not None and subj.lower_ not in ("it", "there") and subj.dep_ != "expl":
        toks += list(subj.subtree)
    pieces = _pieces_around(text, sorted(toks, key=lambda t: t.i), set())
    if not pieces:
        return None
    return _Draft(verb, base, None, [], pieces, False, True)


# Passive subjects that stand for something else ("it was reported that ...", "a plan which was opposed").
_PLACEHOLDER_SUBJECTS = {"it", "this", "that", "there", "which", "who"}


def _as_clause(verb: Token) -> bool:
    """'as X noted', 'as reported by X': a subordinate verb that frames its host clause."""
    return verb.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ == "as" for c in verb.children)


def _agent_draft(text: str, verb: Token, base: str) -> _Draft | None:
    """Any cue in the passive with a by-phrase: 'Kasich, endorsed by the Globe', 'a plan opposed by unions'.

    The holder is the agent; the content is the passive subject or, for a participle, the noun it modifies,
    or, in 'As reported by the Globe, X ...', the clause the as-phrase frames.
    """
    agent = next((c for c in verb.children if c.dep_ == "agent"), None)
    holder = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
    if verb.tag_ != "VBN" or holder is None:
        return None
    subj = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
    if subj is not None:
        toks = list(subj.subtree)
    elif verb.dep_ == "acl" and verb.head.pos_ in ("NOUN", "PROPN", "PRON") or _as_clause(verb):
        own = {t.i for t in verb.subtree}
        toks = [t for t in verb.head.subtree if t.i not in own]  # the noun it modifies, or the framed clause
    else:
        return None
    if subj is not None and subj.lower_ in _PLACEHOLDER_SUBJECTS:
        return None
    pieces = _pieces_around(text, sorted(toks, key=lambda t: t.i), set())
    if not pieces:
        return None
    return _Draft(verb, base, holder, _speaker_tokens(holder), pieces, False, True)


def _plain_passive_draft(text: str, verb: Token, base: str, subj: Token | None) -> _Draft | None:
    """'Clinton was booed', 'the plan was criticized as reckless': the passive subject (and any clause) is content."""
    if subj is None or subj.lower_ in _PLACEHOLDER_SUBJECTS \
            or any(c.dep_ == "agent" for c in verb.children):
        return None  # with a by-phrase, the agent is the source (see _agent_draft)
    clauses = {t.i for c in subj.subtree if c.dep_ in ("relcl", "acl") for t in c.subtree}
    toks = [t for t in subj.subtree if t.i not in clauses] + [t for c in verb.children if c.i > verb.i and (
        c.dep_ in ("xcomp", "ccomp", "oprd") or c.dep_ == "prep" and c.lower_ in ("as", "for", "about"))
        for t in c.subtree]
    pieces = _pieces_around(text, sorted(toks, key=lambda t: t.i), {t.i for t in _cue_tokens(verb)})
    if not pieces:
        return None
    return _Draft(verb, base, None, [], pieces, False, True)


# Holders that "in ..." introduces as the source of a clause ("in the poll, Kasich was at 25 percent");
# with statements, interviews and reports it is mostly a circumstance, not annotated.
# Plurals ("trails in the polls", "in national polls") are the polls in general and mostly not annotated.
_DOCUMENT_NOUNS = {"poll", "survey"}


# "in Forbes' words", "by the AP's tally": a possessor's view as the frame of a clause.
_VIEW_NOUNS = {
    "in": {"words", "view", "opinion", "eyes", "estimation", "judgment", "judgement", "mind", "telling", "account",
           "reading", "assessment", "analysis"},
    "by": {"tally", "count", "estimate", "estimates", "account", "accounts", "argument", "measure", "measures",
           "standard", "standards", "calculation", "calculations", "reckoning", "logic", "admission"},
}


def _document_draft(text: str, prep: Token) -> _Draft | None:
    pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
    if pobj is None:
        return None
    holder = pobj
    if pobj.lower_ in _VIEW_NOUNS.get(prep.lower_, ()):
        holder = next((c for c in pobj.children if c.dep_ == "poss"), None)
        if holder is None:
            return None
    elif prep.lower_ != "in" or pobj.lower_ not in _DOCUMENT_NOUNS:
        return None
    host = prep.head
    if host.pos_ in ("NOUN", "PROPN") and host.dep_ in ("dobj", "attr") and host.head.pos_ in ("VERB", "AUX"):
        host = host.head  # "Trump has a decisive lead in the polls"
    if host.pos_ not in ("VERB", "AUX"):
        return None
    own = {t.i for t in prep.subtree}
    pieces = _pieces_around(text, sorted(host.subtree, key=lambda t: t.i), own)
    if sum(len(text[a:b].split()) for a, b in pieces) < 3:
        return None
    if holder is pobj:
        src = _speaker_tokens(pobj)
    else:
        src = [t for t in sorted(holder.subtree, key=lambda t: t.i) if t.dep_ != "case"]
    return _Draft(prep, "in", holder, src, pieces, False, True, according=True)


# Adjectives of attitude that PolNeAR annotates with their copula as a cue ("are optimistic that ...",
# "was critical of ..."): on PolNeAR train, in a cue in about half or more of their predicative uses.
_ATTITUDE_ADJECTIVES = {
    "quick", "eager", "critical", "aware", "worried", "confident", "hopeful", "concerned", "skeptical",
    "sceptical", "proud", "reluctant", "upset", "adamant", "impressed", "inclined", "optimistic", "pessimistic",
    "glad", "enamored", "enamoured", "devoted", "pleased", "vocal", "wary", "supportive", "frustrated",
    "outspoken", "outraged", "unanimous", "shocked", "upbeat", "unhappy", "convinced", "keen", "opposed",
    "disappointed", "furious", "doubtful", "dismissive", "grateful", "thankful", "fond", "appreciative",
    "horrified", "dismayed", "troubled", "puzzled", "alarmed", "angered", "thrilled", "delighted", "annoyed",
    "irritated", "offended", "stunned", "embarrassed", "baffled", "disgusted", "appalled", "excited",
}
_COPULAS = {"be", "is", "are", "was", "were", "been", "being", "am", "'s", "’s", "'re", "’re", "'m", "’m",
            "seem", "seems", "seemed", "remain", "remains", "remained", "appear", "appears", "appeared",
            "become", "becomes", "became", "sound", "sounds", "sounded", "feel", "feels", "felt"}


def _adjective_draft(text: str, adj: Token) -> _Draft | None:
    """'Voters are skeptical of the plan': source the copula's subject, content what the adjective governs."""
    cop = adj.head
    if adj.dep_ != "acomp" or adj.lower_ not in _ATTITUDE_ADJECTIVES or cop.lower_ not in _COPULAS:
        return None
    subj = _subject(cop)
    if subj is None or subj.lower_ in ("it", "that", "this", "there", "what"):
        return None
    comp = [c for c in adj.children if c.i > adj.i and c.dep_ in ("prep", "xcomp", "ccomp", "advcl")]
    if not comp:
        comp = [c for c in cop.children
                if c.i > adj.i and c.dep_ in ("prep", "xcomp", "ccomp") and not _is_circumstance(c)]
    if not comp:
        return None
    first = comp[0]
    reports = first.lower_ in _VERB_FORMS or first.lower_ in _ATTITUDE_FORMS
    if adj.lower_ == "quick" and (first.dep_ != "xcomp" or not reports):
        return None  # "was quick to point out" is an attribution, "was quick to rust" is not
    toks = sorted(first.subtree, key=lambda t: t.i)
    cue = _cue_tokens(cop) + [t for t in _modifiers_between(cop, adj)] + [adj]
    if first.dep_ == "prep":
        cue.append(first)  # "critical of": the preposition belongs to the cue, its object is the content
        toks = toks[1:]
    if len(toks) < 1:
        return None
    relative = _relative_subject(cop)
    if relative is not None:
        subj = cop.head
    cue = sorted({t.i: t for t in cue}.values(), key=lambda t: t.i)
    return _Draft(adj, "adjective", subj, [relative] if relative is not None else _speaker_tokens(subj),
                  [_trim(text, *_char_span(toks))], False, True, cue_toks=cue)


# Verbs whose object (or passive subject) holds the attitude and whose subject (or agent) is what it is about.
_EMOTION_VERBS = ("anger", "rattle", "alarm", "horrify", "infuriate", "startle", "thrill", "trouble", "puzzle",
                  "dismay", "disappoint", "exasperate", "intrigue", "impress", "unsettle", "mystify", "frustrate",
                  "outrage", "delight", "irritate", "annoy", "offend", "stun", "enrage", "bother", "embarrass",
                  "baffle", "disgust", "appal", "appall", "scare", "frighten", "excite", "inspire",
                  "energize", "energise", "alienate", "reassure")
_EMOTION_FORMS = {f: b for b in _EMOTION_VERBS for f in _forms(b, {
    "horrify": ("horrifies", "horrified"), "mystify": ("mystifies", "mystified"), "appal": ("appals", "appalled"),
    "stun": ("stunned", "stunning"), "trouble": (), "puzzle": ()}.get(b, ())) - {b}}


def _emotion_draft(text: str, verb: Token) -> _Draft | None:
    """'That rattled Rubio' (source Rubio, content That); 'voters angered by the ruling' (source voters)."""
    agent = next((c for c in verb.children if c.dep_ == "agent"), None)
    if verb.tag_ == "VBN" and agent is not None:
        stim = next((c for c in agent.children if c.dep_ == "pobj"), None)
        holder = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
        if holder is None and verb.dep_ == "acl" and verb.head.pos_ in ("NOUN", "PROPN"):
            holder = verb.head
    elif verb.tag_ != "VBN" or not any(c.dep_ == "auxpass" for c in verb.children):
        stim = _subject(verb)
        holder = next((c for c in verb.children if c.dep_ == "dobj" and c.i > verb.i), None)
    else:
        return None
    if stim is None or holder is None or holder.lower_ in ("it", "that", "which", "who"):
        return None
    if stim.lower_ in ("which", "who", "that") and verb.dep_ == "relcl":
        stim = verb.head  # "fumbles that rattled supporters"
    own = {t.i for t in verb.subtree}
    toks = sorted((t for t in stim.subtree if stim.i in own or t.i not in own), key=lambda t: t.i)
    pieces = _pieces_around(text, toks, {t.i for t in _speaker_tokens(holder)})
    if not pieces:
        return None
    return _Draft(verb, "emotion", holder, _speaker_tokens(holder), pieces, False, True)


# Object nouns that turn any verb into a cue ("took a shot at", "voiced doubts about"), besides the nominal cues.
_LIGHT_NOUNS = {"shot", "shots", "swipe", "swipes", "jab", "jabs", "dig", "digs", "aim", "questions", "case",
                "stand", "criticism", "mention", "allegation", "allegations", "statements", "remarks", "note",
                "issue", "exception", "objection", "objections", "doubt", "doubts", "pitch", "appeal", "plea"}
_LIGHT_PREPS = {"at", "on", "about", "against", "of", "for", "to", "over", "with"}


def _light_verb_draft(text: str, verb: Token) -> _Draft | None:
    """'X took a swipe at Y': verb, object and preposition are the cue, the prepositional object the content.

    Not an infinitive under another verb ("forced to face the criticism of", "left to pursue his passion
    for"): on PolNeAR train under a fifth of those are annotated.
    """
    if verb.tag_ == "VB" and verb.dep_ == "xcomp":
        return None
    obj = next((c for c in verb.children if c.dep_ == "dobj" and c.i > verb.i), None)
    if obj is None or obj.lower_ not in _LIGHT_NOUNS and obj.lower_ not in _NOMINAL_CUES or obj.i - verb.i > 5:
        return None
    prep = next((c for c in list(obj.children) + list(verb.children)
                 if c.dep_ == "prep" and c.lower_ in _LIGHT_PREPS and c.i > obj.i), None)
    pobj = next((c for c in prep.children if c.dep_ in ("pobj", "pcomp")), None) if prep is not None else None
    subj = _subject(verb)
    if pobj is None or subj is None or subj.lower_ in ("it", "that", "this", "there", "what"):
        return None
    relative = _relative_subject(verb)
    if relative is not None:
        subj = verb.head
    toks = sorted(pobj.subtree, key=lambda t: t.i)
    cue = _cue_tokens(verb) + list(verb.doc[verb.i + 1:prep.i + 1])
    cue = sorted({t.i: t for t in cue}.values(), key=lambda t: t.i)
    return _Draft(verb, "light", subj, [relative] if relative is not None else _speaker_tokens(subj),
                  [_trim(text, *_char_span(toks))], False, True, cue_toks=cue)


def _modifiers_between(cop: Token, adj: Token) -> list[Token]:
    """Adverbs between the copula and the adjective ("are deeply skeptical")."""
    return [t for t in adj.doc[cop.i + 1:adj.i] if t.dep_ in ("advmod", "neg") and t.head.i in (adj.i, cop.i)]


_LEFT_NP_POS = {"NUM", "NOUN", "PROPN", "ADJ", "DET", "PRON", "PART"}


def _surface_draft(text: str, verb: Token, base: str) -> _Draft | None:
    """A draft from word order alone, for a speech verb whose subject the parse did not attach."""
    doc = verb.doc
    sent = _sents(doc).of(verb)
    i = verb.i - 1
    while i >= sent.start and (doc[i].pos_ in _LEFT_NP_POS or doc[i].lower_ in ("in", "of", "-") and i > sent.start):
        i -= 1
    src = [t for t in doc[i + 1:verb.i]]
    while src and src[0].pos_ in ("ADP", "PART"):
        src.pop(0)
    if not src or not any(t.pos_ in ("NOUN", "PROPN", "NUM", "PRON") for t in src) or len(src) > 8:
        return None
    rest = [t for t in doc[verb.i + 1:sent.end] if not (t.is_punct and t.i == sent.end - 1)]
    if len(rest) < 3 or not any(t.pos_ in ("VERB", "AUX") for t in rest):
        return None
    span = _trim(text, *_char_span(rest))
    return _Draft(verb, base, src[-1], src, [span], False, True)


def _nested_report(d: _Draft) -> bool:
    """'according to X' and participle reports (", saying ...") nested in another content."""
    return d.base == "according" or d.base in _NESTED_BASES and d.verb.tag_ == "VBG" and d.kind != "designation"


def _cut_before_nested_cues(text: str, drafts: list[_Draft]) -> None:
    """End a content piece where a participle report hanging off its own cue begins.

    In 'X criticised the plan, saying it would fail' the "saying" clause is its own attribution,
    not part of what "criticised" is about.
    """
    for inner in drafts:
        if inner.verb.dep_ not in ("advcl", "conj") or inner.according:
            continue
        outer = next((d for d in drafts if d.verb.i == inner.verb.head.i), None)
        if outer is None:
            continue
        lo = min(t.idx for t in inner.verb.subtree)
        for k, (a, b) in enumerate(outer.pieces):
            if a < lo < b:
                cut = _trim(text, a, lo)
                if cut[1] - cut[0] >= 3:
                    outer.pieces[k] = cut


# Nouns that report what their possessor said or holds ("Trump's claim that ...").
_NOMINAL_CUES = {
    "claim", "claims", "statement", "statements", "remarks", "comments", "comment", "warning", "suggestion",
    "assertion", "argument", "promise", "pledge", "call", "calls", "criticism", "belief", "view", "views",
    "prediction", "proposal", "announcement", "accusation", "accusations", "allegation", "allegations",
    "insistence", "demand", "demands", "vow", "threat", "denial", "admission", "opinion", "position", "stance",
    "message", "support", "opposition", "plan", "plans", "hope", "hopes", "fear", "fears", "concern", "concerns",
    "endorsement", "praise", "attack", "attacks", "answer", "assessment", "vision",
    # Mined from PolNeAR train (in a cue in about 40% or more of their uses).
    "doubt", "doubts", "mention", "complaint", "complaints", "understanding", "assumption", "assertions",
    "inclination", "passion", "embrace", "assurance", "assurances", "blame", "disagreement", "disagreements",
    "reluctance", "reference", "references", "pledges", "condolences", "admiration", "implication", "reply",
    "query", "queries", "worry", "worries", "decision", "request", "requests", "refusal", "desire", "intention",
    "suggestions", "predictions", "promises", "vows", "threats", "warnings", "denials",
}
# Headline rubrics that end in a colon but name no speaker.
_HEADLINE_LABELS = {
    "note", "update", "updated", "editor", "editor's", "watch", "video", "photos", "live", "breaking",
    "exclusive", "analysis", "opinion", "review", "correction", "read", "related",
    "latest", "contributing", "name", "revealed", "leaked", "email", "newsletter",
}


def _named_subject(verb: Token) -> bool:
    """An attitude counts as an attribution only when someone identifiable holds it."""
    subj = _subject(verb)
    if subj is None:
        return False
    if subj.pos_ == "PROPN":
        return True
    return subj.pos_ == "PRON" and subj.lower_ in ("he", "she", "they", "i", "we")


def _contiguous_obj(obj: Token, stop: int) -> list[Token]:
    toks = [t for t in sorted(obj.subtree, key=lambda t: t.i) if t.idx < stop and not t.is_punct]
    return toks or [obj]

"""Which words are speech cues beyond the lexicon's verbs: phrasal acts ("hit out at"), verbs of going on that tag
a quote ('"...," he continued'), issuing and renewing verbs with an act or claim noun ("issued a warning",
"renewed allegations"), speech-only verbs and prepositional cues ("spoke of", "pointed to")."""
from __future__ import annotations

import re

from spacy.tokens import Token

from .lexicon import _forms, _spelled_forms
from .syntax import _in_spans, _subject

# Phrasal speech acts: (verb forms, the particle or object noun they need, the preposition before the
# target) and the act each stands for. "hit out at" without "out" is a strike, not a statement.
_PHRASAL_ACTS = (
    (("hit", "hits", "hitting"), ("out", "back"), ("at",), "criticise"),
    (("lash", "lashed", "lashes", "lashing"), ("out",), ("at", "against"), "criticise"),
    (("take", "took", "takes", "taking", "taken"), ("issue",), ("with",), "criticise"),
    (("take", "took", "takes", "taking", "taken"), ("aim",), ("at",), "criticise"),
    (("take", "took", "takes", "taking", "taken"), ("exception",), ("to",), "criticise"),
    (("rail", "railed", "rails", "railing"), (), ("against",), "criticise"),
    (("speak", "spoke", "speaks", "speaking", "spoken"), ("out",), ("against",), "criticise"),
    (("push", "pushed", "pushes", "pushing"), ("back",), ("against", "on"), "reject"),
    (("come", "came", "comes", "coming"), ("out",), ("against",), "criticise"),
    (("side", "sided", "sides", "siding"), (), ("with",), "endorse"),
    (("throw", "threw", "throws", "throwing", "thrown"), ("support", "weight"), ("behind",), "endorse"),
    (("speak", "spoke", "speaks", "speaking", "spoken"), ("highly",), ("of",), "praise"),
    (("extend", "extended", "extends", "extending"), ("branch",), ("to",), "welcome"),
)
_PHRASAL_FORMS = {form for forms, *_ in _PHRASAL_ACTS for form in forms}


def _phrasal_act(verb: Token) -> tuple[str, list[Token]] | None:
    """(the act, its words after the verb) when ``verb`` heads one of ``_PHRASAL_ACTS`` with an object
    after the preposition ("lashed out at Cairo"); None otherwise."""
    if verb.pos_ != "VERB" or verb.lower_ not in _PHRASAL_FORMS:
        return None
    for forms, middles, preps, act in _PHRASAL_ACTS:
        if verb.lower_ not in forms:
            continue
        middle = next((c for c in verb.children if c.i > verb.i and c.lower_ in middles
                       and c.dep_ in ("prt", "dobj", "advmod", "prep")), None)
        if middles and middle is None:
            continue
        hosts = [verb] + ([middle] if middle is not None else [])
        prep = next((c for h in hosts for c in h.children if c.dep_ in ("prep", "dative") and c.lower_ in preps
                     and c.i > verb.i and any(g.dep_ in ("pobj", "pcomp") for g in c.children)), None)
        if prep is not None and (middle is None or middle.i < prep.i):
            return act, [t for t in (middle, prep) if t is not None]
    return None


_SPEAK_FORMS = {"spoke", "speaks", "speaking"}
_CONTINUE_FORMS = {"continued", "continues", "went", "goes"}


def _continues_a_quote(tok: Token, quotes: list[tuple[int, int]], text: str) -> bool:
    """'"...," he continued.' or 'He went on: "..."': a verb of going on that tags a quote right beside it,
    with nothing of its own to go on with ("continued to press", "went on a tour" are no speech)."""
    if tok.lower_ not in _CONTINUE_FORMS or tok.pos_ != "VERB":
        return False
    if tok.lower_ in ("went", "goes") and not any(c.dep_ == "prt" and c.lower_ == "on" for c in tok.children):
        return False
    if any(c.dep_ in ("dobj", "xcomp", "prep", "acomp", "attr") and c.lower_ != "on"
           or c.dep_ == "ccomp" and _in_spans(c.idx, quotes) is None for c in tok.children):
        return False
    before = [q for q in quotes if q[1] <= tok.idx and not re.sub(r"[\s\"“”'‘’,]|\w+", "", text[q[1]:tok.idx])
              and tok.idx - q[1] < 40]
    end = tok.idx + len(tok.text)
    after = [q for q in quotes if q[0] >= end and re.fullmatch(r"(?:\s+on)?\s*:\s*[\"“]?\s*", text[end:q[0]])]
    return bool(before or after)


_POINT_FORMS = {"pointed", "points", "pointing"}
_PREP_CONTENT = {"speak": "of", "point": "to"}  # the preposition whose object is what was said
_ISSUING_FORMS = {"issued", "issues", "issuing", "lodged", "lodges", "lodging", "sent", "sends", "sending",
                  "delivered", "delivers", "delivering", "filed", "files", "filing", "presented", "presents",
                  "presenting", "registered", "registers", "registering"}
# Nouns of speech acts that an issuing verb carries, as the act verb they stand for.
_ACT_NOUNS = {"warning": "warn", "warnings": "warn", "condemnation": "condemn", "protest": "protest",
              "protests": "protest", "appeal": "appeal", "plea": "appeal", "rebuke": "rebuke", "threat": "threaten",
              "ultimatum": "threaten", "message": "convey", "congratulations": "congratulate",
              "condolences": "convey", "reprimand": "reprimand", "demand": "demand", "demands": "demand"}
# Verbs that make a claim again, or make it at all, when their object is a claim noun with its content.
_RENEWING_FORMS = {f for b in ("repeat", "renew", "restate", "make", "level", "echo", "air")
                   for f in _forms(b, ("made", "making") if b == "make" else ()) | _spelled_forms(b)} | {
                   "levelled", "levelling"}
_CLAIM_NOUNS = {"claim": "claim", "claims": "claim", "allegation": "claim", "allegations": "claim",
                "assertion": "claim", "assertions": "claim", "accusation": "accuse", "accusations": "accuse",
                "charge": "accuse", "charges": "accuse", "warning": "warn", "warnings": "warn",
                "threat": "threaten", "threats": "threaten", "demand": "demand", "demands": "demand"}
# Speech verbs the speech profile reads like "say" (the broad profile has them among its attitudes).
_SPEECH_ONLY_FORMS = {f: b for b in ("lament", "remark", "assure", "reassure", "inform", "comment", "recount",
                                     "retort", "boast", "lecture", "clarify")
                      for f in _forms(b, ()) | _spelled_forms(b)}


def _quote_opens_with(verb: Token, quotes, text: str) -> bool:
    """'X, in its statement, "warned of ..."': the quote's first word is a finite cue verb whose subject
    stands before the quote, outside it."""
    q = _in_spans(verb.idx, quotes)
    if q is None or text[q[0]:verb.idx].strip() or verb.tag_ not in ("VBD", "VBZ", "VBP"):
        return False
    subj = _subject(verb)
    return subj is not None and subj.idx < q[0] - 1 and _in_spans(subj.idx, quotes) is None

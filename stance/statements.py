"""Article -> Statement: who said what, found with spaCy's parse plus regex quote spans.

Three kinds of statement are extracted:

* ``direct``: quoted speech tied to a cue ('"...," he said', 'X said: "..."', quotes that run
  over several sentences or paragraphs);
* ``indirect``: reported speech ('X said (that) ...', 'X acknowledged talks with ...'),
  possibly mixing in partial quotes;
* ``designation``: 'X called Y "Z"', 'X described Y as Z', 'X referred to Y as Z', 'what X
  called "Z"' (its own statement, cut out of the sentence's reported speech), and
  'X said Y was "Z"' when Y is a watchlist entity and "Z" is wholly the speaker's quoted label.

Speakers are resolved to watchlist entities (``actor``) only on strong evidence: a listed
speaker valid on the article's date, an entity alias joined to an official role noun
("Iran's foreign ministry", "Kremlin spokesman"), a bare alias used as a metonym ("Tehran
said"), or a pronoun/surname that refers back to one of those. A "he"/"she" refers to the
most recent person before it who was named or spoke, unnamed speakers ("one resident", "a
volunteer") included, but never to a name inside reported content or a quote. Everyone else
keeps their name with ``actor=""``: a wrong actor is worse than none.
"""
from __future__ import annotations

import bisect
import logging
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from .records import Article, Statement
from .watchlist import Watchlist

logger = logging.getLogger(__name__)

# Bump whenever extraction output can change; downstream caches key on it.
EXTRACTOR_VERSION = "attr-6"

# spaCy components the extractor does not use: the lemmatizer is replaced by the verb-form table
# below, and the attribute ruler (slow: a matcher over every token) by a plain tag -> POS map.
UNUSED_COMPONENTS = ("lemmatizer", "attribute_ruler")
POS_COMPONENT = "stance_pos_from_tags"

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


_BE = {"be", "is", "are", "was", "were", "been", "being", "am", "'s", "'re", "'m"}

_BASE_VERBS = {
    # verb: inflected forms beyond the regular -s/-ed/-ing ones
    "say": ("says", "said", "saying"),
    "tell": ("tells", "told", "telling"),
    "warn": (),
    "acknowledge": (),
    "insist": (),
    "stress": ("stresses", "stressed", "stressing"),
    "add": (),
    "claim": (),
    "accuse": (),
    "deny": ("denies", "denied", "denying"),
    "urge": (),
    "announce": (),
    "confirm": (),
    "vow": (),
    "signal": ("signalled", "signalling"),
    "reiterate": (),
    "argue": (),
    "note": (),
    "state": (),
    "declare": (),
    "condemn": (),
    "welcome": (),
    "praise": (),
    "write": ("writes", "wrote", "written", "writing"),
    "report": (),
    "explain": (),
    "suggest": (),
    "emphasise": (),
    "emphasize": (),
    "assert": (),
    "allege": (),
    "predict": (),
    "promise": (),
    "pledge": (),
    "reply": ("replies", "replied", "replying"),
    "respond": (),
    "admit": ("admits", "admitted", "admitting"),
    "concede": (),
    "caution": (),
    "demand": (),
    "recall": (),
    "reveal": (),
    "tweet": (),
    "post": (),
    "criticise": (),
    "criticize": (),
    "blame": (),
    "dismiss": (),
    "reject": (),
    "rule": (),  # "ruled out"
    "threaten": (),
    "agree": (),
    "ask": (),
    "believe": (),
    "think": ("thinks", "thought", "thinking"),
    "complain": (),
    "maintain": (),
    "contend": (),
    "observe": (),
    "estimate": (),
    "indicate": (),
    "mention": (),
    "describe": (),
    "call": (),
    "label": ("labelled", "labeled", "labelling", "labeling"),
    "brand": (),
    "dub": ("dubbed", "dubbing"),
    "term": (),
    "refer": ("referred", "referring"),
    "characterise": (),
    "characterize": (),
    "hail": (),
    "defend": (),
    "question": (),
    "express": ("expresses", "expressed", "expressing"),
    "voice": (),
    "show": ("shows", "showed", "shown", "showing"),
    "find": ("finds", "found", "finding"),
    "conclude": (),
}
# Clause-only verbs that PolNeAR also annotates with an infinitive or these prepositions (broad profile):
# on PolNeAR train, in a cue in about half of such uses.
_OBJECT_ATTITUDES = {"agree": {"with", "on", "to"}, "like": set(), "think": {"about", "of"}, "believe": {"in"}}
# Verbs that need an explicit clause or quote to count ("show" alone is not speech).
_CLAUSE_ONLY = {"think", "believe", "show", "find", "ask", "agree", "conclude", "estimate", "indicate", "post"}
# Speech verbs that the broad profile takes with a clause only: "maintained a lead", "maintain support
# among" (on PolNeAR train a fifth of "maintain" with an object are cues; "maintained that ..." stays).
_CLAUSE_ONLY_BROAD = {"maintain"}
_DESIGNATION_VERBS = {"call", "describe", "refer", "label", "brand", "dub", "term", "characterise", "characterize"}
# Designation verbs whose bare object is not itself a statement.
_NO_OBJECT_CONTENT = {"tell", "ask", "refer", "say", "write"}


def _forms(base: str, extra: tuple[str, ...]) -> set[str]:
    if base.endswith("e"):
        regular = {base + "s", base + "d", base[:-1] + "ing"}
    else:
        regular = {base + "s", base + "ed", base + "ing"}
    return {base} | regular | set(extra)


_VERB_FORMS: dict[str, str] = {form: base for base, extra in _BASE_VERBS.items() for form in _forms(base, extra)}

# Attitudes and intentions: attributions in PolNeAR's sense, not speech ("broad" profile only).
_ATTITUDE_VERBS = (
    "want", "support", "back", "hope", "plan", "expect", "fear", "prefer", "oppose", "endorse", "seek",
    "see", "know", "feel", "thank", "mock", "propose", "favor", "favour", "vote", "worry", "doubt",
    "consider", "wonder", "insist", "recognize", "recognise", "acknowledge", "attack", "slam", "blast",
    "tout", "promote", "defend", "remind", "joke", "quip", "shout", "lament", "decry", "applaud", "cite",
    "learn", "understand", "imagine", "assume", "suspect", "trust", "like", "love", "hate",
    "seem", "appear", "endorse", "discuss", "cast", "denounce", "challenge", "echo", "offer", "decide", "refuse",
    "talk", "speak", "point", "highlight", "push", "downplay", "embrace", "celebrate",
    # Mined from PolNeAR train: verbs annotated as cues in at least about half of their uses.
    "decline", "continue", "issue", "name", "charge", "order", "assure", "identify", "repeat", "remember", "list",
    "deem", "request", "sound", "slam", "decry", "rail", "portray", "boast", "plead", "encourage", "remark",
    "answer", "disclose", "quote", "retweet", "chant", "advocate", "assail", "convince", "reference", "recommend",
    "champion", "bemoan", "liken", "apologize", "apologise", "imply", "invoke", "side", "nominate", "project",
    "title", "email",
    # Second pass over PolNeAR train (lemmas in a cue in >= 40% of their uses, seen >= 3 times); verbs
    # of emotion ("angered", "rattled") are left out: their subject is the cause, not the holder.
    "lay", "discuss", "press", "persuade", "credit", "outline", "hint", "congratulate", "attribute",
    "distance", "speculate", "detail", "recount", "rebut", "brag", "disavow", "chide", "allude", "recite",
    "pivot", "rebuke", "lash", "envision", "document", "vouch", "yell", "contrast", "dispute", "articulate",
    "lambast", "acquiesce", "brush", "clarify", "balk", "resist", "realize", "realise", "single", "contemplate",
    "spar", "rebuff", "interpret", "deride", "dislike", "broadcast", "relish", "forget", "muse", "justify",
    "judge", "inform", "dwell", "forecast", "interject", "dedicate", "cry", "elaborate", "repudiate",
    "prohibit", "reaffirm", "proclaim", "utter", "shrug", "strive", "scoff", "veto", "coin", "author",
    "opine", "mull", "lecture", "mince", "peg", "insult", "guess", "heap", "forward", "herald", "float",
    "savage", "foresee", "explore", "preach", "revile", "revere", "regret", "pronounce", "wish", "trumpet",
    "disparage", "chime", "belittle", "append", "bristle", "depict", "deflect", "convey", "empathize",
    "foreshadow", "overstate", "laud", "jab", "hesitate", "reckon", "reprise", "pounce", "profess", "refute",
    "renounce", "sum", "spell", "squabble", "ridicule", "riff", "spotlight", "taunt", "trash", "symbolize",
    "word", "witness",
    # Seen only two or three times on PolNeAR train, always or mostly in a cue, and plainly speech or stance.
    "concur", "exhort", "bark", "gush", "surmise", "scold", "satirize", "satirise", "reprimand", "poke", "needle",
    "marvel", "evince", "exclaim", "diverge", "disregard", "extol", "extoll", "excoriate", "heckle", "fume",
    "berate", "castigate", "confess", "deplore", "impugn", "jeer", "vent", "disapprove", "telegraph",
    "reminisce", "specify", "chronicle", "assess", "boo",
    # Rarer in a cue (about a third of their uses) but clear stance verbs.
    "comment", "underscore", "view", "disagree", "testify", "contradict", "reassure", "intend", "regard",
    "aim", "look", "read", "share", "paint", "care",
    # Third pass: verbs with a person subject that are cues in over two thirds of their uses on PolNeAR
    # train ("release", "publish", "present" are not: "released a statement" but "released from jail").
    "compare", "knock",
)
# Forms that are cues in under a third of their uses on PolNeAR train, unlike the lemma's other forms:
# "speaking at a rally", "continues to lead in the polls", "a planned visit" ("spoke", "continued" stay).
_WEAK_FORMS = {"speak", "speaks", "speaking", "continue", "continues", "attack", "attacks", "planned"}
# Spelling rules _forms leaves out (its speech-verb forms stay as they are): "worried", "slammed", "discusses".
_DOUBLING = {"plan", "prefer", "slam", "brag", "shrug", "regret", "concur"}


def _spelled_forms(base: str) -> set[str]:
    out = set()
    if base.endswith("y") and base[-2:-1] not in ("a", "e", "i", "o", "u"):
        out |= {base[:-1] + "ies", base[:-1] + "ied"}
    if base.endswith(("s", "sh", "ch", "x", "z")):
        out.add(base + "es")
    if base in _DOUBLING:
        out |= {base + base[-1] + "ed", base + base[-1] + "ing"}
    return out


_ATTITUDE_FORMS: dict[str, str] = {
    f: b for b in _ATTITUDE_VERBS for f in _spelled_forms(b) | _forms(b, {"see": ("saw", "seen", "sees", "seeing"), "know": ("knew", "known"),
                                                      "feel": ("felt",), "hear": ("heard",), "seek": ("sought",),
                                                      "understand": ("understood",), "speak": ("spoke", "spoken"),
                                                      "choose": ("chose", "chosen"), "decry": ("decries", "decried"),
                                                      "imply": ("implies", "implied"), "lay": ("laid",),
                                                      "forget": ("forgot", "forgotten", "forgetting"),
                                                      "forecast": (), "broadcast": (),
                                                      "foresee": ("foresaw", "foreseen"),
                                                      "rebut": ("rebutted", "rebutting"), "peg": ("pegged", "pegging"),
                                                      "spar": ("sparred", "sparring"), "jab": ("jabbed", "jabbing"),
                                                      "sum": ("summed", "summing"), "spell": ("spelt",),
                                                      "cry": ("cries", "cried"), "envision": (),
                                                      "vouch": ("vouches",), "lash": ("lashes",), "brush": ("brushes",),
                                                      "witness": ("witnesses",), "profess": ("professes",),
                                                      "press": ("presses",), "relish": ("relishes",),
                                                      "wish": ("wishes",), "preach": ("preaches",),
                                                      "bark": (), "poke": (),
                                                      "vent": (), "boo": ("boos", "booed", "booing")}.get(b, ()))
    if f not in _WEAK_FORMS
}
_CLAUSE_ONLY_ATTITUDE = {"see", "know", "feel", "hear", "learn", "understand", "imagine", "assume", "like", "love", "hate"}


PRONOUNS = {"he": "person", "she": "person", "they": "plural", "it": "thing"}

# Role nouns that make "<alias> <role>" an official voice of the entity.
ROLE_NOUNS = {
    "ministry", "minister", "ministers", "spokesman", "spokeswoman", "spokesperson", "spokespeople",
    "government", "president", "presidency", "embassy", "ambassador", "envoy", "official", "officials",
    "office", "delegation", "media", "agency", "diplomat", "diplomats", "chancellor", "premier",
    "army", "military", "forces", "leader", "leadership", "cabinet", "secretary", "department",
    "administration", "kremlin", "mission", "representative", "negotiator", "negotiators", "command",
    "commander", "statement", "regime", "authorities", "king", "emir", "prince", "parliament",
}
# Singular subjects that are bodies or documents, never the "he"/"she" of a later sentence.
_INSTITUTION_NOUNS = {
    "ministry", "government", "presidency", "embassy", "office", "delegation", "media", "agency", "army",
    "military", "leadership", "cabinet", "department", "administration", "kremlin", "mission", "command",
    "statement", "regime", "parliament", "report", "study", "survey", "poll", "group", "committee",
    "council", "court", "company", "party", "newspaper", "paper", "website", "campaign", "network",
    "organisation", "organization", "union", "bank", "institute", "centre", "center", "board", "commission",
    "panel", "state", "country", "city", "team", "coalition", "alliance", "movement", "service", "police",
    "document", "letter", "memo", "channel", "station", "magazine", "article", "book", "analysis", "force",
    "assessment", "index", "agreement", "plan", "bill", "law", "resolution", "declaration", "communique",
    "court", "firm", "body", "authority", "secretariat", "bureau", "house", "senate", "congress", "club",
}
# Modifiers that mean the person no longer speaks for the entity.
_FORMER = {"former", "ex", "ex-", "retired", "then", "erstwhile"}

_OPEN = "“\u201e«"
_CLOSE = "”»"


class _Sents:
    """Sentence look-ups for one doc; spaCy's Token.sent rescans the doc on every call."""

    def __init__(self, doc: Doc) -> None:
        self.spans = list(doc.sents)
        self.starts = [s.start for s in self.spans]
        self.char_starts = [s.start_char for s in self.spans]

    def of(self, token: Token) -> Span:
        return self.spans[bisect.bisect_right(self.starts, token.i) - 1]

    def at_char(self, pos: int) -> Span:
        return self.spans[max(0, bisect.bisect_right(self.char_starts, pos) - 1)]


_SENTS: dict[int, _Sents] = {}


def _sents(doc: Doc) -> _Sents:
    # Keyed by id(doc) and checked by identity: docs are processed one at a time.
    cached = _SENTS.get(id(doc))
    if cached is None or not cached.spans or cached.spans[0].doc is not doc:
        _SENTS.clear()
        cached = _SENTS[id(doc)] = _Sents(doc)
    return cached


# ---------------------------------------------------------------------------------------------
# Quote spans


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Character spans (inside the marks) of quotations in ``text``.

    Curly and straight double quotes both count. A quote left open at the end of a paragraph
    continues only when the next paragraph opens with a quote mark (the news convention for
    multi-paragraph quotes); otherwise it is capped at its paragraph, so one stray mark never
    swallows the rest of the article.
    """
    # Some archives write double quotes as two apostrophes (''like this''); same length keeps offsets.
    text = text.replace("''", '" ')
    spans: list[tuple[int, int]] = []
    paragraphs = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]
    open_at: int | None = None
    for p_index, (p_start, p_end) in enumerate(paragraphs):
        i = p_start
        if open_at is not None:
            # Continuation paragraph: its opening mark re-opens the running quote.
            i = p_start + 1
        while i < p_end:
            ch = text[i]
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


def _cue_base(token: Token) -> str | None:
    if token.pos_ not in ("VERB", "AUX") and not (token.pos_ == "NOUN" and token.lower_ in ("says",)):
        return None
    return _VERB_FORMS.get(token.lower_)


def _balance_quote_marks(text: str, start: int, end: int, quotes: list[tuple[int, int]]) -> tuple[int, int]:
    """A label span with no stray quote mark at either end.

    The parser's label subtree can take the closing mark but not the opening one
    ('as "terrorist groups"' -> 'terrorist groups"'), or stop before the closing one
    ('the country's "legal occupants'). Quote spans from ``quote_spans`` sit inside the marks.
    """
    marks = _OPEN + _CLOSE + '"'
    inner = [q for q in quotes if start <= q[0] <= end]
    if inner and inner[-1][1] > end - 1:
        end = inner[-1][1]  # run on to the end of a quote the label opens
    while end > start and text[end - 1] in marks:
        end -= 1
    while start < end and text[start] in marks:
        start += 1
    if any(start < q[0] and q[1] <= end for q in inner) and end < len(text) and text[end] in marks:
        end += 1  # a quote inside the label keeps its closing mark: 'the country's "legal occupants"'
    return start, end


def _in_spans(pos: int, spans: list[tuple[int, int]]) -> tuple[int, int] | None:
    for span in spans:
        if span[0] <= pos < span[1]:
            return span
    return None


def _subject(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass") and child.dep_ != "expl":
            return child
    # Shared subject of coordinated or controlled verbs: "X said ... and accused ...".
    if verb.dep_ in ("conj", "xcomp") and verb.head.i != verb.i:
        return _subject(verb.head)
    # Participles: "..., saying the city embodied ...", "calling them ...".
    if verb.dep_ in ("advcl", "acl") and verb.tag_ == "VBG" and verb.head.i != verb.i and verb.head.pos_ in ("VERB", "AUX"):
        return _subject(verb.head)
    return None


def _tagged_quote(doc: Doc, quote: tuple[int, int], cue_ids: set[int]) -> bool:
    """'"Not even one," he said.': a short quote that opens its sentence, closed by a comma and
    followed by its speech tag (not a scare quote mid-sentence: 'the so-called "experts," he said, ...')."""
    text = doc.text
    if not text[quote[0]:quote[1]].rstrip().endswith(","):
        return False
    first = next((t for t in doc if t.idx >= quote[0]), None)
    if first is None or re.sub(r"[\s\"“”‘’'`]", "", text[_sents(doc).of(first).start_char:quote[0]]):
        return False
    after = [t for t in doc if quote[1] <= t.idx < quote[1] + 60][:6]
    for tok in after:
        if tok.i in cue_ids:
            return True
        if not (tok.is_punct or tok.pos_ in ("PROPN", "PRON", "NOUN", "DET", "ADJ")):
            return False
    return False


def _misattached_subject(verb: Token) -> Token | None:
    """The speaker of a finite speech verb that the small parser hung on another word.

    - After a quote or clause: '"It's a battle," said David Brock, a Clinton confidant who ...'
      (the name parsed as the subject of a later verb): the noun phrase right after the verb.
    - Before an aside: 'Sanders, who sits at zero endorsements, said ...' (the name parsed as the
      subject of the relative clause, that clause as the verb's complement): the subject of the
      clause on the verb's left, when a comma follows it.
    """
    doc = verb.doc
    if verb.tag_ not in ("VBD", "VBZ", "VBP") or verb.dep_ not in ("ROOT", "parataxis") or verb.lower_ not in _VERB_FORMS:
        return None
    before = doc.text[:verb.idx].rstrip()
    if before.endswith((",", ",\"", ",”", ",''", ",’", "”,", "\",")):
        j = verb.i + 1
        while j < len(doc) and (doc[j].pos_ in ("DET", "ADJ", "PROPN", "NOUN") or doc[j].dep_ in ("amod", "compound")) \
                and doc[j].lower_ not in _TIME_WORDS:
            j += 1
        if j > verb.i + 1 and doc[j - 1].pos_ in ("PROPN", "NOUN") and (j == len(doc) or doc[j].is_punct):
            return doc[j - 1]
    if verb.i > 0 and doc[verb.i - 1].text == ",":
        for clause in (c for c in verb.children if c.i < verb.i and c.dep_ in ("ccomp", "advcl", "parataxis")):
            subj = next((c for c in clause.children if c.dep_ == "nsubj" and c.pos_ in ("PROPN", "NOUN")), None)
            after = subj.right_edge.i + 1 if subj is not None else None
            if after is not None and after < verb.i and (doc[after].text == "," or any(
                    c.dep_ in ("relcl", "appos") for c in subj.children)):
                return subj
    return None


# Plural nouns for things people put out: "released statements deploring ...", "ran ads attacking ..." are
# held by whoever put them out, not by the things.
_WRITINGS = {"statements", "ads", "editorials", "articles", "letters", "messages", "emails", "videos", "posts",
             "tweets", "reports", "signs", "banners", "documents", "filings", "commercials", "mailers", "columns"}


def _participle_subject(verb: Token) -> Token | None:
    """The holder of a participle the parser hung off a preposition or a noun (broad profile).

    "Police charged him after determining that ...", "the senator opened a rally blasting Clinton":
    the participle's holder is the subject of the clause it belongs to, unless the participle
    describes people ("pastors supporting Cruz").
    """
    if verb.tag_ == "VB" and verb.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
        return _subject(verb.head) if verb.head.pos_ in ("VERB", "AUX") else None  # "stood up to say ..."
    if verb.tag_ != "VBG" or verb.dep_ not in ("pcomp", "acl"):
        return None
    people = (verb.head.tag_ in ("NNS", "NNPS", "PROPN") or verb.head.lower_ in ("those", "many", "some")) \
        and verb.head.lower_ not in _WRITINGS
    if verb.dep_ == "acl" and people:
        return verb.head  # "pastors supporting Cruz", "those backing the plan": the people it describes
    host = verb.head.head
    if host.i == verb.head.i or host.pos_ not in ("VERB", "AUX") \
            or verb.dep_ == "acl" and verb.head.dep_ not in ("dobj", "pobj"):
        return None
    return _subject(host)


# Verbs whose object is the subject of their infinitive: "led some to wonder", "forced X to admit".
_OBJECT_CONTROL = {f for b in ("lead", "leave", "prompt", "force", "require", "cause", "spur", "compel", "drive")
                   for f in _forms(b, {"lead": ("led",), "leave": ("left",), "drive": ("drove", "driven")}.get(b, ()))}


def _controller(verb: Token) -> Token | None:
    """The object of a causative verb, which holds the infinitive after it (broad profile)."""
    if verb.dep_ != "xcomp" or verb.head.lower_ not in _OBJECT_CONTROL \
            or any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children):
        return None
    return next((c for c in verb.head.children if c.dep_ == "dobj" and c.i < verb.i), None)


def _reporting_participle_holder(verb: Token) -> Token | None:
    """The speaker of a cue the parser hung inside a reported clause (broad profile).

    "Ortiz said the plan would cost millions and warned that ...", "She said her father would back
    the plan if elected saying that ...": the coordinated verb or the far participle is the speaker's
    (on PolNeAR train 45 times out of 57 and 16 out of 18 when no comma sets it off).
    """
    if verb.head.dep_ != "ccomp" or verb.doc[verb.i - 1].text == "," \
            or any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children) or verb.head.head.pos_ not in ("VERB", "AUX"):
        return None
    if verb.dep_ == "conj" or verb.tag_ == "VBG" and verb.dep_ == "advcl" and verb.i - verb.head.i > 4:
        return _subject(verb.head.head)
    return None


def _relative_subject(verb: Token) -> Token | None:
    """The "who" of "voters who want ...": the holder is resolved through the noun, the source span is the pronoun."""
    if verb.dep_ != "relcl":
        return None
    return next((c for c in verb.children if c.dep_ == "nsubj" and c.lower_ in ("who", "which", "that")), None)


_CLOCK = {"a.m.", "p.m.", "am", "pm", "a.m", "p.m"}


def _broad_source(verb: Token, subj: Token, src: list[Token]) -> tuple[Token, list[Token]]:
    """Undo parse errors around live-blog timestamps ("9:30 p.m.<newline>Trump says ...") and datelines.

    The time or the dateline ("MYRTLE BEACH, S.C. - Sen. Cruz continued ...") can be a second subject of
    the verb, or the time run into the subject's phrase across the line break; PolNeAR's source is the
    name after it.
    """
    dateline = subj.is_upper and len(subj) > 1 and src and src[0].i == _sents(subj.doc).of(subj).start
    if subj.lower_ in _CLOCK or dateline:  # "MYRTLE BEACH, S.C. - Sen. Cruz continued ...": two subjects too
        later = [c for c in verb.children if c.dep_ == "nsubj" and subj.i < c.i < verb.i]
        if later:
            subj = later[-1]
            src = _speaker_tokens(subj)
    breaks = [k for k, t in enumerate(src) if t.is_space and "\n" in t.text and t.i < subj.i]
    if breaks:
        src = src[breaks[-1] + 1:]
    return subj, src


_SKIP_SPEAKER_DEPS = {"relcl", "acl", "appos", "punct", "cc", "conj", "advcl"}


def _speaker_tokens(subj: Token) -> list[Token]:
    """The subject's noun phrase without relative clauses and appositions."""
    out = [subj]
    stack = [c for c in subj.children if c.dep_ not in _SKIP_SPEAKER_DEPS]
    while stack:
        tok = stack.pop()
        out.append(tok)
        stack.extend(c for c in tok.children if c.dep_ not in ("relcl", "acl", "punct", "appos"))
    out.sort(key=lambda t: t.i)
    # Keep the contiguous block around the head so a parse error cannot spread the phrase.
    block = [subj]
    by_i = {t.i: t for t in out}
    doc = subj.doc
    for t in list(out):  # intra-word hyphens ("Amir-Abdollahian") are punct children; keep them
        if t.i + 2 < len(doc) and doc[t.i + 1].text == "-" and not t.whitespace_ and t.i + 2 in by_i:
            by_i[t.i + 1] = doc[t.i + 1]
    i = subj.i - 1
    while i in by_i:
        block.insert(0, by_i[i])
        i -= 1
    i = subj.i + 1
    while i in by_i:
        block.append(by_i[i])
        i += 1
    while block and block[-1].is_punct:
        block.pop()
    while block and block[0].is_punct:
        block.pop(0)
    return block or [subj]


def _appositions(subj: Token) -> list[Token]:
    return [c for c in subj.children if c.dep_ == "appos"]


def _phrase_tokens(head: Token) -> list[Token]:
    toks = [t for t in head.subtree if t.dep_ not in ("relcl",)]
    return sorted(toks, key=lambda t: t.i)


def _char_span(tokens: list[Token]) -> tuple[int, int]:
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)


def _cue_tokens(verb: Token) -> list[Token]:
    toks = [verb]
    for child in verb.children:
        if child.i < verb.i and child.dep_ in ("aux", "auxpass", "neg") and verb.i - child.i <= 3:
            toks.append(child)
        if child.dep_ == "prt" and child.i == verb.i + 1:  # "ruled out", "pointed out"
            toks.append(child)
        if child.dep_ == "prep" and child.lower_ == "for" and verb.lower_.startswith("call"):
            toks.append(child)
    toks.sort(key=lambda t: t.i)
    return toks


def _right_content(verb: Token, skip: set[int]) -> list[Token]:
    """Material the verb governs to its right: objects, clauses, prepositional phrases."""
    out: list[Token] = []
    for child in verb.children:
        if child.i <= verb.i or child.i in skip:
            continue
        if child.dep_ in ("punct", "cc", "nsubj", "nsubjpass", "prt", "advmod", "npadvmod"):
            continue
        if child.dep_ == "conj" and child.pos_ in ("VERB", "AUX"):
            continue
        if child.dep_ == "prep" and child.lower_ == "for" and verb.lower_.startswith("call"):
            out.extend(t for t in child.subtree if t.i != child.i)
            continue
        if child.dep_ in ("prep", "advcl", "npadvmod") and _is_circumstance(child):
            continue
        out.extend(child.subtree)
    out.sort(key=lambda t: t.i)
    return out


# Attitude verbs whose "on"/"at" phrase is a place or an occasion ("appeared on Fox", "spoke at a rally").
_PLACE_VERBS = {"appear", "seem", "sound", "speak", "vote", "look"}
_TIME_WORDS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "night", "day",
               "morning", "afternoon", "evening", "weekend", "time", "times", "point", "once", "twitter", "television",
               "tv", "stage", "rally", "event", "campaign", "trail", "behalf", "condition", "record", "air"}
_CIRCUMSTANCE_HEADS = {
    "on", "in", "at", "during", "after", "before", "while", "when", "since", "via", "through", "from",
}


def _is_circumstance(prep: Token) -> bool:
    """'said on Sunday', 'told reporters in Moscow', 'said in a statement' are not content."""
    return prep.lower_ in _CIRCUMSTANCE_HEADS




@dataclass
class _Draft:
    verb: Token
    base: str
    subj: Token | None
    source_toks: list[Token]
    pieces: list[tuple[int, int]]
    quoted: bool
    reported: bool
    kind: str = "indirect"
    designated: tuple[int, int] | None = None
    according: bool = False
    shared_source: bool = False  # a coordinated cue's subject, already the source of the first cue
    cue_toks: list[Token] | None = None  # a cue of several words that are not the verb's own (copula + adjective)


def _find_attributions_raw(doc: Doc, profile: str = "speech") -> list[_Draft]:
    text = doc.text
    quotes = quote_spans(text)
    drafts: dict[int, _Draft] = {}

    def draft_for(verb: Token, base: str) -> _Draft | None:
        if verb.i in drafts:
            return drafts[verb.i]
        subj = _subject(verb)
        if subj is None and profile == "broad":
            subj = _participle_subject(verb)
        elif profile == "broad":
            subj = _controller(verb) or _reporting_participle_holder(verb) or subj
        if subj is None:
            subj = _misattached_subject(verb)
        if subj is None or _in_spans(subj.idx, quotes) is not None and _in_spans(verb.idx, quotes) is None:
            return None
        if subj.lower_ in ("it", "that", "this", "which", "who", "what", "there") and subj.dep_ != "nsubjpass":
            if profile == "broad" and subj.lower_ == "it" and base in _IT_SPEAKS and subj.head.i == verb.i:
                pass  # "it said in a statement": a company or agency, which PolNeAR annotates as the source
                # (not an "it" the verb only inherits: "it's fair to say", "it managed to maintain")
            elif verb.dep_ == "relcl" and (subj.lower_ in ("which", "who")
                                           or profile == "broad" and subj.lower_ == "that"):
                subj = verb.head
            else:
                return None
        if subj.dep_ == "nsubjpass" and verb.dep_ != "relcl" and (profile == "speech" or subj.head.i == verb.i):
            return None  # "X was told"; in "X was forced out and said ..." the passive is not the cue's
        src = _speaker_tokens(subj)
        if profile == "broad":
            subj, src = _broad_source(verb, subj, src)
            relative = _relative_subject(verb)
            if relative is not None:
                src = [relative]  # PolNeAR's source for "voters who want ..." is the relative pronoun
            elif verb.dep_ == "relcl" and any(c.dep_ == "nsubjpass" for c in verb.children):
                src = []  # "a candidate who was lambasted as ...": the noun is talked about, it does not talk
        d = _Draft(verb, base, subj, src, [], False, False)
        drafts[verb.i] = d
        return d

    # Cue verbs, outside quotes.
    cues: list[tuple[Token, str]] = []
    for tok in doc:
        base = _cue_base(tok)
        if base is None and profile == "broad" and tok.pos_ == "VERB":
            base = _ATTITUDE_FORMS.get(tok.lower_)
            if base is None and tok.lower_ not in _AUX_FORMS and tok.tag_ != "VBG" and tok.dep_ != "xcomp" \
                    and _named_subject(tok) and any(c.dep_ == "ccomp" and c.i > tok.i for c in tok.children):
                # Any verb with a clausal complement and a person as subject ("Trump doubts that ...",
                # "Clinton insisted ..."): PolNeAR counts these as attributions. Clause-only, like "believe".
                # Participles and infinitives ("making it too heavy", "helping it recover") mostly are not.
                base = "believe"
        # Cues inside quotes ("I think ...") are left out in both profiles: on PolNeAR train they
        # cost more precision than they gave recall.
        if base is None or _in_spans(tok.idx, quotes) is not None:
            continue
        cues.append((tok, base))

    # 1. Designations: 'called Y "Z"', 'described Y as Z', 'referred to Y as Z'.
    for verb, base in cues:
        if base not in _DESIGNATION_VERBS:
            continue
        obj = label = None
        for child in verb.children:
            if child.dep_ in ("dobj",) and obj is None:
                obj = child
            elif child.dep_ in ("oprd", "xcomp", "ccomp") and base == "call" and child.i > verb.i:
                label = child
            elif child.dep_ == "prep" and child.lower_ == "as":
                # "described the field as 'all very good'": an adjective label hangs as acomp/amod.
                pobj = [c for c in child.children if c.dep_ in ("pobj", "pcomp", "acomp", "amod", "advmod")]
                if pobj:
                    label = pobj[0]
            elif child.dep_ == "prep" and child.lower_ == "to" and base == "refer":
                pobj = [c for c in child.children if c.dep_ == "pobj"]
                if pobj:
                    obj = pobj[0]
                    for grand in pobj[0].children:
                        if grand.dep_ == "prep" and grand.lower_ == "as":
                            gp = [c for c in grand.children if c.dep_ in ("pobj", "pcomp")]
                            if gp:
                                label = gp[0]
        if obj is not None and label is None:
            # 'labelled the fighters "international terrorists"': the label parsed as apposition.
            label = next((c for c in obj.children if c.dep_ == "appos" and c.i > obj.i), None)
        if obj is not None and label is None and base == "call":
            # "called Israel a terror state": the small parser often folds the label into
            # the object or hangs it as a second noun phrase.
            for child in verb.children:
                if child.i > obj.i and child.dep_ in ("dobj", "attr", "npadvmod", "oprd", "ccomp", "dep"):
                    label = child
            if label is None:
                q = next((s for s in quotes if s[0] > obj.idx and s[0] - (obj.idx + len(obj.text)) < 40
                          and doc.char_span(s[0], s[1], alignment_mode="expand") is not None
                          and s[0] <= _sents(doc).of(verb).end_char), None)
                if q is not None:
                    label_span = q
                    d = draft_for(verb, base)
                    if d is not None:
                        d.kind = "designation"
                        d.pieces = [label_span]
                        d.designated = _char_span(_contiguous_obj(obj, label_span[0]))
                        d.quoted = True
                    continue
        if obj is None or label is None:
            continue
        d = draft_for(verb, base)
        if d is None:
            continue
        label_toks = sorted(label.subtree, key=lambda t: t.i)
        while len(label_toks) > 1 and label_toks[0].text in _OPEN + '"':
            label_toks.pop(0)
        lspan = _char_span(label_toks)
        q = _in_spans(lspan[0], quotes) or _in_spans(lspan[0] + 1, quotes)
        if q is not None:
            lspan = (min(lspan[0], q[0]), max(lspan[1], q[1]))
        d.kind = "designation"
        d.pieces = [_balance_quote_marks(text, *_trim(text, *lspan), quotes)]
        d.designated = _char_span(_contiguous_obj(obj, lspan[0]))
        d.quoted = q is not None

    # 2. Quotes: link each quote to the nearest cue outside it in its sentence(s), or to the
    #    cue of a sentence that ends with a colon just before it.
    sent_spans = [(s.start_char, s.end_char, s) for s in _sents(doc).spans]

    def sents_overlapping(a: int, b: int) -> list[Span]:
        return [s for (x, y, s) in sent_spans if x < b and y > a]

    consumed_quotes: set[tuple[int, int]] = set()
    cue_ids = {verb.i for verb, _ in cues}
    for q in quotes:
        if len(text[q[0]:q[1]].split()) < 4 and not re.search(r"[.!?]$", text[q[0]:q[1]].strip(" ,")) \
                and not _tagged_quote(doc, q, cue_ids):
            continue  # short scare quotes belong to the sentence around them
        candidates = []
        for sent in sents_overlapping(*q):
            for verb, base in cues:
                if not (sent.start <= verb.i < sent.end) or verb.i in drafts and drafts[verb.i].kind == "designation":
                    continue
                if q[0] <= verb.idx < q[1]:
                    continue
                dist = q[0] - verb.idx if verb.idx < q[0] else verb.idx - q[1]
                candidates.append((dist, verb, base))
        if not candidates:
            # 'X said in a statement:' then the quote (often parsed as its own sentence).
            before = [s for (x, y, s) in sent_spans if y <= q[0] + 1]
            if before and text[before[-1].start_char:before[-1].end_char].rstrip().endswith(":"):
                for verb, base in cues:
                    if before[-1].start <= verb.i < before[-1].end:
                        candidates.append((q[0] - verb.idx, verb, base))
        candidates.sort(key=lambda c: c[0])
        for _, verb, base in candidates:
            d = draft_for(verb, base)
            if d is None:
                continue
            d.pieces.append(q)
            d.quoted = True
            consumed_quotes.add(q)
            break

    # 3. Reported speech and quotes joined to the clause ('said the move was "clearly coordinated"').
    for verb, base in cues:
        existing = drafts.get(verb.i)
        if existing is not None and existing.kind == "designation":
            continue
        ccomp = [c for c in verb.children if c.dep_ in ("ccomp",) and _in_spans(c.idx, quotes) is None
                 or c.dep_ == "ccomp" and not existing]
        ccomp.sort(key=lambda c: c.i < verb.i)  # the clause after the verb, before an aside parsed as one
        content: list[Token] = []
        if ccomp:
            content = sorted(ccomp[0].subtree, key=lambda t: t.i)
        elif profile == "broad" and base in ("show", "find", "see"):
            # "a poll showed a one-point race" (PolNeAR's evidentials); a person who "found jobs" or "helped
            # found the network" is no evidence (under a third of those are cues on PolNeAR train)
            subj = _subject(verb)
            if not (base == "find" and subj is not None and subj.pos_ in ("PROPN", "PRON")):
                content = _right_content(verb, set())
        elif profile == "broad" and base in _OBJECT_ATTITUDES:
            # "agreed to debate", "would like to see", "thinks about", "believes in": no clause needed
            content = sorted((t for c in verb.children if c.i > verb.i and (
                c.dep_ == "xcomp" or c.dep_ == "dobj" and base == "believe"
                or c.dep_ == "prep" and c.lower_ in _OBJECT_ATTITUDES[base]) for t in c.subtree), key=lambda t: t.i)
        elif profile == "broad" and base == "look" and any(
                c.dep_ == "acomp" or c.dep_ == "prep" and c.lower_ == "like" for c in verb.children):
            pass  # "Clinton looks weaker", "looks like a two-person race": mostly not annotated
        elif (base not in _CLAUSE_ONLY and base not in _CLAUSE_ONLY_ATTITUDE and base not in _NO_OBJECT_CONTENT
              and base not in _DESIGNATION_VERBS and not (profile == "broad" and base in _CLAUSE_ONLY_BROAD)):
            content = _right_content(verb, set())
        elif base in _DESIGNATION_VERBS and base in ("call",):
            # "called for a ceasefire"
            content = [t for c in verb.children if c.dep_ == "prep" and c.lower_ == "for" for t in c.subtree][1:]
            if profile == "broad" and not content:
                # "called on Congress to act": the addressee and what they are to do
                on = [c for c in verb.children if c.dep_ == "prep" and c.lower_ == "on" and c.i == verb.i + 1]
                if on:
                    to_do = [c for c in verb.children if c.dep_ == "xcomp" and c.i > on[0].i]
                    content = sorted((t for c in on + to_do for t in c.subtree if t.i != on[0].i), key=lambda t: t.i)
        elif profile == "broad" and base in _DESIGNATION_VERBS:
            # "described the plan in detail", "referring to the memo": no label, still an attribution in PolNeAR
            content = _right_content(verb, set())
        if not ccomp and base not in _DESIGNATION_VERBS:
            # "said in a statement that ...": the clause hangs off the circumstance noun.
            that = next((t for t in verb.subtree if t.i > verb.i and t.dep_ == "mark" and t.lower_ == "that"
                         and t.head.pos_ in ("VERB", "AUX") and t.head.dep_ in ("acl", "advcl", "relcl")
                         and t.head.head.i != verb.i and _sents(doc).of(t) == _sents(doc).of(verb)), None)
            if that is not None and all(_is_circumstance(p) for p in verb.children if p.dep_ == "prep" and p.i < that.i):
                content = sorted(that.head.subtree, key=lambda t: t.i)
        if base in ("say", "write") and not ccomp and not content:
            # "Cruz said if elected he could ..." (the clause parsed as advcl): a clause, not "said on Sunday".
            skip = set()
            if profile == "broad":
                # "..., he said, citing low growth": the participle is a report of its own
                cue_ids = {v.i for v, _ in cues}
                skip = {t.i for c in verb.children if c.dep_ == "advcl" and c.tag_ == "VBG" and c.i in cue_ids
                        for t in c.subtree}
            right = _right_content(verb, skip)
            if any(t.pos_ in ("VERB", "AUX") for t in right) and len(right) >= 4:
                content = right
        if base == "tell" and not ccomp:
            # "told X to ..." carries content; "told reporters" alone does not.
            content = sorted({t.i: t for c in verb.children if c.dep_ == "xcomp" for t in c.subtree}.values(),
                             key=lambda t: t.i)
        if profile == "broad" and not content and not ccomp and base in ("say", "write", "ask"):
            # PolNeAR counts "said so", "said the same thing", "asked X to ...", "asked for a photo".
            objs = [c for c in verb.children if c.i > verb.i and (
                c.dep_ in ("dobj", "xcomp") or c.dep_ == "advmod" and c.lower_ == "so"
                or base == "ask" and c.dep_ == "prep" and c.lower_ in ("for", "about"))]
            content = sorted((t for c in objs for t in c.subtree if not (c.dep_ == "prep" and t.i == c.i)), key=lambda t: t.i)
        as_clause = base in _AS_NOTED and _as_clause(verb)
        if profile == "broad" and not content and not ccomp and (base in _IT_SPEAKS or as_clause) \
                and not (existing and existing.pieces):
            d = draft_for(verb, base)
            pieces = _preceding_report(text, verb, d, quotes, consumed_quotes) if d is not None else []
            if pieces:
                d.pieces.extend(pieces)
                d.reported = True
                continue
        if profile == "broad" and not content and not ccomp and base not in _BASE_VERBS \
                and base not in _CLAUSE_ONLY_ATTITUDE and base not in _PLACE_VERBS:
            # "commented on the ruling", "lashed out at the press": for an attitude verb the "on"/"at"
            # phrase is the topic, not a circumstance as in "said on Sunday"
            topic = next((c for c in verb.children if c.dep_ == "prep" and c.lower_ in ("on", "at") and c.i > verb.i
                          and not any(g.dep_ == "pobj" and g.lower_ in _TIME_WORDS for g in c.children)), None)
            if topic is not None:
                content = [t for t in sorted(topic.subtree, key=lambda t: t.i) if t.i != topic.i]
        if not content and verb.dep_ == "parataxis" and verb.head.i != verb.i and not (existing and existing.pieces):
            # "Survival, Mr. VandeHei says, depends on ...": the host clause around the aside is the content.
            d = draft_for(verb, base)
            own = {t.i for t in verb.subtree}
            host = [t for t in sorted(verb.head.subtree, key=lambda t: t.i) if t.i not in own]
            lo, hi = min(own), max(own)
            left = [t for t in host if t.i < lo and not t.is_punct or t.i < lo and t.i < lo - 1]
            right = [t for t in host if t.i > hi]
            pieces = [_trim(text, *_char_span(part)) for part in (left, right) if part]
            pieces = [p for p in pieces if p[1] - p[0] >= 3]
            if d is not None and pieces and len(" ".join(text[a:b] for a, b in pieces).split()) >= 3:
                d.pieces.extend(pieces)
                d.reported = True
            continue
        if not content:
            continue
        span = _trim(text, *_char_span(content))
        # Partial or whole quotes inside the reported clause are part of it.
        # "endorsed Trump", "said so"
        one_name = profile == "broad" and len(content) == 1 and (content[0].pos_ == "PROPN" or base in ("say", "write"))
        if span[1] - span[0] < 3 or len(text[span[0]:span[1]].split()) < 2 and not one_name:
            continue
        d = draft_for(verb, base)
        if d is None:
            continue
        if d.subj is not None and span[0] <= d.subj.idx < span[1]:
            if profile == "broad" and not (existing and existing.pieces):
                # "the changes, which officials said will start soon": the content runs around source and cue.
                d.pieces = _pieces_around(text, content, {t.i for t in d.source_toks} | {d.verb.i})
                d.reported = bool(d.pieces)
            continue  # otherwise the subject inside the content is a parse tangle, not an attribution
        inside_quotes = any(q[0] <= span[0] and span[1] <= q[1] + 1 for q in d.pieces)
        if inside_quotes:
            continue
        d.pieces = [p for p in d.pieces if not (span[0] <= p[0] and p[1] <= span[1] + 1)]
        d.pieces.append(span)
        d.reported = True

    if profile == "broad":
        _add_broad_drafts(doc, quotes, cues, drafts)

    # 4. Transcripts: "LAVROV: We are talking with ...", "QUESTION: ...", one turn per line.
    for d in _transcript_drafts(doc, quotes):
        drafts[d.verb.i] = d

    # 4k. 'according to X, ...'
    for tok in doc:
        if tok.lower_ != "according" or _in_spans(tok.idx, quotes) is not None:
            continue
        to = next((c for c in tok.children if c.lower_ == "to"), None)
        if to is None:
            nxt = tok.nbor(1) if tok.i + 1 < len(doc) else None
            to = nxt if nxt is not None and nxt.lower_ == "to" else None
        if to is None:
            continue
        pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
        if pobj is None:
            continue
        sent = _sents(doc).of(tok)
        src = _speaker_tokens(pobj)
        src_span = _char_span(sorted(pobj.subtree, key=lambda t: t.i))
        if tok.idx - sent.start_char < 3:
            content_span = _trim(text, src_span[1], sent.end_char)
        else:
            content_span = _trim(text, sent.start_char, tok.idx)
        pointer = profile == "broad" and text[content_span[0]:content_span[1]].lower()[:4] in ("that", "this")
        if content_span[1] - content_span[0] < 8 and not pointer:
            continue  # "That's according to the filings" points back at what it attributes (broad profile)
        d = _Draft(tok, "according", pobj, src, [content_span], False, True, according=True)
        drafts[tok.i] = d

    # Coordinated cue verbs with one subject are one statement ("said ... and accused ...");
    # PolNeAR annotates each cue as its own attribution, sharing the first one's source.
    for i in sorted(drafts):
        d = drafts.get(i)
        if d is None or d.kind == "designation" or d.according:
            continue
        head = d.verb.head
        if d.verb.dep_ == "conj" and head.i in drafts and drafts[head.i].kind != "designation" and not any(
            c.dep_ in ("nsubj",) for c in d.verb.children
        ):
            if profile == "broad":
                # the first cue's source is the shared one; a source-less first cue (a passive) shares nothing
                d.shared_source = bool(drafts[head.i].source_toks)
                continue
            drafts[head.i].pieces.extend(d.pieces)
            drafts[head.i].quoted |= d.quoted
            drafts[head.i].reported |= d.reported
            del drafts[i]

    out = [d for d in drafts.values() if d.pieces]
    # Drop statements whose cue sits inside another statement's content (nested reports).
    spans = [(p, d) for d in out for p in d.pieces]
    kept = []
    for d in out:
        nested = any(
            other is not d and p[0] <= d.verb.idx < p[1] and not (d.kind == "designation" and other.kind != "designation")
            for p, other in spans
        )
        if profile == "broad" and d.base in _NESTED_BASES and d.verb.dep_ in ("advcl", "conj", "parataxis"):
            nested = False  # "X criticised ... as Y explained ...": PolNeAR annotates both reports
        if profile == "broad" and d.base in _NESTED_BASES and d.verb.tag_ in ("VBD", "VBZ", "VBP") \
                and d.verb.dep_ in ("ccomp", "relcl"):
            nested = False  # "X said that Y told him ...", "a finish that he said defied expectations"
        if nested and not (profile == "broad" and _nested_report(d)):
            continue
        kept.append(d)
    if profile == "broad":
        kept = _drop_described_holders(kept)
        _cut_before_nested_cues(doc.text, kept)
        kept = _drop_echoes(kept)
        _share_repeated_sources(kept)
    kept.sort(key=lambda d: min(p[0] for p in d.pieces))
    return kept


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
    text = doc.text
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
    text = doc.text
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
    text = doc.text
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


# ---------------------------------------------------------------------------------------------
# Speakers


def _name_tokens(toks: list[Token]) -> list[Token]:
    """The proper-name run at the end of a speaker phrase ("Abbas Araghchi" in a title)."""
    run: list[Token] = []
    for tok in reversed(toks):
        if tok.pos_ == "PROPN" or (tok.text[:1].isupper() and tok.pos_ in ("NOUN", "ADJ", "X") and run):
            run.insert(0, tok)
        elif run:
            break
        elif tok.is_punct:
            continue
        else:
            break
    # Titles are capitalised too: keep only the trailing tokens that look like a name.
    while len(run) > 1 and run[0].lower_ in _TITLE_WORDS:
        run.pop(0)
    return run


_TITLE_WORDS = {
    "foreign", "minister", "president", "prime", "secretary", "spokesman", "spokeswoman", "spokesperson",
    "general", "deputy", "senator", "sen.", "rep.", "gov.", "governor", "king", "prince", "sheikh", "emir",
    "ambassador", "envoy", "leader", "chancellor", "supreme", "state", "defence", "defense", "interior",
    "mr.", "mrs.", "ms.", "dr.", "judge", "mayor", "chief", "commander", "adviser", "advisor", "special",
    "vice", "speaker", "representative", "director", "ministry", "kremlin", "rev.", "the", "sir",
}

_SURNAME_PARTICLE = re.compile(r"^(al-|el-|bin |ibn )", re.IGNORECASE)


def _surname(name: str) -> str:
    last = name.split()[-1] if name.split() else name
    return _SURNAME_PARTICLE.sub("", last)


class _SpeakerResolver:
    """Per-article memory: who has been named, and as which actor."""

    def __init__(self, doc: Doc, watchlist: Watchlist, date) -> None:
        self.doc = doc
        self.watchlist = watchlist
        self.date = date
        self.text = doc.text  # Doc.text re-joins every token on each access
        self._alias_cache: dict[str, list] = {}
        self.people: list[tuple[int, str, str]] = []  # (char position, full name, actor) of named people
        self.referents: dict[int, str] = {}  # speaker phrase position -> the person it refers to
        self.groups: list[tuple[int, str, str]] = []  # plural/institutional speakers
        # Unnamed singular speakers ("one resident", "a volunteer") and pronouns already resolved:
        # antecedents for a later "he"/"she" just as much as named people are.
        self.unnamed: list[tuple[int, str, str]] = []
        self.person_ents = [
            (e.start_char, e.text) for e in doc.ents if e.label_ == "PERSON" and len(e.text.split()) >= 2
        ]
        # Anyone a pronoun could point back to: PERSON entities and proper-noun subjects
        # (the small model tags some surnames ORG/GPE, so the parse is used as well).
        quotes = quote_spans(self.text)
        mentions: dict[int, str] = {
            e.start_char: e.text for e in doc.ents
            if e.label_ == "PERSON" and not self._in_content(e.root, quotes)
        }
        for tok in doc:
            if tok.dep_ in ("nsubj", "nsubjpass") and tok.text[:1].isupper() and tok.pos_ in ("PROPN", "NOUN"):
                if tok.tag_ in ("NNS", "NNPS") or tok.i == _sents(doc).of(tok).start and tok.pos_ != "PROPN":
                    continue
                # Names inside reported content or quotes ("said Syria must ...") are what was said,
                # not who is speaking: a later "he said" does not point back to them.
                if self._in_content(tok, quotes):
                    continue
                run = _name_tokens(_speaker_tokens(tok))
                name = self.text[run[0].idx: run[-1].idx + len(run[-1].text)] if run else ""
                if run and (not self._metonym(name) or self._known_unlisted(_surname(name))):
                    a = run[0].idx
                    if not any(x <= a < x + len(t) for x, t in mentions.items()):
                        mentions[a] = self.text[a: run[-1].idx + len(run[-1].text)]
        self.person_mentions = sorted(mentions.items())
        # Multi-word names found through the parse count as full names too (also without NER).
        known = {p for p, _ in self.person_ents}
        self.person_ents += [(p, name) for p, name in self.person_mentions if " " in name and p not in known]
        self.person_ents.sort()

    @staticmethod
    def _in_content(tok: Token, quotes) -> bool:
        """Inside a quote or a reported clause: what was said, not who said it."""
        return _in_spans(tok.idx, quotes) is not None or any(a.dep_ == "ccomp" for a in tok.ancestors)

    # --- watchlist look-ups -----------------------------------------------------------------
    def _listed(self, text: str) -> tuple[str, str] | None:
        return self.watchlist.speaker_entity(text, self.date)

    def _listed_surname(self, surname: str) -> tuple[str, str] | None:
        hits = {
            (entity.name, sp.text)
            for entity in self.watchlist.entities
            for sp in entity.speakers
            if sp.valid_on(self.date) and _surname(sp.text).lower() == _SURNAME_PARTICLE.sub("", surname).lower()
        }
        return hits.pop() if len(hits) == 1 else None

    def _known_unlisted(self, surname: str) -> bool:
        """A listed speaker with this surname exists but not on this date (time-bounded)."""
        return any(
            _surname(sp.text).lower() == surname.lower()
            for entity in self.watchlist.entities
            for sp in entity.speakers
        )

    def _role_actor(self, tokens: list[Token]) -> str:
        """Entity for '<alias> <role noun>' phrases ("Iran's foreign ministry", "US officials")."""
        if any(t.lower_.strip("-") in _FORMER or t.lower_ in _FORMER for t in tokens):
            return ""
        in_phrase = {t.i for t in tokens}
        # Only a role noun heading the phrase (or titling a name) counts: "Israeli military
        # spokesman" speaks for Israel, "a Russian military blogger" does not.
        roles = [
            t for t in tokens
            if t.lower_ in ROLE_NOUNS
            and (t.head.i not in in_phrase or t.head is t or t.dep_ == "appos"
                 or (t.dep_ == "compound" and (t.head.pos_ == "PROPN" or t.head.lower_ in ROLE_NOUNS)))
        ]
        if not roles:
            return ""
        entities: set[str] = set()
        for role in roles:
            mods: list[Token] = []
            for t in tokens:
                if t.i < role.i and t.i >= tokens[0].i:
                    mods.append(t)
            # "spokesman for/of the Russian foreign ministry"
            for child in role.children:
                if child.dep_ == "prep" and child.lower_ in ("of", "for", "at"):
                    mods.extend(child.subtree)
            text = " ".join(t.text_with_ws.strip() for t in mods) if mods else ""
            # Rebuild with original spacing so multi-word aliases match.
            if mods:
                a, b = min(t.idx for t in mods), max(t.idx + len(t) for t in mods)
                text = self.text[a:b]
            for m in self._find(text):
                entities.add(m.entity)
            if role.lower_ == "kremlin":
                entities |= {m.entity for m in self._find("Kremlin")}
        return entities.pop() if len(entities) == 1 else ""

    def _find(self, text: str):
        hit = self._alias_cache.get(text)
        if hit is None:
            hit = self._alias_cache[text] = self.watchlist.find_aliases(text, self.date)
        return hit

    def _metonym(self, text: str) -> str:
        bare = re.sub(r"^(the|The)\s+", "", text.strip())
        for m in self._find(bare):
            if m.start == 0 and m.end == len(bare):
                return m.entity
        # "Iran's foreign ministry" style phrases whose head is itself an alias ("the Kremlin").
        return ""

    # --- resolution -------------------------------------------------------------------------
    def resolve(self, subj: Token, toks: list[Token]) -> tuple[str, str]:
        """(speaker as written or resolved, actor)."""
        pos = toks[0].idx
        phrase = self.text[toks[0].idx: toks[-1].idx + len(toks[-1].text)]
        lower = subj.lower_
        if lower in PRONOUNS and len(toks) == 1:
            return self._pronoun(lower, pos, phrase)
        appos = [a for t in toks for a in _appositions(t)]
        appos_toks = [t for a in appos for t in _phrase_tokens(a)]
        # A role noun with the person's name in apposition: "Russia's envoy, Alexander X".
        # The name must be the head of the phrase: "Damascus" in "Iran's ambassador to Damascus" is not.
        name_toks = _name_tokens([t for t in toks if t.i <= subj.i])
        if name_toks and name_toks[-1] is not subj:
            name_toks = []
        if not name_toks and len(toks) == 1 and subj.text[:1].isupper() and subj.tag_ not in ("NNS", "NNPS"):
            # The tagger misses some foreign surnames ("Sharaa/NOUN"); trust earlier mentions and the watchlist.
            if self._listed_surname(subj.text) or self._earlier_full_name(subj.text, pos):
                name_toks = [subj]
        if not name_toks and appos:
            for a in appos:
                cand = _name_tokens([t for t in _speaker_tokens(a) if t.i <= a.i])
                if cand:
                    name_toks = cand
                    break
        full_phrase = phrase
        if appos_toks:
            a, b = min(t.idx for t in toks + appos_toks), max(t.idx + len(t) for t in toks + appos_toks)
            full_phrase = self.text[a:b]
        speaker = phrase
        if name_toks and not toks[0].lower_ in ("a", "an") and subj.tag_ not in ("NNS",):
            name = self.text[name_toks[0].idx: name_toks[-1].idx + len(name_toks[-1].text)]
            if name_toks[-1] is not subj and subj.pos_ != "PROPN":
                speaker = name  # the name was in apposition
            former = any(t.lower_ in _FORMER for t in toks + appos_toks)
            listed = self._listed(full_phrase)
            if listed and not former:
                self._remember_person(pos, speaker, name, listed[0])
                return speaker, listed[0]
            if len(name_toks) == 1:
                full = self._earlier_full_name(name, pos)
                if full is not None:
                    full_name, actor = full
                    if full_name != name and not actor:
                        listed = self._listed(full_name)
                        actor = listed[0] if listed else actor
                    self._remember_person(pos, speaker, full_name, actor)
                    self.referents[pos] = full_name.strip()
                    return speaker, actor
                listed = self._listed_surname(name)
                if listed and not former:
                    self._remember_person(pos, speaker, listed[1], listed[0])
                    self.referents[pos] = listed[1]
                    return speaker, listed[0]
            if self._known_unlisted(_surname(name)):
                # A listed speaker outside their time window does not speak for the entity.
                self._remember_person(pos, speaker, name, "")
                return speaker, ""
            actor = self._role_actor(toks + appos_toks) if not former else ""
            if not actor and len(name_toks) == len([t for t in toks if t.dep_ != "det"]):
                actor = self._metonym(phrase)  # "Tehran", "Washington" tagged PROPN
                if actor:
                    self.groups.append((pos, speaker, actor))
                    return speaker, actor
            self._remember_person(pos, speaker, name, actor)
            return speaker, actor
        actor = self._metonym(phrase) or self._role_actor(toks + appos_toks)
        if subj.tag_ == "NN" and subj.pos_ == "NOUN" and subj.lower_ not in _INSTITUTION_NOUNS:
            self.unnamed.append((pos, speaker, actor))
        elif subj.tag_ in ("NNS", "NNPS") or actor:
            self.groups.append((pos, speaker, actor))
        return speaker, actor

    def resolve_label(self, toks: list[Token]) -> tuple[str, str]:
        """A transcript's speaker label ("SERGEY LAVROV", "LAVROV", "QUESTION"): the tagger reads
        capitals poorly, so the label is matched as text, in title case, then by surname."""
        label = self.text[toks[0].idx: toks[-1].idx + len(toks[-1].text)]
        name = label.title() if label.isupper() else label
        listed = self._listed(name) or self._listed_surname(name.split()[-1])
        if listed is None and len(name.split()) == 1:
            full = self._earlier_full_name(name, toks[0].idx)
            if full is not None and full[1]:
                return full[0], full[1]
        if listed is None:
            return label, ""
        self._remember_person(toks[0].idx, label, listed[1], listed[0])
        return label, listed[0]

    def _remember_person(self, pos: int, speaker: str, full_name: str, actor: str) -> None:
        self.people.append((pos, full_name, actor))

    def _earlier_full_name(self, token: str, pos: int) -> tuple[str, str] | None:
        key = _SURNAME_PARTICLE.sub("", token).lower()
        for p, full, actor in reversed(self.people):
            if p < pos and len(full.split()) > 1 and key in {
                _SURNAME_PARTICLE.sub("", w).lower() for w in full.split()
            }:
                return full, actor
        for p, full in reversed(self.person_ents):
            if p < pos and key in {_SURNAME_PARTICLE.sub("", w).lower() for w in full.split()}:
                listed = self._listed(full)
                return full, listed[0] if listed else self._ent_actor(full, p)
        # The small model tags some surnames ORG/GPE; any earlier capitalised run ending with it.
        for m in re.finditer(r"((?:[A-Z][\w'-]+\s){1,3})(?:al-)?" + re.escape(token) + r"\b", self.text[:pos]):
            full = m.group(0)
            listed = self._listed(full)
            if listed:
                return full, listed[0]
        return None

    def _pronoun(self, lower: str, pos: int, phrase: str) -> tuple[str, str]:
        if PRONOUNS[lower] == "person":
            # The most recent person before the pronoun: a named subject, a speaker already
            # resolved (named or not), or an earlier pronoun's antecedent. Ties prefer a known actor.
            cands: list[tuple[int, int, str, str | None]] = [(p, 0, name, None) for p, name in self.person_mentions if p < pos]
            cands += [(p, 1, name, actor) for p, name, actor in self.people + self.unnamed if p < pos]
            if not cands:
                return phrase, ""
            p, _, name, actor = max(cands, key=lambda c: (c[0], c[1]))
            if actor is None:
                actor = self._actor_of_name(name, p)
            self.unnamed.append((pos, name, actor))
            self.referents[pos] = name
            return phrase, actor
        if PRONOUNS[lower] == "plural":
            earlier = [g for g in self.groups if g[0] < pos]
            if earlier:
                return phrase, earlier[-1][2]
        return phrase, ""

    def _actor_of_name(self, name: str, pos: int) -> str:
        for p, full, actor in reversed(self.people):
            if p <= pos + len(name) and (full == name or _surname(full) == _surname(name)):
                return actor
        if any(w.lower() in _FORMER for w in self.text[max(0, pos - 40):pos].split()[-4:]):
            return ""
        listed = self._listed(name)
        if listed:
            return listed[0]
        if len(name.split()) == 1:
            full = self._earlier_full_name(name, pos)
            if full is not None:
                return full[1]
            listed = self._listed_surname(name)
            if listed:
                return listed[0]
        if self._known_unlisted(_surname(name)):
            return ""
        return self._ent_actor(name, pos)

    def _ent_actor(self, full: str, idx: int | None = None) -> str:
        # Look for a title with an alias just before the name ("Iranian President X").
        idx = self.text.find(full) if idx is None else idx
        if idx < 0:
            return ""
        span = self.doc.char_span(idx, idx + len(full), alignment_mode="expand")
        if span is None:
            return ""
        head = span.root
        toks = sorted(head.subtree, key=lambda t: t.i)
        toks = [t for t in toks if t.dep_ not in ("relcl",)]
        return self._role_actor(toks) if any(t.lower_ not in _FORMER for t in toks) else ""


# ---------------------------------------------------------------------------------------------
# Public API


PROFILES = ("speech", "broad")


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
    text = doc.text
    resolver = _SpeakerResolver(doc, watchlist, date)
    out: list[Attribution] = []
    quotes = quote_spans(text)
    used_quotes = set()
    drafts = _find_attributions_raw(doc, profile)
    for d in drafts:
        for p in d.pieces:
            used_quotes.add(p)
    # Cue-less quotes right after a statement continue it (the news convention).
    orphan = [q for q in quotes if q not in used_quotes and len(text[q[0]:q[1]].split()) >= 4]
    _quoted_label_designations(doc, drafts, quotes, resolver)
    if profile == "speech":
        _cut_nested_designations(text, drafts)
    # Speakers are resolved in text order so that a pronoun sees every earlier speaker.
    resolved: dict[int, tuple[str, str]] = {}
    for k, d in sorted(enumerate(drafts), key=lambda kd: kd[1].source_toks[0].i if kd[1].source_toks else -1):
        if d.base == "turn":
            resolved[k] = resolver.resolve_label(d.source_toks)
        else:
            resolved[k] = resolver.resolve(d.subj, _naming_tokens(d)) if d.subj is not None and d.source_toks else ("", "")
    for k, d in enumerate(drafts):
        speaker, actor = resolved[k]
        pieces = sorted(set(d.pieces))
        merged: list[tuple[int, int]] = []
        for p in pieces:
            if merged and p[0] <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], p[1]))
            else:
                merged.append(p)
        end = merged[-1][1]
        for q in orphan:
            if q in used_quotes or q[0] < end:
                continue
            # Only whitespace and quote marks may separate the quote from the attribution's sentence.
            sent_end = max(end, _sentence_bounds(doc, end - 1, end)[1], _sents(doc).of(d.verb).end_char)
            if q[0] >= sent_end and not re.sub(r"[\s\"“”]", "", text[sent_end:q[0]]):
                merged.append(q)
                end = q[1]
                used_quotes.add(q)
        kind = d.kind
        if kind != "designation":
            kind = "direct" if d.quoted and not d.reported else "indirect"
            if d.reported and all(_in_spans(p[0], quotes) for p in merged if _in_spans(p[0], quotes)):
                # Reported clause that is nothing but a quote ("said: ...") is direct speech.
                if all(any(q[0] <= p[0] + 1 and p[1] <= q[1] + 1 for q in quotes) for p in merged):
                    kind = "direct"
        src = _char_span(d.source_toks) if d.source_toks and not d.shared_source else None
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
        addressee = None
        if d.base == "tell" and not d.according:
            obj = next((c for c in d.verb.children if c.dep_ in ("dobj", "dative")), None)
            if obj is not None:
                addressee = _char_span(sorted(obj.subtree, key=lambda t: t.i))
        referent = resolver.referents.get(d.source_toks[0].idx, "") if d.source_toks else ""
        att = Attribution(kind, src, cue, tuple(merged), speaker, actor, cue_text, ctx, d.designated, addressee,
                          speaker_name=referent if referent != speaker else "")
        out.append(att)
    return out


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
            if not any(a + m.start <= subj.idx < a + m.end for m in resolver._find(doc.text[a:b])):
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
    start, end = lo, hi
    for sent in _sents(doc).spans:
        if sent.start_char <= lo < sent.end_char or sent.start_char < hi <= sent.end_char:
            start = min(start, sent.start_char)
            end = max(end, sent.end_char)
    return start, end


def _to_statement(article: Article, att: Attribution) -> Statement:
    text = article.text
    start, end = att.content[0][0], att.content[-1][1]
    content = " ".join(text[a:b].strip() for a, b in att.content)
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
    )




def extract_statements(
    article: Article, watchlist: Watchlist, *, nlp: Language | None = None, doc: Doc | None = None
) -> list[Statement]:
    """Statements in one article, with targets linked. Pass ``doc`` to reuse a parse."""
    from .targets import article_mentions, link_targets

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
    statements = [_to_statement(article, a) for a in atts]
    mentions = article_mentions(article, watchlist) if atts else []
    linked = [
        link_targets(st, article, watchlist, doc=doc, attribution=att, mentions=mentions)
        for st, att in zip(statements, atts)
    ]
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


def prepare_nlp(nlp: Language) -> Language:
    """Add the tag -> POS component when the attribute ruler is off (idempotent)."""
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
    from .nlp import load_nlp

    return prepare_nlp(load_nlp(UNUSED_COMPONENTS + (() if ner else ("ner",))))


def _default_nlp() -> Language:
    return load_extraction_nlp()


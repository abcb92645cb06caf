"""Reading the dependency parse: subjects, speaker phrases, cue tokens and content to the right of a cue."""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from .lexicon import _CLOSE, _INSTITUTION_NOUNS, _OPEN, _VERB_FORMS, ROLE_NOUNS, _forms
from .text import _sents, doc_text


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
    if len(spans) > 16:  # an article's quote spans: sorted and disjoint, so bisect (called per token)
        starts = _span_starts(spans)
        if starts is not None:
            i = bisect.bisect_right(starts, pos) - 1
            return spans[i] if i >= 0 and spans[i][0] <= pos < spans[i][1] else None
    for span in spans:
        if span[0] <= pos < span[1]:
            return span
    return None


_STARTS: dict[int, tuple[list, list[int] | None]] = {}


def _span_starts(spans: list[tuple[int, int]]) -> list[int] | None:
    """Start offsets of a sorted, disjoint span list (None if it is not), computed once per list."""
    hit = _STARTS.get(id(spans))
    if hit is None or hit[0] is not spans:
        ok = all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))
        _STARTS.clear()
        hit = _STARTS[id(spans)] = (spans, [a for a, _ in spans] if ok else None)
    return hit[1]


def _subject(verb: Token) -> Token | None:
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    if len(subjects) > 1 and subjects[-1].i < verb.i and subjects[-1].i - subjects[0].i > 3 \
            and verb.doc[subjects[-1].left_edge.i - 1].text == ",":
        # "After talks with X on Tuesday, Erdogan warned": the parser made the fronted phrase a second
        # subject; the one after the comma, next to the verb, is the subject
        subjects = subjects[-1:]
    if subjects:
        child = subjects[0]
        # "PM Modi said" parsed with two subjects: the name after the title heads the phrase
        if child.lower_ in _NAME_TITLES and child.i + 1 < verb.i and child.nbor(1).dep_ == child.dep_ \
                and child.nbor(1).head.i == verb.i and child.nbor(1).pos_ == "PROPN":
            child = child.nbor(1)
        # "Al-Jubeir said" parsed with both halves as subjects: the last half heads the name
        # (and _hyphenated_name_run gathers the run from there)
        while child.i + 2 < verb.i and not child.whitespace_ and child.nbor(1).text == "-" \
                and not child.nbor(1).whitespace_ and child.nbor(2).head.i == verb.i \
                and child.nbor(2).dep_ == child.dep_ and child.nbor(2).pos_ == "PROPN":
            child = child.nbor(2)
        return child
    # Shared subject of coordinated or controlled verbs: "X said ... and accused ...".
    if verb.dep_ in ("conj", "xcomp") and verb.head.i != verb.i:
        return _subject(verb.head)
    # Participles: "..., saying the city embodied ...", "calling them ...".
    if verb.dep_ in ("advcl", "acl") and verb.tag_ == "VBG" and verb.head.i != verb.i and verb.head.pos_ in ("VERB", "AUX"):
        return _subject(verb.head)
    # The means of another verb: "has waded into the dispute by accusing Riyadh of ...", "responded by calling ..."
    if verb.dep_ == "pcomp" and verb.tag_ == "VBG" and verb.head.lower_ == "by" and verb.head.head.pos_ in ("VERB", "AUX"):
        return _subject(verb.head.head)
    return None


def _quoted_as_speaker(verb: Token) -> Token | None:
    """The person in "Reuters quoted X as saying" / "X was quoted by AFP as saying": the speaker of
    ``saying``, where the parse makes the outlet the subject and the person an object or a passive subject."""
    head = verb.head
    if verb.tag_ != "VBG" or verb.dep_ != "pcomp" or head.lower_ != "as" \
            or head.head.lower_ not in ("quoted", "quotes", "quoting"):  # (the extraction parse has no lemmas)
        return None
    quote = head.head
    return next((c for c in quote.children if c.dep_ == "dobj"), None) or \
        next((c for c in quote.children if c.dep_ == "nsubjpass"), None)


def _tagged_quote(doc: Doc, quote: tuple[int, int], cue_ids: set[int]) -> bool:
    """'"Not even one," he said.': a short quote that opens its sentence, closed by a comma and
    followed by its speech tag (not a scare quote mid-sentence: 'the so-called "experts," he said, ...')."""
    sents = _sents(doc)
    text = sents.text
    if not text[quote[0]:quote[1]].rstrip().endswith(","):
        return False
    first = sents.first_token_from(quote[0])
    if first is None or re.sub(r"[\s\"“”‘’'`]", "", text[sents.of(first).start_char:quote[0]]):
        return False
    after = sents.tokens_from(quote[1], quote[1] + 60)[:6]
    for tok in after:
        if tok.i in cue_ids:
            return True
        if not (tok.is_punct or tok.pos_ in ("PROPN", "PRON", "NOUN", "DET", "ADJ")):
            return False
    return False


_NAME_TITLES = {"pm", "fm", "president", "prime", "minister", "foreign", "mr", "mrs", "ms", "dr", "premier"}


def _misattached_subject(verb: Token) -> Token | None:
    """The speaker of a finite speech verb that the small parser hung on another word.

    - After a quote or clause: '"It's a battle," said David Brock, a Clinton confidant who ...'
      (the name parsed as the subject of a later verb): the noun phrase right after the verb.
    - Before an aside: 'Sanders, who sits at zero endorsements, said ...' (the name parsed as the
      subject of the relative clause, that clause as the verb's complement): the subject of the
      clause on the verb's left, when a comma follows it.
    """
    doc = verb.doc
    if verb.tag_ in ("VBD", "VBZ") and verb.i > 0 and doc[verb.i - 1].dep_ == "aux" \
            and doc[verb.i - 1].head.i == verb.i and doc[verb.i - 1].text[:1].isupper() and verb.lower_ in _VERB_FORMS:
        return doc[verb.i - 1]  # '..., May said': no modal comes before a finite "said", so a name does
    if verb.tag_ in ("VBD", "VBZ", "VBN") and verb.lower_ in _VERB_FORMS:
        # '...," PM Kari Haugland posted on X': a name between a closing quote and the verb, which the
        # parser hung elsewhere (as an auxiliary, a compound).
        j = verb.i - 1
        while j >= 0 and (doc[j].pos_ == "PROPN" or doc[j].lower_ in _NAME_TITLES):
            j -= 1
        if j < verb.i - 1 and j >= 1 and doc[j].is_quote and doc[j - 1].text == "," and doc[verb.i - 1].pos_ == "PROPN" \
                and all(t.dep_ != "nsubj" for t in verb.children):
            return doc[verb.i - 1]
        # '..., spokesperson for Russia's Foreign Ministry Maria X said June 28': a titled name after a comma,
        # which the parser hung inside the clause it reports (the verb a conjunct of that clause, or a root
        # without a subject)
        if verb.dep_ in ("conj", "ROOT") and doc[verb.i - 1].pos_ == "PROPN" \
                and all(t.dep_ not in ("nsubj", "nsubjpass") for t in verb.children):
            k = verb.i - 1
            while k > 0 and doc[k - 1].text != "," and not doc[k - 1].pos_ in ("VERB", "AUX") \
                    and not doc[k - 1].is_quote and verb.i - k < 10:
                k -= 1
            if k > 1 and doc[k - 1].text == ",":
                return doc[verb.i - 1]
    if verb.tag_ not in ("VBD", "VBZ", "VBP") or verb.dep_ not in ("ROOT", "parataxis") or verb.lower_ not in _VERB_FORMS:
        return None
    before = doc_text(doc)[:verb.idx].rstrip()
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


def _participle_over_object(verb: Token, subj: Token) -> Token | None:
    """The speaker of "X rejected the minister's remarks saying ...": the parser makes the object the
    subject of the participle; a thing (remarks, claims, report) does not speak, the host clause's subject does."""
    if verb.tag_ != "VBG" or verb.dep_ not in ("ccomp", "advcl", "xcomp") or subj.head.i != verb.i \
            or subj.pos_ != "NOUN" or subj.lower_ in ROLE_NOUNS or subj.lower_ in _INSTITUTION_NOUNS \
            or subj.ent_type_ in ("PERSON", "NORP", "GPE", "ORG"):
        return None
    host = verb.head
    if host.i == verb.i or host.pos_ not in ("VERB", "AUX") or host.i > subj.i:
        return None
    return next((c for c in host.children if c.dep_ == "nsubj"), None)


def _hyphenated_name_run(subj: Token) -> list[Token] | None:
    """"President Moon Jae-in called ...", "Al-Jubeir said": the parser took the name's last part ("in",
    "Jubeir") for the subject. The whole name run, title included, ending with the subject token itself
    (resolution compares by identity)."""
    doc = subj.doc
    if subj.i < 2 or doc[subj.i - 1].text != "-" or doc[subj.i - 1].whitespace_ \
            or doc[subj.i - 2].whitespace_ or doc[subj.i - 2].pos_ != "PROPN":
        return None
    j = subj.i - 2
    while j > 0 and doc[j - 1].pos_ == "PROPN" and not doc[j - 1].is_punct:
        j -= 1
    return list(doc[j: subj.i]) + [subj]


def _subject_before_aside(verb: Token, subj: Token) -> Token | None:
    """The speaker of "Shoukry, welcoming PM Haugland to the summit, said ...": the parser takes the aside's
    object for the verb's subject; the speaker is the noun the participle hangs on, before the comma."""
    doc = verb.doc
    if verb.i == 0 or doc[verb.i - 1].text != "," or subj.i > verb.i:
        return None
    j = subj.left_edge.i - 1
    while j > 0 and (doc[j].lower_ in _NAME_TITLES or doc[j].pos_ == "PROPN" and doc[j].dep_ == "punct"):
        j -= 1  # a title the parser hung elsewhere ("PM")
    if j < 1 or doc[j].tag_ != "VBG" or doc[j].dep_ not in ("acl", "advcl") or doc[j - 1].text != ",":
        return None
    head = doc[j].head
    if head.pos_ in ("PROPN", "NOUN") and head.i < j - 1:
        return head
    # the participle hung on a verb (a parse across a paragraph break): the name right before the comma
    return doc[j - 2] if j >= 2 and doc[j - 2].pos_ == "PROPN" else None


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
    for t in out:  # an acronym in parentheses inside the phrase ("the Security Office (NSO) of ...") bridges it
        for c in t.children:
            a, b = c.left_edge.i, c.right_edge.i
            if c.dep_ == "appos" and _parenthesised(c) and b - a < 4 and b + 2 in by_i:  # inside, never at the end
                by_i.update((i, doc[i]) for i in range(a - 1, b + 2))
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


def _parenthesised(tok: Token) -> bool:
    """``tok``'s phrase stands alone in parentheses: "(NSO)"."""
    doc = tok.doc
    a, b = tok.left_edge.i, tok.right_edge.i
    return a > 0 and b + 1 < len(doc) and doc[a - 1].text == "(" and doc[b + 1].text == ")"


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
        if child.i < verb.i and child.dep_ in ("aux", "auxpass", "neg") and verb.i - child.i <= 3 \
                and child.pos_ != "PROPN" and not (child.text[:1].isupper() and verb.tag_ in ("VBD", "VBZ")):
            # (a name the parser made an auxiliary: "PM Modi posted", "May said")
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
        if child.dep_ == "advcl" and _writers_reading(child):
            continue  # '"...," Erdogan said, as if acknowledging their differences': the writer's reading
        out.extend(child.subtree)
    out.sort(key=lambda t: t.i)
    return out


def _writers_reading(clause: Token) -> bool:
    """An adverbial clause opened by "as if" / "as though": how the writer reads the words, not more of them."""
    first = clause.left_edge
    return first.lower_ == "as" and first.i + 1 < len(first.doc) and first.nbor(1).lower_ in ("if", "though")


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

"""Attribution drafts: each speech cue in the parse with its source, cue and content tokens (speech profile)."""
from __future__ import annotations

import bisect
import re

from spacy.tokens import Doc, Span, Token

from .broad import (
    _AS_NOTED,
    _IT_SPEAKS,
    _NESTED_BASES,
    _add_broad_drafts,
    _as_clause,
    _colon_draft,
    _contiguous_obj,
    _cut_before_nested_cues,
    _drop_described_holders,
    _drop_echoes,
    _named_subject,
    _nested_report,
    _pieces_around,
    _preceding_report,
    _share_repeated_sources,
    _transcript_drafts,
)
from .bullets import bullet_drafts
from .cue_words import (
    _ACT_NOUNS,
    _CLAIM_NOUNS,
    _ISSUING_FORMS,
    _POINT_FORMS,
    _PREP_CONTENT,
    _RENEWING_FORMS,
    _SPEAK_FORMS,
    _SPEECH_ONLY_FORMS,
    _continues_a_quote,
    _phrasal_act,
    _quote_opens_with,
)
from .lexicon import (
    _ATTITUDE_FORMS,
    _BASE_VERBS,
    _CLAUSE_ONLY,
    _CLAUSE_ONLY_ATTITUDE,
    _CLAUSE_ONLY_BROAD,
    _DESIGNATION_VERBS,
    _NO_OBJECT_CONTENT,
    _OBJECT_ATTITUDES,
    _OPEN,
    ACT_VERBS,
    is_news_outlet,
)
from .parsing import _AUX_FORMS
from .syntax import (
    _PLACE_VERBS,
    _TIME_WORDS,
    _balance_quote_marks,
    _broad_source,
    _char_span,
    _controller,
    _cue_base,
    _cue_tokens,
    _Draft,
    _hyphenated_name_run,
    _in_spans,
    _is_circumstance,
    _misattached_subject,
    _participle_over_object,
    _participle_subject,
    _quoted_as_speaker,
    _relative_subject,
    _reporting_participle_holder,
    _right_content,
    _speaker_tokens,
    _subject,
    _subject_before_aside,
    _tagged_quote,
    _writers_reading,
)
from .text import _sents, _trim, doc_quotes, doc_text


def _find_attributions_raw(doc: Doc, profile: str = "speech") -> list[_Draft]:
    text = doc_text(doc)
    quotes = doc_quotes(doc)
    drafts: dict[int, _Draft] = {}

    def draft_for(verb: Token, base: str) -> _Draft | None:
        if verb.i in drafts:
            return drafts[verb.i]
        quoted_as = _quoted_as_speaker(verb)
        subj = quoted_as or _subject(verb)
        if verb.dep_ in ("conj", "ROOT") and profile == "speech" and _inverted_conjunct(verb) is not None:
            subj = _misattached_subject(verb)  # '<clause>, <titled name> said': not the clause's subject
        if subj is not None and quoted_as is None:
            subj = _participle_over_object(verb, subj) or _subject_before_aside(verb, subj) or subj
        if subj is None and profile == "broad":
            subj = _participle_subject(verb)
        elif subj is None and _issued_or_taken(verb):
            # "issued a statement condemning ...", "took to X to condemn ...", "... condemning and denouncing ..."
            subj = _participle_subject(verb.head if verb.dep_ == "conj" else verb)
        elif profile == "broad":
            subj = _controller(verb) or _reporting_participle_holder(verb) or subj
        if subj is None:
            subj = _introduced_act_subject(verb) or _misattached_subject(verb)
        if subj is None or _in_spans(subj.idx, quotes) is not None and _in_spans(verb.idx, quotes) is None:
            return None
        if subj.lower_ in ("it", "that", "this", "which", "who", "what", "there") and subj.dep_ != "nsubjpass":
            if subj.lower_ == "it" and base in _IT_SPEAKS and subj.head.i == verb.i:
                pass  # "it said in a statement": a ministry, agency or document (the speaker resolver says which)
                # (not an "it" the verb only inherits: "it's fair to say", "it managed to maintain")
            elif verb.dep_ == "relcl" and (subj.lower_ in ("which", "who")
                                           or profile == "broad" and subj.lower_ == "that"):
                subj = verb.head
            else:
                return None
        if subj.dep_ == "nsubjpass" and quoted_as is None and verb.dep_ != "relcl" \
                and (profile == "speech" or subj.head.i == verb.i):
            return None  # "X was told"; in "X was forced out and said ..." the passive is not the cue's
        src = _hyphenated_name_run(subj) or _speaker_tokens(subj)
        if profile == "broad":
            subj, src = _broad_source(verb, subj, src)
            relative = _relative_subject(verb)
            if relative is not None:
                src = [relative]  # PolNeAR's source for "voters who want ..." is the relative pronoun
            elif verb.dep_ == "relcl" and any(c.dep_ == "nsubjpass" for c in verb.children):
                src = []  # "a candidate who was lambasted as ...": the noun is talked about, it does not talk
        d = _Draft(verb, base, subj, src, [], False, False)
        if verb.i in phrasal:
            d.cue_toks = sorted(_cue_tokens(verb) + phrasal[verb.i], key=lambda t: t.i)  # "hit out at", "took issue with"
        drafts[verb.i] = d
        return d

    # Cue verbs, outside quotes.
    cues: list[tuple[Token, str]] = []
    phrasal: dict[int, list[Token]] = {}  # cue index -> the particle or noun and the preposition ("out", "at")
    for tok in doc:
        base = _cue_base(tok)
        parts = _phrasal_act(tok) if profile == "speech" else None
        if base is None and profile == "broad" and tok.pos_ == "VERB":
            base = _ATTITUDE_FORMS.get(tok.lower_)
            if base is None and tok.lower_ not in _AUX_FORMS and tok.tag_ != "VBG" and tok.dep_ != "xcomp" \
                    and _named_subject(tok) and any(c.dep_ == "ccomp" and c.i > tok.i for c in tok.children):
                # Any verb with a clausal complement and a person as subject ("Trump doubts that ...",
                # "Clinton insisted ..."): PolNeAR counts these as attributions. Clause-only, like "believe".
                # Participles and infinitives ("making it too heavy", "helping it recover") mostly are not.
                base = "believe"
        if base is None and profile == "speech" and tok.pos_ == "VERB":
            base = _SPEECH_ONLY_FORMS.get(tok.lower_)  # "lamented that ...", "assured X that ..."
            if tok.lower_ in _ISSUING_FORMS:
                # "issued a stark warning against ...", "lodged a protest", "sent a message of support": the
                # act its object names, with the whole object as content
                # ... when the noun says what it carries ("a stark warning", "a message of support"); "delivered a
                # message" alone says nothing
                noun = next((c for c in tok.children if c.dep_ == "dobj" and c.lower_ in _ACT_NOUNS
                             and any(m.dep_ in ("amod", "prep", "acl", "compound") for m in c.children)), None)
                base = _ACT_NOUNS[noun.lower_] if noun is not None else None
            elif tok.lower_ in _RENEWING_FORMS:
                # "renewed allegations that ...", "repeated Russian claims that ...", "levelled charges of ...":
                # a claim the subject makes again, when the noun says what it claims
                noun = next((c for c in tok.children if c.dep_ == "dobj" and c.lower_ in _CLAIM_NOUNS
                             and any(m.dep_ in ("acl", "ccomp") or m.dep_ == "prep" and m.lower_ in ("of", "against")
                                     for m in c.children)), None)
                base = _CLAIM_NOUNS[noun.lower_] if noun is not None else None
            elif tok.lower_ in _POINT_FORMS and any(c.dep_ == "prep" and c.lower_ == "to" or c.dep_ == "prt"
                                                    and c.lower_ == "out" for c in tok.children):
                base = "point"  # "pointed to the continued presence of ...", "pointed out that ..."
        if base is None and parts is not None:
            base = parts[0]  # "hit out at Australia", "took issue with Seoul's ..."
        if base is None and profile == "speech" and _continues_a_quote(tok, quotes, text):
            base = "add"  # '"...," he continued.', 'He went on: "..."'
        if base is None and profile == "speech" and tok.lower_ in _SPEAK_FORMS and any(
                c.dep_ == "prep" and c.lower_ == "of" for c in tok.children):
            base = "speak"  # "spoke of 'more dynamic' relations" ("spoke to reporters about" is a circumstance)
        # Cues inside quotes ("I think ...") are left out in both profiles: on PolNeAR train they
        # cost more precision than they gave recall; except a quote that opens with the sentence's own
        # verb after a subject outside it ('The ministry, in its statement, "warned of ..."').
        if base is None or _in_spans(tok.idx, quotes) is not None and not _quote_opens_with(tok, quotes, text):
            continue
        if any(a.dep_ == "advcl" and _writers_reading(a) for a in [tok, *tok.ancestors]):
            continue  # "..., as if acknowledging their differences": the writer's reading, no statement
        if parts is not None:
            phrasal[tok.i] = parts[1]
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
    sents = _sents(doc)

    def sents_overlapping(a: int, b: int) -> list[Span]:
        i = max(0, bisect.bisect_right(sents.char_starts, a) - 1)
        out = []
        while i < len(sents.spans) and sents.spans[i].start_char < b:
            if sents.spans[i].end_char > a:
                out.append(sents.spans[i])
            i += 1
        return out

    consumed_quotes: set[tuple[int, int]] = set()
    cue_ids = {verb.i for verb, _ in cues}
    cues_in: dict[int, list[tuple[Token, str]]] = {}  # sentence start token -> its cues, in cue order
    for verb, base in cues:
        cues_in.setdefault(sents.of(verb).start, []).append((verb, base))
    for q in quotes:
        if len(text[q[0]:q[1]].split()) < 4 and not re.search(r"[.!?]$", text[q[0]:q[1]].strip(" ,")) \
                and not _tagged_quote(doc, q, cue_ids):
            continue  # short scare quotes belong to the sentence around them
        candidates = []
        for sent in sents_overlapping(*q):
            for verb, base in cues_in.get(sent.start, ()):
                if verb.i in drafts and drafts[verb.i].kind == "designation":
                    continue
                if q[0] <= verb.idx < q[1]:
                    continue
                dist = q[0] - verb.idx if verb.idx < q[0] else verb.idx - q[1]
                candidates.append((dist, verb, base))
        if not candidates:
            # 'X said in a statement:' then the quote (often parsed as its own sentence).
            i = bisect.bisect_right(sents.char_starts, q[0] + 1) - 1
            while i >= 0 and sents.spans[i].end_char > q[0] + 1:
                i -= 1
            prev = sents.spans[i] if i >= 0 else None
            if prev is not None and text[prev.start_char:prev.end_char].rstrip().endswith(":"):
                for verb, base in cues_in.get(prev.start, ()):
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
            comma = _inverted_conjunct(verb) if profile == "speech" and verb.dep_ == "ROOT" else None
            if comma is not None:  # the titled speaker the parser hung inside the clause is no part of it
                content = [t for t in content if t.i < comma.i]
        elif verb.i in phrasal:
            # what the preposition governs, and what follows it ("hit out at Canberra over its ban")
            prep = phrasal[verb.i][-1]
            content = sorted([t for t in prep.subtree if t.i != prep.i] + [
                t for c in verb.children if c.i > prep.i and c.dep_ in ("prep", "advcl", "xcomp")
                and not _is_circumstance(c) for t in c.subtree], key=lambda t: t.i)
        elif profile == "broad" and base in ("show", "find", "see"):
            # "a poll showed a one-point race" (PolNeAR's evidentials); a person who "found jobs" or "helped
            # found the network" is no evidence (under a third of those are cues on PolNeAR train)
            subj = _subject(verb)
            if not (base == "find" and subj is not None and subj.pos_ in ("PROPN", "PRON")):
                content = _right_content(verb, set())
        elif profile == "speech" and base == "agree" and _joint_subject(verb):
            # "The two leaders agreed to restore ties", "Egypt and Qatar agreed on ...": a joint position
            content = sorted((t for c in verb.children if c.i > verb.i and (
                c.dep_ == "xcomp" or c.dep_ == "prep" and c.lower_ == "on") for t in c.subtree), key=lambda t: t.i)
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
        elif base in _PREP_CONTENT:  # "spoke of ...", "pointed to ...": what the preposition governs
            content = [t for c in verb.children if c.dep_ == "prep" and c.lower_ == _PREP_CONTENT[base]
                       for t in sorted(c.subtree, key=lambda t: t.i) if t.i != c.i]
        elif base in _DESIGNATION_VERBS and base in ("call",):
            # "called for a ceasefire"
            content = [t for c in verb.children if c.dep_ == "prep" and c.lower_ == "for" for t in c.subtree][1:]
            if not content:
                # "called on Congress to act", "called upon the parties to ...": the addressee and what to do
                on = [c for c in verb.children if c.dep_ == "prep" and c.lower_ in ("on", "upon")
                      and verb.i < c.i <= verb.i + 2]
                if on:
                    to_do = [c for c in verb.children if c.i > on[0].i and (
                        c.dep_ == "xcomp" or c.dep_ == "advcl" and any(a.dep_ == "aux" and a.lower_ == "to"
                                                                       for a in c.children))]
                    content = sorted((t for c in on + to_do for t in c.subtree if t.i != on[0].i), key=lambda t: t.i)
        elif profile == "broad" and base in _DESIGNATION_VERBS:
            # "described the plan in detail", "referring to the memo": no label, still an attribution in PolNeAR
            content = _right_content(verb, set())
        if not ccomp and base not in _DESIGNATION_VERBS:
            # "said in a statement that ...": the clause hangs off the circumstance noun.
            # "said in an interview released on Monday that ...": the parser hangs it off the participle.
            that = next((t for t in verb.subtree if t.i > verb.i and t.dep_ == "mark" and t.lower_ == "that"
                         and t.head.pos_ in ("VERB", "AUX") and t.head.head.i != verb.i
                         and (t.head.dep_ in ("acl", "advcl", "relcl") or _of_a_participle(t.head, cues))
                         and _sents(doc).of(t) == _sents(doc).of(verb)), None)
            if that is not None and all(_is_circumstance(p) for p in verb.children if p.dep_ == "prep" and p.i < that.i):
                content = sorted(that.head.subtree, key=lambda t: t.i)
        if base in ("say", "write") and not ccomp and not content and verb.dep_ == "conj" \
                and verb.head.i < verb.i and (comma := _inverted_conjunct(verb)) is not None:
            # '..., spokesperson for Russia's Foreign Ministry Maria X said June 28': the clause before the comma
            content = [t for t in verb.head.subtree if t.i < comma.i]
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
            if not content:
                # "told a gathering of business leaders that ...": the that-clause hung on the addressee
                # (a relative clause has "that" as its subject, not as its mark)
                that = next((t for c in verb.children if c.dep_ == "dobj" for t in c.subtree
                             if t.dep_ in ("relcl", "acl") and any(m.dep_ == "mark" and m.lower_ == "that"
                                                                  for m in t.children)),
                            None)
                if that is not None:
                    content = sorted(that.subtree, key=lambda t: t.i)
                else:
                    content = _audience_clause(verb)
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
        # "endorsed Trump", "said so"; "Egypt condemned Turkey", "congratulated Yildirim on ...": an act on a name
        one_name = len(content) == 1 and (profile == "broad" and (content[0].pos_ == "PROPN" or base in ("say", "write"))
                                          or base in ACT_VERBS and content[0].pos_ == "PROPN")
        if span[1] - span[0] < 3 or len(text[span[0]:span[1]].split()) < 2 and not one_name:
            continue
        d = draft_for(verb, base)
        if d is None:
            continue
        if d.subj is not None and span[0] <= d.subj.idx < span[1]:
            if (profile == "broad" or verb.dep_ == "relcl" and ccomp) and not (existing and existing.pieces):
                # "the changes, which officials said will start soon": the content runs around source and cue
                # (in the speech profile only for a relative clause with a reported clause: "which X said will ...")
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

    # 4b. Bullet points under "Wang said:" or "Comments from the Chinese side:".
    if profile == "speech":
        for d in bullet_drafts(doc, drafts, quotes):
            drafts[d.verb.i] = d

    # 4h. A headline in the wire style 'Lavrov: West must stop ...': a line of its own, without a full stop.
    if profile == "speech":
        for sent in _sents(doc).spans:
            if _is_headline_line(text, sent):
                d = _colon_draft(text, sent, quotes)
                # the head names a speaker ("Lavrov", "Russia's Lavrov", "Saudi FM"), not a topic ("Pandas and
                # Progress", "The 14 sins of Australia")
                if d is not None and d.verb.i not in drafts and len(d.source_toks) <= 4 \
                        and all(t.pos_ in ("PROPN", "NOUN", "ADJ", "PART") for t in d.source_toks):
                    a, b = d.pieces[0]
                    if b - a > 2 and text[a] in '"\u201c' and text[b - 1] in '"\u201d':
                        d.pieces = [(a + 1, b - 1)]  # 'Lavrov: "..."': the words, without their marks
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
    spans = sorted(((p, d) for d in out for p in d.pieces), key=lambda pd: pd[0][0])
    starts = [p[0] for p, _ in spans]
    longest = max((p[1] - p[0] for p, _ in spans), default=0)
    kept = []
    relays: set[int] = set()  # outlets' drafts that only relay an official's words
    for d in out:
        # Only pieces that start at most `longest` characters before the cue can hold it (linear, not n^2).
        hi = bisect.bisect_right(starts, d.verb.idx)
        lo = bisect.bisect_left(starts, d.verb.idx - longest)
        holding = [(p, other) for p, other in spans[lo:hi] if other is not d and p[0] <= d.verb.idx < p[1]]
        nested = any(not (d.kind == "designation" and other.kind != "designation") for _, other in holding)
        if profile == "broad" and d.base in _NESTED_BASES and d.verb.dep_ in ("advcl", "conj", "parataxis"):
            nested = False  # "X criticised ... as Y explained ...": PolNeAR annotates both reports
        if profile == "broad" and d.base in _NESTED_BASES and d.verb.tag_ in ("VBD", "VBZ", "VBP") \
                and d.verb.dep_ in ("ccomp", "relcl"):
            nested = False  # "X said that Y told him ...", "a finish that he said defied expectations"
        if nested and d.base in ACT_VERBS and d.verb.dep_ == "ccomp" and d.subj is not None \
                and d.subj.pos_ == "PROPN" and not d.quoted and all(
                    other.subj is not None and other.subj.lower_ in _DOCUMENT_SOURCES for _, other in holding):
            nested = False  # "a joint statement said Carney and Modi reaffirmed ...": the act of the people named
        if nested and profile == "speech" and d.subj is not None and d.verb.tag_ in ("VBD", "VBZ", "VBP") \
                and all(_relays(other, text) or other.according for _, other in holding):
            # "X told reporters ..., Reuters reported", "X said ..., according to TASS" (or "according to a
            # transcript", "according to the ministry"): the official speaks; the outlet or document is only
            # the channel, and its wrapper goes.
            nested = False
            relays.update(id(other) for _, other in holding)
        clause = _own_clause(d) if nested and profile == "speech" and d.subj is not None else None
        start = min(t.idx for t in clause.subtree) if clause is not None else None
        if clause is not None and _on_another_speaker(clause):
            # a relative clause on another speaker counts only where it ends the holder's words
            # ("Moon said Abe, who criticised Seoul, had misread it": the rest is still Moon's)
            end = max(t.idx + len(t) for t in clause.subtree)
            if any(text[end:p[1]].strip(" ,.;\"'”’") for p, _ in holding):
                clause = None
        if clause is not None and all(p[0] < start for p, _ in holding):
            # "..., while Tokyo said ...", "the statements by X, in which he said ...": another speaker's
            # words beside or about the holder's, not part of them; the holder's content stops before them.
            nested = False
            for p, other in holding:
                cut = _trim(text, p[0], start)
                other.pieces = [q for q in other.pieces if q != p] + ([cut] if cut[1] - cut[0] >= 3 else [])
        if nested and not (profile == "broad" and _nested_report(d)):
            continue
        kept.append(d)
    kept = [d for d in kept if id(d) not in relays and d.pieces]
    if profile == "broad":
        kept = _drop_described_holders(kept)
        _cut_before_nested_cues(doc_text(doc), kept)
        kept = _drop_echoes(kept)
        _share_repeated_sources(kept)
    kept.sort(key=lambda d: min(p[0] for p in d.pieces))
    return kept


# Nouns for whom a statement was made: "told a press briefing that ..." has no relative clause.
_AUDIENCE_NOUNS = {
    "briefing", "conference", "reporters", "journalists", "correspondents", "gathering", "meeting", "audience",
    "parliament", "lawmakers", "legislators", "senators", "crowd", "forum", "summit", "session", "assembly",
    "delegates", "press", "media", "television", "radio", "broadcaster", "newspaper", "agency", "daily",
    "channel", "congress", "committee", "council", "students", "supporters", "rally", "interviewer",
}


def _of_a_participle(clause: Token, cues) -> bool:
    """'an interview released on Monday that he is ...': a that-clause the parser gave to a past participle
    modifying a noun, where the participle says how the words came out, not what was said."""
    part = clause.head
    return (clause.dep_ == "ccomp" and part.dep_ == "acl" and part.tag_ == "VBN"
            and all(v.i != part.i for v, _ in cues))


def _audience_clause(verb: Token) -> list[Token]:
    """'told a press briefing that the government decided to end ...': the parser reads the that-clause as a
    relative clause on the audience (with "that" its object, deep inside); after such a noun it is the content."""
    for obj in verb.children:
        if obj.dep_ != "dobj" or obj.lower_ not in _AUDIENCE_NOUNS:
            continue
        rel = next((t for t in obj.children if t.dep_ in ("relcl", "acl") and t.i > obj.i), None)
        toks = sorted(rel.subtree, key=lambda t: t.i) if rel is not None else []
        if len(toks) > 3 and toks[0].lower_ == "that" and toks[0].i == obj.i + 1:  # "a briefing that ..."
            return toks[1:]
    return []


def _is_headline_line(text: str, sent: Span) -> bool:
    """The sentence is a whole line that ends without a full stop, question or exclamation mark: a headline."""
    line_start = text.rfind("\n", 0, sent.start_char) + 1
    line_end = text.find("\n", sent.start_char)
    line_end = len(text) if line_end < 0 else line_end
    line = text[line_start:line_end].strip()
    return bool(line) and text[line_start:sent.start_char].strip() == "" and \
        text[sent.end_char:line_end].strip() == "" and line[-1] not in ".!?:;,"


# Clauses of their own inside another report: contrast ("while X said ...") and a report the holder's
# words point at ("the remarks ..., in which he said ...").
_CONTRAST_MARKS = {"while", "whereas", "although", "though"}
_SPEECH_NOUNS = {"statement", "statements", "comment", "comments", "remarks", "remark", "interview", "speech",
                 "letter", "post", "posts", "address", "tweet", "article", "op-ed", "briefing", "message"}


def _on_another_speaker(clause: Token) -> bool:
    """``clause`` is a relative clause on a person ("Abe, who took issue with ...")."""
    return clause.dep_ == "relcl" and any(c.dep_ == "nsubj" and c.lower_ == "who" for c in clause.children)


def _own_clause(d: _Draft) -> Token | None:
    """The clause holding ``d``'s cue when it is a report of its own inside another report's content."""
    tok = d.verb
    if _on_another_speaker(tok):
        return tok  # "remarks by Abe, who took issue with Seoul's ...": Abe's own act, beside the holder's words
    for _ in range(4):
        if tok.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in _CONTRAST_MARKS for c in tok.children):
            return tok
        if tok.dep_ == "relcl" and tok.head.lower_ in _SPEECH_NOUNS:
            return tok
        if tok.head.i == tok.i:
            return None
        tok = tok.head
    return None




def _inverted_conjunct(verb: Token) -> Token | None:
    """The comma of '<clause>, <titled name> said ...' when the parser made the verb a conjunct of the clause and
    gave it no subject: the clause is what was said (see ``_misattached_subject``)."""
    if any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children):
        return None
    subj = _misattached_subject(verb)
    if subj is None or subj.i > verb.i:
        return None
    k = subj.i
    while k > 0 and verb.doc[k].text != ",":
        k -= 1
    return verb.doc[k] if verb.doc[k].text == "," and (verb.dep_ == "ROOT" or k > verb.head.i) else None


_JOINT_HEADS = {"sides", "leaders", "countries", "ministers", "parties", "presidents", "governments", "nations",
                "delegations"}


def _joint_subject(verb: Token) -> bool:
    """The verb's subject is two or more parties: coordinated ("X and Y") or joint ("the two leaders", "both sides")."""
    subj = _subject(verb)
    if subj is None or verb.dep_ == "ccomp" or any(c.lower_ == "according" for c in verb.children):
        return False  # reported by someone ("the ministry said X and Y agreed ..."): that someone's statement
    if any(c.dep_ == "conj" for c in subj.children):
        return True
    words = {t.lower_ for t in subj.subtree}
    return bool(words & {"both", "two"}) and bool(words & _JOINT_HEADS)




def _relays(d: _Draft, text: str) -> bool:
    """A news outlet's report ("Reuters reported", "according to TASS"), which may relay an official's words."""
    return bool(d.source_toks) and is_news_outlet(text[slice(*_char_span(d.source_toks))])


# Sources that report others' acts rather than act themselves ("the statement said X and Y reaffirmed ...").
_DOCUMENT_SOURCES = {"statement", "readout", "communique", "communiqué", "declaration", "release", "announcement"}
_ISSUED_NOUNS = {"statement", "release", "note", "message", "letter", "post", "tweet", "communique", "communiqué",
                 "declaration", "readout", "warning", "notice"}
_TAKEN_TO = {"took", "take", "takes", "taking", "used", "use", "uses"}


_GO_FORMS = {"go", "goes", "went", "gone", "going"}
_PROMPT_WORDS = {"quick", "quicker", "swift", "first", "keen", "eager"}


def _introduced_act_subject(verb: Token) -> Token | None:
    """The speaker of an infinitive act that another phrase introduces: "went as far as to question X",
    "went so far as to accuse X", "went on to call X", "was quick to condemn X"."""
    if verb.tag_ != "VB" or verb.dep_ not in ("advcl", "xcomp") \
            or not any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
        return None
    head = verb.head
    if head.lower_ == "far" and head.dep_ == "advmod" and head.head.lower_ in _GO_FORMS:
        head = head.head
    elif head.lower_ in _PROMPT_WORDS and head.dep_ == "acomp":
        head = head.head
    elif not (head.lower_ in _GO_FORMS and any(c.dep_ == "prt" and c.lower_ == "on" for c in head.children)):
        return None
    return next((c for c in head.children if c.dep_ == "nsubj"), None)


def _issued_or_taken(verb: Token) -> bool:
    """A speech verb whose speaker is the subject of the clause it hangs from: a participle on an issued
    document ("released a statement condemning ...") or an infinitive after "took to Twitter" / "used"."""
    if verb.dep_ == "conj" and verb.head.tag_ == verb.tag_:
        return _issued_or_taken(verb.head)
    if verb.tag_ == "VBG" and verb.dep_ == "acl":
        return verb.head.lower_ in _ISSUED_NOUNS and verb.head.dep_ == "dobj"
    if verb.tag_ == "VB" and verb.dep_ in ("advcl", "xcomp"):
        return verb.head.lower_ in _TAKEN_TO
    return False

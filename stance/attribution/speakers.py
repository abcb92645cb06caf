"""Who speaks for which watchlist entity: names, titles, pronouns and roles, remembered per article."""
from __future__ import annotations

import functools
import re

from spacy.tokens import Doc, Token

from ..watchlist import Watchlist
from .coreference import (
    DOCUMENT_NOUNS,
    ROLE_KINDS,
    STATE_NOUNS,
    RoleMentions,
    is_bare_role,
    is_title_word,
    role_kind,
)
from .lexicon import (
    _FORMER,
    _STATE_FORMS,
    _VERB_FORMS,
    _INSTITUTION_NOUNS,
    MEDIA_WORDS,
    PRONOUNS,
    ROLE_NOUNS,
    is_country_name,
    is_news_outlet,
    states_of_form,
)
from .names import PARTICLES, TITLE_WORDS, handle_name, name_index, watchlist_roles
from .syntax import _appositions, _in_spans, _parenthesised, _phrase_tokens, _speaker_tokens
from .text import _sents, doc_quotes, doc_text

# ---------------------------------------------------------------------------------------------
# Speakers


def _covered(mentions: dict[int, str], a: int, reach: int = 200) -> bool:
    """A mention already covers position ``a``; only those starting ``reach`` characters before it can (a name
    is never longer), so the check costs the same however many mentions the article has."""
    return any(x in mentions and a < x + len(mentions[x]) for x in range(max(0, a - reach), a + 1))


def _relayed_by_outlet(clause: Token) -> bool:
    """The clause an outlet reports ("X told reporters ..., Interfax reported"): its people are speakers."""
    subj = next((c for c in clause.head.children if c.dep_ == "nsubj"), None)
    return subj is not None and is_news_outlet(" ".join(t.text for t in subj.subtree))


def _previous_paragraph_start(text: str, pos: int) -> int:
    """Where the paragraph before the one holding ``pos`` starts (0 near the top)."""
    brk = text.rfind("\n", 0, pos)
    while brk > 0 and text[brk - 1] in "\n \t\r":
        brk -= 1
    return text.rfind("\n", 0, brk) + 1 if brk > 0 else 0


# A run of capitalised words: a name, maybe with particles and hyphens.
_NAME_RUN = re.compile(r"[A-Z][\w'’-]+(?:\s+(?:(?:al|bin|ibn|de|van|von)[- ])?[A-Z][\w'’-]+){0,3}")


def _last_before(items: list[tuple], pos: int, tail: int = 8) -> list[tuple]:
    """Up to ``tail`` entries before ``pos``, read from the end of a list kept in (nearly) text order,
    so that each pronoun costs a few steps however long the article is."""
    out = []
    for item in reversed(items):
        if item[0] < pos:
            out.append(item)
            if len(out) == tail:
                break
    return out


def _name_keys(full: str) -> set[str]:
    return {_SURNAME_PARTICLE.sub("", w).lower() for w in full.split()}


def _hyphen_piece(tok: Token) -> bool:
    """A hyphen, or the word after it, inside a capitalised hyphenated name written without spaces."""
    doc, i = tok.doc, tok.i
    if tok.text == "-" and not tok.whitespace_ and i > 0 and not doc[i - 1].whitespace_:
        return _name_start(doc[i - 1])
    if i > 1 and doc[i - 1].text == "-" and not doc[i - 1].whitespace_ and not doc[i - 2].whitespace_:
        return _name_start(doc[i - 2]) and tok.text.isalpha()
    return False


def _name_start(tok: Token) -> bool:
    """Capitalised, or a particle that opens a surname in lower case ("al-Thani", "el-Sisi")."""
    return tok.text[:1].isupper() or tok.lower_ in PARTICLES


def _name_tokens(toks: list[Token]) -> list[Token]:
    """The proper-name run at the end of a speaker phrase ("Abbas Araghchi" in a title)."""
    run: list[Token] = []
    for tok in reversed(toks):
        if _hyphen_piece(tok):  # "Jae-in", "Abdel-Fattah": the parts of one hyphenated name
            run.insert(0, tok)
            continue
        if tok.pos_ == "PROPN" or (tok.text[:1].isupper() and tok.pos_ in ("NOUN", "ADJ", "X") and run):
            run.insert(0, tok)
        elif run:
            break
        elif tok.is_punct:
            continue
        else:
            break
    # Titles are capitalised too: keep only the trailing tokens that look like a name.
    while len(run) > 1 and run[0].lower_.strip(".") in TITLE_WORDS:
        run.pop(0)
    return run


_SURNAME_PARTICLE = re.compile(r"^(al-|el-|bin |ibn )", re.IGNORECASE)


def _surname(name: str) -> str:
    last = name.split()[-1] if name.split() else name
    return _SURNAME_PARTICLE.sub("", last)


# Bodies named after a state that do not speak for it ("the Russian Orthodox Church", "the Saudi Press Agency").
_NOT_STATE_BODIES = {"party", "opposition", "church", "university", "institute", "foundation", "association",
                     "union", "company", "corporation", "group", "league", "club", "federation", "chamber", "council",
                     "congress", "movement", "front", "alliance", "society", "center", "centre", "fund", "bank",
                     "airlines", "airways", "press", "times", "post", "herald", "daily", "news",
                     # legislatures and parties speak for their members, not for the state's foreign policy
                     "senate", "house", "parliament", "assembly", "legislature", "caucus", "democrats", "republicans"}
# Roles held by one person: with no earlier record of the role, they point back to the person named last.
_PERSON_KINDS = {"fm", "minister", "premier", "president", "spokes", "leader", "ambassador", "prince", "king",
                 "emir", "chancellor"}
# How far back (characters, about two paragraphs) "it", a role never tied to anyone, "a spokesperson" and a
# document that points back to a joint voice look for what they stand for.
_REACH = 600
# "a ministry official", "an embassy spokesman": a member speaks for the body the article named before.
_MEMBER_NOUNS = {"official", "spokesman", "spokeswoman", "spokesperson", "source", "diplomat", "representative"}
_BODY_KINDS = {"ministry", "embassy", "presidency", "office", "government"}
# Words of a former official or of the media: what they issue or bring in speaks for no state.
_FORMER_OR_MEDIA = frozenset(_FORMER | MEDIA_WORDS)


class _SpeakerResolver:
    """Per-article memory: who has been named, and as which actor."""

    def __init__(self, doc: Doc, watchlist: Watchlist, date) -> None:
        self.doc = doc
        self.watchlist = watchlist
        self.names = name_index(watchlist)
        self.date = date
        self.text = doc_text(doc)  # Doc.text re-joins every token on each access
        self._alias_cache: dict[str, list] = {}
        self.people: list[tuple[int, str, str]] = []  # (char position, full name, actor) of named people
        self.referents: dict[int, str] = {}  # speaker phrase position -> the person it refers to
        self.groups: list[tuple[int, str, str]] = []  # plural/institutional speakers
        # Joint voices ("a joint statement by Egypt and Turkey"): position -> the entities that speak in it;
        # a later "the statement" or "it" that points back to one speaks for them all.
        self.joint: dict[int, tuple[str, ...]] = {}
        # Unnamed singular speakers ("one resident", "a volunteer") and pronouns already resolved:
        # antecedents for a later "he"/"she" just as much as named people are.
        self.unnamed: list[tuple[int, str, str]] = []
        self.person_ents = [
            (e.start_char, e.text) for e in doc.ents if e.label_ == "PERSON" and len(e.text.split()) >= 2
        ]
        # Anyone a pronoun could point back to: PERSON entities and proper-noun subjects
        # (the small model tags some surnames ORG/GPE, so the parse is used as well).
        quotes = doc_quotes(doc)
        mentions: dict[int, str] = {
            e.start_char: e.text for e in doc.ents
            if e.label_ == "PERSON" and not self._in_content(e.root, quotes) and not is_news_outlet(e.text)
        }
        for tok in doc:
            # subjects, and a subject's possessor ("Hariri's resignation was announced ..., during which he said")
            if (tok.dep_ in ("nsubj", "nsubjpass") or tok.dep_ == "poss" and tok.pos_ == "PROPN"
                    and tok.head.dep_ in ("nsubj", "nsubjpass")) and tok.text[:1].isupper() \
                    and tok.pos_ in ("PROPN", "NOUN"):
                if tok.tag_ in ("NNS", "NNPS") or tok.i == _sents(doc).of(tok).start and tok.pos_ != "PROPN":
                    continue
                # Names inside reported content or quotes ("said Syria must ...") are what was said,
                # not who is speaking: a later "he said" does not point back to them.
                if self._in_content(tok, quotes):
                    continue
                run = _name_tokens([t for t in _speaker_tokens(tok) if t.dep_ != "case"])  # (not the "'s")
                name = self._text_of(run) if run else ""
                if run and (not self._metonym(name) or self._known_unlisted(_surname(name))) \
                        and not is_news_outlet(name) and not is_country_name(name):
                    # ("..., Reuters reported. '...,' he said": not Reuters; "Sweden joining Nato" is no "he")
                    a = run[0].idx
                    if not _covered(mentions, a):
                        mentions[a] = name
        self.person_mentions = sorted(mentions.items())
        # Multi-word names found through the parse count as full names too (also without NER).
        known = {p for p, _ in self.person_ents}
        self.person_ents += [(p, name) for p, name in self.person_mentions if " " in name and p not in known]
        self.person_ents.sort()
        self._people_by_word: dict[str, list[tuple[int, str, str]]] = {}
        self._ents_by_word: dict[str, list[tuple[int, str]]] = {}
        for p, full in self.person_ents:
            for key in _name_keys(full):
                self._ents_by_word.setdefault(key, []).append((p, full))

    @functools.cached_property
    def roles(self) -> RoleMentions:
        """The article's role words, read only when a speaker needs them ("the ministry", "it")."""
        return RoleMentions(self.doc, self._find, self._listed, lambda t: _sents(self.doc).of(t).start,
                            extra=watchlist_roles(self.watchlist, self.date))

    @staticmethod
    def _in_content(tok: Token, quotes) -> bool:
        """Inside a quote or a reported clause: what was said, not who said it."""
        return _in_spans(tok.idx, quotes) is not None or any(
            a.dep_ == "ccomp" and not _relayed_by_outlet(a) for a in tok.ancestors)

    # --- watchlist look-ups -----------------------------------------------------------------
    def _listed(self, text: str) -> tuple[str, str] | None:
        """(entity, canonical name) for a listed speaker named in ``text``, in full or as news varies it."""
        full = self.watchlist.speaker_entity(text, self.date)
        if full is not None:
            return full
        # The longest tail of the phrase that is a name ("Egyptian FM Shukri" -> "FM Shukri").
        words = text.split()
        for i in range(len(words)):
            if not words[i][:1].isupper() and words[i].split("-")[0].lower() not in PARTICLES:
                continue  # ("al-Thani" opens a name in lower case)
            hit = self.names.match(" ".join(words[i:]), self.date)
            if hit is not None:
                return hit
        return None

    def _listed_surname(self, surname: str) -> tuple[str, str] | None:
        """One written name word (surname, or family name first) that fits listed speakers of one entity."""
        return self.names.match(surname, self.date)

    def _known_unlisted(self, surname: str) -> bool:
        """A listed speaker with this name exists but not on this date (time-bounded)."""
        return self.names.known(surname) and self.names.match(surname, self.date) is None

    def _role_actor(self, tokens: list[Token]) -> str:
        """Entity for '<alias> <role noun>' phrases ("Iran's foreign ministry", "US officials")."""
        if any(t.lower_.strip("-") in _FORMER or t.lower_ in _FORMER for t in tokens):
            return ""
        if any(t.lower_ in MEDIA_WORDS for t in tokens):
            return ""  # "Chinese state media", "Russia's state news agency": reporting, not the state speaking
        in_phrase = {t.i for t in tokens}
        # Only a role noun heading the phrase (or titling a name) counts: "Israeli military
        # spokesman" speaks for Israel, "a Russian military blogger" does not.
        roles = [
            t for t in tokens
            if (t.lower_ in ROLE_NOUNS or _office_of_an_institution(t))
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
            if not entities:
                # "May's spokesman", "Putin's office": the role of a listed speaker speaks for that speaker's entity
                for owner in (t for t in mods if t.dep_ == "poss" and t.pos_ == "PROPN"):
                    run = _name_tokens([t for t in owner.subtree if t.dep_ != "case"])
                    hit = self._listed(self._text_of(run)) if run else None
                    if hit is not None:
                        entities.add(hit[0])
            if role.lower_ == "kremlin":
                entities |= {m.entity for m in self._find("Kremlin")}
        return entities.pop() if len(entities) == 1 else ""

    def _state_institution(self, phrase: str) -> str:
        """'the Philippines Coast Guard', 'the Israel Defense Forces': a capitalised body named after its state's
        alias speaks for that state; media, parties, churches, companies and the like do not."""
        bare = re.sub(r"^(?:the|The)\s+", "", phrase.strip())
        hits = [m for m in self._find(bare) if m.start == 0]
        if not hits:
            return ""
        rest = bare[max(m.end for m in hits):].split()
        if not rest or not all(w[:1].isupper() for w in rest) or self._listed(bare) \
                or any(w.endswith(("'s", "’s")) for w in rest):
            return ""  # ("the Washington Post's Ishaan X": a person of a body, and the body no state's)
        words = {w.strip(".,'’()").lower() for w in rest}
        if words & (_FORMER_OR_MEDIA | _NOT_STATE_BODIES):
            return ""
        return hits[0].entity if len({m.entity for m in hits}) == 1 else ""

    def _role_actor_of_text(self, phrase: str) -> str:
        """The entity a role phrase written out names ("the Russian Foreign Minister"), or ""."""
        entities = {m.entity for m in self._find(phrase)}
        words = {w.strip(".,").lower() for w in phrase.split()}
        official = words & (ROLE_NOUNS | {"foreign", "prime", "president"}) and not words & _FORMER_OR_MEDIA
        return entities.pop() if len(entities) == 1 and official else ""

    def _text_of(self, toks: list[Token]) -> str:
        """The text a run of tokens covers, as written."""
        return self.text[toks[0].idx: toks[-1].idx + len(toks[-1].text)]

    def _find(self, text: str):
        hit = self._alias_cache.get(text)
        if hit is None:
            hit = self._alias_cache[text] = self.watchlist.find_aliases(text, self.date)
        return hit

    def _metonym(self, text: str) -> str:
        bare = re.sub(r"^(the|The|both|Both)\s+", "", text.strip())  # "Both Egypt [and Turkey]"
        # "the MEA in the statement", "Riyadh via a post": the medium is not part of the name.
        bare = re.sub(r"\s+(?:in|via|through)\s+(?:a|an|the|its|his|her|their)\s+\w+$", "", bare)
        for m in self._find(bare):
            if m.start == 0 and m.end == len(bare):
                return m.entity
        # "Iran's foreign ministry" style phrases whose head is itself an alias ("the Kremlin").
        return ""

    # --- resolution -------------------------------------------------------------------------
    def resolve(self, subj: Token, toks: list[Token]) -> tuple[str, str]:
        """(speaker as written or resolved, actor)."""
        pos = toks[0].idx
        phrase = self._text_of(toks)
        lower = subj.lower_
        if lower in PRONOUNS and len(toks) == 1:
            return self._pronoun(lower, pos, phrase)
        handle = next((t.text for t in toks if t.text.startswith("@") and len(t.text) > 3), None)
        if handle is not None:
            # "PM @KariHauglandMP says ...": the handle spells the listed name.
            listed = self._listed(handle_name(handle))
            if listed is not None:
                self._remember_person(pos, phrase, listed[1], listed[0])
                return phrase, listed[0]
        # an acronym in parentheses ("the National Security Office (NSO)") names the office, not the person
        appos = [a for t in toks for a in _appositions(t) if not _parenthesised(a)]
        appos_toks = [t for a in appos for t in _phrase_tokens(a)]
        # A role noun with the person's name in apposition: "Russia's envoy, Alexander X".
        # The name must be the head of the phrase: "Damascus" in "Iran's ambassador to Damascus" is not.
        name_toks = _name_tokens([t for t in toks if t.i <= subj.i])
        if name_toks and name_toks[-1] is not subj:
            name_toks = []
        if name_toks and all(is_title_word(t.text) for t in name_toks):
            name_toks = []  # "The FM", "the PM": a role, not a name
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
            name = self._text_of(name_toks)
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
            if not actor and not former:
                actor = self._state_institution(phrase)
                if actor:
                    self.groups.append((pos, speaker, actor))
                    return speaker, actor
            if not actor and len(name_toks) == len([t for t in toks if t.dep_ not in ("det", "preconj")]):
                actor = self._metonym(phrase)  # "Tehran", "Washington" tagged PROPN
                if actor:
                    self.groups.append((pos, speaker, actor))
                    return speaker, actor
            if is_news_outlet(name):
                self.groups.append((pos, speaker, actor))  # a body ("It added"), never the "he" of a later quote
                return speaker, actor
            self._remember_person(pos, speaker, name, actor)
            return speaker, actor
        actor = self._metonym(phrase) or self._role_actor(toks + appos_toks) or self._nominal_actor(toks, subj, pos)
        # "the kingdom", "the country" are bodies ("It added" points back to them), not unnamed people
        if (subj.tag_ == "NN" and subj.pos_ == "NOUN" and subj.lower_ not in _INSTITUTION_NOUNS
                and subj.lower_ not in DOCUMENT_NOUNS and subj.lower_ not in STATE_NOUNS):
            self.unnamed.append((pos, speaker, actor))
        elif subj.tag_ in ("NNS", "NNPS", "NNP") or actor or subj.lower_ in _INSTITUTION_NOUNS \
                or subj.lower_ in STATE_NOUNS:
            self.groups.append((pos, speaker, actor))
        return speaker, actor

    def co_speakers(self, subj: Token, toks: list[Token], actor: str) -> list[tuple[str, str]]:
        """Other speakers of the same words: coordinated subjects ("Iran and Russia"), members named in a
        group subject ("Gulf states, including Kuwait and Oman") and joint voices ("both sides", "the joint
        statement"), each as (speaker, actor)."""
        members = [c for c in subj.conjuncts if c.i > subj.i]
        for prep in subj.children:
            if prep.dep_ == "prep" and prep.lower_ in ("including", "like", "as"):
                for obj in prep.children:
                    if obj.dep_ == "pobj":
                        members += [obj, *obj.conjuncts]
        out = [self.resolve(m, _speaker_tokens(m)) for m in members if m.pos_ in ("PROPN", "NOUN")]
        if out:
            # Coordinated speakers are a group a later "they" points back to: their entity when they share one.
            actors = {actor} | {a for _, a in out}
            phrase = self._text_of(toks)
            self.groups.append((toks[0].idx, phrase, actors.pop() if len(actors) == 1 else ""))
        pos = toks[0].idx
        if not actor and not out and (_is_joint(toks) or pos in self.joint):
            phrase = self._text_of(toks)
            parties = self.joint.get(pos) or self._joint_parties(phrase, pos)
            if parties:
                self.joint[pos] = parties
                self.groups.append((pos, phrase, ""))
            out = [(phrase, entity) for entity in parties]
        return out

    def _joint_parties(self, phrase: str, pos: int) -> tuple[str, ...]:
        """Who speaks in a joint voice: the entities its own words name ("a trilateral statement by China, Saudi
        Arabia and Iran"), else the article's main pair, else the last two entities named just before it."""
        named = tuple(dict.fromkeys(m.entity for m in self._find(phrase)))
        if len(named) >= 2:
            return named
        if self._main_pair:
            return self._main_pair
        before = list(dict.fromkeys(m.entity for m in reversed(self._find(self.text[max(0, pos - 300):pos]))))
        return tuple(before[:2]) if len(before) >= 2 else ()

    def _refer_to_joint(self, pos: int, noun: str = "") -> bool:
        """The body that spoke last before ``pos`` (about two paragraphs back; the last document called
        ``noun``, when given) was a joint voice: ``pos`` speaks for its parties too."""
        last = max((p for p, phrase, _ in self.groups if pos - _REACH <= p < pos
                    and (not noun or noun in phrase.lower().split()) and not self._inside_words(p)), default=None)
        if last not in self.joint:
            return False
        self.joint[pos] = self.joint[last]
        return True

    def _inside_words(self, pos: int) -> bool:
        """The speaker at ``pos`` is inside someone's reported words ("..., the statement said"): no body a later
        "it" points back to."""
        span = self.doc.char_span(pos, pos + 1, alignment_mode="expand")
        return span is not None and self._in_content(span[0], doc_quotes(self.doc))

    @functools.cached_property
    def _main_pair(self) -> tuple[str, ...]:
        """The two entities the article names most (each at least twice): who "both sides" are."""
        counts: dict[str, int] = {}
        for m in self._find(self.text):
            counts[m.entity] = counts.get(m.entity, 0) + 1
        ranked = sorted(counts.items(), key=lambda kv: -kv[1])
        top = [e for e, n in ranked[:2] if n >= 2]
        third = ranked[2][1] if len(ranked) > 2 else 0
        return tuple(top) if len(top) == 2 and ranked[1][1] > third else ()

    @functools.cached_property
    def _listed_mentions(self) -> list[tuple[int, str]]:
        """(position, name) of every listed speaker named outside quotes, in text order."""
        quotes = doc_quotes(self.doc)
        return [(m.start(), m.group(0)) for m in _NAME_RUN.finditer(self.text)
                if _in_spans(m.start(), quotes) is None and self._listed(m.group(0))]

    @functools.cached_property
    def _state_subjects(self) -> list[tuple[int, str]]:
        """(position, entity) of every subject outside quotes that is an alias of an entity ("Japan has imposed
        ..."); a state the quoted words are about ('"Egypt must stop," it said') is no antecedent of "it"."""
        quotes = doc_quotes(self.doc)
        return [(t.idx, e) for t in self.doc if t.dep_ == "nsubj" and t.pos_ == "PROPN"
                and _in_spans(t.idx, quotes) is None and not _in_reported_clause(t)
                for e in [self._metonym(self.text[t.left_edge.idx: t.idx + len(t.text)])] if e]

    def _nominal_actor(self, toks: list[Token], subj: Token, pos: int) -> str:
        """'the ministry', 'The FM', 'the kingdom's top diplomat', 'the statement': whom it points back to."""
        phrase = [t for t in toks if t.i <= subj.i]
        if subj.lower_ in DOCUMENT_NOUNS and _is_joint(phrase):
            return ""  # "the joint statement" speaks for its parties (see co_speakers), never for one of them
        if subj.lower_ in DOCUMENT_NOUNS and phrase[0].lower_ in ("the", "this", "that") and len(phrase) == 2 \
                and self._refer_to_joint(pos, subj.lower_):
            return ""  # "the statement said" after a joint statement: its parties (see co_speakers)
        if subj.lower_ in DOCUMENT_NOUNS:
            # "A statement issued by the office of the Canadian Prime Minister said ...": whoever issued it.
            issuer = self._issuer(subj) or self._document_holder(subj)
            if issuer:
                return issuer
        member = self._member_of_named_body(phrase, subj, pos)
        if member is not None:
            return member
        if len(toks) == 2 and phrase[0].lower_ in ("a", "an") and ROLE_KINDS.get(subj.lower_) == "spokes":
            # '"...," a spokesperson said' right after "The Foreign Office said ...": that body's spokesperson (not
            # "a spokesman for the opposition operations room": a body of its own)
            bodies = [(p, actor) for p, _, actor in self.groups if pos - _REACH <= p < pos]
            return max(bodies)[1] if bodies else ""
        if not is_bare_role(phrase, self._find) or any(t.lower_ in _FORMER for t in phrase):
            return ""
        kind = role_kind(phrase)
        if kind is not None:
            found = self.roles.antecedent(kind, pos)
            if found is not None:
                return found
            if kind in _PERSON_KINDS:
                # "Araghchi said ... 'We support the army,' the top diplomat added": a role the article never
                # tied to anyone stands for the person last named, as "he" would
                person = max(_last_before(self.people, pos, 1) + _last_before(self.unnamed, pos, 1), default=None)
                if person is not None and pos - person[0] <= _REACH:
                    return person[2]
        words = {t.lower_ for t in phrase}
        if subj.lower_ in DOCUMENT_NOUNS or words & STATE_NOUNS:
            form = next((w for w in words if w in _STATE_FORMS), None)
            return (self._last_actor(pos, only=states_of_form(self.watchlist, form)) if form else "") \
                or self._last_actor(pos)
        return ""

    def _member_of_named_body(self, phrase: list[Token], subj: Token, pos: int) -> str | None:
        """'a foreign ministry official', 'an embassy spokesperson': someone of a body the article named
        before with its state ("The Norwegian foreign ministry ... a foreign ministry official said"); None
        when the phrase is not of that shape."""
        if (len(phrase) < 3 or phrase[0].lower_ not in ("a", "an", "one") or subj.lower_ not in _MEMBER_NOUNS
                or any(t.lower_ in _FORMER for t in phrase) or self._find(" ".join(t.text for t in phrase))):
            return None
        body = [t for t in phrase[1:-1] if ROLE_KINDS.get(t.lower_) in _BODY_KINDS]
        if not body:
            return None
        return self.roles.antecedent(ROLE_KINDS[body[-1].lower_], pos) or ""

    def _document_holder(self, document: Token) -> str:
        """'An anonymous Chinese official had provided it with a document ... The document says ...': the
        one entity in the subject of the verb that last brought in the same document noun before."""
        if not document.i or document.doc[document.i - 1].lower_ not in ("the", "this", "that"):
            return ""
        for tok in reversed(document.doc[:document.i - 1]):
            if tok.lower_ != document.lower_:
                continue
            verb = tok.head
            while verb.dep_ == "prep" and verb.head is not verb:
                verb = verb.head  # "provided it with a document"
            subj = next((c for c in verb.children if c.dep_ == "nsubj"), None) if verb.pos_ == "VERB" else None
            if subj is None:
                return ""  # the nearest earlier mention decides; it names no holder
            holder = list(subj.subtree)
            return "" if {t.lower_ for t in holder} & _FORMER_OR_MEDIA else self._sole_entity(holder)
        return ""

    def _issuer(self, document: Token) -> str:
        """The one entity named in 'issued/released/published by ...' or 'from ...' after a document noun."""
        for child in document.children:
            by = None
            if child.dep_ == "acl":
                by = next((g for g in child.children if g.dep_ == "agent"), None)
            elif child.dep_ == "prep" and child.lower_ in ("from", "by"):
                by = child
            if by is not None:
                span = sorted(by.subtree, key=lambda t: t.i)
                if {t.lower_ for t in span} & _FORMER_OR_MEDIA:
                    return ""
                found = self._sole_entity(span)
                if found:
                    return found
        return ""

    def _sole_entity(self, tokens: list[Token]) -> str:
        """The one watchlist entity the words from the first token to the last name ("" for none or several)."""
        found = {m.entity for m in self._find(self._text_of(tokens))}
        return found.pop() if len(found) == 1 else ""

    def _last_actor(self, pos: int, window: int = 1500, *, only: set[str] | None = None) -> str:
        """The entity of the most recent speaker that spoke for one within ``window`` characters before
        ``pos``; failing that, of the most recent role tied to an entity ("Egypt's foreign ministry").
        ``only``: consider these entities alone (the kingdom among the speakers)."""
        keep = (lambda actor: bool(actor)) if only is None else (lambda actor: actor in only)
        earlier = [(p, actor) for p, _, actor in self.people + self.groups + self.unnamed
                   if keep(actor) and pos - window <= p < pos]
        if not earlier:  # no one spoke for an entity yet: a body named with its state ("Egypt's ministry")
            earlier = [(r.pos, r.entity) for r in self.roles.records if keep(r.entity) and pos - window <= r.pos < pos]
        return max(earlier)[1] if earlier else ""

    def resolve_label(self, toks: list[Token]) -> tuple[str, str]:
        """A transcript's speaker label ("SERGEY LAVROV", "LAVROV", "QUESTION"): the tagger reads
        capitals poorly, so the label is matched as text, in title case, then by surname."""
        label = self._text_of(toks)
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
        if len(full_name.split()) > 1:
            for key in _name_keys(full_name):
                self._people_by_word.setdefault(key, []).append((pos, full_name, actor))

    def _earlier_full_name(self, token: str, pos: int) -> tuple[str, str] | None:
        # Indexed by name word, so a long article with many speakers stays linear.
        key = _SURNAME_PARTICLE.sub("", token).lower()
        for p, full, actor in reversed(self._people_by_word.get(key, [])):
            if p < pos:
                return full, actor
        for p, full in reversed(self._ents_by_word.get(key, [])):
            if p < pos:
                listed = self._listed(full)
                return full, listed[0] if listed else self._ent_actor(full, p)
        # The small model tags some surnames ORG/GPE; any earlier capitalised run ending with it
        # (looked for in the text just before, to keep dense articles linear).
        window = max(0, pos - 5000)
        for m in re.finditer(r"((?:[A-Z][\w'-]+\s){1,3})(?:al-)?" + re.escape(token) + r"\b", self.text[window:pos]):
            full = m.group(0)
            listed = self._listed(full)
            if listed:
                return full, listed[0]
        return None

    def _pronoun(self, lower: str, pos: int, phrase: str) -> tuple[str, str]:
        if PRONOUNS[lower] == "person":
            # The most recent person before the pronoun: a named subject, a speaker already
            # resolved (named or not), or an earlier pronoun's antecedent. Ties prefer a known actor.
            # Each list is in text order (nearly: speakers are resolved in text order), so only its tail
            # before the pronoun is read.
            cands: list[tuple[int, int, str, str | None]] = [(p, 0, name, None) for p, name in
                                                             _last_before(self.person_mentions, pos)]
            cands += [(p, 1, name, actor) for p, name, actor in
                      _last_before(self.people, pos) + _last_before(self.unnamed, pos)]
            # When the parse gave no person in this paragraph or the one before (a subject it got wrong:
            # "An hour into ..., spokeswoman Mao Ning rose"), a listed speaker named there is the antecedent.
            near = _previous_paragraph_start(self.text, pos)
            if not any(c[0] >= near for c in cands):
                cands += [(p, 0, name, None) for p, name in _last_before(self._listed_mentions, pos, 1)
                          if p >= near]
            if not cands:
                return phrase, ""
            p, _, name, actor = max(cands, key=lambda c: (c[0], c[1]))
            if actor is None:
                actor = self._actor_of_name(name, p)
            self.unnamed.append((pos, name, actor))
            self.referents[pos] = name
            return phrase, actor
        if lower == "it":
            if self._refer_to_joint(pos):
                return phrase, ""  # "..., it said" after a joint statement: its parties (see co_speakers)
            # The body that spoke or acted last: a speaker, a role tied to a state, or a state as subject.
            # A body that spoke for nobody on the watchlist ("the Global Times said ... It added") counts too.
            bodies = [(p, actor) for p, _, actor in self.groups if pos - _REACH <= p < pos]
            bodies += [(r.pos, r.entity) for r in self.roles.records if r.entity and pos - _REACH <= r.pos < pos]
            bodies += [(p, e) for p, e in self._state_subjects if pos - _REACH <= p < pos]
            if bodies:
                return phrase, max(bodies)[1]
            return phrase, ""
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


_JOINT_WORDS = {"joint", "both", "two"}
_JOINT_HEADS = {"sides", "leaders", "countries", "ministers", "governments", "nations", "parties", "delegations",
                "presidents", "premiers", "states", "neighbours", "neighbors", "capitals"}


def _is_joint(toks: list[Token]) -> bool:
    """'both sides', 'the two leaders', 'the joint statement', 'a joint press release between the two sides'."""
    words = [t.lower_ for t in toks]
    if "joint" in words or "trilateral" in words:
        return True
    return any(w in _JOINT_HEADS for w in words) and ("both" in words or "two" in words)


def speaker_voice(speaker: str, actor: str, *, names_the_state: bool) -> str:
    """How an actor speaks in a statement (see :class:`stance.records.Statement`), from the speaker phrase.

    ``names_the_state``: the phrase is an alias of the actor itself ("Tehran", "Japan").
    """
    words = [w.strip(".,'’").lower() for w in speaker.split()]
    words = [w[:-2] if w.endswith(("'s", "’s")) else w for w in words]
    if not actor:
        return "state media" if set(words) & MEDIA_WORDS else ""
    if _JOINT_WORDS & set(words):
        return "joint"
    last = words[-1] if words else ""
    if names_the_state or last in _INSTITUTION_NOUNS or last in DOCUMENT_NOUNS or last in STATE_NOUNS or last == "it":
        return "institution"
    return "official"


# Posts that are a state's only through what they are posts of: "deputy director of the National Security
# Office", "head of the Egyptian delegation" (a "film director" or "the head of a charity" speaks for no state).
# "member" is left out: a member of parliament may be in opposition, which speaks for no state.
_OFFICE_NOUNS = {"director", "head", "chief", "deputy", "adviser", "advisor", "aide", "undersecretary", "counsellor",
                 "counselor", "attache", "attaché"}


def _office_of_an_institution(tok: Token) -> bool:
    """``tok`` is an office noun whose "of"/"for"/"at" phrase names a state body (a role noun in it)."""
    if tok.lower_ not in _OFFICE_NOUNS:
        return False
    for prep in tok.children:
        if prep.dep_ == "prep" and prep.lower_ in ("of", "for", "at") \
                and any(t.lower_ in ROLE_NOUNS for t in prep.subtree if t is not prep):
            return True
    return False


def _in_reported_clause(tok: Token) -> bool:
    """``tok`` sits in the clause a speech verb reports ("The kingdom said Egypt had no right"): what a speaker
    said a state did, not a state acting in the narration."""
    verb = tok.head
    while verb.dep_ in ("conj", "xcomp", "aux") and verb.head is not verb:
        verb = verb.head
    return verb.dep_ == "ccomp" and verb.head.lower_ in _VERB_FORMS

"""Statement -> Statement with TargetLinks: which watchlist entities a statement is about.

Explicit targets are watchlist aliases valid on the article's date (and listed speakers' names, and
a form of state such as "the kingdom" for the monarchy named last) found in the statement's
content or its attribution clause ("called the rebels ..."), never in the speaker's own name or
title ("Iranian" in "Iranian Foreign Minister"), and never the speaker's own entity. "He" or "his"
in a direct quote, or in what a state or body says, adds the person named last before it. When
nothing is named, "the two countries", "both sides", "such a peace" or "normalization" mean the
speaker's state and the one the text last coordinated with it ("South Korea and Japan"); else a label that stands for an entity ("terrorist groups", "the new
authorities", "they", "such actions") resolves to the most recent compatible entity named
before the statement ("terrorist groups" prefers an entity named as rebels/militants over a
government); an anaphoric label ("these groups", "the terrorists") adds its referent even next
to named targets. A watchlist actor's statement that names nothing and uses no such label is
about its counterpart: the other entity its paragraph named last, else the article's main other
entity, else the one other entity a short brief named before it (see :func:`_counterpart`); a statement nobody on the watchlist made gets no guessed
target. :func:`stance.attribution.extract_statements` lets a quote that names nothing inherit the
targets of its speaker's paraphrase just before it. Inferred links carry ``inferred=True``.
"""
from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import replace
from typing import TYPE_CHECKING

from spacy.tokens import Doc

from ..records import Article, Statement, TargetLink
from ..watchlist import AliasMatch, Watchlist
from .names import is_person_name, name_index
from .lexicon import states_of_form

if TYPE_CHECKING:
    from .text import Attribution

# Whoever holds power now, unnamed: "those who control the situation", "the forces that are in control", "all the
# groups that control the situation there" (diplomats' words for new rulers they do not yet recognise).
_IN_CONTROL = (r"(?:those|(?:all\s+)?the\s+(?:forces|groups|people|ones|parties))\s+(?:who|that)\s+(?:now\s+|currently\s+|"
               r"actually\s+|are\s+(?:now\s+|currently\s+)?)?(?:control(?:s|ling)?|in\s+control|run(?:s|ning)?)\b")
_IN_CONTROL_LABEL = re.compile(_IN_CONTROL, re.IGNORECASE)
# Words that stand for an actor named elsewhere ("the militants", "they", "the group").
_LABEL = re.compile(
    r"\b(?:(?:the\s+)?(?:terrorist|armed|militant|extremist|jihadist|takfiri|opposition|rebel)\s+"
    r"(?:groups?|organi[sz]ations?|factions?|fighters|forces)|terrorists|militants|insurgents|fighters|"
    r"jihadists|extremists|the\s+group|the\s+movement|the\s+regime|the\s+new\s+(?:authorities|rulers|leadership|government)|"
    r"the\s+authorities|the\s+(?:interim|caretaker|transitional)\s+(?:government|authorities|cabinet)|"
    r"the\s+(?:armed\s+|syrian\s+)?opposition|"
    # Events that stand for whoever carried them out ("Nebenzia said such actions were unacceptable").
    r"(?:such|these|those|the)\s+(?:actions?|operations?|offensive|strikes|attacks?|assault|incursion|invasion|"
    r"takeover|advance|raids?|bombardment|move)|"
    r"(?:these|those)\s+(?:countries|governments|states|nations|regimes)|" + _IN_CONTROL + "|"
    r"they|them|their)\b",
    re.IGNORECASE,
)
# Labels for more than one: they stand for every member of the coordination they point back to.
# ("their" is left out: mostly the possessive of the clause's own subject, "Syrian youth ... their country")
_PLURAL = re.compile(r"\b(?:they|them|(?:these|those)\s+(?:countries|governments|states|nations|regimes))\b",
                     re.IGNORECASE)
_LIST_SEPARATOR = re.compile(r"\s*(?:,\s*(?:and\s+)?|and\s+|&\s*)(?:the\s+)?", re.IGNORECASE)
# Labels that point back to something named earlier ("these groups", "the terrorists", "the terrorist
# group"): they add their referent even when the statement also names other entities ("... including Turkey").
_ANAPHOR = re.compile(
    r"\b(?:(?:these|those|such)\s+(?:\w+\s+)?(?:groups?|organi[sz]ations?|factions?|fighters|forces|militants|"
    r"terrorists|rebels|insurgents|gangs|jihadists|extremists|mercenaries)|"
    r"the\s+(?:terrorists|militants|insurgents|jihadists|extremists|mercenaries)|"
    r"the\s+(?:terrorist|militant|extremist|jihadist|takfiri|rebel|armed|opposition)\s+"
    r"(?:groups?|organi[sz]ations?|factions?|fighters)|" + _IN_CONTROL + r")\b",
    re.IGNORECASE,
)
# What a label says about its referent: an armed group or a government.
_GROUP_WORDS = re.compile(
    r"\b(?:groups?|organi[sz]ations?|factions?|fighters|militants|terrorists|rebels?|insurgents|gangs|"
    r"jihadists|extremists|mercenaries|movement|opposition)\b", re.IGNORECASE)
_STATE_WORDS = re.compile(r"\b(?:government|regime|authorities|administration|rulers|leadership|cabinet)\b",
                          re.IGNORECASE)
# An alias right after these words in the attribution clause names a venue, not a target.
_VENUE = re.compile(r"\b(?:in|at|from|visiting|visit\s+to|trip\s+to)\s+(?:the\s+)?$", re.IGNORECASE)


def link_targets(
    statement: Statement,
    article: Article,
    watchlist: Watchlist,
    *,
    doc: Doc | None = None,
    attribution: "Attribution | None" = None,
    mentions: list[AliasMatch] | None = None,
    carried: tuple[TargetLink, ...] = (),
) -> Statement:
    """The statement with ``targets`` filled (replacing any it had).

    ``attribution`` (from :func:`stance.attribution.find_attributions`) gives the speaker and
    designation spans; ``mentions`` lets a caller reuse one alias scan across an article's statements.
    ``carried``: the targets of the longer statement this one is a sentence of; when the sentence names
    nobody and refers back to nobody, they are its targets (inferred) before any counterpart is guessed.
    """
    text = article.text
    if mentions is None:
        mentions = article_mentions(article, watchlist)
    own = statement.actor
    ctx_start, ctx_end = _context_bounds(statement, text, attribution)
    excluded = _speaker_spans(statement, text, ctx_start, ctx_end, attribution)
    content_spans = (
        list(attribution.content) if attribution is not None else [(statement.start, statement.end)]
    )

    links: dict[str, TargetLink] = {}
    # The object of a designation comes first: it is what the label is about. Then the content;
    # the attribution clause only when the content names nobody (it mostly holds addressees).
    regions: list[list[tuple[int, int]]] = []
    if attribution is not None and attribution.designated is not None:
        regions.append([attribution.designated])
    regions.append(content_spans + _lead_in(text, attribution, ctx_start, content_spans))
    if attribution is None or attribution.kind != "designation":
        # A designation's sentence may hold another statement ('backed the government against
        # what he called "terrorist groups"'): its targets are not the label's.
        regions.append([(ctx_start, ctx_end)])
    for group in regions:
        if links and group[0] == (ctx_start, ctx_end):
            break
        for r_start, r_end in group:
            for m in _within(mentions, r_start, r_end):
                a, b = m.start, m.end
                if m.entity == own or m.entity in links:
                    continue
                if any(x < b and a < y for x, y in excluded):
                    continue
                in_content = any(x <= a < y for x, y in content_spans)
                if not in_content and _VENUE.search(text[max(0, a - 20):a]):
                    continue
                if not in_content and _is_other_speaker(text, b):
                    continue
                links[m.entity] = TargetLink(entity=m.entity, mention=m.alias, inferred=False)
    person = _person_referent(statement, text, mentions, own, watchlist, article.date)
    if links:
        anaphor = _ANAPHOR.search(statement.text)
        named = anaphor is not None and any(
            re.search(rf"\b{re.escape(link.mention)}", anaphor.group(0), re.IGNORECASE) for link in links.values())
        if anaphor is not None and not named:  # ("the rebel groups" where "rebel" is itself an alias: named already)
            extra = _referent(statement, mentions, own, excluded, anaphor.group(0), set(links), watchlist)
            if extra is not None:
                links[extra.entity] = extra
        if person is not None and person.entity not in links:
            links[person.entity] = person
        return replace(statement, targets=tuple(links.values()))
    if person is not None:
        return replace(statement, targets=(person,))

    inferred = _the_pair(statement, text, mentions, own, excluded) if own else []
    if not inferred:  # "the two countries" before a label or pronoun: "their" in such words is the pair's
        inferred = _infer(statement, text, mentions, own, excluded, attribution, watchlist)
    if not inferred and carried:
        inferred = [replace(t, inferred=True) for t in carried]
    if not inferred and own:
        inferred = _counterpart(statement, text, mentions, own, excluded)
    return replace(statement, targets=tuple(inferred))


def _lead_in(text: str, attribution, ctx_start: int, content_spans) -> list[tuple[int, int]]:
    """'The leaders of Japan and South Korea "are taking a critical step," Biden said': a quote that opens
    mid-clause continues the words before its mark, which are part of what is reported (the cue comes after)."""
    if attribution is None or attribution.kind != "direct" or not content_spans:
        return []
    start = content_spans[0][0]
    first = text[start:start + 1]
    if not first.islower() or attribution.cue[0] < start or ctx_start >= start:
        return []
    lead = text[ctx_start:start].rstrip().rstrip("\"\u201c\u2018'").rstrip()
    if not lead or lead[-1] in ".:;!?" or "\n" in lead:
        return []  # a complete sentence or a colon before the quote is not its subject
    return [(ctx_start, ctx_start + len(lead))]


def article_mentions(article: Article, watchlist: Watchlist) -> list[AliasMatch]:
    """Every watchlist alias valid on the article's date, and every listed speaker named in it ("in
    response to Dutton's remarks" names Australia), in text order."""
    found = _aliases(watchlist, article.text, article.date)
    taken = [(m.start, m.end) for m in found]
    for m in _speaker_names(watchlist, article.text, article.date):
        if not any(a < m.end and m.start < b for a, b in taken):
            found.append(m)
    found.sort(key=lambda m: m.start)
    return sorted(found + _state_forms(watchlist, article.text, found), key=lambda m: m.start)


# "the kingdom", "the Gulf kingdom", "the emirate": a state named again by its form of state.
_STATE_FORM = re.compile(r"\bthe\s+(?:(?!United\b)[A-Z]?[a-z]+\s+)?(kingdom|Kingdom|emirate|sultanate)\b")


def _state_forms(watchlist: Watchlist, text: str, named: list[AliasMatch]) -> list[AliasMatch]:
    """A form of state stands for the entity of that form the text named last before it ("normalisation
    with the kingdom" after "Saudi Arabia"), else first after it (a lede that leans on its headline)."""
    out = []
    for m in _STATE_FORM.finditer(text):
        if any(n.start < m.end() and m.start() < n.end for n in named):
            continue  # part of a name the watchlist knows ("the United Kingdom")
        forms = states_of_form(watchlist, m.group(1).lower())
        last = next((n for n in reversed(named) if n.end <= m.start() and n.entity in forms), None)
        last = last or next((n for n in named if n.start >= m.end() and n.entity in forms), None)
        if last is not None:
            out.append(AliasMatch(last.entity, m.group(0), m.start(), m.end()))
    return out


# A run of capitalised words (a name, maybe with particles and hyphens) not at a sentence start.
_NAME_RUN = re.compile(r"(?<=[a-z,;:]\s)(?:[A-Z][\w'’.-]+)(?:\s+(?:(?:al|bin|ibn|de|van|von)[- ])?[A-Z][\w'’.-]+){0,3}")


_SENTENCE_END = re.compile(r"(?<=[a-z])\.\s")  # not after an initial or "U.S."


def _speaker_names(watchlist: Watchlist, text: str, day) -> list[AliasMatch]:
    index = name_index(watchlist)
    out = []
    for m in _NAME_RUN.finditer(text):
        run = _SENTENCE_END.split(m.group(0))[0]  # "President Biden. Working together ...": the name ends there
        name = re.sub(r"['’]s$", "", run).rstrip(".")
        hit = index.match(name, day)
        if hit is not None:
            out.append(AliasMatch(hit[0], name, m.start(), m.start() + len(name)))
    return out


def _aliases(watchlist: Watchlist, text: str, on):
    """Alias matches, also inside hyphenated compounds ("Turkish-backed", "US-Israeli")."""
    found = watchlist.find_aliases(text, on)
    if "-" in text:
        # Same length, so offsets stay valid; aliases that contain hyphens matched above.
        split = re.sub(r"(?<=\w)-(?=\w)", " ", text)
        taken = [(m.start, m.end) for m in found]
        for m in watchlist.find_aliases(split, on):
            if not any(a < m.end and m.start < b for a, b in taken):
                found.append(type(m)(m.entity, text[m.start:m.end], m.start, m.end))
        found.sort(key=lambda m: m.start)
    return found


def _context_bounds(statement: Statement, text: str, attribution) -> tuple[int, int]:
    if attribution is not None:
        return attribution.context
    if statement.context:
        at = text.find(statement.context, max(0, statement.start - len(statement.context)))
        if at >= 0:
            return at, at + len(statement.context)
    return statement.start, statement.end


def _speaker_spans(statement, text, ctx_start, ctx_end, attribution) -> list[tuple[int, int]]:
    spans = []
    if attribution is not None and attribution.source is not None:
        spans.append(attribution.source)
    if attribution is not None and attribution.addressee is not None:
        spans.append(attribution.addressee)  # whom it was said to is not what it is about
    if statement.speaker:
        for m in re.finditer(re.escape(statement.speaker), text[ctx_start:ctx_end]):
            a = ctx_start + m.start()
            if not (statement.start <= a < statement.end):
                spans.append((a, a + len(statement.speaker)))
    return spans


def _is_other_speaker(text: str, end: int) -> bool:
    """'..., Iran's foreign ministry said' in the clause is another voice, not a target."""
    return bool(re.match(r"(?:'s)?\s+(?:foreign\s+)?(?:ministry|spokes\w+)\s+said", text[end:end + 40]))


def _infer(statement, text, all_mentions, own, excluded, attribution, watchlist) -> list[TargetLink]:
    """A target for a statement that names none, only through a label or pronoun that refers back.

    A statement with no such reference ("Our positions will depend on ...") gets no target: a
    guessed one would feed a stance toward an entity the speaker never mentioned.
    """
    label = _LABEL.search(statement.text)
    if label is None and attribution is not None and attribution.designated is not None:
        a, b = attribution.designated
        label = _LABEL.search(text[a:b])
    if label is None and attribution is not None and attribution.kind == "designation":
        # 'what he called "takfiri terrorist groups"': the label itself is the reference.
        label = _LABEL.search(" ".join(text[a:b] for a, b in attribution.content))
    if label is None:
        return []
    link = _referent(statement, all_mentions, own, excluded, label.group(0), set(), watchlist)
    if link is None:
        return []
    if _PLURAL.fullmatch(label.group(0)):
        # "He called them 'aggressors'" after "Saudi Arabia and the United Arab Emirates": both of them
        return [link] + _coordinated_with(link, statement, text, all_mentions, own, excluded)
    return [link]


def _coordinated_with(link: TargetLink, statement, text: str, mentions: list[AliasMatch], own: str,
                      excluded) -> list[TargetLink]:
    """The other members of the coordination ("A, B and C") whose member nearest before the statement is ``link``'s."""
    earlier = _within(mentions, max(0, statement.start - PAIR_LOOKBACK), statement.start)
    at = next((i for i in range(len(earlier) - 1, -1, -1) if earlier[i].entity == link.entity), None)
    if at is None:
        return []
    chain = [earlier[at]]
    for step in (-1, 1):  # outward from the member, while only a list separator lies between neighbours
        i = at
        while 0 <= i + step < len(earlier):
            a, b = (earlier[i + step], earlier[i]) if step < 0 else (earlier[i], earlier[i + step])
            if a.end > b.start or not _LIST_SEPARATOR.fullmatch(text[a.end:b.start]):
                break
            chain.append(earlier[i + step])
            i += step
    seen = {link.entity}
    out = []
    for m in chain:
        if m.entity not in seen and _usable(m, own, excluded):
            seen.add(m.entity)
            out.append(TargetLink(entity=m.entity, mention=link.mention, inferred=True))
    return out


def _referent(statement, all_mentions, own, excluded, label: str, taken: set[str], watchlist: Watchlist) -> TargetLink | None:
    """The entity a label refers to: the most recent compatible one named before the statement.

    "terrorist groups" prefers an entity with group-like aliases ("rebels") over a government
    named in between, and "the new authorities" the reverse; failing that, any entity will do.
    """
    def usable(m: AliasMatch) -> bool:
        return (_usable(m, own, excluded) and m.entity not in taken
                and not (statement.start <= m.start < statement.end))

    starts = _starts(all_mentions)
    i = bisect.bisect_left(starts, statement.start)
    # Nearest first: backwards from the statement, then forwards after it (read lazily: long articles).
    behind = (all_mentions[k] for k in range(i - 1, -1, -1) if all_mentions[k].end <= statement.start)
    ahead = (all_mentions[k] for k in range(i, len(all_mentions)) if all_mentions[k].start >= statement.end)
    ordered = (m for m in itertools.chain(behind, ahead) if usable(m))
    in_control = _IN_CONTROL_LABEL.match(label) is not None  # power taken, not yet a government
    wanted = _GROUP_WORDS if in_control or _GROUP_WORDS.search(label) else \
        _STATE_WORDS if _STATE_WORDS.search(label) else None
    kinds = _entity_words(watchlist) if wanted is not None else {}
    nearest = None  # the nearest of any kind, when none fits the label
    for m in ordered:
        if wanted is None or wanted.search(kinds.get(m.entity, "")):
            return TargetLink(entity=m.entity, mention=label, inferred=True)
        nearest = nearest or m
    return TargetLink(entity=nearest.entity, mention=label, inferred=True) if nearest is not None else None


_INDEX: dict[int, tuple[list, list[int], dict[str, int]]] = {}


def _index(mentions: list[AliasMatch]) -> tuple[list[int], dict[str, int]]:
    """Start offsets and per-entity counts of an article's mentions, computed once per list."""
    hit = _INDEX.get(id(mentions))
    if hit is None or hit[0] is not mentions:
        counts: dict[str, int] = {}
        for m in mentions:
            counts[m.entity] = counts.get(m.entity, 0) + 1
        _INDEX.clear()
        hit = _INDEX[id(mentions)] = (mentions, [m.start for m in mentions], counts)
    return hit[1], hit[2]


def _starts(mentions: list[AliasMatch]) -> list[int]:
    return _index(mentions)[0]


def _within(mentions: list[AliasMatch], lo: int, hi: int) -> list[AliasMatch]:
    """The mentions inside [lo, hi), by bisection (mentions are in text order)."""
    starts = _starts(mentions)
    return [m for m in mentions[bisect.bisect_left(starts, lo):bisect.bisect_left(starts, hi)] if m.end <= hi]


_WATCHLIST_CACHES: dict[str, tuple[Watchlist, object]] = {}


def _of_watchlist(name: str, watchlist: Watchlist, build):
    """``build(watchlist)``, kept while the same watchlist object comes back (one per run, statement after statement)."""
    hit = _WATCHLIST_CACHES.get(name)
    if hit is None or hit[0] is not watchlist:
        hit = _WATCHLIST_CACHES[name] = (watchlist, build(watchlist))
    return hit[1]


def _entity_words(watchlist: Watchlist) -> dict[str, str]:
    """Each entity's aliases joined: what kind of thing it is named as ("rebels" vs "government")."""
    return _of_watchlist("words", watchlist,
                         lambda w: {e.name: " ".join(a.text for a in e.aliases) for e in w.entities})


# Words for the speaker's state and one other taken together ("the two countries", "both sides"), or for what
# is between two states ("such a peace", "normalization").
_PAIR_WORDS = re.compile(r"\b(?:the\s+two|both|our\s+two)\s+(?:countries|nations|sides|states|governments|peoples)\b"
                         r"|\b(?:such\s+a|this|that|the)\s+peace\b|\bnormali[sz](?:ation|ing|e)\b|\brapprochement\b",
                         re.I)
_COORDINATION = re.compile(r"\s*(?:and|&|-|–|/)\s*")
BRIEF_MAX_CHARS = 800  # a wire brief of a few sentences
PAIR_LOOKBACK = 2000  # characters: a pair named further back is no longer what "the two countries" means


# A person in the third person: in a direct quote the speaker says "I", and a state or body that speaks is no
# "he", so there these words are someone the text named before.
_PERSON_PRONOUN = re.compile(r"\b(?:he|him|his|she|her)\b", re.IGNORECASE)
PERSON_LOOKBACK = 1500  # characters back to the person a pronoun in the words can mean


def _person_referent(statement: Statement, text: str, mentions: list[AliasMatch], own: str,
                     watchlist: Watchlist, day) -> TargetLink | None:
    """'"I deeply appreciate his commitment," Netanyahu said' after a sentence on Biden: the watchlist person
    the text named last before the words, when that person speaks for another entity (inferred)."""
    if not own or not (statement.kind == "direct" or statement.voice == "institution"):
        return None
    pronoun = _PERSON_PRONOUN.search(text, statement.start, statement.end)
    if pronoun is None:
        return None
    aliases = _alias_texts(watchlist)
    # up to the pronoun: "Obama's decision ... his security detail" is Obama's, named inside the words
    people = [m for m in _within(mentions, max(0, statement.start - PERSON_LOOKBACK), pronoun.start())
              if not _STATE_FORM.fullmatch(m.alias) and (
                  m.alias.casefold() not in aliases or is_person_name(watchlist, m.alias, day))]
    if not people or people[-1].entity == own:
        return None  # the speaker or a compatriot named last: "he" is theirs to mean
    return TargetLink(entity=people[-1].entity, mention=people[-1].alias, inferred=True)


def _alias_texts(watchlist: Watchlist) -> frozenset[str]:
    return _of_watchlist("aliases", watchlist,
                         lambda w: frozenset(a.text.casefold() for e in w.entities for a in e.aliases))


def _usable(m: AliasMatch, own: str, excluded: list[tuple[int, int]]) -> bool:
    """A mention that can be a counterpart: another entity than the speaker's, outside the speaker's phrase."""
    return m.entity != own and not any(x < m.end and m.start < y for x, y in excluded)


def _the_pair(statement: Statement, text: str, mentions: list[AliasMatch], own: str,
              excluded: list[tuple[int, int]]) -> list[TargetLink]:
    """The other of "the two countries" ("both sides", "such a peace", "normalization") in words that name
    nobody: the state the text last coordinated with the speaker's; for a third party, both of the last pair."""
    if not _PAIR_WORDS.search(statement.text):
        return []
    usable = lambda m: _usable(m, own, excluded)  # noqa: E731
    partner = _paired_with(own, mentions, text, statement.start, usable)
    if partner is not None:
        return [TargetLink(entity=partner.entity, mention=partner.alias, inferred=True)]
    # A third party on "the two sides" (a mediator congratulating them): both of the pair the text last named
    pair = _last_pair(mentions, text, statement.start, usable)
    return [TargetLink(entity=m.entity, mention=m.alias, inferred=True) for m in pair]


def _coordinated_before(mentions: list[AliasMatch], text: str, start: int):
    """Pairs of mentions the text coordinates ("South Korea and Japan", "China-Australia") within
    ``PAIR_LOOKBACK`` before ``start``, the last first."""
    earlier = _within(mentions, max(0, start - PAIR_LOOKBACK), start)
    for a, b in reversed(list(zip(earlier, earlier[1:]))):
        if a.end <= b.start and _COORDINATION.fullmatch(text[a.end:b.start]):
            yield a, b


def _last_pair(mentions: list[AliasMatch], text: str, start: int, usable) -> tuple[AliasMatch, ...]:
    """The last two entities coordinated before ``start`` ("Saudi Arabia and Iran"), when neither is excluded."""
    for a, b in _coordinated_before(mentions, text, start):
        if a.entity != b.entity:
            return (a, b) if usable(a) and usable(b) else ()
    return ()


def _paired_with(own: str, mentions: list[AliasMatch], text: str, start: int, usable) -> AliasMatch | None:
    """The entity the text last coordinated with the speaker's own ("South Korea and Japan", "China-Australia")
    before ``start``: what "the two countries" of that speaker's words are."""
    for a, b in _coordinated_before(mentions, text, start):
        if a.entity == own and usable(b):
            return b
        if b.entity == own and usable(a):
            return a
    return None


def _counterpart(statement: Statement, text: str, mentions: list[AliasMatch], own: str,
                 excluded: list[tuple[int, int]]) -> list[TargetLink]:
    """The entity an actor's statement that names nobody is about: whom the paragraph or the article is about.

    News backs a claim with quotes that name no one ('"It was a warm discussion," he said.'); they are
    about the entity the paragraph named last or, failing that, the article's main other entity
    (named at least twice, more often than any other), or the only other entity a brief names, once,
    before the words. Marked ``inferred``.
    """
    para_start = text.rfind("\n", 0, statement.start) + 1
    before = [m for m in _within(mentions, para_start, statement.start) if _usable(m, own, excluded)]
    if before:
        return [TargetLink(entity=before[-1].entity, mention=before[-1].alias, inferred=True)]
    _, all_counts = _index(mentions)
    ranked = sorted(((e, n) for e, n in all_counts.items() if e != own), key=lambda kv: -kv[1])
    if ranked and ranked[0][1] >= 2 and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]):
        first = next(m for m in mentions if m.entity == ranked[0][0])
        return [TargetLink(entity=first.entity, mention=first.alias, inferred=True)]
    if len(ranked) == 1 and len(text) <= BRIEF_MAX_CHARS:
        # a brief that names one other entity once, before the words ("A deal between Greece and Egypt ... The
        # ministry said Turkey considers the agreement null and void"), and not in the speaker's own title; in a
        # longer story one other entity named once is often beside the point (PolNeAR's campaign coverage; the lede
        # does not save it: "Obama ... Iran" in a lede, then a page of his remarks on Trump)
        only = next(m for m in mentions if m.entity == ranked[0][0])
        if only.end <= statement.start and _usable(only, own, excluded):
            return [TargetLink(entity=only.entity, mention=only.alias, inferred=True)]
    return []

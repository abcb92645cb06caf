"""Nominal speakers that point back: "the ministry", "the FM", "the crown prince", "the statement".

News names an official or body once in full ("Egypt's foreign minister, Sameh X", "South Korea's
presidential office") and then by role alone ("the minister said", "the office said"). Each role
word in the article is recorded with the entity it was tied to where it appeared (an alias in the
same noun phrase, "of"/"for" + alias after it, or the listed person it titles); a later bare role
resolves to the most recent compatible record before it, also when that record has no entity (a
minister of a state not on the watchlist stays unattributed). Roles that name the state itself
("the kingdom", "the country") and documents ("the statement", "the release") take the entity of
the most recent attributed speaker instead. The watchlist's optional ``roles`` work as extra
records valid in every article: "the emir" resolves when one entity lists "emir".
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from .names import TITLE_WORDS
from .text import doc_text

# Role word -> the kind of role it names; a later bare role matches records of a compatible kind.
ROLE_KINDS = {
    "minister": "minister", "fm": "fm", "diplomat": "fm", "foreign": "fm",
    "premier": "premier", "pm": "premier", "prime": "premier",
    "president": "president", "presidency": "presidency", "palace": "presidency",
    "office": "office", "spokesman": "spokes", "spokeswoman": "spokes", "spokesperson": "spokes",
    "spokespeople": "spokes", "ministry": "ministry", "mea": "ministry", "department": "ministry",
    "prince": "prince", "king": "king", "monarch": "king", "emir": "emir", "sheikh": "emir", "sultan": "emir",
    "chancellor": "chancellor", "ambassador": "ambassador", "envoy": "ambassador", "embassy": "embassy",
    "government": "government", "cabinet": "government", "administration": "government",
    "leader": "leader", "secretary": "spokes", "commission": "commission", "directorate": "office",
}
# A bare role of the key kind accepts records of these kinds.
COMPATIBLE = {
    "minister": {"minister", "fm"},
    "fm": {"fm"},
    "leader": {"leader", "president", "premier", "king", "emir", "prince", "chancellor"},
    # "the presidential office" speaks for the president named before it ("President Yoon ... the office said")
    "office": {"office", "presidency", "president"},
    "presidency": {"presidency", "office", "president"},
}
STATE_NOUNS = {"kingdom", "emirate", "country", "republic", "nation", "sultanate", "state"}
DOCUMENT_NOUNS = {"statement", "release", "document", "communique", "communiqué", "declaration", "readout",
                  "strategy", "letter", "note", "announcement", "post", "tweet", "list", "dossier", "memo",
                  "memorandum"}
_DEFINITE = {"the", "this", "that", "its", "his", "her", "their"}


def is_title_word(word: str) -> bool:
    """A word of a title or role ("Prime", "Minister", "FM", "ministry"), not of a name."""
    word = word.lower().strip(".")
    return word in TITLE_WORDS or word in ROLE_KINDS


@dataclass(frozen=True)
class RoleRecord:
    pos: int
    kind: str
    entity: str


def role_kind(tokens: list[Token]) -> str | None:
    """The kind of role a speaker phrase names, from its head and modifiers ("the top diplomat" -> "fm")."""
    return _kind_of_words([t.lower_.strip(".") for t in tokens])


def _kind_of_words(words: list[str]) -> str | None:
    head = words[-1] if words else ""
    if "prime" in words or head in ("premier", "pm"):
        return "premier"
    if head == "minister" and "foreign" in words or head == "diplomat" or head == "fm":
        return "fm"
    if head == "office" and any(w.startswith("president") for w in words):
        return "presidency"
    if head == "secretary" and "press" not in words:
        return None
    return ROLE_KINDS.get(head)


def is_bare_role(tokens: list[Token], find_aliases: Callable[[str], list]) -> bool:
    """'the ministry', 'The FM', 'the kingdom's top diplomat': a definite role phrase naming no entity."""
    if not tokens or tokens[0].lower_ not in _DEFINITE:
        return False
    text = " ".join(t.text for t in tokens)
    return not find_aliases(text) and not any(t.pos_ == "PROPN" and t.text[:1].isupper() and t.lower_ not in
                                              ROLE_KINDS and t.lower_ not in STATE_NOUNS for t in tokens[1:])


class RoleMentions:
    """Every role word of one article with the entity it was tied to where it appeared."""

    def __init__(self, doc: Doc, find_aliases: Callable[[str], list], listed: Callable[[str], tuple | None],
                 sent_start: Callable[[Token], int], extra: list[tuple[str, str]] = ()) -> None:
        self.records: list[RoleRecord] = []
        text = doc_text(doc)
        for tok in doc:
            word = tok.lower_.strip(".")
            if word not in ROLE_KINDS or tok.pos_ not in ("NOUN", "PROPN"):
                continue
            if tok.i + 1 < len(doc) and doc[tok.i + 1].tag_ in ("NNS", "NNPS") and doc[tok.i + 1].text[:1].isupper():
                continue  # a modifier of a plural name ("the Council of Foreign Ministers"), no one's role
            start = sent_start(tok)
            left = _noun_phrase_left(doc, tok, start)
            kind = role_kind(left) or ROLE_KINDS[word]
            left_text = text[left[0].idx: tok.idx + len(tok.text)]
            entity = _entity_of(left_text, find_aliases)
            after = text[tok.idx + len(tok.text): tok.idx + len(tok.text) + 60]
            owner = re.match(r"\s+(?:of|for)\s+((?:the\s+)?(?:[A-Z][\w'’.-]*\s*){1,4})", after)
            if entity is None and owner:
                entity = _entity_of(owner.group(1), find_aliases)
            name = re.match(r"\s*,?\s*((?:(?:[A-Z][\w'’.-]*|bin|ibn|al-?|el-?|de|van|von)\s?){1,5})", after)
            if name and all(is_title_word(w) for w in name.group(1).split()):
                name = None  # the rest of a title in title case ("the Prime Minister said"), not a name
            if entity is None and name:
                hit = listed(f"{tok.text} {name.group(1).strip()}")  # with its title: "Prince Faisal"
                entity = hit[0] if hit else None
            if entity is None:
                # A capitalised modifier ties the role to someone ("the Fatah official"); a title's own
                # words in title case ("the Prime Minister", "the Foreign Minister") do not.
                explicit = name is not None or owner is not None or any(
                    t.text[:1].isupper() and t.i != start and not is_title_word(t.text) for t in left[:-1])
                if not explicit:
                    continue  # a bare "the ministry" points back itself: no antecedent
                entity = ""  # tied to someone or something not on the watchlist
            self.records.append(RoleRecord(tok.idx, kind, entity))
        # Roles the watchlist lists ("roles: [emir]"): used when the article ties the role to nobody.
        self.listed_roles = list(extra)

    def antecedent(self, kind: str, before: int) -> str | None:
        """The entity of the most recent compatible role record before ``before`` ("" for one tied to no
        watchlist entity), else of the one watchlist entity that lists such a role, else of the first
        compatible record after it; None when nothing fits."""
        wanted = COMPATIBLE.get(kind, {kind})
        for rec in reversed(self.records):
            if rec.pos < before and rec.kind in wanted:
                return rec.entity
        hits = {entity for role, entity in self.listed_roles if _listed_kind(role) in wanted}
        if len(hits) == 1:
            return hits.pop()
        # A lede may use the role before naming it in full ("..., the ministry said. Egypt's foreign
        # ministry added ..."): the first compatible record after it, when that one names an entity.
        later = next((rec for rec in self.records if rec.pos > before and rec.kind in wanted), None)
        return later.entity if later is not None and later.entity else None


def _listed_kind(role: str) -> str:
    """A watchlist role read as a phrase in an article is ("foreign minister" -> "fm"); else its last word."""
    words = role.lower().split()
    return _kind_of_words(words) or words[-1]


def _noun_phrase_left(doc: Doc, tok: Token, sent_start: int) -> list[Token]:
    """The role word and the words before it in its noun phrase (at most five)."""
    out = [tok]
    for i in range(tok.i - 1, max(sent_start, tok.i - 6) - 1, -1):
        t = doc[i]
        if t.pos_ in ("VERB", "AUX", "ADP", "CCONJ", "SCONJ") or (t.is_punct and t.text not in ("-", "'s", "’s")):
            break
        out.insert(0, t)
    return out


def _entity_of(text: str, find_aliases: Callable[[str], list]) -> str | None:
    entities = {m.entity for m in find_aliases(text)}
    return entities.pop() if len(entities) == 1 else None

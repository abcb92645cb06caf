"""Matching people's names as news writes them against the watchlist's speakers.

News names a listed speaker in many ways: surname alone ("Shoukry said"), family name first
("Moon", "Xi"), title plus name ("Mr Porter", "Crown Prince bin Salman"), another transliteration
("Shukri", "Sergei", "Zelenskyy", "Erdoğan"), particles and hyphens ("al-Sisi", "Moon Jae-in"), or
initials ("MBS"). Each written name is reduced to comparable keys (anyascii, lower case, common
transliteration pairs folded) and matched token by token; a match counts only when every
speaker it fits speaks for the same entity, so an ambiguous "Wang" still gives China when all
listed Wangs are Chinese, and "Wong" never matches "Wang".
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

from anyascii import anyascii
from rapidfuzz.distance import Levenshtein

from ..watchlist import Bounded, Watchlist

# Words that title a name rather than belong to it ("Crown Prince", "Mr", "Foreign Minister").
TITLE_WORDS = frozenset({
    "foreign", "minister", "president", "prime", "secretary", "spokesman", "spokeswoman", "spokesperson",
    "general", "deputy", "senator", "sen", "rep", "gov", "governor", "king", "queen", "prince", "princess",
    "crown", "sheikh", "sheikha", "shaikh", "emir", "amir", "sultan", "ambassador", "envoy", "leader",
    "chancellor", "supreme", "state", "defence", "defense", "interior", "mr", "mrs", "ms", "dr", "judge",
    "mayor", "chief", "commander", "adviser", "advisor", "special", "vice", "speaker", "representative",
    "director", "ministry", "kremlin", "rev", "the", "sir", "premier", "pm", "fm", "his", "her",
    "excellency", "highness", "majesty", "counterpart", "trade", "finance", "economy", "external", "affairs",
    "spokesperson", "official", "officials", "counsellor", "councillor", "former", "acting", "national",
    "security", "top", "diplomat", "ex", "late", "then", "new", "senior", "first", "lady", "elect",
})
# Particles inside Arabic and other names: they never identify a person on their own.
PARTICLES = frozenset({"al", "el", "bin", "ibn", "bint", "abu", "abd", "abdel", "abdul", "van", "von", "de", "da",
                       "di", "du", "del", "der", "la", "le", "ben", "mc"})
# Given names so common that one alone is no evidence of a particular listed speaker.
COMMON_GIVEN = frozenset({"mohammed", "muhammad", "mohamed", "mohammad", "ahmed", "ahmad", "ali", "abdullah",
                          "hassan", "hussein", "omar", "khalid", "mahmoud", "ibrahim", "john", "david", "michael",
                          "james", "peter", "paul", "mark", "richard", "robert", "sergei", "alexander", "vladimir",
                          "dmitry", "maria", "anna"})
_SHORT_WORDS = frozenset({"in", "on", "at", "as", "an", "is", "it", "of", "to", "by", "be", "he", "we", "us", "no",
                          "so", "do", "go", "me", "my", "or", "up", "if", "am"})
_FOLD = ((r"ou", "u"), (r"oo", "u"), (r"ee", "i"), (r"yy$", "i"), (r"y$", "i"), (r"ph", "f"), (r"kh", "k"),
         (r"dh", "d"), (r"(.)\1", r"\1"))


def name_key(word: str) -> str:
    """A comparable key for one name word: 'Shoukry' and 'Shukri' give the same key, 'Wong' and 'Wang' do not."""
    key = re.sub(r"[^a-z]", "", anyascii(word).lower())
    for pattern, repl in _FOLD:
        key = re.sub(pattern, repl, key)
    return key


def handle_name(handle: str) -> str:
    """The name in a social-media handle: "@KariHauglandMP" -> "Kari Haugland", "@DrSJaishankar" ->
    "Dr S Jaishankar". Capitals start words; all-capital runs of two or more letters (MP, FM, PM) are
    office suffixes and go. A handle in one case ("@karihaugland") has no word breaks to find: ""."""
    parts = re.findall(r"[A-Z][a-z]+|[A-Z]+(?![a-z])", handle.lstrip("@"))
    return " ".join(p for p in parts if len(p) == 1 or not p.isupper())


def name_words(text: str) -> list[str]:
    """The words of a written name without titles, particles and punctuation ('al-Sisi' -> ['sisi'])."""
    words = []
    for raw in re.split(r"[\s\-‐‑–]+", anyascii(text)):
        word = raw.strip(".,'’\"()[]:;").lower()
        if word.endswith("'s"):
            word = word[:-2]
        if not word or word in TITLE_WORDS or word in PARTICLES:
            continue
        if re.fullmatch(r"(?:al|el)[a-z]{3,}", word) and raw[:2].lower() in ("al", "el") and raw[2:3].isupper():
            word = word[2:]  # "AlSisi" written without the hyphen
        words.append(word)
    return words


def _same(a: str, b: str) -> bool:
    if a == b:
        return True
    return min(len(a), len(b)) >= 6 and Levenshtein.normalized_similarity(a, b) >= 0.84


@dataclass(frozen=True)
class _Speaker:
    entity: str
    listed: Bounded  # the watchlist's entry: its name and term
    keys: tuple[str, ...]
    initials: str

    @property
    def name(self) -> str:
        return self.listed.text

    def valid_on(self, day: dt.date | None) -> bool:
        return self.listed.valid_on(day)


class NameIndex:
    """The watchlist's speakers, keyed for matching written names."""

    def __init__(self, watchlist: Watchlist) -> None:
        self.speakers: list[_Speaker] = []
        self._matches: dict[tuple[str, dt.date | None], tuple[str, str] | None] = {}
        for entity in watchlist.entities:
            for sp in entity.speakers:
                keys = tuple(k for k in map(name_key, name_words(sp.text)) if k)
                initials = "".join(w[0] for w in re.split(r"[\s\-]+", anyascii(sp.text)) if w).lower()
                self.speakers.append(_Speaker(entity.name, sp, keys, initials))

    def _fits(self, sp: _Speaker, keys: list[str], titled: bool) -> bool:
        if not sp.keys or not keys:
            return False
        if len(keys) == 1:
            key = keys[0]
            # Two letters only as a family name written first ("Xi", "Li"), never a piece of a
            # hyphenated given name ("in" of "Jae-in") or an English word.
            if len(key) < 2 or len(key) == 2 and (key != sp.keys[0] or key in _SHORT_WORDS):
                return False
            if _same(key, sp.keys[-1]):
                return True
            # Family name first ("Moon", "Xi Jinping"): only with a title or when not a common given name.
            return _same(key, sp.keys[0]) and (titled or key not in COMMON_GIVEN) and len(sp.keys) <= 3
        return all(any(_same(k, s) for s in sp.keys) for k in keys)

    def candidates(self, written: str, day: dt.date | None, *, any_date: bool = False) -> list[_Speaker]:
        raw_words = re.split(r"\s+", written.strip())
        titled = any(w.strip(".").lower() in TITLE_WORDS for w in raw_words[:-1])
        bare = written.strip().strip(".,")
        if re.fullmatch(r"[A-Z]{2,4}", bare):  # initials: "MBS"
            return [sp for sp in self.speakers if sp.initials == bare.lower() and (any_date or sp.valid_on(day))]
        keys = [k for k in map(name_key, name_words(written)) if k]
        return [sp for sp in self.speakers if (any_date or sp.valid_on(day)) and self._fits(sp, keys, titled)]

    def match(self, written: str, day: dt.date | None) -> tuple[str, str] | None:
        """(entity, canonical name) when every listed speaker this name fits speaks for one entity."""
        key = (written, day)
        if key not in self._matches:
            if len(self._matches) > 50_000:
                self._matches.clear()
            self._matches[key] = self._match(written, day)
        return self._matches[key]

    def _match(self, written: str, day: dt.date | None) -> tuple[str, str] | None:
        hits = self.candidates(written, day)
        entities = {sp.entity for sp in hits}
        if len(entities) != 1:
            return None
        return entities.pop(), min(sp.name for sp in hits)

    def known(self, written: str) -> bool:
        """A listed speaker with this name exists on some date (used to refuse one outside their term)."""
        return bool(self.candidates(written, None, any_date=True))


@functools.lru_cache(maxsize=8)
def _cached(watchlist: Watchlist) -> NameIndex:
    return NameIndex(watchlist)


def name_index(watchlist: Watchlist) -> NameIndex:
    """One index per watchlist (a frozen watchlist hashes by its contents, so equal ones share an index)."""
    try:
        return _cached(watchlist)
    except TypeError:  # an unhashable watchlist (lists inside): build afresh
        return NameIndex(watchlist)


def watchlist_roles(watchlist: Watchlist, day: dt.date | None) -> list[tuple[str, str]]:
    """(role, entity) for the roles a watchlist lists, valid on ``day`` (empty for watchlists without roles)."""
    return [(role.text, entity.name) for entity in watchlist.entities for role in entity.roles if role.valid_on(day)]


def is_person_name(watchlist, phrase: str, day) -> bool:
    """``phrase`` names a listed speaker ("Netanyahu", "Kari Haugland"), even where the watchlist also has it as
    an alias of the state; a given name that is also a state's ("Israel" of "Israel Katz") does not count."""
    phrase = phrase.strip()
    hit = name_index(watchlist).match(phrase, day)
    return hit is not None and phrase.casefold() != hit[1].split()[0].casefold()

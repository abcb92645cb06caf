"""The watchlist: which entities to track, how they are named, and who speaks for them.

Names and speakers can be time-bounded (``from`` inclusive, ``until`` exclusive), so
"Syrian government" can mean the Assad government before 8 December 2024 and the
opposition-led authorities after it.
"""
from __future__ import annotations

import datetime as dt
import functools
import importlib.util
import logging
import re
import reprlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

logger = logging.getLogger(__name__)


class WatchlistError(ValueError):
    """A watchlist file that cannot be used; the message says where and how to fix it."""


MAX_MESSAGE = 300  # characters of a YAML parser's message kept in ours; some constructs make it huge
_repr = reprlib.Repr()
_repr.maxstring, _repr.maxother, _repr.maxlist, _repr.maxdict, _repr.maxlevel = 60, 60, 4, 4, 2


def _short(value: Any) -> str:
    """A bounded repr for messages (YAML anchors can make a value that prints to gigabytes)."""
    return _repr.repr(value)


# Cue words: an alias "said" would turn every reported statement into a mention of the entity.
_CUE_WORDS = frozenset({"said", "says", "saying", "told", "tells", "tell", "stated", "added", "noted", "according",
                        "announced", "reported", "asked", "claimed", "warned", "called", "urged"})


@functools.lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """English function words (spaCy's stop-word list, read without importing spaCy, which pulls in
    torch) and cue verbs: names that would match nearly every sentence."""
    words = set(_CUE_WORDS)
    spec = importlib.util.find_spec("spacy")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "lang" / "en" / "stop_words.py"
        if path.is_file():
            namespace: dict[str, Any] = {}
            exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)  # noqa: S102 - spaCy's file
            words |= {w for w in namespace.get("STOP_WORDS", ()) if w.isalpha()}
            break
    else:  # pragma: no cover - spaCy is a dependency
        logger.debug("spaCy's stop-word list not found; checking names against cue words only")
    return frozenset(words)


def trivial_name(text: str) -> str | None:
    """Why ``text`` is too common to name an entity or a speaker, or None when it is fine.

    All-capital acronyms ("US", "UN") are fine: they match case-sensitively."""
    letters = sum(ch.isalpha() for ch in text)
    if letters < 2:
        return "has fewer than two letters"
    if not text.isupper() and text.lower() in common_words():
        return "is a common English word that would match nearly every sentence"
    return None


@dataclass(frozen=True)
class Bounded:
    """A name valid on [start, until); either bound may be open."""

    text: str
    start: dt.date | None = None
    until: dt.date | None = None

    def valid_on(self, day: dt.date | None) -> bool:
        if day is None:  # undated article: only names that are always valid
            return self.start is None and self.until is None
        if self.start is not None and day < self.start:
            return False
        if self.until is not None and day >= self.until:
            return False
        return True


@dataclass(frozen=True)
class Entity:
    name: str
    aliases: tuple[Bounded, ...]
    speakers: tuple[Bounded, ...]
    # Offices that speak for the entity ("emir", "foreign ministry spokesman"): a bare "the emir" in an
    # article that names no emir resolves to the one entity listing it.
    roles: tuple[Bounded, ...] = ()


@dataclass(frozen=True)
class AliasMatch:
    entity: str
    alias: str
    start: int
    end: int


def _alias_pattern(alias: str) -> re.Pattern[str]:
    # Aliases written with a capital ("US", "Iran") match case-sensitively so that "US"
    # never matches "us"; all-lowercase aliases ("rebels") match in any case.
    flags = 0 if any(ch.isupper() for ch in alias) else re.IGNORECASE
    return re.compile(r"(?<![\w-])" + re.escape(alias) + r"(?![\w-])", flags)


@dataclass(frozen=True)
class Watchlist:
    entities: tuple[Entity, ...]

    def __post_init__(self) -> None:
        names = [e.name for e in self.entities]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise WatchlistError(f"entity names must be unique; repeated: {', '.join(dupes)}")

    @classmethod
    def from_yaml(cls, path: str | Path) -> "Watchlist":
        path = Path(path)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise WatchlistError(f"{path}: watchlist file not found") from None
        except IsADirectoryError:
            raise WatchlistError(f"{path}: is a folder; pass the watchlist .yaml file inside it") from None
        except OSError as exc:
            raise WatchlistError(f"{path}: cannot read the watchlist ({exc.strerror or exc})") from None
        try:
            text = data.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise WatchlistError(f"{path}:{line}: not UTF-8 text (byte 0x{data[exc.start]:02x}); "
                                 "re-save the watchlist as UTF-8") from None
        try:
            raw = yaml.safe_load(text)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
            problem = " ".join(str(exc.problem or exc.context or "syntax error").split())
            raise WatchlistError(f"{where}: not valid YAML ({problem[:MAX_MESSAGE]})") from None
        except yaml.YAMLError as exc:
            raise WatchlistError(f"{path}: not valid YAML ({' '.join(str(exc).split())[:MAX_MESSAGE]})") from None
        except RecursionError:
            raise WatchlistError(f"{path}: not valid YAML (nested too deeply)") from None
        except ValueError as exc:  # PyYAML's own date parsing: 2024-02-30, 2024-13-01
            raise WatchlistError(f"{_bad_date_line(path, text)}: {str(exc)[:MAX_MESSAGE]}; "
                                 "write dates as real days, YYYY-MM-DD") from None
        return cls.from_dict(raw, origin=str(path))

    @classmethod
    def from_dict(cls, raw: Any, origin: str = "<watchlist>") -> "Watchlist":
        if not isinstance(raw, dict) or not isinstance(raw.get("entities"), list):
            raise WatchlistError(f"{origin}: expected a mapping with an 'entities:' list at the top level")
        entities = []
        for i, item in enumerate(raw["entities"], 1):
            where = f"{origin}: entity #{i}"
            if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
                raise WatchlistError(f"{where}: each entity needs a 'name:' string")
            name = item["name"].strip()
            where = f"{origin}: entity {_short(name)}"
            aliases = tuple(_bounded(a, "alias", where) for a in _as_list(item.get("aliases"), "aliases", where))
            if not any(a.text == name for a in aliases):
                aliases = (Bounded(name),) + aliases  # the entity's own name always counts
            speakers = tuple(_bounded(s, "name", where) for s in _as_list(item.get("speakers"), "speakers", where))
            roles = tuple(_bounded(r, "role", where) for r in _as_list(item.get("roles"), "roles", where))
            unknown = set(item) - {"name", "aliases", "speakers", "roles"}
            if unknown:
                raise WatchlistError(f"{where}: unknown keys {_short(sorted(map(str, unknown)))}; "
                                     "allowed: name, aliases, speakers, roles")
            for kind, names in (("alias", [a.text for a in aliases]), ("speaker", [x.text for x in speakers])):
                for text in names:
                    why = trivial_name(text)
                    if why:
                        raise WatchlistError(f"{where}: {kind} {_short(text)} {why}; use a longer, specific name "
                                             "(e.g. 'the Kremlin', not 'the')")
            entities.append(Entity(name=name, aliases=aliases, speakers=speakers, roles=roles))
        return cls(tuple(entities))

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(e.name for e in self.entities)

    def find_aliases(self, text: str, on: dt.date | None) -> list[AliasMatch]:
        """Every non-overlapping alias mention valid on ``on``, longest match first, in text order."""
        found: list[AliasMatch] = []
        folded = None
        for entity in self.entities:
            for alias in entity.aliases:
                if not alias.valid_on(on):
                    continue
                # Most aliases are absent from a given text: a substring test first, then the regex.
                key = _literal_key(alias.text)
                if key is not None:
                    if key[1]:
                        folded = _fold(text) if folded is None else folded
                    if key[0] not in (folded if key[1] else text):
                        continue
                for m in _compiled(alias.text).finditer(text):
                    found.append(AliasMatch(entity.name, m.group(0), m.start(), m.end()))
        found.sort(key=lambda m: (m.start, -(m.end - m.start)))
        kept: list[AliasMatch] = []
        for m in found:
            if kept and m.start < kept[-1].end:
                continue
            kept.append(m)
        return kept

    def speaker_entity(self, name: str, on: dt.date | None) -> tuple[str, str] | None:
        """(entity, canonical speaker name) for a speaker named in full inside ``name``.

        ``name`` may carry a title ("Iranian Foreign Minister Abbas Araghchi").
        """
        for entity in self.entities:
            for speaker in entity.speakers:
                if speaker.valid_on(on) and _compiled(speaker.text).search(name):
                    return entity.name, speaker.text
        return None

    def speaker_by_surname(self, surname: str, on: dt.date | None) -> tuple[str, str] | None:
        """(entity, canonical speaker name) for a unique listed speaker with this surname."""
        hits = {
            (entity.name, speaker.text)
            for entity in self.entities
            for speaker in entity.speakers
            if speaker.valid_on(on) and speaker.text.split()[-1] == surname
        }
        return hits.pop() if len(hits) == 1 else None


_PATTERNS: dict[str, re.Pattern[str]] = {}

# Characters outside ASCII that re.IGNORECASE matches to an ASCII letter other than through lower():
# with these mapped, a case-insensitive match of an ASCII alias implies alias.lower() in _fold(text).
_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s"})


def _fold(text: str) -> str:
    return text.translate(_FOLD).lower()


@functools.lru_cache(maxsize=None)
def _literal_key(alias: str) -> tuple[str, bool] | None:
    """(substring every match of the alias's pattern contains, whether to look for it in ``_fold(text)``),
    or None when there is no safe test (a non-ASCII alias matched in any case)."""
    if any(ch.isupper() for ch in alias):
        return alias, False  # case-sensitive: every match is the alias itself
    return (alias.lower(), True) if alias.isascii() else None


def _compiled(alias: str) -> re.Pattern[str]:
    if alias not in _PATTERNS:
        _PATTERNS[alias] = _alias_pattern(alias)
    return _PATTERNS[alias]


def _as_list(value: Any, key: str, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise WatchlistError(f"{where}: '{key}:' must be a list, got {type(value).__name__}")
    return value


def _bad_date_line(path: Path, text: str) -> str:
    """``path:line`` of the first date-like value that is not a real day (PyYAML's error has no mark)."""
    for m in re.finditer(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b", text):
        try:
            dt.date(*map(int, m.groups()))
        except ValueError:
            return f"{path}:{text.count(chr(10), 0, m.start()) + 1}: {m.group(0)}"
    return str(path)


def _bounded(item: Any, text_key: str, where: str) -> Bounded:
    if isinstance(item, str) and item.strip():
        return Bounded(item.strip())
    if isinstance(item, dict):
        # Accept {alias: X} for aliases, {name: X} for speakers, {role: X} for roles, and any of them in all.
        text = item.get(text_key, item.get("name", item.get("alias", item.get("role"))))
        if not isinstance(text, str) or not text.strip():
            raise WatchlistError(f"{where}: {_short(item)} needs a '{text_key}:' string")
        unknown = set(item) - {"alias", "name", "role", "from", "until"}
        if unknown:
            raise WatchlistError(f"{where}: {_short(item)} has unknown keys {_short(sorted(map(str, unknown)))}; "
                                 f"allowed: {text_key}, from, until")
        start, until = _date(item.get("from"), where), _date(item.get("until"), where)
        if start and until and until <= start:
            raise WatchlistError(f"{where}: {_short(text)} has 'until' ({until}) on or before 'from' ({start})")
        return Bounded(text.strip(), start, until)
    raise WatchlistError(f"{where}: expected a string or a mapping, got {_short(item)}")


def _date(value: Any, where: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise WatchlistError(f"{where}: {_short(value)} is not a date; write it as YYYY-MM-DD") from None

"""The watchlist: which entities to track, how they are named, and who speaks for them.

Names and speakers can be time-bounded (``from`` inclusive, ``until`` exclusive), so
"Syrian government" can mean the Assad government before 8 December 2024 and the
opposition-led authorities after it.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


class WatchlistError(ValueError):
    """A watchlist file that cannot be used; the message says where and how to fix it."""


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
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise WatchlistError(f"{path}: watchlist file not found") from None
        except yaml.YAMLError as exc:
            raise WatchlistError(f"{path}: not valid YAML: {exc}") from None
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
            where = f"{origin}: entity {name!r}"
            aliases = tuple(_bounded(a, "alias", where) for a in _as_list(item.get("aliases"), "aliases", where))
            if not any(a.text == name for a in aliases):
                aliases = (Bounded(name),) + aliases  # the entity's own name always counts
            speakers = tuple(_bounded(s, "name", where) for s in _as_list(item.get("speakers"), "speakers", where))
            unknown = set(item) - {"name", "aliases", "speakers"}
            if unknown:
                raise WatchlistError(f"{where}: unknown keys {sorted(unknown)}; allowed: name, aliases, speakers")
            entities.append(Entity(name=name, aliases=aliases, speakers=speakers))
        return cls(tuple(entities))

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(e.name for e in self.entities)

    def find_aliases(self, text: str, on: dt.date | None) -> list[AliasMatch]:
        """Every non-overlapping alias mention valid on ``on``, longest match first, in text order."""
        found: list[AliasMatch] = []
        for entity in self.entities:
            for alias in entity.aliases:
                if not alias.valid_on(on):
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


def _bounded(item: Any, text_key: str, where: str) -> Bounded:
    if isinstance(item, str) and item.strip():
        return Bounded(item.strip())
    if isinstance(item, dict):
        # Accept {alias: X} for aliases and {name: X} for speakers, and either in both.
        text = item.get(text_key, item.get("name", item.get("alias")))
        if not isinstance(text, str) or not text.strip():
            raise WatchlistError(f"{where}: {item!r} needs a '{text_key}:' string")
        unknown = set(item) - {"alias", "name", "from", "until"}
        if unknown:
            raise WatchlistError(f"{where}: {item!r} has unknown keys {sorted(unknown)}; allowed: {text_key}, from, until")
        start, until = _date(item.get("from"), where), _date(item.get("until"), where)
        if start and until and until <= start:
            raise WatchlistError(f"{where}: {text!r} has 'until' ({until}) on or before 'from' ({start})")
        return Bounded(text.strip(), start, until)
    raise WatchlistError(f"{where}: expected a string or a mapping, got {item!r}")


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
        raise WatchlistError(f"{where}: {value!r} is not a date; write it as YYYY-MM-DD") from None

"""Synthetic news articles for batch tests and benchmarks (written for this project).

Each article is ~300 words of wire-style prose with quoted and reported speech by speakers
on :data:`WATCHLIST_YAML`, about entities on it, so the real extractor finds statements.
Every ``syndicate_every``-th article reprints an earlier one under another outlet with a
new headline and a sign-off line: a near-duplicate for the dedup stage to find.
"""
from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterator
from pathlib import Path

WATCHLIST_YAML = """\
entities:
  - name: Iran
    aliases: [Iran, Tehran]
    speakers: [Abbas Araghchi, Esmaeil Baghaei]
  - name: Russia
    aliases: [Russia, Moscow, Kremlin]
    speakers: [Sergey Lavrov, Maria Zakharova, Dmitry Peskov]
  - name: Turkey
    aliases: [Turkey, Ankara]
    speakers: [Hakan Fidan]
  - name: United States
    aliases: [United States, Washington]
    speakers: [Antony Blinken, Matthew Miller]
  - name: Syrian opposition
    aliases: [HTS, Hayat Tahrir al-Sham, rebels, opposition fighters]
  - name: Assad government
    aliases: [Bashar al-Assad, Syrian army, {alias: Damascus, until: 2024-12-08}]
"""

SPEAKERS = (
    ("Iranian Foreign Minister Abbas Araghchi", "Araghchi"),
    ("Iranian foreign ministry spokesman Esmaeil Baghaei", "Baghaei"),
    ("Russian Foreign Minister Sergey Lavrov", "Lavrov"),
    ("Russian foreign ministry spokeswoman Maria Zakharova", "Zakharova"),
    ("Kremlin spokesman Dmitry Peskov", "Peskov"),
    ("Turkish Foreign Minister Hakan Fidan", "Fidan"),
    ("US Secretary of State Antony Blinken", "Blinken"),
    ("State Department spokesman Matthew Miller", "Miller"),
)
TARGETS = ("the rebels", "HTS", "the Syrian army", "Bashar al-Assad", "the opposition fighters", "Hayat Tahrir al-Sham")
AGAINST = ("a gang of terrorists", "a threat to the whole region", "an illegitimate armed group",
           "reckless and dangerous", "responsible for the violence against civilians")
FAVOR = ("a legitimate partner for talks", "a force that deserves support", "committed to protecting civilians",
         "the rightful authority on the ground", "an essential partner for stability")
NEUTRAL = ("one of several parties that must be heard", "a party whose intentions remain unclear",
           "present at the talks in Doha")
OUTLETS = ("Wire Service One", "The Daily Ledger", "Harbor Times", "Capital Observer", "Northern Gazette",
           "Evening Courier")
_PLACES = ("Aleppo", "Hama", "Homs", "Idlib", "Latakia", "Tartus", "Deir ez-Zor", "Daraa", "Raqqa", "Qamishli",
           "the coast", "the northern provinces", "the eastern desert", "the border towns", "the capital's suburbs")
_GROUPS = ("aid agencies", "residents", "local officials", "doctors", "traders", "farmers", "teachers",
           "truck drivers", "journalists", "monitors", "engineers", "volunteers")
_VERBS = ("repaired", "queued near", "unloaded", "cleared", "rebuilt", "waited beside", "guarded", "crossed",
          "photographed", "walked past")
_THINGS = ("bakeries", "new checkpoints", "damaged bridges", "fuel stations", "power lines",
           "crowded shelters", "closed schools", "grain stores", "convoys of trucks", "empty markets",
           "flooded roads", "broken water pipes")
_TIMES = ("overnight", "since Sunday", "on Wednesday morning", "during the past week", "late on Thursday",
          "before dawn", "for several days", "in recent hours")


def _filler(rng: random.Random) -> str:
    # Slots every couple of words, so unrelated articles share few word 5-grams.
    n = rng.randint(2, 90)
    return (f"In {rng.choice(_PLACES)}, {rng.choice(_GROUPS)} {rng.choice(_VERBS)} {rng.choice(_THINGS)} "
            f"{rng.choice(_TIMES)}, and {n} {rng.choice(_GROUPS)} {rng.choice(_VERBS)} {rng.choice(_THINGS)} "
            f"near {rng.choice(_PLACES)}.")



def _statement(rng: random.Random, speaker: tuple[str, str], target: str, first: bool) -> str:
    name = speaker[0] if first else speaker[1]
    polarity = rng.choice((AGAINST, FAVOR, NEUTRAL))
    phrase = rng.choice(polarity)
    form = rng.randrange(4)
    if form == 0:
        return f'"{target[0].upper() + target[1:]} is {phrase}," {name} said on {rng.choice(("Monday", "Tuesday", "Friday"))}.'
    if form == 1:
        return f"{name} said that {target} was {phrase}."
    if form == 2:
        return f'{name} called {target} "{phrase}" in remarks to reporters.'
    return f"Speaking after the meeting, {name} told journalists that {target} was {phrase}."


def make_article(rng: random.Random, i: int, start: dt.date, *, words: int = 300) -> dict[str, str]:
    day = start + dt.timedelta(days=rng.randrange(14))
    speakers = rng.sample(SPEAKERS, k=rng.randint(2, 3))
    sentences = [f"{rng.choice(('BEIRUT', 'DOHA', 'ANKARA', 'MOSCOW', 'TEHRAN'))}, {day:%B} {day.day}, {day.year} -"]
    for speaker in speakers:
        for j in range(rng.randint(1, 2)):
            sentences.append(_statement(rng, speaker, rng.choice(TARGETS), first=(j == 0)))
            sentences.append(_filler(rng))
    while len(" ".join(sentences).split()) < words:
        sentences.append(_filler(rng))
    lead = speakers[0][1]
    return {"id": f"syn-{i:06d}", "date": day.isoformat(), "source": rng.choice(OUTLETS),
            "title": f"{lead} comments on the situation in Syria ({i})", "text": " ".join(sentences),
            "url": f"https://example.org/syn/{i}"}


def synthetic_articles(n: int, *, seed: int = 0, start: dt.date = dt.date(2024, 11, 27), words: int = 300,
                       syndicate_every: int = 10) -> Iterator[dict[str, str]]:
    """``n`` article records (dicts with id, date, source, title, text, url), deterministic in ``seed``."""
    rng = random.Random(seed)
    recent: list[dict[str, str]] = []
    for i in range(n):
        if syndicate_every and i % syndicate_every == syndicate_every - 1 and recent:
            original = rng.choice(recent)
            outlet = rng.choice([o for o in OUTLETS if o != original["source"]])
            record = {**original, "id": f"syn-{i:06d}", "source": outlet, "url": f"https://example.org/syn/{i}",
                      "title": f"Reprint: {original['title']}",
                      "text": original["text"] + f" This report was distributed to {outlet} by a news agency."}
        else:
            record = make_article(rng, i, start, words=words)
            recent = (recent + [record])[-20:]
        yield record


def write_corpus(folder: str | Path, n: int, *, seed: int = 0, files: int = 1, **kwargs) -> list[Path]:
    """Write ``n`` articles as ``files`` .jsonl files plus ``watchlist.yaml`` into ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "watchlist.yaml").write_text(WATCHLIST_YAML, encoding="utf-8")
    paths = [folder / f"articles-{k:02d}.jsonl" for k in range(files)]
    handles = [p.open("w", encoding="utf-8") for p in paths]
    try:
        for i, record in enumerate(synthetic_articles(n, seed=seed, **kwargs)):
            handles[i * files // n if n else 0].write(json.dumps(record) + "\n")
    finally:
        for h in handles:
            h.close()
    return paths


def replicated_records(source: str | Path, n: int) -> Iterator[dict[str, str]]:
    """``n`` article records replicated from the real articles of ``source`` (a folder holding
    ``articles.jsonl``, such as ``../shared/data/realnews``).

    Copy ``i`` of an article gets the id ``<id>-r<i>`` and a unique first line ("Copy <i>."), so no
    copy is a cache hit of another while the text the extractor and the classifier see stays real
    news. The texts stay outside the repository: only benchmarks' working folders hold them.
    """
    path = Path(source) / "articles.jsonl"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not records:
        raise ValueError(f"{path}: no articles to replicate")
    for i in range(n):
        record = records[i % len(records)]
        yield {**record, "id": f"{record['id']}-r{i:06d}", "text": f"Copy {i}.\n{record['text']}"}


def write_replicated_corpus(folder: str | Path, n: int, source: str | Path, *, files: int = 1) -> list[Path]:
    """Write ``replicated_records(source, n)`` as ``files`` .jsonl files plus the source's
    ``watchlist.yaml`` into ``folder``."""
    folder, source = Path(folder), Path(source)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "watchlist.yaml").write_text((source / "watchlist.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    paths = [folder / f"articles-{k:02d}.jsonl" for k in range(files)]
    handles = [p.open("w", encoding="utf-8") for p in paths]
    try:
        for i, record in enumerate(replicated_records(source, n)):
            handles[i * files // n].write(json.dumps(record) + "\n")
    finally:
        for h in handles:
            h.close()
    return paths

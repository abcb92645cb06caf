"""Near-duplicate (syndicated) article detection: MinHash signatures + LSH banding.

The same wire story runs in several outlets with a different headline, an extra line or
a trimmed ending. Articles are compared as sets of word 5-grams; MinHash estimates their
Jaccard similarity and LSH banding finds candidate pairs without comparing all pairs.

The index lives in SQLite rather than in memory so that a corpus of any size is processed
in constant memory. An article's ``duplicate_of`` is the *earliest* article (in input
order) whose estimated similarity reaches the threshold, which only depends on articles
read before it: the answer is the same however the run is split, killed or resumed.

(datasketch offers the same MinHash, but its LSH index is in-memory or Redis/Cassandra;
the few lines of numpy here keep the index on disk and the hashing vectorised.)
"""
from __future__ import annotations

import hashlib
import heapq
import re
import sqlite3
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Duplicate:
    ordinal: int
    article_id: str
    duplicate_of: str
    similarity: float


def shingles(text: str, k: int = 5) -> set[str]:
    """Word k-grams of the lower-cased text; a text shorter than k words is one shingle."""
    words = _WORD.findall(text.lower())
    if not words:
        return set()
    if len(words) < k:
        return {" ".join(words)}
    return {" ".join(words[i:i + k]) for i in range(len(words) - k + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def _mix64(z: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: a bijective, well-mixing hash of 64-bit integers (wrapping arithmetic)."""
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


class MinHasher:
    """``num_perm`` hash functions h_i(x) = mix64(x XOR seed_i) over 32-bit shingle hashes."""

    def __init__(self, num_perm: int = 128, *, k: int = 5, seed: int = 1):
        rng = np.random.default_rng(seed)
        self.seeds = rng.integers(0, np.iinfo(np.uint64).max, size=num_perm, dtype=np.uint64, endpoint=True)
        self.num_perm = num_perm
        self.k = k

    def signature(self, text: str) -> np.ndarray | None:
        grams = shingles(text, self.k)
        if not grams:
            return None
        x = np.fromiter((zlib.crc32(g.encode("utf-8")) for g in grams), dtype=np.uint64, count=len(grams))
        with np.errstate(over="ignore"):
            return _mix64(x[:, None] ^ self.seeds[None, :]).min(axis=0)


def similarity(sig_a: np.ndarray, sig_b: np.ndarray) -> float:
    """Estimated Jaccard similarity: the share of hash functions whose minima agree."""
    return float(np.mean(sig_a == sig_b))


def lsh_bands(num_perm: int, threshold: float) -> tuple[int, int]:
    """(bands, rows): the fewest bands whose candidate probability at ``threshold - 0.1``
    is at least 99%, so that true duplicates are nearly always compared; candidates are
    then checked against the threshold exactly (on their signatures)."""
    target = max(threshold - 0.1, 0.05)
    options = [(num_perm // r, r) for r in range(num_perm, 0, -1) if num_perm % r == 0]
    for bands, rows in options:
        if 1.0 - (1.0 - target ** rows) ** bands >= 0.99:
            return bands, rows
    return options[-1]


class DedupIndex:
    """Feed articles in input order with :meth:`add`; read the duplicates with :meth:`duplicates`."""

    def __init__(self, path: str | Path | None = None, *, threshold: float = 0.8, num_perm: int = 128, k: int = 5,
                 fresh: bool = True):
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], got {threshold}")
        self.threshold = threshold
        self.hasher = MinHasher(num_perm, k=k)
        self.bands, self.rows = lsh_bands(num_perm, threshold)
        target = ":memory:" if path is None else str(path)
        if path is not None and fresh:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        self._db = sqlite3.connect(target)
        # Rebuilt from the inputs on every run, so durability buys nothing here.
        self._db.execute("PRAGMA journal_mode=OFF")
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.executescript("""
            CREATE TABLE IF NOT EXISTS docs (ordinal INTEGER PRIMARY KEY, article_id TEXT, sig BLOB);
            CREATE TABLE IF NOT EXISTS buckets (bucket INTEGER, ordinal INTEGER);
            CREATE INDEX IF NOT EXISTS buckets_by_ordinal ON buckets (bucket, ordinal);
            CREATE TABLE IF NOT EXISTS dups (ordinal INTEGER PRIMARY KEY, article_id TEXT,
                                             duplicate_of TEXT, similarity REAL);
        """)

    def _buckets(self, sig: np.ndarray) -> list[int]:
        """One 64-bit key per band; the band number is hashed in so equal rows in different bands differ."""
        out = []
        for band in range(self.bands):
            chunk = band.to_bytes(2, "big") + sig[band * self.rows:(band + 1) * self.rows].tobytes()
            out.append(int.from_bytes(hashlib.blake2b(chunk, digest_size=8).digest(), "big", signed=True))
        return out

    def _candidates(self, buckets: list[int], ordinal: int):
        """Earlier articles sharing a bucket, earliest first, read lazily.

        One ordered range scan per band, merged: a story syndicated a thousand times finds its
        first copy at once instead of reading every earlier copy (which made dedup quadratic)."""
        scans = [(row[0] for row in self._db.execute(
            "SELECT ordinal FROM buckets WHERE bucket = ? AND ordinal < ? ORDER BY ordinal", (bucket, ordinal)))
            for bucket in set(buckets)]
        last = None
        for other in heapq.merge(*scans):
            if other != last:
                last = other
                yield other

    def add(self, ordinal: int, article_id: str, text: str) -> Duplicate | None:
        """Index one article; return the earlier article it duplicates, if any."""
        sig = self.hasher.signature(text)
        if sig is None:
            return None
        buckets = self._buckets(sig)
        found = None
        for other in self._candidates(buckets, ordinal):
            other_id, other_sig = self._db.execute("SELECT article_id, sig FROM docs WHERE ordinal = ?",
                                                   (other,)).fetchone()
            sim = similarity(sig, np.frombuffer(other_sig, dtype=np.uint64))
            if sim >= self.threshold:
                found = Duplicate(ordinal, article_id, other_id, round(sim, 4))
                break
        self._db.execute("INSERT OR REPLACE INTO docs VALUES (?, ?, ?)", (ordinal, article_id, sig.tobytes()))
        self._db.executemany("INSERT INTO buckets VALUES (?, ?)", [(b, ordinal) for b in buckets])
        if found:
            self._db.execute("INSERT OR REPLACE INTO dups VALUES (?, ?, ?, ?)",
                             (ordinal, article_id, found.duplicate_of, found.similarity))
        return found

    def commit(self) -> None:
        self._db.commit()

    def duplicates(self):
        """(article_id, duplicate_of, similarity) in input order."""
        yield from self._db.execute("SELECT article_id, duplicate_of, similarity FROM dups ORDER BY ordinal")

    def close(self) -> None:
        self._db.close()

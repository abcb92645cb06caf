"""Near-duplicate detection: MinHash estimates, LSH banding, earliest-original semantics."""
from __future__ import annotations

import random

import numpy as np
import pytest

from stance.batch.dedup import DedupIndex, MinHasher, jaccard, lsh_bands, shingles, similarity

_WORDS = ("minister talks border aid convoy ceasefire envoy capital rebels army province council refugees "
          "statement summit pipeline harbor vote embassy sanctions airport bridge market hospital").split()


def _story(seed: int, n: int = 250) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(_WORDS) + str(rng.randrange(50)) for _ in range(n))


BASE = _story(1)
EDITS = {
    "identical": BASE,
    "new headline line": "Reprinted from the wire. " + BASE,
    "sign-off added": BASE + " This story was distributed by a news agency to its subscribers.",
    "last tenth cut": " ".join(BASE.split()[: int(250 * 0.9)]),
    "half rewritten": " ".join(BASE.split()[:125]) + " " + _story(2, 125),
    "unrelated": _story(3),
}


@pytest.mark.parametrize("name", list(EDITS))
def test_minhash_estimate_tracks_exact_jaccard(name):
    hasher = MinHasher(256)
    exact = jaccard(shingles(BASE), shingles(EDITS[name]))
    estimate = similarity(hasher.signature(BASE), hasher.signature(EDITS[name]))
    # 256 hash functions: standard error <= 0.031; allow ~3.5 of them.
    assert abs(estimate - exact) < 0.11, (name, exact, estimate)


@pytest.mark.parametrize("text, expected", [
    ("", set()),
    ("One two three", {"one two three"}),
    ("A b c d e f", {"a b c d e", "b c d e f"}),
    ("Same, SAME same same same!", {"same same same same same"}),
])
def test_shingles(text, expected):
    assert shingles(text) == expected


@pytest.mark.parametrize("threshold", [0.5, 0.7, 0.8, 0.9])
def test_lsh_bands_find_pairs_just_below_threshold(threshold):
    bands, rows = lsh_bands(128, threshold)
    assert bands * rows == 128
    near = threshold - 0.1
    assert 1 - (1 - near ** rows) ** bands >= 0.99
    far = 0.1  # unrelated articles should rarely even be compared
    assert 1 - (1 - far ** rows) ** bands < 0.5


# Each case: articles in input order (as keys into EDITS) and the expected duplicate_of per position.
CASES = [
    ("wire story in three outlets", ["identical", "new headline line", "sign-off added"], [None, 0, 0]),
    ("unrelated stays apart", ["identical", "unrelated"], [None, None]),
    ("half rewritten is not a copy", ["identical", "half rewritten"], [None, None]),
    ("copy before original in input order", ["sign-off added", "unrelated", "identical"], [None, None, 0]),
    ("trimmed copy", ["identical", "last tenth cut"], [None, 0]),
]


@pytest.mark.parametrize("label, names, expected", CASES, ids=[c[0] for c in CASES])
def test_index_points_each_copy_at_the_earliest_original(tmp_path, label, names, expected):
    index = DedupIndex(tmp_path / "d.sqlite", threshold=0.7)
    got = []
    for ordinal, name in enumerate(names):
        found = index.add(ordinal, f"a{ordinal}", EDITS[name])
        got.append(None if found is None else int(found.duplicate_of[1:]))
        if found is not None:
            assert 0.7 <= found.similarity <= 1.0
    assert got == expected
    table = list(index.duplicates())
    assert [row[0] for row in table] == [f"a{i}" for i, e in enumerate(expected) if e is not None]


def test_index_answer_does_not_depend_on_later_articles(tmp_path):
    # An article's answer must be the same whether or not copies follow it: that is what
    # makes resumed and distributed runs agree with an uninterrupted one.
    index = DedupIndex(None, threshold=0.7)
    assert index.add(0, "a0", EDITS["sign-off added"]) is None
    assert index.add(1, "a1", EDITS["identical"]).duplicate_of == "a0"
    again = DedupIndex(None, threshold=0.7)
    again.add(0, "a0", EDITS["sign-off added"])
    assert again.add(1, "a1", EDITS["identical"]).duplicate_of == "a0"


def test_signature_is_deterministic_across_instances():
    a, b = MinHasher(64).signature(BASE), MinHasher(64).signature(BASE)
    assert np.array_equal(a, b)
    assert MinHasher(64).signature("") is None


@pytest.mark.parametrize("threshold", [0.0, -1, 1.5])
def test_index_rejects_bad_threshold(threshold):
    with pytest.raises(ValueError, match="threshold"):
        DedupIndex(None, threshold=threshold)


def _work_to_add(index: DedupIndex, ordinal: int, text: str) -> int:
    """SQLite virtual-machine steps (in units of 100) spent indexing one article."""
    steps = [0]

    def count():
        steps[0] += 1
        return 0

    index._db.set_progress_handler(count, 100)
    try:
        index.add(ordinal, f"a{ordinal}", text)
    finally:
        index._db.set_progress_handler(None, 100)
    return steps[0]


def test_a_story_syndicated_many_times_costs_the_same_to_add_at_every_copy():
    # A wire story reprinted hundreds of times: each new copy is a duplicate of the first, and
    # finding that must not read every earlier copy (that made a 100k-article run quadratic).
    index = DedupIndex(None)
    copies = [f"Copy {i}. " + BASE for i in range(400)]
    costs = {}
    for ordinal, text in enumerate(copies):
        if ordinal in (20, 399):
            costs[ordinal] = _work_to_add(index, ordinal, text)
        else:
            index.add(ordinal, f"a{ordinal}", text)
    assert costs[399] <= 2 * costs[20] + 5, costs
    assert [dup for dup in index.duplicates()][-1][1] == "a0"

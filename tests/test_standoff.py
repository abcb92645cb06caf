"""Stand-off training rows: labels that point into a corpus under the shared data folder by offsets."""

from __future__ import annotations

import json
import logging

import pytest

from stance.training import DataSpec, read_examples
from stance.training.standoff import is_standoff_file, sentence_sha1

# A document in our own words, standing in for a third-party article.
DOC = ("Senator Mara Velk spoke in Ostavia on Monday. She said the Norland government had \"betrayed every "
       "promise\" it made. Velk added that talks with Ostavia would resume in May.")


def _offsets(text: str, part: str, start: int = 0) -> list[int]:
    at = text.index(part, start)
    return [at, at + len(part)]


def _row(sentence: str, target: str, speaker: str = "Mara Velk", label: str = "against",
         changes: dict | None = None) -> dict:
    s = _offsets(DOC, sentence)
    row = {"doc": "corpus/docs/a.txt", "sentence": s, "target": _offsets(DOC, target, s[0]),
           "speaker": _offsets(DOC, speaker), "label": label, "sha1": sentence_sha1(DOC[s[0]:s[1]])}
    return {**row, **(changes or {})}


FIRST = "She said the Norland government had \"betrayed every promise\" it made."
SECOND = "Velk added that talks with Ostavia would resume in May."


@pytest.fixture
def shared(tmp_path, monkeypatch):
    (tmp_path / "shared" / "corpus" / "docs").mkdir(parents=True)
    (tmp_path / "shared" / "corpus" / "docs" / "a.txt").write_text(DOC, encoding="utf-8")
    monkeypatch.setenv("STANCE_SHARED_DATA", str(tmp_path / "shared"))
    return tmp_path


def _write(tmp_path, rows) -> DataSpec:
    path = tmp_path / "labels.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return DataSpec(path, standoff=is_standoff_file(path), holdout=False)


def test_rows_read_their_words_from_the_corpus(shared):
    spec = _write(shared, [_row(FIRST, "Norland"), _row(SECOND, "Ostavia", speaker="Velk", label="neutral")])
    assert spec.standoff
    first, second = read_examples(spec)
    assert (first.text, first.target, first.speaker, first.label) == (FIRST, "Norland", "Mara Velk", 0)
    assert first.text[first.span[0]:first.span[1]] == "Norland"
    assert (second.target, second.speaker, second.label) == ("Ostavia", "Velk", 1)


@pytest.mark.parametrize("change, message", [
    ({"sha1": "000000000000"}, "does not match the row's hash"),
    ({"target": [0, 7]}, "is not inside the sentence"),
    ({"sentence": [10, 100000]}, "outside the document"),
    ({"speaker": "Velk"}, r"must be \[start, end\]"),
    ({"doc": "corpus/docs/missing.txt"}, "not found under"),
    ({"doc": "corpus/../corpus/docs/a.txt"}, "not found under"),
    ({"label": "maybe"}, "label"),
])
def test_a_row_that_does_not_fit_its_corpus_stops_with_the_line(shared, change, message):
    spec = _write(shared, [_row(FIRST, "Norland"), _row(SECOND, "Ostavia", changes=change)])
    with pytest.raises(ValueError, match=message) as info:
        read_examples(spec)
    assert "labels.jsonl:2" in str(info.value)


def test_without_the_corpus_the_rows_are_left_out_with_a_warning(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("STANCE_SHARED_DATA", str(tmp_path / "nowhere"))
    spec = _write(tmp_path, [_row(FIRST, "Norland")])
    with caplog.at_level(logging.WARNING):
        assert read_examples(spec) == []
    assert "not under" in caplog.text and "1 stand-off rows are left out" in caplog.text


def test_ordinary_files_are_not_taken_for_stand_off_ones(tmp_path):
    path = tmp_path / "plain.jsonl"
    path.write_text(json.dumps({"text": "They praised Norland.", "target": "Norland", "label": "favor"}) + "\n")
    assert not is_standoff_file(path)

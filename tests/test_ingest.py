import datetime as dt
import json

import pytest

from stance.ingest import IngestError, find_date, read_articles


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("text, expected", [
    ("DOHA, December 8, 2024 - Ministers met.", dt.date(2024, 12, 8)),
    ("Published 8 December 2024 in Doha", dt.date(2024, 12, 8)),
    ("Posted 2024-12-01. Later on December 8, 2024", dt.date(2024, 12, 1)),
    ("Dec. 8, 2024 nothing else", None),
    ("February 30, 2024 is not a day", None),
])
def test_find_date(text, expected):
    assert find_date(text) == expected


def test_reads_all_three_formats_with_stable_ids(tmp_path):
    write(tmp_path / "a.jsonl", json.dumps({"id": "j1", "date": "2024-12-01", "source": "Wire", "title": "T",
                                             "text": "Body one."}) + "\n\n")
    write(tmp_path / "b.csv", 'id,date,source,title,text,url\n,2024-12-02,Paper,"Title, two","Line one\nline two",'
                              "https://example.org/x\n")
    write(tmp_path / "c.txt", "A title\n\nDAMASCUS, December 8, 2024 - Body three.\n")
    first = list(read_articles([tmp_path]))
    again = list(read_articles([tmp_path]))
    assert [a.id for a in first] == [a.id for a in again]
    assert [a.date for a in first] == [dt.date(2024, 12, 1), dt.date(2024, 12, 2), dt.date(2024, 12, 8)]
    assert first[0].id == "j1" and first[1].id.startswith("a") and first[1].title == "Title, two"
    assert first[1].text == "Line one\nline two" and first[1].url == "https://example.org/x"
    assert first[2].title == "A title" and first[2].source == "c"


@pytest.mark.parametrize("content, suffix, line, reason", [
    ('{"date": "2024-12-01", "text": "ok"}\n{not json}\n', ".jsonl", 2, "not valid JSON"),
    ('{"date": "2024-12-01", "text": ""}\n', ".jsonl", 1, "empty 'text'"),
    ('{"date": "yesterday", "text": "x"}\n', ".jsonl", 1, "not understood"),
    ('{"text": "x"}\n', ".jsonl", 1, "no date"),
    ("id,date,text\n1,2024-12-01,fine\n2,2024-12-01,x,extra\n", ".csv", 3, "more cells"),
    ("id,date,body\n1,2024-12-01,x\n", ".csv", 1, "no 'text' column"),
    ("Only a title\n", ".txt", 1, "no text after the title"),
    ("Title\nNo date in here.\n", ".txt", 1, "no date found"),
])
def test_bad_records_name_file_and_line(tmp_path, content, suffix, line, reason):
    path = write(tmp_path / f"in{suffix}", content)
    with pytest.raises(IngestError, match=rf"in{suffix}:{line}: .*{reason}"):
        list(read_articles([path]))


def test_skip_bad_keeps_good_records_and_writes_rejects(tmp_path):
    path = write(tmp_path / "in.jsonl", '{"date": "2024-12-01", "text": "good"}\n{oops\n'
                                        '{"date": "2024-12-02", "text": "also good"}\n')
    rejects = tmp_path / "out" / "rejects.csv"
    seen = []
    articles = list(read_articles([path], skip_bad=True, rejects_path=rejects, on_reject=seen.append))
    assert [a.text for a in articles] == ["good", "also good"]
    assert rejects.read_text().splitlines() == ["file,line,reason", f"{path},2,not valid JSON (Expecting property "
                                                "name enclosed in double quotes at column 2)"]
    assert len(seen) == 1


def test_default_date_fills_undated_records(tmp_path):
    path = write(tmp_path / "in.txt", "Title\nNo date here.\n")
    (article,) = read_articles([path], default_date=dt.date(2024, 12, 5))
    assert article.date == dt.date(2024, 12, 5)


def test_id_collision_with_different_content_is_an_error_and_exact_repeat_is_dropped(tmp_path):
    line = json.dumps({"id": "x", "date": "2024-12-01", "text": "same"})
    path = write(tmp_path / "in.jsonl", line + "\n" + line + "\n")
    assert len(list(read_articles([path]))) == 1
    write(path, line + "\n" + json.dumps({"id": "x", "date": "2024-12-01", "text": "other"}) + "\n")
    with pytest.raises(IngestError, match="already used"):
        list(read_articles([path]))


@pytest.mark.parametrize("name, message", [("missing", "no such file"), ("notes.docx", "unsupported file type")])
def test_bad_paths(tmp_path, name, message):
    if name.endswith(".docx"):
        write(tmp_path / name, "x")
    with pytest.raises(IngestError, match=message):
        list(read_articles([tmp_path / name]))

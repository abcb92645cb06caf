import datetime as dt

import pytest

from stance.watchlist import Watchlist, WatchlistError

ISSUE_WATCHLIST = """
entities:
  - name: Iran
    aliases: [Iran, Iranian, Tehran]
    speakers: [Abbas Araghchi, Esmaeil Baghaei]
  - name: United States
    aliases: [United States, US, Washington, State Department]
    speakers:
      - Donald Trump
      - {name: Marco Rubio, from: 2025-01-21}     # speaks for the US only from that date
  - name: Syrian opposition
    aliases:
      - HTS
      - rebels
      - {alias: Syrian government, from: 2024-12-08}   # from inclusive, until exclusive
  - name: Assad government
    aliases: [Bashar al-Assad, {alias: Syrian government, until: 2024-12-08}]
"""


@pytest.fixture(scope="module")
def watchlist(tmp_path_factory):
    path = tmp_path_factory.mktemp("wl") / "watchlist.yaml"
    path.write_text(ISSUE_WATCHLIST)
    return Watchlist.from_yaml(path)


@pytest.mark.parametrize("text, day, expected", [
    ("The Syrian government said", dt.date(2024, 12, 7), [("Assad government", "Syrian government")]),
    ("The Syrian government said", dt.date(2024, 12, 8), [("Syrian opposition", "Syrian government")]),
    ("Tehran backed the rebels", dt.date(2024, 12, 1), [("Iran", "Tehran"), ("Syrian opposition", "rebels")]),
    ("Rebels took Aleppo", dt.date(2024, 12, 1), [("Syrian opposition", "Rebels")]),
    ("let us see what the US does", dt.date(2024, 12, 1), [("United States", "US")]),
    ("the State Department said", dt.date(2024, 12, 1), [("United States", "State Department")]),
    ("Iranians marched; Iran-backed militias", dt.date(2024, 12, 1), []),
    ("The Syrian government said", None, []),  # undated: time-bounded aliases never apply
])
def test_find_aliases_respects_time_bounds_case_and_word_edges(watchlist, text, day, expected):
    found = [(m.entity, m.alias) for m in watchlist.find_aliases(text, day)]
    assert found == expected


@pytest.mark.parametrize("name, day, expected", [
    ("Iranian Foreign Minister Abbas Araghchi", dt.date(2024, 12, 1), ("Iran", "Abbas Araghchi")),
    ("Secretary of State Marco Rubio", dt.date(2025, 1, 20), None),
    ("Secretary of State Marco Rubio", dt.date(2025, 1, 21), ("United States", "Marco Rubio")),
    ("Charles Lister", dt.date(2024, 12, 1), None),
])
def test_speaker_entity_by_full_name(watchlist, name, day, expected):
    assert watchlist.speaker_entity(name, day) == expected


def test_speaker_by_surname_is_time_bounded(watchlist):
    assert watchlist.speaker_by_surname("Araghchi", dt.date(2024, 12, 1)) == ("Iran", "Abbas Araghchi")
    assert watchlist.speaker_by_surname("Rubio", dt.date(2024, 12, 1)) is None


def test_entity_name_is_always_an_alias(watchlist):
    assert [m.entity for m in watchlist.find_aliases("Syrian opposition figures", dt.date(2024, 1, 1))] == [
        "Syrian opposition"]


@pytest.mark.parametrize("raw, message", [
    ({"entity": []}, "'entities:' list"),
    ({"entities": [{"aliases": ["x"]}]}, "needs a 'name:'"),
    ({"entities": [{"name": "A", "aliases": "A"}]}, "must be a list"),
    ({"entities": [{"name": "A", "aliases": [{"alias": "B", "from": "8 Dec"}]}]}, "YYYY-MM-DD"),
    ({"entities": [{"name": "A", "aliases": [{"alias": "B", "from": "2024-12-08", "until": "2024-12-01"}]}]},
     "before 'from'"),
    ({"entities": [{"name": "Chad"}, {"name": "Chad"}]}, "unique"),
    ({"entities": [{"name": "A", "speaker": ["x"]}]}, "unknown keys"),
])
def test_bad_watchlists_get_specific_errors(raw, message):
    with pytest.raises(WatchlistError, match=message):
        Watchlist.from_dict(raw)


def test_missing_file_error_names_the_path(tmp_path):
    with pytest.raises(WatchlistError, match="not found"):
        Watchlist.from_yaml(tmp_path / "nope.yaml")

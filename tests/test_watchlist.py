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


def _find_aliases_by_regex_alone(watchlist, text, on):
    """find_aliases without its substring pre-test: every valid alias's pattern run over the text."""
    from stance.watchlist import AliasMatch, _compiled

    found = [AliasMatch(e.name, m.group(0), m.start(), m.end()) for e in watchlist.entities for a in e.aliases
             if a.valid_on(on) for m in _compiled(a.text).finditer(text)]
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept = []
    for m in found:
        if not kept or m.start >= kept[-1].end:
            kept.append(m)
    return kept


@pytest.mark.parametrize("text", [
    "The rebels met Norland's envoy.",
    "THE REBELS MET NORLAND'S ENVOY.",  # a lowercase alias in capitals; a capitalised one does not match
    "The rebel\u017f and the \u0130NSURGENTS",  # long s and dotted capital I match s and i in any case
    "the rebe\u212as, \u0131nsurgents and INSURGENTS in Ostavia-north and Ostavia",  # Kelvin sign, dotless i
    "Crème brûlée for the Ostavian côte; CÔTE and côte d'Or",  # a non-ASCII lowercase alias
    "",
])
def test_find_aliases_pre_test_never_changes_what_is_found(text):
    watchlist = Watchlist.from_dict({"entities": [
        {"name": "Norland", "aliases": ["Norland", "norland's envoy"]},
        {"name": "Ostavia", "aliases": ["Ostavia", "Ostavian", "côte", "côte d'or"]},
        {"name": "Rebels", "aliases": ["rebels", "insurgents"]},
    ]})
    got = watchlist.find_aliases(text, dt.date(2025, 1, 1))
    assert got == _find_aliases_by_regex_alone(watchlist, text, dt.date(2025, 1, 1))

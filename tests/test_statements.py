"""Extraction: quotes, reported speech, designations, and who said them."""
from __future__ import annotations

import datetime as dt

import pytest

from stance.nlp import load_nlp
from stance.records import Article
from stance.attribution import load_extraction_nlp, EXTRACTOR_VERSION, extract_statements, iter_statements, quote_spans
from stance.watchlist import Watchlist



@pytest.fixture(scope="module", params=["spacy-default", "lean"])
def nlp(request):
    # Both the pipeline callers may pass (spaCy's own components) and extraction's lean default.
    return load_nlp(("lemmatizer",)) if request.param == "spacy-default" else load_extraction_nlp()


WATCHLIST = Watchlist.from_dict(
    {
        "entities": [
            {
                "name": "Iran",
                "aliases": ["Iran", "Iranian", "Tehran"],
                "speakers": [{"name": "Abbas Araghchi", "from": "2024-08-21"}, "Esmaeil Baghaei"],
            },
            {
                "name": "Russia",
                "aliases": ["Russia", "Russian", "Moscow", "Kremlin"],
                "speakers": ["Sergei Lavrov", "Dmitry Peskov", "Maria Zakharova"],
            },
            {"name": "Israel", "aliases": ["Israel", "Israeli"]},
            {"name": "Hezbollah", "aliases": ["Hezbollah"], "speakers": ["Naim Qassem"]},
            {"name": "Turkey", "aliases": ["Turkey", "Turkish", "Ankara"], "speakers": ["Hakan Fidan"]},
            {"name": "HTS", "aliases": ["HTS", "rebels", {"alias": "new authorities", "from": "2024-12-08"}]},
        ]
    }
)
WATCHLIST_WITHOUT_ARAGHCHI = Watchlist.from_dict(
    {"entities": [{"name": "Iran", "aliases": ["Iran", "Iranian", "Tehran"]}, {"name": "HTS", "aliases": ["rebels"]}]}
)

DEC = "2024-12-05"

# (date, text, expected statements: (speaker substring, actor, kind, cue substring, content substring))
CASES = [
    pytest.param(DEC, 'Iranian Foreign Minister Abbas Araghchi said on Sunday that the rebels were "terrorist groups".',
                 [("Araghchi", "Iran", "designation", "said", "the rebels were")], id="reported-title"),
    pytest.param(DEC, 'Iranian Foreign Minister Abbas Araghchi said that the rebels were "terrorist groups" backed by Israel.',
                 [("Araghchi", "Iran", "indirect", "said", "backed by Israel")], id="quoted-label-runs-on"),
    pytest.param(DEC, 'Lavrov said the Israeli strikes were "a violation of international law".',
                 [("Lavrov", "Russia", "indirect", "said", "violation")], id="quoted-label-on-event"),
    pytest.param(DEC, '"We will not accept this," Lavrov told reporters.',
                 [("Lavrov", "Russia", "direct", "told", "will not accept")], id="cue-after"),
    pytest.param(DEC, '"We are ready to talk," Peskov said, "but only if the shelling stops."',
                 [("Peskov", "Russia", "direct", "said", "shelling stops")], id="cue-in-middle"),
    pytest.param(DEC, 'Araghchi said: "Iran will stand by its allies whatever happens."',
                 [("Araghchi", "Iran", "direct", "said", "stand by its allies")], id="colon"),
    pytest.param(DEC, 'Lavrov called the move "a stab in the back".',
                 [("Lavrov", "Russia", "designation", "called", "stab in the back")], id="partial-designation"),
    pytest.param(DEC, 'Qassem called Israel a terror state that threatened the region.',
                 [("Qassem", "Hezbollah", "designation", "called", "terror state")], id="designation-unquoted"),
    pytest.param(DEC, 'Fidan described the rebels as a movement that had freed its country.',
                 [("Fidan", "Turkey", "designation", "described", "movement")], id="described-as"),
    pytest.param(DEC, 'Zakharova labelled the fighters "international terrorists".',
                 [("Zakharova", "Russia", "designation", "labelled", "international terrorists")], id="labelled"),
    pytest.param(DEC, 'Lavrov acknowledged ongoing talks with the rebels about the future of the bases.',
                 [("Lavrov", "Russia", "indirect", "acknowledged", "ongoing talks")], id="no-that-clause"),
    pytest.param(DEC, 'Araghchi warned that the fall of the city would destabilise the region.',
                 [("Araghchi", "Iran", "indirect", "warned", "fall of the city")], id="warned-that"),
    pytest.param(DEC, '"Moscow is trying to save its bases," said Charles Lister, an analyst at a research institute.',
                 [("Charles Lister", "", "direct", "said", "save its bases")], id="analyst-unattributed"),
    pytest.param(DEC, 'Rania Haddad, who teaches politics in Beirut, said Tehran had misread the situation.',
                 [("Rania Haddad", "", "indirect", "said", "misread")], id="academic-unattributed"),
    # The small parser hangs the speaker on the aside ("who flew ...", "whose latest book ...").
    pytest.param(DEC, "Araghchi, meanwhile, who flew to Damascus on Sunday, said that the visit showed Iran's commitment.",
                 [("Araghchi", "Iran", "indirect", "said", "the visit showed")], id="subject-before-relative-aside"),
    pytest.param(DEC, "One diplomat, who like others spoke on the condition of anonymity, said the message was that "
                      "Moscow would not give up its bases.",
                 [("One diplomat", "", "indirect", "said", "Moscow would not give up")], id="subject-before-anonymity-aside"),
    pytest.param(DEC, "Mr. Haddad, whose latest book, Empire of Sand, maps the proxy networks, said Tehran was a power "
                      "very much in retreat.",
                 [("Haddad", "", "indirect", "said", "power very much in retreat")], id="subject-before-apposition"),
    # A short quote is a statement when its speech tag follows; mid-sentence it is a scare quote.
    pytest.param(DEC, '“Not even one,” Lavrov said.', [("Lavrov", "Russia", "direct", "said", "Not even one")],
                 id="short-quote-with-tag"),
    pytest.param(DEC, 'The so-called "moderates," Lavrov said, were terrorists.',
                 [("Lavrov", "Russia", "indirect", "said", "were terrorists")], id="short-scare-quote-mid-sentence"),
    # Transcripts: a speaker label opening a line is a turn; interviewer lines only mark the transcript.
    pytest.param(DEC, "Question: Will Russia keep its bases in Syria?\n\n"
                      "Sergey Lavrov: We are talking with the new authorities in Damascus about our bases.\n\n"
                      "Question: And the airbase?\n\nSergey Lavrov: Nothing has been decided.",
                 [("Sergey Lavrov", "Russia", "direct", ":", "talking with the new authorities"),
                  ("Sergey Lavrov", "Russia", "direct", ":", "Nothing has been decided")], id="transcript-title-case"),
    pytest.param(DEC, "TAPPER: Is Moscow ready to talk?\n\nLAVROV: We are ready to talk to everyone in Damascus.\n\n"
                      "TAPPER: Even the rebels?",
                 [("TAPPER", "", "direct", ":", "ready to talk?"),
                  ("LAVROV", "Russia", "direct", ":", "ready to talk to everyone"),
                  ("TAPPER", "", "direct", ":", "Even the rebels")], id="transcript-capitals"),
    pytest.param(DEC, "MOSCOW: Russia said on Monday that it would keep its bases.",
                 [("Russia", "Russia", "indirect", "said", "keep its bases")], id="dateline-is-no-turn"),
    pytest.param(DEC, 'UN officials said aid convoys had been blocked for days.',
                 [("UN officials", "", "indirect", "said", "convoys")], id="non-watchlist-officials"),
    pytest.param(DEC, 'A former Iranian ambassador said Tehran had ignored the warning signs.',
                 [("former Iranian ambassador", "", "indirect", "said", "warning signs")], id="former-official"),
    pytest.param(DEC, 'A Russian military blogger said the withdrawal had been chaotic.',
                 [("blogger", "", "indirect", "said", "withdrawal")], id="role-word-as-modifier"),
    pytest.param("2024-03-01", 'Abbas Araghchi said Iran was open to indirect talks.',
                 [("Abbas Araghchi", "", "indirect", "said", "open to indirect talks")], id="speaker-before-term"),
    pytest.param(DEC, 'Abbas Araghchi said Iran was open to indirect talks.',
                 [("Abbas Araghchi", "Iran", "indirect", "said", "open to indirect talks")], id="speaker-in-term"),
    pytest.param(DEC, 'The Kremlin said it was in close contact with Ankara.',
                 [("Kremlin", "Russia", "indirect", "said", "close contact")], id="kremlin-metonym"),
    pytest.param(DEC, 'Tehran said it would reopen its embassy once security allowed.',
                 [("Tehran", "Iran", "indirect", "said", "reopen its embassy")], id="capital-metonym"),
    pytest.param(DEC, "Iran's foreign ministry said in a statement that Israel was behind the offensive.",
                 [("foreign ministry", "Iran", "indirect", "said", "Israel was behind")], id="ministry-in-a-statement"),
    pytest.param(DEC, 'Iranian state media said the talks had been constructive.',
                 [("state media", "", "indirect", "said", "constructive")], id="state-media-is-not-the-state"),
    pytest.param(DEC, 'Kremlin spokesman Dmitry Peskov said Moscow was watching closely.',
                 [("Peskov", "Russia", "indirect", "said", "watching closely")], id="spokesman-title"),
    pytest.param(DEC, 'Maria Zakharova, the foreign ministry spokeswoman, said Moscow had evacuated staff.',
                 [("Zakharova", "Russia", "indirect", "said", "evacuated staff")], id="apposition"),
    pytest.param(DEC, 'Abbas Araghchi arrived in Damascus on Sunday. He said Iran would keep supporting its ally.',
                 [("He", "Iran", "indirect", "said", "keep supporting")], id="pronoun-next-sentence"),
    pytest.param(DEC, 'Sergei Lavrov spoke to reporters. "We have moved our staff," he said. He added that talks continued.',
                 [("he", "Russia", "direct", "said", "moved our staff"),
                  ("He", "Russia", "indirect", "added", "talks continued")], id="pronoun-chain"),
    pytest.param(DEC, 'Araghchi spoke on Monday.\n\n"We discussed the situation in detail.\n\n'
                      '"The armed groups must not take over the country," he said.',
                 [("he", "Iran", "direct", "said", "discussed the situation"),
                  ("he", "Iran", "direct", "said", "armed groups must not")], id="multi-paragraph-quote"),
    pytest.param(DEC, '"The situation is calm," Peskov said. "We hope it stays that way for a long time."',
                 [("Peskov", "Russia", "direct", "said", "situation is calm"),
                  ("Peskov", "Russia", "direct", "said", "hope it stays")], id="follow-up-quote"),
    pytest.param(DEC, 'According to the Russian foreign ministry, the two sides agreed to keep talking.',
                 [("Russian foreign ministry", "Russia", "indirect", "according to", "agreed to keep")], id="according-to"),
    pytest.param("2024-12-10", 'The new authorities pledged to protect religious minorities.',
                 [("new authorities", "HTS", "indirect", "pledged", "protect religious minorities")], id="time-bounded-alias-speaker"),
    pytest.param("2024-12-01", 'The new authorities pledged to protect religious minorities.',
                 [("new authorities", "", "indirect", "pledged", "protect religious minorities")], id="alias-before-its-time"),
    pytest.param(DEC, 'Peskov declined to comment on the reports.', [], id="no-statement"),
    # Pronouns go to the most recent speaker, named or not, never to a name inside reported content.
    pytest.param(DEC, 'Abbas Araghchi visited Damascus. One resident said the day was calm. '
                      '"They took down the flags," he said.',
                 [("One resident", "", "indirect", "said", "calm"), ("he", "", "direct", "said", "took down the flags")],
                 id="pronoun-after-unnamed-speaker"),
    pytest.param(DEC, 'Sergei Lavrov said Netanyahu had misjudged the situation. He added that talks would continue.',
                 [("Lavrov", "Russia", "indirect", "said", "misjudged"), ("He", "Russia", "indirect", "added", "talks")],
                 id="pronoun-skips-name-in-content"),
    pytest.param(DEC, 'Maria Zakharova told reporters that Syria must stay united. She said talks would continue.',
                 [("Zakharova", "Russia", "indirect", "told", "united"), ("She", "Russia", "indirect", "said", "talks")],
                 id="pronoun-skips-place-in-content"),
    pytest.param(DEC, "Iran's foreign minister, Abbas Araghchi, warned Israel against escalation. "
                      "He wrote that Tehran would respond.",
                 [("Araghchi", "Iran", "act", "warned", "against escalation"),
                  ("He", "Iran", "indirect", "wrote", "would respond")], id="pronoun-to-appositive-name"),
    pytest.param(DEC, 'Sergei Lavrov spoke in Doha. He said Moscow would watch the rebels. "Words matter," he said.',
                 [("He", "Russia", "indirect", "said", "watch the rebels"), ("he", "Russia", "direct", "said", "Words matter")],
                 id="pronoun-chain-to-quote"),
    # One sentence, two statements: support for one side and a label for the other.
    pytest.param(DEC, 'Araghchi said Iran backed the Syrian army against what he called "takfiri terrorist groups".',
                 [("Araghchi", "Iran", "indirect", "said", "backed the Syrian army"),
                  ("he", "Iran", "designation", "called", "takfiri terrorist groups")], id="nested-designation"),
    # A listed entity given a quoted label in a reported copula is a designation.
    pytest.param(DEC, 'Fidan said the rebels were "a terrorist organisation" and had no place in Syria.',
                 [("Fidan", "Turkey", "designation", "said", "terrorist organisation")], id="said-was-quoted-label"),
]


@pytest.mark.parametrize("date, text, expected", CASES)
def test_extraction(nlp, date, text, expected):
    article = Article(id="t", date=dt.date.fromisoformat(date), source="test", title="", text=text)
    statements = extract_statements(article, WATCHLIST, nlp=nlp)
    assert len(statements) == len(expected), [(s.speaker, s.text) for s in statements]
    for st, (speaker, actor, kind, cue, content) in zip(statements, expected):
        assert speaker in st.speaker
        assert st.actor == actor, (st.speaker, st.actor)
        assert st.kind == kind
        assert cue in st.cue
        assert content in st.text
        # Offsets point at the content, and the context holds the content ...
        first_piece = st.text.split(" ")[0]
        assert first_piece in text[st.start:st.end]
        assert content.split()[0] in st.context
    # ... and, for one sentence of each statement, the attribution (a quote's other sentences are read alone).
    for speaker, cue in {(st.speaker, st.cue) for st in statements}:
        assert any(cue.split()[0].lower() in st.context.lower() for st in statements if (st.speaker, st.cue) == (speaker, cue))
    # A statement's content never repeats a designation that is its own statement.
    designations = [st.text for st in statements if st.kind == "designation"]
    for st in statements:
        if st.kind != "designation":
            assert not any(d in st.text for d in designations), st.text


def test_surname_tagged_as_org_resolves_through_title(nlp):
    # No Araghchi on this watchlist: the first mention's title makes him Iran's; the bare
    # surname later (which the small model tags GPE/ORG) must reuse that.
    text = ("Iranian Foreign Minister Abbas Araghchi met his hosts on Monday. "
            "Araghchi said the rebels had been armed from abroad.")
    article = Article(id="t", date=dt.date(2024, 12, 1), source="t", title="", text=text)
    [st] = extract_statements(article, WATCHLIST_WITHOUT_ARAGHCHI, nlp=nlp)
    assert st.speaker == "Araghchi" and st.actor == "Iran"


@pytest.mark.parametrize(
    "text, expected",
    [
        pytest.param('He said "yes, we will." Then he left.', ["yes, we will."], id="straight"),
        pytest.param("He said “yes, we will.” Then he left.", ["yes, we will."], id="curly"),
        pytest.param('A "quote that never closes.\n\nThe next paragraph is narrative.', ["quote that never closes."],
                     id="unbalanced-capped-at-paragraph"),
        pytest.param('"First paragraph of a quote.\n\n"Second paragraph," she said.',
                     ['First paragraph of a quote.\n\n"Second paragraph,'], id="continued-paragraph"),
        pytest.param("No quotes here at all.", [], id="none"),
        # British and Australian style: single marks, told apart from apostrophes.
        pytest.param("'Our talks were frank,' the envoy said of Oslo's offer.", ["Our talks were frank,"],
                     id="single-straight"),
        pytest.param("\u2018We will not yield,\u2019 she said.", ["We will not yield,"], id="single-curly"),
        pytest.param("He called the visit 'useful'. The ministers' dinner ran late.", ["useful"],
                     id="single-then-possessive"),
        pytest.param("'We saw the farmers' union and the mayor,' she said.",
                     ["We saw the farmers' union and the mayor,"], id="single-around-a-plural-possessive"),
        pytest.param("'First paragraph of a quote.\n\n'Second paragraph,' she said.",
                     ["First paragraph of a quote.\n\n'Second paragraph,"], id="single-continued-paragraph"),
        pytest.param("In the '90s the sides didn't talk; Chile's envoy left.", [], id="apostrophes-only"),
        pytest.param('He said "no" to the plan\'s \'second phase\'.', ["no"], id="single-inside-a-double-paragraph"),
    ],
)
def test_quote_spans(text, expected):
    assert [text[a:b] for a, b in quote_spans(text)] == expected


def test_unbalanced_quote_does_not_swallow_article(nlp):
    text = ('Lavrov said "the talks were useful and would go on.\n\n'
            "Later that day the army moved north. Residents fled toward the coast.")
    article = Article(id="t", date=dt.date(2024, 12, 1), source="t", title="", text=text)
    statements = extract_statements(article, WATCHLIST, nlp=nlp)
    assert statements and all(st.end <= text.index("\n\n") for st in statements)


def test_iter_statements_keeps_input_order(nlp):
    articles = [
        Article(id=f"a{i}", date=dt.date(2024, 12, 1), source="t", title="",
                text=f"Lavrov said talks number {i} were useful." if i % 2 else "Nothing was said here.")
        for i in range(7)
    ]
    out = list(iter_statements(articles, WATCHLIST, nlp=nlp, batch_size=2))
    assert [a.id for a, _ in out] == [a.id for a in articles]
    assert [len(s) for _, s in out] == [i % 2 for i in range(7)]
    assert all(st.article_id == a.id for a, sts in out for st in sts)


@pytest.mark.parametrize("kwargs", [{"n_process": 0}, {"batch_size": 0}])
def test_iter_statements_rejects_bad_settings(nlp, kwargs):
    with pytest.raises(ValueError):
        list(iter_statements([], WATCHLIST, nlp=nlp, **kwargs))


def test_doc_from_other_text_is_rejected(nlp):
    article = Article(id="t", date=None, source="t", title="", text="Lavrov said talks were useful.")
    with pytest.raises(ValueError, match="different text"):
        extract_statements(article, WATCHLIST, doc=nlp("Something else entirely."))


def test_extractor_version_is_a_nonempty_string():
    assert isinstance(EXTRACTOR_VERSION, str) and EXTRACTOR_VERSION


# (text, profile, expected (cue, source) pairs): PolNeAR's wider notion of attribution ("broad")
# against the pipeline's speech acts ("speech").
PROFILE_CASES = [
    pytest.param("Clinton wants voters to trust her on the economy.", "broad", [("wants", "Clinton")], id="attitude-broad"),
    pytest.param("Clinton wants voters to trust her on the economy.", "speech", [], id="attitude-not-speech"),
    pytest.param("Cruz hinted that he would run again.", "broad", [("hinted", "Cruz")], id="any-verb-with-clause"),
    pytest.param("The bridge ensured that traffic kept moving.", "broad", [], id="clause-needs-a-person"),
    pytest.param("Christie endorsed Trump last week.", "broad", [("endorsed", "Christie")], id="one-name-object"),
    pytest.param("Milbank: Republicans are waving the flag of surrender\n\nThe column ran on Monday.", "broad",
                 [(":", "Milbank")], id="headline-colon"),
    pytest.param("Milbank: Republicans are waving the flag of surrender\n\nThe column ran on Monday.", "speech",
                 [(":", "Milbank")], id="headline-colon-speech-too"),  # wire headlines: "Lavrov: West must ..."
    pytest.param("Milbank: Republicans are waving the flag of surrender.\n\nThe column ran on Monday.", "speech",
                 [], id="colon-line-with-a-full-stop-is-no-headline"),
    pytest.param("WASHINGTON: The Senate approved the budget for next year on Tuesday.", "broad",
                 [], id="dateline-is-no-source"),
    pytest.param("Editor's note: This article was updated with new figures on Monday.", "broad", [], id="rubric-is-no-source"),
    pytest.param('"I think the plan will fail," Smith said.', "broad", [("said", "Smith")], id="no-cue-inside-quote"),
]


@pytest.mark.parametrize("text, profile, expected", PROFILE_CASES)
def test_profiles(text, profile, expected):
    from stance.attribution import find_attributions

    doc = load_extraction_nlp()(text)
    atts = find_attributions(doc, Watchlist(()), None, profile=profile)
    got = [(text[a.cue[0]:a.cue[1]], text[a.source[0]:a.source[1]] if a.source else "") for a in atts]
    assert got == expected
    for a in atts:  # content never runs past the line a headline sits on
        assert all("\n" not in text[x:y] for x, y in a.content)


@pytest.mark.parametrize("sentence, label", [
    ('Iran\'s delegation described the HTS militants in Idlib as "terrorist groups", said Tehran.', "terrorist groups"),
    ("Foreign Minister Abbas Araghchi referred to the opposition forces as the country's \u201clegal occupants\u201d "
     "and said Iran respected it.", "the country's \u201clegal occupants\u201d"),
    ('She called the rebels "terrorists" and said Russia would help.', "terrorists"),
    ("Nebenzia described HTS as a terrorist organisation that the council itself had listed.",
     "a terrorist organisation that the council itself had listed"),
])
def test_designation_labels_carry_no_stray_quote_marks(sentence, label):
    watchlist = Watchlist.from_dict({"entities": [{"name": "Syrian opposition", "aliases": ["HTS", "rebels"]}]})
    article = Article("d", dt.date(2024, 12, 1), "s", "t", sentence)
    (designation,) = [s for s in extract_statements(article, watchlist) if s.kind == "designation"]
    assert designation.text == label == sentence[designation.start:designation.end]


def test_single_quoted_speech_is_a_direct_statement(nlp):
    # A British-style article: single marks, apostrophes in words, a quote running into the next paragraph.
    text = ("Iran's foreign minister met his Russian counterpart on Monday.\n\n"
            "'Moscow's help has been steady and generous,' Abbas Araghchi said.\n\n"
            "'We will not forget the support of our friends in the Kremlin.'")
    article = Article(id="t", date=dt.date(2024, 12, 1), source="t", title="", text=text)
    statements = [s for s in extract_statements(article, WATCHLIST, nlp=nlp) if s.actor == "Iran"]
    assert [s.kind for s in statements] == ["direct", "direct"]  # one statement per sentence of the quote
    assert statements[0].text == "Moscow's help has been steady and generous"
    assert statements[1].text == "We will not forget the support of our friends in the Kremlin."
    assert all("Russia" in [t.entity for t in s.targets] for s in statements)

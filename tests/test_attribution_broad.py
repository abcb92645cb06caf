"""PolNeAR-style constructions of the "broad" attribution profile, on made-up sentences."""
import pytest

from stance.attribution import find_attributions, load_extraction_nlp
from stance.watchlist import Watchlist


@pytest.fixture(scope="module")
def nlp():
    return load_extraction_nlp()


def _broad(nlp, text, profile="broad"):
    doc = nlp(text)
    out = []
    for a in find_attributions(doc, Watchlist(()), None, profile=profile):
        src = text[a.source[0]:a.source[1]] if a.source else None
        out.append((text[a.cue[0]:a.cue[1]], src, [text[x:y] for x, y in a.content]))
    return out


# (text, expected (cue, source, content pieces) in text order)
CASES = [
    pytest.param(
        "The new fees, which city officials said will take effect in May, are unpopular.",
        [("said", "city officials", ["which", "will take effect in May"])],
        id="relative-clause-around-source-and-cue"),
    pytest.param(
        "Morales is expected to announce her candidacy next week.",
        [("is expected", None, ["Morales", "to announce her candidacy next week"])],
        id="passive-without-holder"),
    pytest.param(
        "It was reported that the factory would close.",
        [("was reported", None, ["that the factory would close"])],
        id="passive-it-clause"),
    pytest.param(
        "Asked whether the bridge would reopen, the mayor said repairs were on schedule.",
        [("Asked", None, ["whether the bridge would reopen"]), ("said", "the mayor", ["repairs were on schedule"])],
        id="asked-participle"),
    pytest.param(
        "Keller praised the budget and said it would help farmers.",
        [("praised", "Keller", ["the budget"]), ("said", None, ["it would help farmers"])],
        id="coordinated-cues-are-separate"),
    pytest.param(
        "Ruiz was booed at the rally and said the crowd had been bused in.",
        [("was booed", None, ["Ruiz"]), ("said", "Ruiz", ["the crowd had been bused in"])],
        id="coordinated-with-passive-verb"),
    pytest.param(
        "The union rejected the offer, saying it ignored pensions.",
        [("rejected", "The union", ["the offer"]), ("saying", None, ["it ignored pensions"])],
        id="participle-report-cut-from-host"),
    pytest.param(
        "“It is a reflection of anger,” Avery said, citing low growth.",
        [("said", "Avery", ["It is a reflection of anger,"]), ("citing", None, ["low growth"])],
        id="participle-after-said-is-its-own-report-sharing-the-source"),
    pytest.param(
        "Lopez was at 30 percent support in the latest county poll.",
        [("in", "the latest county poll", ["Lopez was at 30 percent support"])],
        id="in-the-poll"),
    pytest.param(
        "Lopez won the vote in the county.",
        [],
        id="in-a-place-is-no-source"),
    pytest.param(
        "Tanaka declined to discuss the merger.",
        [("declined", "Tanaka", ["to discuss the merger"])],
        id="mined-cue-lexicon"),
    pytest.param(
        "Hendricks lambasted the council for the delay.",
        [("lambasted", "Hendricks", ["the council for the delay"])],
        id="mined-cue-lexicon-second-pass"),
    pytest.param(
        "The senator excoriated the board over the delays.",
        [("excoriated", "The senator", ["the board over the delays"])],
        id="rare-stance-verb"),
    pytest.param(
        "The agency said it would appeal. It added that the ruling was flawed.",
        [("said", "The agency", ["it would appeal"]), ("added", "It", ["that the ruling was flawed"])],
        id="it-as-speaker-of-a-speech-verb"),
    pytest.param(
        "The bank met on Monday. It plans to raise rates slowly.",
        [("plans", "It", ["to raise rates slowly"])],
        id="it-as-holder-of-an-intention"),
    pytest.param(
        "It fears a long winter.",
        [],
        id="it-with-an-attitude-verb-is-no-speaker"),
    pytest.param(
        "The farmers were deeply skeptical of the new subsidy.",
        [("were deeply skeptical of", "The farmers", ["the new subsidy"])],
        id="copula-attitude-adjective"),
    pytest.param(
        "Ortiz was quick to point out the error.",
        [("was quick", "Ortiz", ["to point out the error"])],
        id="quick-to-report"),
    pytest.param(
        "The bridge was quick to rust.",
        [],
        id="quick-without-report"),
    pytest.param(
        "Nearly 6 in 10 say the economy is their top concern.",
        [("say", "Nearly 6 in 10", ["the economy is their top concern"])],
        id="speech-verb-subject-lost-by-parser"),
    pytest.param(
        "Rivera said the budget was late and the auditor warned that cuts would follow.",
        [("said", "Rivera", ["the budget was late and the auditor warned that cuts would follow"]),
         ("warned", "the auditor", ["that cuts would follow"])],
        id="coordinated-report-nested-in-content"),
    pytest.param(
        "Rivera said that the auditor told him the budget was late.",
        [("said", "Rivera", ["that the auditor told him the budget was late"]),
         ("told", "the auditor", ["the budget was late"])],
        id="finite-report-nested-in-a-report"),
    pytest.param(
        "Rivera said that the auditor wants a new budget.",
        [("said", "Rivera", ["that the auditor wants a new budget"])],
        id="nested-attitude-is-not-extracted"),
    pytest.param(
        "Their decision to close the clinic was criticized.",
        [("decision", "Their", ["to close the clinic"])],
        id="nominal-cue-with-infinitive"),
    pytest.param(
        "Complaints that the vote was rigged spread quickly.",
        [("Complaints", None, ["that the vote was rigged"])],
        id="nominal-cue-without-holder"),
    pytest.param(
        "Support for the mayor is growing.",
        [],
        id="nominal-cue-without-holder-or-clause"),
    pytest.param(
        "The senator opened a rally blasting the governor for the tax hike.",
        [("blasting", "The senator", ["the governor for the tax hike"])],
        id="participle-on-an-object-noun"),
    pytest.param(
        "The campaign recruited pastors supporting the mayor.",
        [("supporting", "pastors", ["the mayor"])],
        id="participle-describing-people"),
    pytest.param(
        "Emanuel stood at the event to say he was leaning toward the mayor.",
        [("to say", "Emanuel", ["he was leaning toward the mayor"])],
        id="infinitive-of-purpose"),
    pytest.param(
        "Kasich, endorsed by the Globe, spent heavily in the state.",
        [("endorsed", "the Globe", ["Kasich"])],
        id="participle-with-agent"),
    pytest.param(
        "Okafor took a swipe at the committee.",
        [("took a swipe at", "Okafor", ["the committee"])],
        id="light-verb-with-cue-noun"),
    pytest.param(
        "Reyes kept up his criticism of the mayor.",
        [("kept up his criticism of", "Reyes", ["the mayor"])],
        id="light-verb-wins-over-its-own-cue-noun"),
    pytest.param(
        "The team took a bus to the stadium.",
        [],
        id="light-verb-with-other-noun"),
    pytest.param(
        "Early news.\n\n9:30 p.m.\n\nMaria Lopez says she will run again.",
        [("says", "Maria Lopez", ["she will run again"])],
        id="live-blog-timestamp-is-no-source"),
    pytest.param(
        "The verdict stunned the family.",
        [("stunned", "the family", ["The verdict"])],
        id="emotion-verb-experiencer-is-source"),
    pytest.param(
        "The senator was horrified by the video.",
        [("was horrified", "The senator", ["the video"])],
        id="emotion-verb-passive"),
    pytest.param(
        "Voters who support the levy turned out early.",
        [("support", "who", ["the levy"])],
        id="relative-pronoun-is-the-source-span"),
    pytest.param(
        "Officials that said the dam was safe were wrong.",
        [("said", "that", ["the dam was safe"])],
        id="relative-that-is-the-source-span"),
    pytest.param(
        "Carson seems to recognize his problem.",
        [("seems", None, ["Carson", "to recognize his problem"])],
        id="evidential-subject-is-content"),
    pytest.param(
        "It appears that the game was not boring.",
        [("appears", None, ["that the game was not boring"])],
        id="evidential-with-it"),
    pytest.param(
        "The senator, who was criticized as too cautious, resigned on Monday.",
        [("was criticized", None, ["as too cautious"])],
        id="passive-relative-has-no-source"),
    pytest.param(
        "By the paper's tally, she now has 739 delegates.",
        [("By", "the paper", ["she now has 739 delegates."])],
        id="by-a-possessor-tally"),
    pytest.param(
        "Diaz has a solid lead in the latest poll.",
        [("in", "the latest poll", ["Diaz has a solid lead"])],
        id="in-the-poll-on-an-object-noun"),
    pytest.param(
        "She called on Congress to pass the bill.",
        [("called", "She", ["Congress to pass the bill"])],
        id="called-on-someone-to-act"),
    pytest.param(
        "He was referring to the memo.",
        [("was referring", "He", ["to the memo"])],
        id="designation-verb-without-label"),
    pytest.param(
        "Q: Will you run again?\n\nA: Not this year, but maybe later.",
        [],
        id="interview-markers-are-no-sources"),
    pytest.param(
        "Okafor: The budget is a disgrace.\n\nThe council met on Monday.",
        [(":", "Okafor", ["The budget is a disgrace."])],
        id="headline-name-colon"),
    pytest.param(
        "The mayor was praised for the rescue.",
        [("was praised", None, ["The mayor", "for the rescue"])],
        id="passive-of-any-cue-without-holder"),
    pytest.param(
        "The mayor was praised by the governor.",
        [("was praised", "the governor", ["The mayor"])],
        id="passive-of-any-cue-with-agent"),
    pytest.param(
        "The mayor was praised and said the crew deserved credit.",
        [("was praised", None, ["The mayor"]), ("said", "The mayor", ["the crew deserved credit"])],
        id="coordinated-with-source-less-passive-keeps-its-source"),
    pytest.param(
        "Voters would like to see a change.",
        [("would like", "Voters", ["to see a change"])],
        id="clause-verb-with-infinitive"),
    pytest.param(
        "He believes in the plan.",
        [("believes", "He", ["in the plan"])],
        id="clause-verb-with-preposition"),
    pytest.param(
        "She thinks the plan failed in May.",
        [("thinks", "She", ["the plan failed in May"])],
        id="clause-verb-with-clause"),
    pytest.param(
        "Despite the defeats, Senator Avery remains committed to the race, his top aide, Tom Reyes, told the Post.",
        [("told", "his top aide", ["Despite the defeats, Senator Avery remains committed to the race"])],
        id="report-after-the-reported-clause"),
    pytest.param(
        "As Clyburn noted, those voters will give Avery a second look.",
        [("noted", "Clyburn", ["those voters will give Avery a second look."])],
        id="as-x-noted"),
    pytest.param(
        "Another Senate Veteran Endorses Maria Lopez.\n\nThe endorsement came on Monday.",
        [("Endorses", "Another Senate Veteran", ["Maria Lopez"])],
        id="title-case-headline"),
    pytest.param(
        "Voters Head To The Polls In Ohio.\n\nTurnout was high.",
        [],
        id="title-case-headline-without-cue"),
    pytest.param(
        "The group is reportedly spending a million dollars on ads.",
        [("reportedly", None, ["The group is", "spending a million dollars on ads."])],
        id="hearsay-adverb"),
    pytest.param(
        "Ortiz reportedly said the plan failed.",
        [("said", "Ortiz", ["the plan failed"])],
        id="hearsay-adverb-on-a-cue-leaves-it-alone"),
    pytest.param(
        "That's according to the campaign's own filings.",
        [("according to", "the campaign's own filings", ["That's"])],
        id="according-to-with-a-pointer"),
    pytest.param(
        "Kim is speaking to voters in Ohio.",
        [],
        id="weak-form-speaking-is-no-cue"),
    pytest.param(
        "Kim continues to lead the race.",
        [],
        id="weak-form-continues-is-no-cue"),
    pytest.param(
        "The mayor spoke first. “Does he not understand what the new bridge will cost the town?” Ortiz said.",
        [("said", "Ortiz", ["Does he not understand what the new bridge will cost the town?"])],
        id="report-after-a-quote-cut-off-by-the-sentence-splitter"),
    pytest.param(
        "Ortiz slammed the new budget.",
        [("slammed", "Ortiz", ["the new budget"])],
        id="attitude-verb-with-doubled-consonant"),
    pytest.param(
        "The mayor worried that the bridge would close.",
        [("worried", "The mayor", ["that the bridge would close"])],
        id="attitude-verb-in-y-ied"),
    pytest.param(
        "Ortiz compared the new plan to a tax hike.",
        [("compared", "Ortiz", ["the new plan to a tax hike"])],
        id="comparison-verb"),
    pytest.param(
        "As first reported by the Globe, the mayor spent the money.",
        [("reported", "the Globe", ["the mayor spent the money."])],
        id="as-reported-by"),
    pytest.param(
        "The defeat led some donors to question whether Ortiz can win.",
        [("to question", "some donors", ["whether Ortiz can win"])],
        id="object-of-a-causative-holds-the-infinitive"),
    pytest.param(
        "As Ortiz pointed out, the bridge is still closed.",
        [("pointed out", "Ortiz", ["the bridge is still closed."])],
        id="as-x-pointed-out"),
    pytest.param(
        "The fans cheered as the mayor spoke.",
        [],
        id="as-of-time-frames-nothing"),
    pytest.param(
        "Ortiz said: the city will pay for the new bridge.",
        [("said", "Ortiz", ["the city will pay for the new bridge"])],
        id="colon-after-a-speech-verb-is-no-headline"),
    pytest.param(
        "Avery, a senator who supports the levy, said the vote was close.",
        [("said", "Avery", ["the vote was close"])],
        id="attitude-describing-the-source-is-part-of-it"),
    pytest.param(
        "Avery, a senator who told reporters the levy would pass, said the vote was close.",
        [("told", "who", ["the levy would pass"]), ("said", "Avery", ["the vote was close"])],
        id="speech-describing-a-noun-is-kept"),
    pytest.param(
        "In an interview Monday, Ortiz said the process of writing the budget could be “messy,” adding, "
        "“Democracy is messy.”",
        [("said", "Ortiz", ["the process of writing the budget could be “messy,” adding, “Democracy is messy"]),
         ("adding", None, ["Democracy is messy."])],
        id="participle-inside-a-reported-clause-is-the-speaker-s"),
    pytest.param(
        "The group ran ads attacking the mayor.",
        [("attacking", "The group", ["the mayor"])],
        id="participle-on-writings-is-held-by-who-put-them-out"),
    pytest.param(
        "Lopez still trails Avery in the polls.",
        [],
        id="in-the-polls-in-general-holds-nothing"),
    pytest.param(
        "Ortiz found a new job in May.",
        [],
        id="person-finding-an-object-is-no-evidence"),
    pytest.param(
        "The survey found a close race in Ohio.",
        [("found", "The survey", ["a close race in Ohio"])],
        id="survey-finding-an-object"),
    pytest.param(
        "It is fair to say that the mayor lost the vote.",
        [],
        id="inherited-it-is-no-speaker"),
    pytest.param(
        "Ortiz is doing what he can to win the vote.",
        [],
        id="participle-with-a-clause-is-no-cue-by-itself"),
    pytest.param(
        "Ortiz said the new plan would cost the city millions of dollars and warned that taxes would rise.",
        [("said", "Ortiz", ["the new plan would cost the city millions of dollars and warned that taxes would rise"]),
         ("warned", None, ["that taxes would rise"])],
        id="coordinated-cue-inside-a-reported-clause-is-the-speaker-s"),
    pytest.param(
        "MYRTLE BEACH, S.C. - Sen. Maria Lopez continued her attacks on the mayor on Saturday.",
        [("continued", "Sen. Maria Lopez", ["her attacks on the mayor"])],
        id="dateline-parsed-as-a-second-subject"),
    pytest.param(
        "NASA said the launch would slip.",
        [("said", "NASA", ["the launch would slip"])],
        id="upper-case-name-is-no-dateline"),
    pytest.param(
        "Ortiz was forced to face the criticism of the council.",
        [],
        id="light-verb-infinitive-under-another-verb"),
    pytest.param(
        "Ortiz has maintained a lead in the race.",
        [],
        id="maintain-with-an-object-is-no-report"),
    pytest.param(
        "Ortiz maintained that the bridge was safe.",
        [("maintained", "Ortiz", ["that the bridge was safe"])],
        id="maintain-with-a-clause"),
    pytest.param(
        "Ortiz lashed out at the council over the budget.",
        [("lashed out", "Ortiz", ["the council over the budget"])],
        id="attitude-verb-with-an-at-topic"),
    pytest.param(
        "Ortiz appeared on television on Sunday.",
        [],
        id="appear-on-is-a-place"),
    pytest.param(
        "Ortiz commented on Sunday.",
        [],
        id="on-a-day-is-no-topic"),
    pytest.param(
        "The race seems like a contest between two people.",
        [("seems", None, ["The race", "like a contest between two people"])],
        id="seems-like-is-an-evidential"),
    pytest.param(
        "Lopez looks much weaker than she did last year.",
        [],
        id="looks-with-an-adjective-is-no-cue"),
]


@pytest.mark.parametrize("text, expected", CASES)
def test_broad_constructions(nlp, text, expected):
    assert _broad(nlp, text) == expected


@pytest.mark.parametrize("text", [
    "Morales is expected to announce her candidacy next week.",
    "Asked whether the bridge would reopen, the mayor said repairs were on schedule.",
])
def test_speech_profile_keeps_to_speech(nlp, text):
    # Passives and "Asked ..." are broad-only: the speech profile has no source-less attributions.
    assert all(src for _, src, _ in _broad(nlp, text, profile="speech"))


@pytest.mark.parametrize("text, speaker", [
    ("Voters who support the levy turned out early.", "Voters"),
    ("Officials that said the dam was safe were wrong.", "Officials"),
])
def test_relative_pronoun_source_names_its_noun(nlp, text, speaker):
    # The source span is the pronoun (as PolNeAR marks it); the speaker is who it stands for.
    (att,) = find_attributions(nlp(text), Watchlist(()), None, profile="broad")
    assert text[att.source[0]:att.source[1]] in ("who", "that")
    assert att.speaker == speaker


def test_shared_source_keeps_its_speaker(nlp):
    # PolNeAR annotates a source span once for all its cues; the later cue has no span but the same speaker.
    text = "The union rejected the offer, saying it ignored pensions."
    atts = find_attributions(nlp(text), Watchlist(()), None, profile="broad")
    assert [(a.cue_text, a.source is None, a.speaker) for a in atts] == [
        ("rejected", False, "The union"), ("saying", True, "The union")]

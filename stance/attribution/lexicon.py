"""Word lists the extractor reads: speech, attitude and designation verbs with their forms, role nouns."""
from __future__ import annotations

import functools

_BE = {"be", "is", "are", "was", "were", "been", "being", "am", "'s", "'re", "'m"}

_BASE_VERBS = {
    # verb: inflected forms beyond the regular -s/-ed/-ing ones
    "say": ("says", "said", "saying"),
    "tell": ("tells", "told", "telling"),
    "advise": (),
    "warn": (),
    "acknowledge": (),
    "insist": (),
    "stress": ("stresses", "stressed", "stressing"),
    "add": (),
    "claim": (),
    "accuse": (),
    "deny": ("denies", "denied", "denying"),
    "urge": (),
    "announce": (),
    "confirm": (),
    "vow": (),
    "signal": ("signalled", "signalling"),
    "reiterate": (),
    "argue": (),
    "note": (),
    "state": (),
    "declare": (),
    "condemn": (),
    "welcome": (),
    "praise": (),
    "write": ("writes", "wrote", "written", "writing"),
    "report": (),
    "explain": (),
    "suggest": (),
    "emphasise": (),
    "emphasize": (),
    "assert": (),
    "allege": (),
    "predict": (),
    "promise": (),
    "pledge": (),
    "reply": ("replies", "replied", "replying"),
    "respond": (),
    "admit": ("admits", "admitted", "admitting"),
    "concede": (),
    "caution": (),
    "demand": (),
    "recall": (),
    "reveal": (),
    "tweet": (),
    "post": (),
    "criticise": (),
    "criticize": (),
    "blame": (),
    "dismiss": (),
    "reject": (),
    "rule": (),  # "ruled out"
    "threaten": (),
    "agree": (),
    "ask": (),
    "believe": (),
    "think": ("thinks", "thought", "thinking"),
    "complain": (),
    "maintain": (),
    "contend": (),
    "observe": (),
    "estimate": (),
    "indicate": (),
    "mention": (),
    "describe": (),
    "call": (),
    "label": ("labelled", "labeled", "labelling", "labeling"),
    "brand": (),
    "dub": ("dubbed", "dubbing"),
    "term": (),
    "refer": ("referred", "referring"),
    "characterise": (),
    "characterize": (),
    "hail": (),
    "defend": (),
    "question": (),
    "express": ("expresses", "expressed", "expressing"),
    "voice": (),
    "show": ("shows", "showed", "shown", "showing"),
    "find": ("finds", "found", "finding"),
    "conclude": (),
    # Diplomatic speech acts (CAMEO / PLOVER verbal cooperation and conflict) that carry a stance
    # with a plain object and no reported clause: "Egypt denounced the raid", "Tokyo commended ...".
    "denounce": (),
    "decry": ("decries", "decried", "decrying"),
    "deplore": (),
    "slam": ("slammed", "slamming"),
    "blast": (),
    "lambast": (),
    "rebuke": (),
    "reprimand": (),
    "censure": (),
    "castigate": (),
    "chide": (),
    "rebuff": (),
    "repudiate": (),
    "compare": (),  # "compared Beijing's actions to ..."
    "protest": (),
    "appeal": (),
    "commend": (),
    "applaud": (),
    "congratulate": (),
    "thank": (),
    "appreciate": (),
    "endorse": (),
    "reaffirm": (),
    "affirm": (),
    "convey": (),
    "highlight": (),
    "underline": (),
    "underscore": (),
}
# Speech acts whose object is the content: with no reported clause or quote, their statements are
# of kind "act" (the verb is the cue; the classifier reads the whole sentence).
ACT_VERBS = frozenset({
    "condemn", "denounce", "decry", "deplore", "slam", "blast", "lambast", "rebuke", "reprimand", "censure",
    "castigate", "chide", "criticise", "criticize", "blame", "accuse", "reject", "dismiss", "rebuff", "repudiate",
    "protest", "compare",
    "warn", "caution", "threaten", "demand", "urge", "appeal", "welcome", "praise", "commend", "applaud", "hail",
    "congratulate", "thank", "appreciate", "endorse", "reaffirm", "affirm", "pledge", "promise", "vow",
    "express", "voice", "convey", "highlight", "underline", "underscore", "defend", "question",
})
# Clause-only verbs that PolNeAR also annotates with an infinitive or these prepositions (broad profile):
# on PolNeAR train, in a cue in about half of such uses.
_OBJECT_ATTITUDES = {"agree": {"with", "on", "to"}, "like": set(), "think": {"about", "of"}, "believe": {"in"}}
# Verbs that need an explicit clause or quote to count ("show" alone is not speech).
_CLAUSE_ONLY = {"think", "believe", "show", "find", "ask", "agree", "conclude", "estimate", "indicate", "post"}
# Speech verbs that the broad profile takes with a clause only: "maintained a lead", "maintain support
# among" (on PolNeAR train a fifth of "maintain" with an object are cues; "maintained that ..." stays).
_CLAUSE_ONLY_BROAD = {"maintain"}
_DESIGNATION_VERBS = {"call", "describe", "refer", "label", "brand", "dub", "term", "characterise", "characterize"}
# Designation verbs whose bare object is not itself a statement.
_NO_OBJECT_CONTENT = {"tell", "ask", "refer", "say", "write"}


def _forms(base: str, extra: tuple[str, ...]) -> set[str]:
    if base.endswith("e"):
        regular = {base + "s", base + "d", base[:-1] + "ing"}
    else:
        regular = {base + "s", base + "ed", base + "ing"}
    return {base} | regular | set(extra)


_VERB_FORMS: dict[str, str] = {form: base for base, extra in _BASE_VERBS.items() for form in _forms(base, extra)}

# Attitudes and intentions: attributions in PolNeAR's sense, not speech ("broad" profile only).
_ATTITUDE_VERBS = (
    "want", "support", "back", "hope", "plan", "expect", "fear", "prefer", "oppose", "endorse", "seek",
    "see", "know", "feel", "thank", "mock", "propose", "favor", "favour", "vote", "worry", "doubt",
    "consider", "wonder", "insist", "recognize", "recognise", "acknowledge", "attack", "slam", "blast",
    "tout", "promote", "defend", "remind", "joke", "quip", "shout", "lament", "decry", "applaud", "cite",
    "learn", "understand", "imagine", "assume", "suspect", "trust", "like", "love", "hate",
    "seem", "appear", "endorse", "discuss", "cast", "denounce", "challenge", "echo", "offer", "decide", "refuse",
    "talk", "speak", "point", "highlight", "push", "downplay", "embrace", "celebrate",
    # Mined from PolNeAR train: verbs annotated as cues in at least about half of their uses.
    "decline", "continue", "issue", "name", "charge", "order", "assure", "identify", "repeat", "remember", "list",
    "deem", "request", "sound", "slam", "decry", "rail", "portray", "boast", "plead", "encourage", "remark",
    "answer", "disclose", "quote", "retweet", "chant", "advocate", "assail", "convince", "reference", "recommend",
    "champion", "bemoan", "liken", "apologize", "apologise", "imply", "invoke", "side", "nominate", "project",
    "title", "email",
    # Second pass over PolNeAR train (lemmas in a cue in >= 40% of their uses, seen >= 3 times); verbs
    # of emotion ("angered", "rattled") are left out: their subject is the cause, not the holder.
    "lay", "discuss", "press", "persuade", "credit", "outline", "hint", "congratulate", "attribute",
    "distance", "speculate", "detail", "recount", "rebut", "brag", "disavow", "chide", "allude", "recite",
    "pivot", "rebuke", "lash", "envision", "document", "vouch", "yell", "contrast", "dispute", "articulate",
    "lambast", "acquiesce", "brush", "clarify", "balk", "resist", "realize", "realise", "single", "contemplate",
    "spar", "rebuff", "interpret", "deride", "dislike", "broadcast", "relish", "forget", "muse", "justify",
    "judge", "inform", "dwell", "forecast", "interject", "dedicate", "cry", "elaborate", "repudiate",
    "prohibit", "reaffirm", "proclaim", "utter", "shrug", "strive", "scoff", "veto", "coin", "author",
    "opine", "mull", "lecture", "mince", "peg", "insult", "guess", "heap", "forward", "herald", "float",
    "savage", "foresee", "explore", "preach", "revile", "revere", "regret", "pronounce", "wish", "trumpet",
    "disparage", "chime", "belittle", "append", "bristle", "depict", "deflect", "convey", "empathize",
    "foreshadow", "overstate", "laud", "jab", "hesitate", "reckon", "reprise", "pounce", "profess", "refute",
    "renounce", "sum", "spell", "squabble", "ridicule", "riff", "spotlight", "taunt", "trash", "symbolize",
    "word", "witness",
    # Seen only two or three times on PolNeAR train, always or mostly in a cue, and plainly speech or stance.
    "concur", "exhort", "bark", "gush", "surmise", "scold", "satirize", "satirise", "reprimand", "poke", "needle",
    "marvel", "evince", "exclaim", "diverge", "disregard", "extol", "extoll", "excoriate", "heckle", "fume",
    "berate", "castigate", "confess", "deplore", "impugn", "jeer", "vent", "disapprove", "telegraph",
    "reminisce", "specify", "chronicle", "assess", "boo",
    # Rarer in a cue (about a third of their uses) but clear stance verbs.
    "comment", "underscore", "view", "disagree", "testify", "contradict", "reassure", "intend", "regard",
    "aim", "look", "read", "share", "paint", "care",
    # Third pass: verbs with a person subject that are cues in over two thirds of their uses on PolNeAR
    # train ("release", "publish", "present" are not: "released a statement" but "released from jail").
    "compare", "knock",
)
# Forms that are cues in under a third of their uses on PolNeAR train, unlike the lemma's other forms:
# "speaking at a rally", "continues to lead in the polls", "a planned visit" ("spoke", "continued" stay).
_WEAK_FORMS = {"speak", "speaks", "speaking", "continue", "continues", "attack", "attacks", "planned"}
# Spelling rules _forms leaves out (its speech-verb forms stay as they are): "worried", "slammed", "discusses".
_DOUBLING = {"plan", "prefer", "slam", "brag", "shrug", "regret", "concur"}


def _spelled_forms(base: str) -> set[str]:
    out = set()
    if base.endswith("y") and base[-2:-1] not in ("a", "e", "i", "o", "u"):
        out |= {base[:-1] + "ies", base[:-1] + "ied"}
    if base.endswith(("s", "sh", "ch", "x", "z")):
        out.add(base + "es")
    if base in _DOUBLING:
        out |= {base + base[-1] + "ed", base + base[-1] + "ing"}
    return out


_ATTITUDE_FORMS: dict[str, str] = {
    f: b for b in _ATTITUDE_VERBS for f in _spelled_forms(b) | _forms(b, {"see": ("saw", "seen", "sees", "seeing"), "know": ("knew", "known"),
                                                      "feel": ("felt",), "hear": ("heard",), "seek": ("sought",),
                                                      "understand": ("understood",), "speak": ("spoke", "spoken"),
                                                      "choose": ("chose", "chosen"), "decry": ("decries", "decried"),
                                                      "imply": ("implies", "implied"), "lay": ("laid",),
                                                      "forget": ("forgot", "forgotten", "forgetting"),
                                                      "forecast": (), "broadcast": (),
                                                      "foresee": ("foresaw", "foreseen"),
                                                      "rebut": ("rebutted", "rebutting"), "peg": ("pegged", "pegging"),
                                                      "spar": ("sparred", "sparring"), "jab": ("jabbed", "jabbing"),
                                                      "sum": ("summed", "summing"), "spell": ("spelt",),
                                                      "cry": ("cries", "cried"), "envision": (),
                                                      "vouch": ("vouches",), "lash": ("lashes",), "brush": ("brushes",),
                                                      "witness": ("witnesses",), "profess": ("professes",),
                                                      "press": ("presses",), "relish": ("relishes",),
                                                      "wish": ("wishes",), "preach": ("preaches",),
                                                      "bark": (), "poke": (),
                                                      "vent": (), "boo": ("boos", "booed", "booing")}.get(b, ()))
    if f not in _WEAK_FORMS
}
_CLAUSE_ONLY_ATTITUDE = {"see", "know", "feel", "hear", "learn", "understand", "imagine", "assume", "like", "love", "hate"}


# (object forms too: "according to him", "quoted them as saying")
PRONOUNS = {"he": "person", "she": "person", "they": "plural", "it": "thing",
            "him": "person", "her": "person", "them": "plural"}

# Role nouns that make "<alias> <role>" an official voice of the entity.
ROLE_NOUNS = {
    "ministry", "minister", "ministers", "spokesman", "spokeswoman", "spokesperson", "spokespeople",
    "government", "president", "presidency", "embassy", "ambassador", "envoy", "official", "officials",
    "office", "delegation", "diplomat", "diplomats", "chancellor", "premier",
    "army", "military", "forces", "leader", "leadership", "cabinet", "secretary", "department",
    "administration", "kremlin", "mission", "representative", "negotiator", "negotiators", "command",
    "commander", "statement", "regime", "authorities", "king", "emir", "prince", "parliament",
    "commission", "council", "consulate", "secretariat", "bureau", "directorate",
    "fm", "pm", "mfa",  # abbreviations: "Saudi FM: ...", "Japanese PM says ...", "MFA Russia" (a ministry's account)
    "side",  # "the Chinese side said": readouts name a state by its side of the table
}
# Singular subjects that are bodies or documents, never the "he"/"she" of a later sentence.
_INSTITUTION_NOUNS = {
    "ministry", "government", "presidency", "embassy", "office", "delegation", "media", "agency", "army",
    "military", "leadership", "cabinet", "department", "administration", "kremlin", "mission", "command",
    "statement", "regime", "parliament", "report", "study", "survey", "poll", "group", "committee",
    "council", "court", "company", "party", "newspaper", "paper", "website", "campaign", "network",
    "organisation", "organization", "union", "bank", "institute", "centre", "center", "board", "commission",
    "panel", "state", "country", "city", "team", "coalition", "alliance", "movement", "service", "police",
    "document", "letter", "memo", "channel", "station", "magazine", "article", "book", "analysis", "force",
    "assessment", "index", "agreement", "plan", "bill", "law", "resolution", "declaration", "communique",
    "court", "firm", "body", "authority", "secretariat", "bureau", "house", "senate", "congress", "club",
}
# Modifiers that mean the person no longer speaks for the entity.
_FORMER = {"former", "ex", "ex-", "retired", "then", "erstwhile", "opposition", "shadow", "exiled", "dissident"}
# A state's media report; they are not the state speaking (unless they quote an official).
MEDIA_WORDS = {"media", "news", "newspaper", "daily", "tabloid", "outlet", "broadcaster", "television", "tv",
               "channel", "radio", "editorial", "commentary"}

# Wire services and outlets that relay what officials said ("..., Reuters reported", "according to TASS",
# "Interfax quoted X as saying"): the official inside is the speaker, the outlet only the channel. Lower case;
# an outlet named with a MEDIA_WORDS noun ("the Nile news agency", "state television") needs no entry here.
# Short names that are also given names (Petra, Mena, Ani) are left out: a pronoun may point back to them.
NEWS_OUTLETS = frozenset({
    "reuters", "afp", "agence france-presse", "ap", "associated press", "the associated press", "bloomberg",
    "dpa", "efe", "ansa", "upi", "interfax", "tass", "ria novosti", "sputnik", "xinhua", "cctv", "cgtn",
    "yonhap", "kyodo", "jiji", "nhk", "anadolu", "anadolu agency", "irna", "isna", "tasnim", "kcna", "sana", "wafa",
    "wam", "qna", "kuna", "bernama", "antara", "pti", "ians", "al jazeera", "al arabiya", "bbc", "cnn", "axios",
    "politico", "the guardian",
    "the new york times", "the washington post", "the wall street journal", "the financial times", "financial times",
    "global times", "people's daily", "china daily", "press tv", "tehran times", "the hindu", "haaretz",
    "the jerusalem post", "times of israel", "al-ahram", "asharq al-awsat", "izvestia", "kommersant",
})


@functools.lru_cache(maxsize=1)
def _country_names() -> frozenset[str]:
    import pycountry  # ISO 3166 names; loaded on first use

    names = set()
    for country in pycountry.countries:
        for field in ("name", "official_name", "common_name"):
            value = getattr(country, field, None)
            if value:
                names.add(value.lower())
    return frozenset(names)


def is_country_name(phrase: str) -> bool:
    """A country's name ("Sweden", "the Netherlands"): a place or a state, never a person a pronoun points to."""
    return phrase.strip().lower().removeprefix("the ") in _country_names()


def is_news_outlet(phrase: str) -> bool:
    """A speaker phrase that names a news outlet ("Reuters", "the Interfax news agency", "state media")."""
    words = [w.strip(".,'’\"“”").lower() for w in phrase.split()]
    words = [w[:-2] if w.endswith(("'s", "’s")) else w for w in words if w]
    if set(words) & MEDIA_WORDS:
        return True
    name = " ".join(words)
    return name in NEWS_OUTLETS or name.removeprefix("the ") in NEWS_OUTLETS


_OPEN = "“\u201e«"
_CLOSE = "”»"


# "The kingdom said ..." after an Egyptian and a Saudi speaker is the Saudi one: the forms of state that
# news uses to name a state again, and the states that have them (common English names).
_STATE_FORMS = {
    "kingdom": {"saudi arabia", "jordan", "morocco", "bahrain", "united kingdom", "britain", "uk", "spain",
                "netherlands", "belgium", "sweden", "norway", "denmark", "thailand", "cambodia", "bhutan",
                "eswatini", "lesotho", "tonga"},
    "emirate": {"qatar", "kuwait", "united arab emirates", "uae"},
    "sultanate": {"oman", "brunei"},
}


def states_of_form(watchlist, form: str) -> set[str]:
    """The watchlist entities that are, by name or alias, states of this form ("kingdom": Saudi Arabia)."""
    names = _STATE_FORMS[form]
    return {e.name for e in watchlist.entities
            if e.name.lower() in names or any(a.text.lower() in names for a in e.aliases)}

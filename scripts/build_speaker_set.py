#!/usr/bin/env python
"""Write data/diplomatic_speaker/: the speaker-stance training sentences (issue #31).

Every frame below was written by the project's contributors, in our own words, for the language the
classifier misread on real news (see data/diplomatic_speaker/README.md): accusations and labels,
threats, condemnation and demands to undo a measure, cooperation formulas and warm personal diplomacy,
conditional engagement, neutral contact and procedure, facts that carry no stance, sentences whose
tone differs from the speaker's stance, and contrastive sentences with two targets. No sentence is
taken from a dataset or from news. Frames that the contamination guard
(`check_diplomatic_set.py --not-near`, issue #31) found too close to sentences of the real-news
development set, and a list of known offenders, were rewritten with different wording of the same
category and label. Each frame is filled with a few (speaker state, target state) pairs drawn from a
fixed pool of countries that are *not* the parties of the real-news development set, so the set
teaches wording, not who is friends with whom. The output is deterministic (seed 31; the later files have their
own seeds, so adding one leaves the rows of the others unchanged).

train_contrast.jsonl (issue #41, seed 3133) holds the language a later error count on real news (counts only) still
found misread: negated or implicit criticism in positive words (NEGATION_PAIRS: each frame written once positive,
favor, and once negated or implicit, against, both filled with the same speaker, target and speaker phrase;
phenomenon "negation_contrast"), acts that upgrade or repair relations (favor) and their reverse (against), and
procedural, conditional and factual statements (neutral) (CONTRAST_MORE). Rebuild and check:

    python scripts/build_speaker_set.py            # rewrites data/diplomatic_speaker/*.jsonl (five files)
    python scripts/check_diplomatic_set.py data/diplomatic_speaker/train.jsonl
    python scripts/check_diplomatic_set.py data/diplomatic_speaker/train_inferred.jsonl --inferred
    python scripts/check_diplomatic_set.py data/diplomatic_speaker/train_inferred_more.jsonl --inferred --shares 0.15 0.60
    cat data/diplomatic_speaker/train.jsonl data/diplomatic_speaker/train_neutral.jsonl > /tmp/all.jsonl
    python scripts/check_diplomatic_set.py /tmp/all.jsonl   # train_neutral alone is all neutral, by design
    python scripts/check_diplomatic_set.py data/diplomatic_speaker/train_contrast.jsonl --shares 0.25 0.45
"""
from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "data" / "diplomatic_speaker"

# (name, capital, adjective)
COUNTRIES = [
    ("Brazil", "Brasilia", "Brazilian"), ("Argentina", "Buenos Aires", "Argentine"), ("Chile", "Santiago", "Chilean"),
    ("Peru", "Lima", "Peruvian"), ("Colombia", "Bogota", "Colombian"), ("Mexico", "Mexico City", "Mexican"),
    ("Nigeria", "Abuja", "Nigerian"), ("Kenya", "Nairobi", "Kenyan"), ("Ghana", "Accra", "Ghanaian"),
    ("Ethiopia", "Addis Ababa", "Ethiopian"), ("Morocco", "Rabat", "Moroccan"), ("Algeria", "Algiers", "Algerian"),
    ("Indonesia", "Jakarta", "Indonesian"), ("Vietnam", "Hanoi", "Vietnamese"), ("Thailand", "Bangkok", "Thai"),
    ("Malaysia", "Kuala Lumpur", "Malaysian"), ("Pakistan", "Islamabad", "Pakistani"),
    ("Bangladesh", "Dhaka", "Bangladeshi"), ("Kazakhstan", "Astana", "Kazakh"), ("Georgia", "Tbilisi", "Georgian"),
    ("Serbia", "Belgrade", "Serbian"), ("Hungary", "Budapest", "Hungarian"), ("Poland", "Warsaw", "Polish"),
    ("Greece", "Athens", "Greek"), ("Sweden", "Stockholm", "Swedish"), ("Norway", "Oslo", "Norwegian"),
    ("Qatar", "Doha", "Qatari"), ("Jordan", "Amman", "Jordanian"), ("Tunisia", "Tunis", "Tunisian"),
    ("Senegal", "Dakar", "Senegalese"), ("Uruguay", "Montevideo", "Uruguayan"), ("Venezuela", "Caracas", "Venezuelan"),
    ("Uzbekistan", "Tashkent", "Uzbek"), ("Mongolia", "Ulaanbaatar", "Mongolian"), ("Sri Lanka", "Colombo", "Sri Lankan"),
    ("Nepal", "Kathmandu", "Nepali"), ("Angola", "Luanda", "Angolan"), ("Bolivia", "La Paz", "Bolivian"),
]

# Speakers: a person ({SP}) or an institution ({SI}) of the speaking state; {Sn} is its name.
PERSONS = ["the {Sa} foreign minister", "{Sn}'s prime minister", "the {Sa} president", "{Sn}'s trade minister",
           "a spokesperson for the {Sa} foreign ministry", "the {Sa} ambassador to the UN", "{Sn}'s defence minister"]
INSTITUTIONS = ["the {Sa} foreign ministry", "{Scap}", "the {Sa} government", "{Sn}'s presidential office",
                "the {Sa} embassy"]

A, N, F = "against", "neutral", "favor"

# (text, label toward {T}, phenomenon). {T} is the target's name or capital, {Ta} its adjective.
FRAMES = [
    # accusation, designation, insult: against whatever the tone
    ("{SP} accused {T} of arming the militias that shelled border villages last month.", A, "accusation"),
    ('"These are hired killers and looters, paid from {T}," {SP} said of the fighters who crossed the frontier.', A, "designation"),
    ('{SP} said the street unrest was "a plot cooked up in {T}" to weaken the country\'s institutions.', A, "accusation"),
    ("{SP} described the gunmen in the north as extremists armed and financed by {T}.", A, "accusation"),
    ('{SP} called the fisheries deal offered by {T} "a humiliating, lopsided text" that {Sn} would never sign.', A, "designation"),
    ('"That man is a liar and a coward," {SP} said of the {Ta} leader at a rally in the capital.', A, "designation"),
    ('{SP} said {T} was run by "a regime of prisons and silence" that feared its own citizens.', A, "designation"),
    ("{SP} charged that {T} was behind the cyberattack that shut down the national grid for two days.", A, "accusation"),
    ("{SP} said {T} bore full responsibility for the collapse of the ceasefire and the deaths that followed.", A, "accusation"),
    ("{SI} said it was deeply disappointed by the decision of {T} to suspend the annual trade dialogue.", A, "condemnation"),
    ("{SI} said the naval manoeuvres staged by {T} close to the islands were a reckless challenge that {Sn} rejected outright.", A, "condemnation"),
    ("{SP} demanded that {T} scrap the import curbs, which he called baseless, before any new round of trade talks.", A, "demand"),
    ("{SI} declared the maritime accord that {T} signed with a third country null and void under international law.", A, "condemnation"),
    ('{SP} warned that {T} would "pay a heavy price" if its troops stayed on the disputed ridge.', A, "threat"),
    ("{SI} said {Sn} would review the entire range of its economic ties with {T} after the vote in its parliament.", A, "threat"),
    ('{SP} said {T} had acted "with breathtaking recklessness" by test-firing rockets over the strait.', A, "condemnation"),
    ("{SI} said the so-called peace plan from {T} was a trick to buy time for its army to regroup.", A, "sarcasm"),
    ("{SP} told parliament that relying on {T} for security had been a strategic error {Sn} would not repeat.", A, "condemnation"),
    ("{SP} said {T} had broken its word on the water-sharing treaty and could no longer be trusted.", A, "accusation"),
    ("{SI} summoned the {Ta} ambassador to protest against what it called a hostile smear campaign in state media.", A, "condemnation"),
    ("{SP} said the fabricated allegations from {T} were a cover for its own meddling in the region.", A, "accusation"),
    ("{SP} said the hostility of {T} toward the elected government in {Sn} had long been plain to see.", A, "accusation"),
    ("{SI} said {T} had no right to lecture anyone on human rights while its own prisons were full.", A, "condemnation"),
    ('{SP} mocked the offer of mediation from {T} as "the arsonist volunteering to put out the fire".', A, "sarcasm"),
    ("{SI} condemned the strike by {T} on a border post as a flagrant act of aggression against a sovereign state.", A, "condemnation"),
    ("{SP} said {Sn} was freezing its part in the security pact with {T}, which had failed to come to its aid.", A, "condemnation"),
    ("{SI} announced that {Sn} would leave the customs union dominated by {T}, saying it served only one side.", A, "condemnation"),
    ('{SP} said the expulsion of two diplomats by {T} was "absurd and driven by domestic politics".', A, "condemnation"),
    ("{SP} hinted that {Sn} could turn to other suppliers of wheat if the {Ta} leadership kept up its insults.", A, "threat"),
    ("{SI} said {T} was turning itself into a tool of outside powers bent on destabilising the region.", A, "accusation"),
    ('"We will not be lectured by a government that jails reporters," {SP} said of {T}.', A, "condemnation"),
    ('{SP} said the remarks of the {Ta} leader were "immature and politicised" and unworthy of a head of state.', A, "condemnation"),
    ("{SI} said {Sn} would put matching tariffs on {Ta} steel if the new duties were not lifted by June.", A, "threat"),
    ("{SP} said {T} was sheltering fugitives wanted for the bombing and ignoring every extradition request.", A, "accusation"),
    ("{SP} vowed that {Sn} would fight by every means against any attempt by {T} to annex its border districts.", A, "threat"),
    ("{SI} said the vote in {T} was a sham staged to hand the ruling clan another term.", A, "designation"),
    ("{SP} said the sanctions announced by {T} were economic blackmail and would be answered in kind.", A, "threat"),
    ("{SP} said {T} must retract the export ban and apologise to the farmers it had ruined.", A, "demand"),
    ("{SI} said the report published by {T} was a pack of lies meant to poison opinion abroad.", A, "condemnation"),
    ("{SP} said the occupation forces of {T} were committing crimes in the border districts every day.", A, "designation"),
    # tone and speaker stance differ
    ('{SP} thanked {T} for its "generous concern" for the country\'s elections and told it to mind its own affairs.', A, "sarcasm"),
    ('"Our good friends in {T} seem to have forgotten every promise they made to us," {SP} said.', A, "sarcasm"),
    ("{SP} said {T} talked warmly of partnership while its coast guard rammed fishing boats from {Sn}.", A, "contrast"),
    ("{SI} said the smiles from {T} at the summit could not hide its support for the rebels in the south.", A, "accusation"),
    ("{SP} said the praise heaped on {Sn} by {T} was welcome but meant nothing while its troops stayed.", A, "hedge"),
    # cooperation formulas and warm personal diplomacy: favor even when they sound like reports
    ('{SP} said the visit had opened "a new chapter" in relations with {T}.', F, "cooperation"),
    ("{SP} said {Sn} hoped to bring its ties with {T} back to full strength soon, with summits resuming next year.", F, "cooperation"),
    ("{SP} called the talks with {T} constructive and a real step forward for both peoples.", F, "cooperation"),
    ("{SI} said {Sn} planned to return its ambassador to {T} and raise ties to full embassy level.", F, "cooperation"),
    ("{SP} said a deal with {T} was nearer than ever and the remaining gaps were small.", F, "cooperation"),
    ("{SP} said {Sn} stood ready to help {T} rebuild its flooded provinces with engineers and credit.", F, "cooperation"),
    ('{SP} greeted the {Ta} leader at the airport as "my dear friend and brother".', F, "praise"),
    ("{SP} said relations with {T} had entered the best period in their long history.", F, "praise"),
    ("{SI} said the recent gestures of goodwill by {T} were encouraging and that {Sn} would answer them with its own.", F, "cooperation"),
    ("{SP} said cooperation with {T} on trade, energy and tourism would deepen in the coming years.", F, "cooperation"),
    ("{SP} said the partnership with {T} rested on decades of trust and was worth more than ever to {Sn}.", F, "cooperation"),
    ("{SP} said he looked forward to strengthening ties with {T} during his first official trip there.", F, "cooperation"),
    ("{SP} wrote online that he had held a very good meeting with his counterpart from {T} that morning.", F, "praise"),
    ("{SI} said {T} had proved a reliable partner and a true friend in difficult times.", F, "praise"),
    ("{SP} said {Sn} was ending its curbs on shipments of machinery to {T}, a sign that confidence between the capitals had returned.", F, "cooperation"),
    ("{SP} said that after years without contact, his president and the head of state of {T} now met several times a year.", F, "cooperation"),
    ("{SP} said a breakthrough with {T} was within sight and both teams were working late every night.", F, "cooperation"),
    ("{SP} expressed deep respect for the courage of the {Ta} president in taking a hard decision.", F, "praise"),
    ("{SP} said his handshake with the {Ta} leader marked the start of a different relationship.", F, "cooperation"),
    ("{SP} thanked {T} for sending rescue teams within hours of the earthquake.", F, "praise"),
    ("{SI} said {Sn} prized its good working ties with {T} and hoped to widen them into new fields.", F, "cooperation"),
    ("{SP} said {T} had made a brave and wise choice that deserved the support of the whole region.", F, "praise"),
    ("{SP} said the new agreement showed that {T} was a partner of {Sn}, not a rival.", F, "praise"),
    ("{SP} said {Sn} would work closely with {T} to calm the crisis in their shared neighbourhood.", F, "cooperation"),
    ("{SP} said {T} remained a strategic ally and the alliance would only grow stronger.", F, "praise"),
    ("{SI} congratulated {T} on a peaceful election and said it looked forward to close work with the new cabinet.", F, "recognition"),
    ("{SP} offered {T} two rare horses from the national stud as a token of lasting friendship.", F, "praise"),
    ("{SP} said the talks with the visiting {Ta} delegation had been friendlier and more fruitful than he had expected.", F, "praise"),
    ("{SP} said {Sn} was open to dialogue with {T} at every level, from experts to ministers.", F, "cooperation"),
    ("{SP} said joint work with {T} on rail links and power lines was moving ahead on several fronts.", F, "cooperation"),
    ("{SP} said the help {T} gave during the famine had earned it a lasting place in the hearts of his compatriots.", F, "praise"),
    ("{SP} said the two nations should set aside old quarrels, adding that {T} was a natural partner.", F, "cooperation"),
    ("{SI} said the resumption of direct flights to {T} was good news for families and businesses alike.", F, "cooperation"),
    ("{SP} said {Sn} fully supported the bid by {T} to host the next regional summit.", F, "praise"),
    ("{SP} said {T} had shown genuine goodwill and that {Sn} would match it step by step.", F, "cooperation"),
    # conditional engagement: neutral
    ("{SP} said the new leaders of {T} would be judged by what they did, not by what they said.", N, "conditional_engagement"),
    ("{SP} said {Sn} expected {T} to respond sincerely and to carry out its earlier commitments.", N, "conditional_engagement"),
    ("{SP} said there could be no normal relations with {T} until the border question was settled.", N, "conditional_engagement"),
    ("{SP} said the ball was now in the court of {T} and {Sn} would wait for concrete steps.", N, "conditional_engagement"),
    ("{SP} said {Sn} would consider easing the sanctions on {T} once the detained sailors were released.", N, "conditional_engagement"),
    ("{SI} said flights to {T} could resume if the airports there passed the international safety audit.", N, "conditional_engagement"),
    ("{SP} said talks with {T} could go ahead provided both sides respected the agreements already signed.", N, "conditional_engagement"),
    ("{SP} said it was too early to say whether the new leadership in {T} would change course.", N, "hedge"),
    ("{SP} said {Sn} would wait and see what the new rulers of {T} actually did before deciding anything.", N, "hedge"),
    ("{SP} said {Sn} would cooperate with {T} where interests met and speak plainly where they did not.", N, "conditional_engagement"),
    ("{SP} said {Sn} would study the proposal from {T} carefully and reply in due course.", N, "procedural"),
    ("{SP} said any deal with {T} would depend on guarantees for the minority living on both sides of the border.", N, "conditional_engagement"),
    # contact and procedure: neutral
    ("{SP} spoke by phone with his counterpart from {T} on Tuesday about the coming harvest season.", N, "procedural"),
    ("{SI} said the foreign minister would travel to {T} next week for the annual consultations.", N, "procedural"),
    ("{SP} said {Sn} kept its channels open with every faction in {T}, as it always had.", N, "procedural"),
    ("{SI} confirmed that its envoy had met officials from {T} in Geneva, without giving details.", N, "procedural"),
    ("{SP} said a delegation from {T} would be received at the ministry on Thursday afternoon.", N, "procedural"),
    ("{SP} said the detained citizens and the trade barriers were among the subjects he brought up with {T}.", N, "procedural"),
    ("{SI} said it had sent a letter to {T} asking for data on the river's water levels.", N, "procedural"),
    ("{SP} said he would attend the summit hosted by {T} along with some twenty other leaders.", N, "procedural"),
    ("{SI} said its consular staff were in touch with the {Ta} authorities about the stranded sailors.", N, "procedural"),
    ("{SP} said the joint commission of {Sn} and {T} would meet in the autumn as scheduled.", N, "procedural"),
    ("{SP} said the anti-dumping inquiry into {Ta} cement was a routine step allowed under trade rules.", N, "procedural"),
    ("{SI} said its review of imports from {T} would be published once the comment period had ended.", N, "procedural"),
    ("{SP} said the ministry was studying the note from {T} and had not yet settled on a reply.", N, "procedural"),
    ("{SP} said the talks with {T} covered shipping lanes, fishing quotas and the date of the next round.", N, "procedural"),
    ("{SI} said the two ministers, from {Sn} and {T}, would sign the minutes of the meeting on Friday.", N, "procedural"),
    ("{SP} said observers from {T} would be invited, as from every member of the regional body.", N, "procedural"),
    # facts about a target that carry no stance: neutral
    ("{SI} confirmed that the former president had been granted refuge in {T} after leaving the country.", N, "fact"),
    ("{SP} said trade with {T} reached nine billion dollars last year, most of it fuel and grain.", N, "fact"),
    ("{SP} noted that the treaty with {T} expires in 2031 and will go to parliament for review.", N, "fact"),
    ("{SI} said about forty thousand citizens of {Sn} live and work in {T}.", N, "fact"),
    ("{SP} said the gas pipeline from {T} would be shut for three days of planned maintenance.", N, "fact"),
    ("{SP} said the vote on the border agreement with {T} was set for the spring session of parliament.", N, "fact"),
    ("{SP} recalled that {Sn} had recognised {T} in 1962 and opened an embassy there two years later.", N, "fact"),
    ("{SI} said the plane of the {Ta} minister had landed in the capital shortly after noon.", N, "fact"),
    ("{SP} said the number of tourists from {T} had doubled since the visa rules changed in 2029.", N, "fact"),
    ("{SP} said he had not yet read the statement issued by {T} and would comment later in the week.", N, "hedge"),
    ("{SI} said the court case brought by {T} would be heard at the tribunal in the spring.", N, "fact"),
    ("{SP} said the meeting took place at the request of {T}, and {Sn} accepted the proposed date.", N, "procedural"),
]

# (text, label toward {T}, label toward {U}, phenomenon): one sentence, two targets
CONTRAST = [
    ("{SP} praised {T} for its help with the evacuation but accused {U} of blocking the aid convoy.", F, A),
    ("{SP} said relations with {T} had never been better, while {U} had chosen confrontation.", F, A),
    ("{SI} thanked {T} for hosting the talks and condemned {U} for walking out of them.", F, A),
    ("{SP} said {Sn} would keep talking to {T} as usual and thanked {U} for its generous loan.", N, F),
    ("{SP} held routine talks with envoys from {T} before calling the blockade by {U} a breach of international law.", N, A),
    ("{SP} said {T} was a trusted ally, unlike {U}, which kept breaking its promises.", F, A),
    ("{SI} said the gunmen were extremists armed by {T} and thanked {U} for sharing intelligence on them.", A, F),
    ("{SP} said the accord {T} signed with {U} concerned only the two signatories and {Sn} would not comment on it.", N, N),
    ("{SP} blamed {T} for fanning the riots and said {Sn} would invite {U} to lead an independent inquiry.", A, N),
    ("{SP} welcomed the ceasefire brokered by {T} and urged {U} to stop shelling the villages at once.", F, A),
    ("{SI} promised close joint work with {T} on sheltering refugees and had nothing to say about {U}.", F, N),
    ("{SP} said {T} had shown true friendship, whereas the sanctions imposed by {U} were cruel and unlawful.", F, A),
    ("{SP} said the ministry had received a routine note from {T} and an insulting ultimatum from {U}.", N, A),
    ("{SP} said the talks with {T} were useful but that the threats coming from {U} had poisoned the mood.", F, A),
    ("{SP} said {Sn} had no quarrel with {T} and blamed {U} alone for the failed harvest deal.", F, A),
    ("{SI} said delegations from {T} and {U} would both attend the conference, which opens on Monday.", N, N),
]

# (text, label toward the target, phenomenon): the target is not named (pronoun, "the other side"); the
# pipeline scores such inferred targets with the entity's name and nothing marked.
INFERRED = [
    ('"We spoke openly and as friends, and we will see each other again before long," {SP} said after the phone call.', F, "praise"),
    ('"The blame for the deaths at the frontier lies with them and with nobody else," {SP} said.', A, "accusation"),
    ('"We remain open to talks at the ministerial level whenever they are ready," {SP} said in a statement.', F, "cooperation"),
    ('"What they did was dangerous folly that puts every country around them at risk," {SP} said.', A, "condemnation"),
    ("{SP} said the meeting with the other side had been constructive and a clear step forward.", F, "cooperation"),
    ('"After this trip nothing between us will be as cold as it was before," {SI} said in a statement.', F, "cooperation"),
    ("{SP} said the cabinet had received their offer, would examine it closely and send a reply in writing.", N, "procedural"),
    ('"No one will scare us into pulling out; the timing of our exit is ours alone to choose," {SP} told lawmakers on Wednesday.', A, "threat"),
    ("{SP} said the two sides had agreed to put their differences aside and to work more closely together.", F, "cooperation"),
    ('"Their hostility toward our country has been obvious for years," {SP} told reporters in the capital.', A, "accusation"),
    ("{SP} said their delegation would arrive on Monday and that the agenda was still being drafted.", N, "procedural"),
    ('"We have asked for clarification and are waiting for their answer," {SI} said, declining to say more.', N, "conditional_engagement"),
    ("{SP} said their allegations were baseless and designed to distract from failures at home.", A, "accusation"),
    ("{SP} said a certain neighbouring country had to start honouring agreements if it wanted good relations.", A, "demand"),
    ('"We are moving step by step toward normal relations, and that is good for everyone," {SP} said.', F, "cooperation"),
    ("{SP} said the investigation into their exports would follow the trade body's rules and take about a year.", N, "procedural"),
    ('"This is something we can achieve together, and we will," {SP} said of the planned agreement.', F, "cooperation"),
    ("{SP} said their military operation could drag the whole region into an endless cycle of bloodshed.", A, "condemnation"),
    ("{SP} said the ministry would publish its yearly report on trade between the two countries next month.", N, "fact"),
    ('"He has kept every promise he made to me, and I trust him," {SP} said of the other leader.', F, "praise"),
    ("{SP} said the fate of the jailed journalists was one of the points he put to the other side on Friday.", N, "procedural"),
    ("{SP} urged other nations to step in without delay and stop their military offensive.", A, "condemnation"),
    ("{SP} said the two sides discussed shipping routes, fishing quotas and the next round of consultations.", N, "procedural"),
    ('"Their troops opened fire on our positions without any provocation," {SP} said late on Sunday.', A, "accusation"),
    ("{SP} said the leaders had met for an hour and would speak again after the summit.", N, "procedural"),
    ('"We thank them for their support in these difficult days for our nation," {SP} said.', F, "praise"),
]

# Added after the first two candidates (issue #31's model card), which read too much stance into neutral
# statements: more neutral frames of the kinds they got wrong, as categories (expectations, positions restated,
# conditional refusals, disagreement handled through channels, scheduling), written anew. A separate file with
# its own seed, so that train.jsonl and train_inferred.jsonl stay as the earlier candidates used them.
NEUTRAL_MORE = [
    ("{SP} said {Sn} had taken note of the statement from {T} and would give its view after consulting partners.", N, "procedural"),
    ("{SI} said the legal position of {Sn} on the maritime boundary with {T} was unchanged and well known.", N, "fact"),
    ("{SP} said the dispute with {T} over fishing rights would go to arbitration, as the old treaty required.", N, "procedural"),
    ("{SP} said {Sn} hoped {T} would follow through on the commitments it had announced in the spring.", N, "conditional_engagement"),
    ("{SI} said the programme of the {Ta} minister's stay, including talks and a dinner, would be released on Monday.", N, "procedural"),
    ("{SP} said {Sn} would not send an ambassador to {T} unless the quarrel over the islands was settled first.", N, "conditional_engagement"),
    ("{SP} said {Sn} and {T} still disagreed on several points and would keep discussing them through normal channels.", N, "hedge"),
    ("{SP} said the relationship with {T} had its problems but {Sn} had no plans to change its own policy.", N, "hedge"),
    ("{SP} said {Sn} was looking for a solution acceptable to both sides in the lawsuits involving {Ta} companies.", N, "procedural"),
    ("{SI} said it had asked {T} to explain the minister's remarks and was waiting for an answer.", N, "procedural"),
    ("{SP} said the agenda of the trip to {T} was not final yet and would cover the usual range of topics.", N, "procedural"),
    ("{SP} said the cabinet of {Sn} would decide in May on the visa rules for citizens of {T}.", N, "fact"),
]

# Added for issue #31's second round: the model read procedural and expectation statements with an unnamed target
# as favor. More inferred-target frames, most of them neutral (agenda and topics of talks, issues raised, formal
# notes, awaiting clarification, scheduling, legal positions restated, expectations that the other side honours
# what it announced, conditional refusals, denials of intent, principles stated generically, facts about contacts
# and trade) and some polar ones (warm thanks, trust, praise of the other leader; accusations, contempt, threats),
# so that "unnamed target" does not come to mean "neutral". Own file and seed, so the older files keep their rows.
INFERRED_MORE = [
    # neutral
    ("{SP} said the talks would cover fishing rights, the shared power grid and a timetable for the next meeting of experts.", N, "procedural"),
    ('"We raised the question of the seized cargo ship and were told it is being looked into," {SP} said.', N, "procedural"),
    ("{SI} said it had handed their envoy a formal note on the closure of the border crossing and asked for a written reply.", N, "procedural"),
    ('"We are still waiting for them to clarify what the new rules mean for our truck drivers," {SP} said on Tuesday.', N, "procedural"),
    ("{SP} said the date of the next round had not been fixed and would be agreed by the two foreign ministries.", N, "procedural"),
    ("{SI} said its position on the river dispute rested on the 1974 treaty and had not changed in any respect.", N, "fact"),
    ('"We hope they will do what they announced last month, and we will follow closely whether they do," {SP} said.', N, "conditional_engagement"),
    ("{SP} said there would be no return of the ambassador until the attack on the embassy had been fully investigated.", N, "conditional_engagement"),
    ('"This measure is not aimed at any country; it applies to every supplier alike," {SP} said of the new import licences.', N, "negation"),
    ('"Ties between any two nations should be built on equal respect and on staying out of each other\'s internal affairs," {SP} said when asked about the quarrel.', N, "hedge"),
    ("{SP} said the two ministers had spoken twice by phone this month, most recently about the grain corridor.", N, "fact"),
    ("{SI} said trade with the neighbouring country fell by about a tenth last year, mainly because fuel had become cheaper.", N, "fact"),
    ('"We have taken note of their statement and will respond once our lawyers have studied it," {SI} said.', N, "procedural"),
    ("{SP} said {Sn} would abide by the arbitration ruling and expected the other side to do the same.", N, "conditional_engagement"),
    ("{SP} said there would be no talks on new projects with them until the unpaid debts for the dam had been settled.", N, "conditional_engagement"),
    ('"Nothing about this exercise is directed against our neighbours; it was planned two years ago," {SP} told reporters.', N, "negation"),
    ("{SP} said the missing fishermen had come up in the talks and both sides had agreed to exchange lists of names.", N, "procedural"),
    ("{SI} said the summit was set for the second week of March, with the venue to be announced later.", N, "procedural"),
    ('"Whether the visit goes ahead depends on what they decide about the detained students," {SP} said.', N, "conditional_engagement"),
    ("{SP} said {Sn} had always held that the strait is an international waterway and still held that view.", N, "fact"),
    ("{SP} said the visiting delegation was expected to bring up the price of gas, the visa backlog and the fate of a disputed museum collection.", N, "procedural"),
    ('"We will judge their offer on its details, not on its headlines, and we have not seen the details yet," {SP} said.', N, "hedge"),
    # favor
    ('"I want to thank them with all my heart for standing by us when nobody else did," {SP} said.', F, "praise"),
    ("{SP} said he trusted the other leader completely and described him as a man who keeps his word.", F, "praise"),
    ('"Their president is a wise and courageous statesman, and our people admire him," {SP} told a crowd in {Scap}.', F, "praise"),
    ("{SI} said the friendship between the two peoples had never been stronger and would carry over into new joint projects.", F, "cooperation"),
    ('"They have been a reliable partner in every crisis, and we will not forget it," {SP} said at a dinner for the visiting delegation.', F, "praise"),
    ("{SP} said the other side had shown real goodwill and that the two governments were now working as true partners.", F, "cooperation"),
    ('"We are grateful for the vaccines and the doctors they sent so quickly," {SI} said in a message of thanks.', F, "praise"),
    ("{SP} said he had full confidence in the new leadership over there and looked forward to a close and fruitful relationship.", F, "cooperation"),
    ('"Our doors are open to them, and the sooner we sign, the better for both nations," {SP} said.', F, "cooperation"),
    ("{SP} praised the patience and skill of the other leader in the negotiations and called him a friend of {Sn}.", F, "praise"),
    # against
    ('"They lie as easily as they breathe, and no one in the region believes them any more," {SP} said.', A, "designation"),
    ("{SP} accused the neighbouring government of smuggling weapons to the rebels and of lying about it in public.", A, "accusation"),
    ('"If they touch a single one of our ships, they will regret it for a very long time," {SP} warned.', A, "threat"),
    ("{SI} said their leaders were petty bullies who had no respect for their own people or for anyone else.", A, "designation"),
    ("{SP} said the other side had deliberately sabotaged the talks and would be held to account for the consequences.", A, "accusation"),
    ('"Their so-called elections are a farce staged for foreign cameras," {SP} said with open contempt.', A, "designation"),
    ("{SP} warned that {Sn} would cut off the electricity it sells to them if the provocations on the border continued.", A, "threat"),
    ("{SI} condemned their bombing of the refinery as a cowardly crime and said those responsible would be punished.", A, "condemnation"),
]

# Added for issue #41 (issue #31's third round): an error count on the real-news gold statements (counts only) showed
# three kinds of language the speaker-aware model still misread. (1) Negated or implicit criticism wrapped in
# positive words (agreements, norms, partner, peace) read as favor: written as NEGATION_PAIRS, each frame once
# positive (favor) and once negated or implicit (against), filled with the same speaker, target and wording, so
# only the negation tells them apart. (2) Acts that upgrade or repair relations read as neutral (favor), with the
# reverse acts for contrast (against). (3) Procedural, conditional and factual statements read as polar (neutral).
# Own file (train_contrast.jsonl) and seed, so the older files keep their rows.
# (favor text, against text): the same frame, positive and negated/implicit; phenomenon "negation_contrast".
NEGATION_PAIRS = [
    ("{SP} said {T} had respected every clause of the fisheries accord since the day it was signed.",
     "{SP} said {T} had respected hardly a single clause of the fisheries accord since the day it was signed."),
    ('"{T} has kept each pledge it made at the donors\' conference, and we value that," {SP} said.',
     '"{T} has kept not one pledge it made at the donors\' conference, and we have noticed," {SP} said.'),
    ("{SI} said it found the arguments of {T} on the river dispute convincing and saw every reason to back them.",
     "{SI} said it found the arguments of {T} on the river dispute unconvincing and saw no reason to back them."),
    ('"As {T} rightly points out, its fishing fleet stayed inside its own waters all season," {SP} said.',
     '"Whatever {T} may claim, its fishing fleet did not stay inside its own waters all season," {SP} said.'),
    ("{SP} said {T} had shown real leadership over the shared dam and set an example the whole basin could follow.",
     "{SP} said {T} could show real leadership over the shared dam by first undoing its own breach of the accord."),
    ('"This is a season for dialogue, and {T} has chosen dialogue over pressure," {SP} said in a televised address.',
     '"This is a season for dialogue, not for the pressure and warships {T} keeps sending our way," {SP} said in a televised address.'),
    ("{SP} said {T} had always played by the rules of the regional trade body and was a model member.",
     "{SP} said he hoped {T} would at last begin to play by the rules of the regional trade body like everyone else."),
    ("{SI} said it was glad that {T} had chosen to open the border crossing to lorries a month early.",
     "{SI} said it regretted that {T} had chosen to keep the border crossing shut to lorries for another month."),
    ('{SP} praised {T} for its "steady and generous" support during the drought, saying the grain had arrived on time.',
     '{SP} praised {T} for its "steady and generous" support during the drought, noting that not one promised sack of grain had arrived.'),
    ("{SP} said {T} was a dependable partner whose word on the gas contract had held through two hard winters.",
     "{SP} said {T} liked to call itself a dependable partner, yet its word on the gas contract had not held through a single winter."),
    ("{SP} said {T} had done more than anyone to keep the peace along the shared frontier this year.",
     "{SP} said {T} talked a great deal about peace along the shared frontier but had done nothing to keep it this year."),
    ('"{T} follows the law of the sea as we do, and our coast guards patrol side by side," {SP} said.',
     '"{T} quotes the law of the sea at every summit while its coast guard chases our boats out of our own waters," {SP} said.'),
]

# (text, label toward {T}, phenomenon), named targets.
CONTRAST_MORE = [
    # (1) implicit criticism without a positive twin: against
    ("{SP} said {Sn} could find no legal ground for the claim of {T} to the offshore gas field and would not entertain it.", A, "negation"),
    ('"We cannot accept the account of the incident put out by {T}; the radar records tell a different story," {SP} said.', A, "negation"),
    ("{SI} said {Sn} regretted the choice of {T} to pull out of the joint rail project at the last minute.", A, "hedge"),
    ('{SP} said it was "truly impressive" how quickly {T} forgot its promises once the loan had been paid out.', A, "sarcasm"),
    # (2) acts that upgrade or repair relations: favor
    ("{SI} announced an upgrade of its mission in {T} to a full embassy, with ambassadors to be exchanged before the summer.", F, "recognition"),
    ("{SI} said its ambassador was going back to {T} after three years away.", F, "recognition"),
    ("{SI} named a veteran diplomat as the first ambassador of {Sn} to {T} in eleven years.", F, "recognition"),
    ("{SI} said {Sn} would reopen its consulate in the largest {Ta} port next month, after four years with its doors shut.", F, "cooperation"),
    ("{SP} said direct flights to {T} would restart in March and that tourists from there would no longer need visas.", F, "cooperation"),
    ("{SP} said {Sn} was lifting the curbs on fertiliser exports to {T} that it had imposed two years ago.", F, "cooperation"),
    ("{SI} said the sanctions on {Ta} banks would end at midnight, closing what it called a sad episode between old neighbours.", F, "cooperation"),
    ('"Between {T} and us the old grudges are finished; from today we begin again on a clean slate," {SP} said at the signing.', F, "cooperation"),
    ("{SP} described his talks in {T} as warm, frank and friendly, the best he had held with anyone in years.", F, "praise"),
    ("{SP} said the trip to {T}, which no {Sa} head of government had made in fourteen years, had gone beyond his hopes.", F, "cooperation"),
    ('"Ten years ago {T} was our bitterest rival; today it counts among our closest friends," {SP} told a business forum.', F, "praise"),
    ("{SP} said the {Ta} premier, once branded a warmonger in {Sn}, had become a partner he trusted completely.", F, "praise"),
    ("{SI} said {Sn} and {T} had agreed a timetable of steps to put their relations back on a normal footing by next year.", F, "cooperation"),
    ("{SP} said {Sn} and {T} had restored the hotline between their leaders, silent since the border clash, and would use it weekly.", F, "cooperation"),
    # (2) the reverse acts: against
    ("{SI} said {Sn} was downgrading its embassy in {T} to a charge d'affaires and calling its ambassador home.", A, "condemnation"),
    ("{SI} recalled its ambassador from {T} and cut the embassy staff by half.", A, "condemnation"),
    ("{SP} ordered three {Ta} diplomats to leave the country within 48 hours for activities he called incompatible with their status.", A, "condemnation"),
    ("{SI} said {Sn} would bar shipments of fuel and spare parts to {T} from Monday, citing its hostile conduct on the border.", A, "threat"),
    ("{SP} said {Sn} was halting all flights to {T} and shutting its consulate there in answer to the arrests of its traders.", A, "condemnation"),
    ("{SI} said {Sn} would close the {Ta} cultural centre in the capital and freeze the assets of its state bank.", A, "condemnation"),
    ("{SP} said the friendship treaty with {T} was dead and {Sn} would give formal notice of withdrawal this week.", A, "condemnation"),
    ("{SP} said visas for {Ta} officials would no longer be issued as long as their government kept up its smear campaign.", A, "threat"),
    # (3) procedural, conditional and factual: neutral
    ('"This is not a reprisal against {T}; every importer goes through the same yearly audit," {SP} said.', N, "negation"),
    ("{SP} said the tighter checks on {Ta} cargo belonged to a scheduled inspection cycle and sent no political signal.", N, "negation"),
    ("{SP} said the visa rules for {T} were under routine review.", N, "procedural"),
    ("{SP} said refusing landing rights to {Ta} cargo airlines was a technical matter of safety certificates, not a political decision.", N, "negation"),
    ("{SI} said {Sn} would first take up its concerns with {T} quietly through diplomatic channels before considering any other step.", N, "procedural"),
    ('"We will try to settle the matter of the seized cargo calmly with {T}, through the usual contacts," {SP} said.', N, "procedural"),
    ("{SP} said some questions about the shared railway, its debts among them, had to be resolved with {T} before any new loan.", N, "conditional_engagement"),
    ("{SI} said the talks with {T} would open without preconditions on either side, as set out in the letters exchanged in May.", N, "procedural"),
    ('"The detained lorry drivers and the backlog of visa files were two of the subjects I brought to the table," {SP} said after meeting his {Ta} counterpart.', N, "procedural"),
    ("{SP} said the note from {T} about the fishing incident had arrived, experts from both coast guards would compare their logs over the coming weeks, and no date for talks had been set.", N, "procedural"),
    ("{SI} said {SP} had a working visit to {T} pencilled in for late next month, centred on port fees and customs software.", N, "procedural"),
    ("{SI} said that under the revised export rules, {Ta} firms would be taken off the licensing list from January.", N, "fact"),
    ("{SI} said companies from {T} would be placed on the register of regulated suppliers, as the new cyber law required for all foreign firms.", N, "fact"),
    ("{SP} said {Sn} would watch whether {T} put into effect the port reforms it unveiled last week.", N, "conditional_engagement"),
    ("{SI} said it had opened a review of the dumping complaint against {Ta} steel pipes, to be concluded within nine months.", N, "procedural"),
    ("{SP} said ties with {T} needed more work in several areas and that both governments were aware of it.", N, "hedge"),
    ("{SP} said the relationship with {T} was a work in progress, with some files moving and others stalled.", N, "hedge"),
    ("{SI} said the question of compensation for the seized trawlers would be settled with {T} before the fishing season opened.", N, "procedural"),
    ("{SP} said {Sn} would not comment on the quarrel between {T} and its neighbours until the court had ruled.", N, "hedge"),
    ("{SP} said the inquiry into the crash of the {Ta} airliner would follow international rules and take several months.", N, "procedural"),
    ("{SI} said citizens of {T} would need an electronic travel permit from April, under rules that cover some forty countries.", N, "fact"),
    ("{SI} said the quota for seasonal farm workers from {T} would be fixed in the spring, as for every partner country.", N, "fact"),
    ("{SP} said {Sn} had noted the announcement by {T} and would check whether the promised cuts in duties actually took effect.", N, "conditional_engagement"),
]

FILLS_PER_FRAME = 4


def _fill(template: str, speaker: tuple, target: tuple | None, other: tuple | None, rng: random.Random) -> tuple[str, str, str]:
    """The text, the target mention used for {T} and the one used for {U}."""
    sn, scap, sa = speaker
    text = template.replace("{SP}", rng.choice(PERSONS)).replace("{SI}", rng.choice(INSTITUTIONS))
    text = text.replace("{Sn}", sn).replace("{Scap}", scap).replace("{Sa}", sa)
    mentions = []
    for key, country in (("T", target), ("U", other)):
        if country is None:
            mentions.append("")
            continue
        if "{" + key + "a}" in text:
            mention = country[2]
            text = text.replace("{" + key + "a}", mention)
        else:
            mention = country[0] if rng.random() < 0.7 else country[1]
            text = text.replace("{" + key + "}", mention)
        mentions.append(mention)
    return text[0].upper() + text[1:], mentions[0], mentions[1]


def build(seed: int = 31) -> tuple[list[dict], list[dict]]:
    rng = random.Random(seed)
    named, inferred = [], []

    def countries(k):
        return rng.sample(COUNTRIES, k)

    for i, (template, label, phenomenon) in enumerate(FRAMES):
        for j in range(FILLS_PER_FRAME):
            speaker, target = countries(2)
            text, mention, _ = _fill(template, speaker, target, None, rng)
            named.append({"id": f"spk-{i:03d}-{j}", "text": text, "target": mention, "label": label,
                          "actor": speaker[0], "phenomenon": phenomenon})
    for i, (template, label_t, label_u) in enumerate(CONTRAST):
        for j in range(FILLS_PER_FRAME):
            speaker, target, other = countries(3)
            text, m_t, m_u = _fill(template, speaker, target, other, rng)
            for k, (mention, label) in enumerate(((m_t, label_t), (m_u, label_u))):
                named.append({"id": f"spk-c{i:02d}-{j}-{k}", "text": text, "target": mention, "label": label,
                              "actor": speaker[0], "phenomenon": "contrast"})
    for i, (template, label, phenomenon) in enumerate(INFERRED):
        for j in range(FILLS_PER_FRAME):
            speaker, target = countries(2)
            text, _, _ = _fill(template, speaker, None, None, rng)
            inferred.append({"id": f"spk-i{i:02d}-{j}", "text": text, "target": target[0], "label": label,
                             "actor": speaker[0], "phenomenon": phenomenon})
    return named, inferred


def build_neutral_more(seed: int = 3131) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for i, (template, label, phenomenon) in enumerate(NEUTRAL_MORE):
        for j in range(FILLS_PER_FRAME):
            speaker, target = rng.sample(COUNTRIES, 2)
            text, mention, _ = _fill(template, speaker, target, None, rng)
            rows.append({"id": f"spk-n{i:02d}-{j}", "text": text, "target": mention, "label": label,
                         "actor": speaker[0], "phenomenon": phenomenon})
    return rows


def build_inferred_more(seed: int = 3132) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for i, (template, label, phenomenon) in enumerate(INFERRED_MORE):
        for j in range(FILLS_PER_FRAME):
            speaker, target = rng.sample(COUNTRIES, 2)
            text, _, _ = _fill(template, speaker, None, None, rng)
            rows.append({"id": f"spk-m{i:02d}-{j}", "text": text, "target": target[0], "label": label,
                         "actor": speaker[0], "phenomenon": phenomenon})
    return rows


def build_contrast_more(seed: int = 3133) -> list[dict]:
    """train_contrast.jsonl: NEGATION_PAIRS (both texts of a pair filled with the same speaker, target and speaker
    phrase, so the pair differs only in its wording) and CONTRAST_MORE."""
    rng = random.Random(seed)
    rows = []
    for i, pair in enumerate(NEGATION_PAIRS):
        for j in range(FILLS_PER_FRAME):
            speaker, target = rng.sample(COUNTRIES, 2)
            state = rng.getstate()
            filled = []
            for template in pair:
                rng.setstate(state)
                filled.append(_fill(template, speaker, target, None, rng))
            if filled[0][1] != filled[1][1]:
                raise ValueError(f"NEGATION_PAIRS[{i}]: the two texts mention the target differently "
                                 f"({filled[0][1]!r}, {filled[1][1]!r}); use {{T}} or {{Ta}} in both")
            for (text, mention, _), label, key in zip(filled, (F, A), "fa"):
                rows.append({"id": f"spk-p{i:02d}-{j}-{key}", "text": text, "target": mention, "label": label,
                             "actor": speaker[0], "phenomenon": "negation_contrast"})
    for i, (template, label, phenomenon) in enumerate(CONTRAST_MORE):
        for j in range(FILLS_PER_FRAME):
            speaker, target = rng.sample(COUNTRIES, 2)
            text, mention, _ = _fill(template, speaker, target, None, rng)
            rows.append({"id": f"spk-x{i:02d}-{j}", "text": text, "target": mention, "label": label,
                         "actor": speaker[0], "phenomenon": phenomenon})
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    named, inferred = build()
    args.out.mkdir(parents=True, exist_ok=True)
    for name, rows in (("train.jsonl", named), ("train_inferred.jsonl", inferred),
                       ("train_neutral.jsonl", build_neutral_more()),
                       ("train_inferred_more.jsonl", build_inferred_more()),
                       ("train_contrast.jsonl", build_contrast_more())):
        with open(args.out / name, "w", encoding="utf-8") as handle:
            handle.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
        print(f"{args.out / name}: {len(rows)} rows")


if __name__ == "__main__":
    main()

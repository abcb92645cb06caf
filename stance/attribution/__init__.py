"""Article -> Statement: who said what, found with spaCy's parse plus regex quote spans.

Three kinds of statement are extracted:

* ``direct``: quoted speech tied to a cue ('"...," he said', 'X said: "..."', quotes that run
  over several sentences or paragraphs);
* ``indirect``: reported speech ('X said (that) ...', 'X acknowledged talks with ...'),
  possibly mixing in partial quotes;
* ``designation``: 'X called Y "Z"', 'X described Y as Z', 'X referred to Y as Z', 'what X
  called "Z"' (its own statement, cut out of the sentence's reported speech), and
  'X said Y was "Z"' when Y is a watchlist entity and "Z" is wholly the speaker's quoted label.

Speakers are resolved to watchlist entities (``actor``) only on strong evidence: a listed
speaker valid on the article's date, an entity alias joined to an official role noun
("Iran's foreign ministry", "Kremlin spokesman"), a bare alias used as a metonym ("Tehran
said"), or a pronoun/surname that refers back to one of those. A "he"/"she" refers to the
most recent person before it who was named or spoke, unnamed speakers ("one resident", "a
volunteer") included, but never to a name inside reported content or a quote. Everyone else
keeps their name with ``actor=""``: a wrong actor is worse than none.

The package's files follow the steps: ``parsing`` (spaCy pipeline), ``lexicon`` (cue words),
``text`` (quote and sentence spans), ``syntax`` and ``cues`` (speech cues with source and content
in the parse; ``broad`` for PolNeAR's wider profile), ``speakers`` (names, roles, pronouns and
nominal coreference -> actor), ``find`` (attributions with resolved speakers), ``targets``
(which entities a statement is about), ``background`` (recaps of earlier events) and ``extract`` (Article -> Statement).
"""
from .extract import EXTRACTOR_VERSION, extract_statements, iter_statements
from .find import PROFILES, find_attributions
from .lexicon import PRONOUNS, ROLE_NOUNS
from .parsing import POS_COMPONENT, UNUSED_COMPONENTS, load_extraction_nlp, prepare_nlp
from .targets import article_mentions, link_targets
from .text import Attribution, quote_spans

__all__ = [
    "EXTRACTOR_VERSION", "PROFILES", "PRONOUNS", "ROLE_NOUNS", "POS_COMPONENT", "UNUSED_COMPONENTS",
    "Attribution", "article_mentions", "extract_statements", "find_attributions", "iter_statements",
    "link_targets", "load_extraction_nlp", "prepare_nlp", "quote_spans",
]

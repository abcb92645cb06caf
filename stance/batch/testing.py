"""Stand-ins for tests of the batch machinery (importable by Dask workers, unlike test modules)."""
from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from typing import Any

from stance.records import Article


class KeywordScorer:
    """A deterministic, model-free scorer: one row per sentence that contains "said".

    ``fail_on``: article ids whose scoring raises, to test that bad articles are isolated.
    ``slow_on``: article ids whose scoring takes ``slow_s`` seconds, to test the time limit.
    ``calls``/``articles`` count use in this process.
    """

    def __init__(self, *, version: str = "keyword-1", fail_on: Sequence[str] = (), slow_on: Sequence[str] = (),
                 slow_s: float = 30.0):
        self.version = version
        self.fail_on = frozenset(fail_on)
        self.slow_on = frozenset(slow_on)
        self.slow_s = slow_s
        self.calls = 0
        self.articles = 0

    def score(self, articles: Sequence[Article]) -> tuple[list[list[dict[str, Any]]], dict[str, float]]:
        self.calls += 1
        self.articles += len(articles)
        out = []
        for article in articles:
            if article.id in self.fail_on:
                raise RuntimeError(f"cannot score {article.id}")
            if article.id in self.slow_on:
                time.sleep(self.slow_s)
            rows, offset = [], 0
            for sentence in article.text.split(". "):
                start = article.text.find(sentence, offset)
                offset = start + len(sentence)
                if " said" not in sentence:
                    continue
                h = int(hashlib.sha256(sentence.encode("utf-8")).hexdigest()[:8], 16)
                score = round((h % 2001) / 1000 - 1.0, 4)
                rows.append({
                    "article_id": article.id, "date": article.date.isoformat() if article.date else "",
                    "source": article.source, "speaker": "someone", "actor": "Iran", "target": "Syrian opposition",
                    "kind": "indirect", "cue": "said", "text": sentence, "start": start, "end": offset,
                    "stance": "against" if score < -0.33 else "favor" if score > 0.33 else "neutral",
                    "score": score, "confidence": 0.5, "url": article.url, "title": article.title,
                    "mention": "rebels", "inferred": False, "context": sentence,
                })
            out.append(rows)
        return out, {"spacy": 0.0, "classifier": 0.0}


class CountingClassifier:
    """Wraps a classifier and counts ``predict`` calls and texts scored."""

    def __init__(self, inner: Any):
        self.inner = inner
        self.calls = 0
        self.texts = 0

    @property
    def version(self) -> str:
        return self.inner.version

    @property
    def speaker_input(self) -> bool:
        return bool(getattr(self.inner, "speaker_input", False))

    def predict(self, targets, texts, **kwargs):
        self.calls += 1
        self.texts += len(texts)
        return self.inner.predict(targets, texts, **kwargs)


def real_pipeline_missing() -> str | None:
    """Why the spaCy + shipped-model pipeline cannot run here, or None when it can."""
    try:
        import stance.attribution  # noqa: F401
    except Exception as exc:  # noqa: BLE001 - a module mid-edit must skip these tests, not break collection
        return f"stance.attribution is not importable ({type(exc).__name__}: {exc})"
    from stance.classifier import ModelNotFoundError, check_model_dir, default_model_dir

    try:
        check_model_dir(default_model_dir())
    except ModelNotFoundError as exc:
        return str(exc)
    return None

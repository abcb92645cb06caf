"""The shipped model's own record (models/stance-minilm/config.json), for tests about the repository's files."""

import json
from pathlib import Path

# the model we ship, not $STANCE_MODEL: these tests are about the repository's own files
SHIPPED_CONFIG = Path(__file__).resolve().parents[1] / "models" / "stance-minilm" / "config.json"


def lineage(meta: dict | None = None) -> list[dict]:
    """The shipped model's record, then that of each model it was continued from (``init_model``), oldest last."""
    meta = json.loads(SHIPPED_CONFIG.read_text()) if meta is None else meta
    chain = [meta]
    while "init_model" in chain[-1]:
        chain.append(chain[-1]["init_model"])
    return chain


def base_record() -> dict:
    """The record of the run the shipped model started from: the recipe that `stance train` and
    scripts/train_model.py reproduce by default."""
    return lineage()[-1]

"""Evaluations: attribution (PolNeAR spans, diplomatic gold set) and stance (NewsMTSC, VAST, dev)."""

import os
from pathlib import Path


def shared_data_dir() -> Path:
    """``$STANCE_SHARED_DATA`` or ``<repo>/../shared/data``: the public datasets, never copied into the repo."""
    env = os.environ.get("STANCE_SHARED_DATA")
    return Path(env) if env else (Path(__file__).resolve().parents[2] / ".." / "shared" / "data").resolve()

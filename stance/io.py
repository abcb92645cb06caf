"""Atomic file writes: a reader, or a run resumed after a crash, sees the old content or the new, never half.

The data goes to a temporary file in the same folder, is fsynced, and replaces the target with
``os.replace``; the folder is then fsynced so the rename itself survives a power cut.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

TEMP_GLOB = ".*.tmp-*"  # what temp_path names look like, to clean up after a killed run


def temp_path(path: Path) -> Path:
    """A hidden temporary beside ``path`` (same folder, so ``os.replace`` onto ``path`` is atomic)."""
    path = Path(path)
    return path.with_name(f".{path.name}.tmp-{os.getpid()}")


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that ``path`` holds either the old or the new content."""
    path = Path(path)
    tmp = temp_path(path)
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_json(path: Path, obj: Any, *, indent: int = 1) -> None:
    atomic_write_bytes(path, json.dumps(obj, indent=indent, sort_keys=True, default=str).encode("utf-8"))


def fsync_dir(folder: Path) -> None:
    # The rename is only durable once the folder entry is on disk.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

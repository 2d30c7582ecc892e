"""File writing that never leaves a half-written file and never silently overwrites a user's work."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from advisor.errors import InvalidInput, Location, RefusedOverwrite


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path`` and rename it into place."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def write_new_file(path: Path, text: str, *, force: bool = False) -> None:
    """Atomically write a file the user will own; refuse to replace an existing one without force."""
    path = Path(path)
    if path.exists() and not force:
        raise RefusedOverwrite(
            "already exists; refusing to overwrite", location=Location(str(path)),
            hint="pass --force to replace it",
        )
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, text)


def inside(base: Path, candidate: Path) -> Path:
    """Resolve ``candidate`` under ``base`` and refuse paths that escape it."""
    base_r = base.resolve()
    target = (base_r / candidate).resolve()
    if target != base_r and base_r not in target.parents:
        raise InvalidInput(f"path {str(candidate)!r} escapes the output folder {str(base)!r}")
    return target

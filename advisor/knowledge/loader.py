"""Load the knowledge YAML into a validated KnowledgeBase, with a compiled cache for fast start-up.

Parsing a dozen YAML files with positions costs far more than the 0.3 s budget of a cold
``mqadvise advise``; the validated result is cached keyed by a digest of the files' bytes, so a changed
file (or a new release) is simply a cache miss. The decision knowledge is cached as a pickle of the
validated models: loading it re-validates nothing and builds no pydantic validator (the models defer
their build), which JSON validation would. The cache lives in the user's own cache folder and is written
only by this module; anything unreadable in it is a cache miss. The study bank stays JSON (validated on
load; it is read only by `study`).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from advisor.errors import KnowledgeError, Location

SCHEMA_VERSION = "4"  # bump whenever what the cache holds changes meaning
SINGLE_FILES = ("relations.yaml", "endpoints.yaml", "patterns.yaml", "questions.yaml", "tie-breaks.yaml",
                "workarounds.yaml", "pricing.yaml", "regions.yaml")
# Files no decision rests on: they do not change kb.digest, which ADRs cite.
NOT_DECISIONS = ("study/", "pricing.yaml")


@dataclass(frozen=True)
class SourceFile:
    rel: str          # path relative to the knowledge root, e.g. services/sqs.yaml
    text: str


def _root(root: Any | None):
    if root is not None:
        return Path(root)
    from advisor.resources import knowledge_root

    return knowledge_root()


def read_sources(root: Any | None = None) -> list[SourceFile]:
    base = _root(root)
    out: list[SourceFile] = []
    services = base / "services"
    names = sorted(p.name for p in services.iterdir() if p.name.endswith(".yaml"))
    for name in names:
        out.append(SourceFile(f"services/{name}", (services / name).read_text(encoding="utf-8")))
    for name in SINGLE_FILES:
        p = base / name
        if p.is_file():
            out.append(SourceFile(name, p.read_text(encoding="utf-8")))
    for extra_dir in ("study",):
        d = base / extra_dir
        if d.is_dir():
            for name in sorted(p.name for p in d.iterdir() if p.name.endswith(".yaml")):
                out.append(SourceFile(f"{extra_dir}/{name}", (d / name).read_text(encoding="utf-8")))
    return out


def digest_of(sources: list[SourceFile]) -> str:
    h = hashlib.sha256(SCHEMA_VERSION.encode())
    for src in sources:
        h.update(src.rel.encode())
        h.update(b"\0")
        h.update(src.text.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()[:20]


def _cache_dir() -> Path | None:
    if os.environ.get("MQADVISE_NO_CACHE"):
        return None
    explicit = os.environ.get("MQADVISE_CACHE_DIR")
    if explicit:
        return Path(explicit)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("mqadvise", appauthor=False))


_MEMO: dict[str, Any] = {}


def load_knowledge(root: Any | None = None, *, study: bool = False):
    """The knowledge base, from the compiled cache when the files are unchanged.

    The study bank (knowledge/study/) is validated with everything else but cached in a file of its
    own and loaded only with ``study=True``, so that `advise` never parses it; otherwise ``kb.study``
    is empty.
    """

    sources = read_sources(root)
    digest = digest_of(sources)
    key = f"{digest}+study" if study else digest
    if key in _MEMO:
        return _MEMO[key]
    cache = _cache_dir()
    cache_file = cache / f"knowledge-{digest}.pickle" if cache else None
    study_file = cache / f"study-{digest}.json" if cache else None
    if cache_file is not None and cache_file.is_file() and (not study or study_file.is_file()):
        try:
            kb = _MEMO.get(digest) or _unpickle(cache_file.read_bytes())
            _MEMO[digest] = kb
            if study:
                kb = kb.model_copy(update={"study": _study_adapter().validate_json(study_file.read_bytes())})
                _MEMO[key] = kb
            return kb
        except Exception:  # a corrupt or foreign cache file is only a cache miss
            pass
    findings, kb = compile_sources(sources)
    errors = [f for f in findings if f.severity == "error"]
    if errors or kb is None:
        lines = "\n".join(str(f) for f in errors[:20])
        raise KnowledgeError(f"the knowledge base is invalid ({len(errors)} problems):\n{lines}")
    # kb.digest fingerprints what decisions rest on (ADRs cite it), so the study bank does not change it.
    decision_digest = digest_of([s for s in sources if not s.rel.startswith(NOT_DECISIONS)])
    full = kb.model_copy(update={"digest": decision_digest})
    lean = full.model_copy(update={"study": []})
    if cache_file is not None:
        _write_cache(study_file, _study_adapter().dump_json(full.study, by_alias=True))
        _write_cache(cache_file, _pickle(lean))
    _MEMO[digest] = lean
    _MEMO[f"{digest}+study"] = full
    return full if study else lean


_PICKLE_MAGIC = b"mqadvise-knowledge\0" + SCHEMA_VERSION.encode() + b"\0"


def _pickle(kb) -> bytes:
    import pickle

    return _PICKLE_MAGIC + pickle.dumps(kb, protocol=pickle.HIGHEST_PROTOCOL)


def _unpickle(data: bytes):
    import pickle

    from advisor.knowledge.base import KnowledgeBase

    if not data.startswith(_PICKLE_MAGIC):
        raise ValueError("not a knowledge cache of this version")
    kb = pickle.loads(data[len(_PICKLE_MAGIC):])
    if not isinstance(kb, KnowledgeBase):
        raise ValueError("not a knowledge cache")
    return kb


def _study_adapter():
    from pydantic import TypeAdapter

    from advisor.knowledge.schema import StudyItem

    return TypeAdapter(list[StudyItem])


def _write_cache(path: Path, data: bytes) -> None:
    try:
        from advisor.fsutil import atomic_write_bytes

        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, data)
    except OSError:
        pass  # a read-only home only costs speed


@dataclass(frozen=True)
class Finding:
    location: Location
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        return f"{self.location}: {self.severity}: {self.message}"


def compile_sources(sources: list[SourceFile]):
    """Parse, validate and cross-check the knowledge files. Returns (findings, KnowledgeBase|None)."""
    from advisor.knowledge.checks import compile_and_check

    return compile_and_check(sources)

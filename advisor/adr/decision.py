"""The decision key: a fingerprint of *what* was decided (the requirements and the chosen design), written
into every record mqadvise writes so that the same decision is not recorded twice.

It leaves out what does not change the decision: the date, the title, the people, the status and the
knowledge's digest (a knowledge update that keeps the recommendation keeps the decision).
"""

from __future__ import annotations

import hashlib
import json
import re

MARKER = "mqadvise-decision"
_MARKER_RE = re.compile(r"<!-- mqadvise-decision: ([0-9a-f]{16}) -->")


def compute(result) -> str:
    """The key of an engine Result: requirements (as data) plus the recommended designs and services."""
    req = result.requirements
    data = req.model_dump(mode="json") if hasattr(req, "model_dump") else str(req)
    chosen = [result.recommendation, *getattr(result, "supplements", [])]
    payload = {"requirements": data,
               "designs": [ev.pattern_id for ev in chosen],
               "services": sorted(o.id for o in result.recommended_services())}
    raw = json.dumps(payload, sort_keys=True, ensure_ascii=True, default=str)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]


def comment(key: str) -> str:
    return f"<!-- {MARKER}: {key} -->"


def decision_key(text: str) -> str | None:
    """The key written in a record's text, or None (a record mqadvise did not write)."""
    if MARKER not in text:
        return None
    m = _MARKER_RE.search(text)
    return m.group(1) if m else None

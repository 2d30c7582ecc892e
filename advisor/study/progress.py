"""Study progress: answers and FSRS spaced-repetition cards, kept in the user's data folder.

The file is JSON with a format name and a version, written atomically. Reading keeps every field it
does not know (at the top, per item and per card), so a file written by a newer mqadvise survives a
round trip through an older one, and item ids are the bank's stable ids.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

from advisor.errors import InvalidInput, UsageError

FORMAT = "mqadvise-study-progress"
VERSION = 1
FILE_NAME = "study-progress.json"
LOG_KEEP = 50


def data_dir() -> Path:
    explicit = os.environ.get("MQADVISE_DATA_DIR")
    if explicit:
        return Path(explicit)
    from platformdirs import user_data_dir

    return Path(user_data_dir("mqadvise", appauthor=False))


def default_path() -> Path:
    return data_dir() / FILE_NAME


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _iso(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).isoformat()


def _migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Bring an older file up to VERSION (version 1 is the first; later versions add steps here)."""
    data.setdefault("items", {})
    data.setdefault("sessions", [])
    return data


class Progress:
    def __init__(self, path: Path, data: dict[str, Any], *, read_only: bool = False):
        self.path = Path(path)
        self.data = data
        self.read_only = read_only

    # ----- file --------------------------------------------------------------------------
    @classmethod
    def load(cls, path: Path | None = None) -> Progress:
        path = Path(path) if path is not None else default_path()
        if not path.exists():
            return cls(path, {"format": FORMAT, "version": VERSION, "created": _iso(_now()),
                              "items": {}, "sessions": []})
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InvalidInput(f"cannot read study progress {path}: {exc}",
                               hint="fix or move the file, or start over with `mqadvise study stats --reset`") from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise InvalidInput(f"{path} is not an mqadvise study progress file")
        version = data.get("version")
        if not isinstance(version, int) or version < 1:
            raise InvalidInput(f"{path}: unknown progress version {version!r}")
        if not isinstance(data.get("items", {}), dict) or not isinstance(data.get("sessions", []), list):
            raise InvalidInput(f"{path}: 'items' must be an object and 'sessions' a list")
        return cls(path, _migrate(data), read_only=version > VERSION)

    def save(self) -> None:
        if self.read_only:
            raise UsageError(f"{self.path} was written by a newer mqadvise (progress version "
                             f"{self.data.get('version')}); not overwriting it", hint="upgrade mqadvise")
        from advisor.fsutil import atomic_write_text

        self.data["format"] = FORMAT
        self.data["version"] = max(VERSION, int(self.data.get("version", VERSION)))
        self.data["updated"] = _iso(_now())
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(self.path, json.dumps(self.data, indent=2, ensure_ascii=False, sort_keys=False) + "\n")

    def reset(self) -> bool:
        """Delete the progress file; True if there was one."""
        if self.path.exists():
            self.path.unlink()
            self.data = {"format": FORMAT, "version": VERSION, "created": _iso(_now()), "items": {},
                         "sessions": []}
            return True
        return False

    # ----- items and cards -----------------------------------------------------------------
    @property
    def items(self) -> dict[str, dict[str, Any]]:
        return self.data["items"]

    def entry(self, item_id: str) -> dict[str, Any]:
        return self.items.setdefault(item_id, {"attempts": 0, "correct": 0})

    def card(self, item_id: str):
        from fsrs import Card

        entry = self.items.get(item_id)
        raw = entry.get("card") if entry else None
        if not raw:
            return None
        known = {k: raw[k] for k in ("card_id", "state", "step", "stability", "difficulty", "due", "last_review")
                 if k in raw}
        return Card.from_dict(known)

    def review(self, item_id: str, rating: int, *, when: dt.datetime | None = None,
               correct: bool | None = None, answer: list[str] | None = None):
        """Rate one item (1 Again, 2 Hard, 3 Good, 4 Easy), schedule it with FSRS and log the answer."""
        from fsrs import Card, Rating, Scheduler

        when = when or _now()
        entry = self.entry(item_id)
        card = self.card(item_id) or Card(due=when)
        # No same-day learning steps: study sessions are days apart, so a first answer is scheduled in
        # days (Again 1, Good 2, Easy 8 with the default parameters); lapses relearn after 10 minutes.
        scheduler = Scheduler(learning_steps=(), enable_fuzzing=False)
        card, _log = scheduler.review_card(card, Rating(rating), review_datetime=when)
        old = entry.get("card") or {}
        entry["card"] = {**old, **card.to_dict()}  # unknown card fields survive
        if correct is not None:
            entry["attempts"] = int(entry.get("attempts", 0)) + 1
            entry["correct"] = int(entry.get("correct", 0)) + (1 if correct else 0)
            entry["last_correct"] = correct
            if answer is not None:
                entry["last_answer"] = answer
        entry["last_seen"] = _iso(when)
        log = entry.setdefault("log", [])
        log.append({"at": _iso(when), "rating": int(rating), **({} if correct is None else {"correct": correct})})
        del log[:-LOG_KEEP]
        return card

    def record_answer(self, item_id: str, correct: bool, answer: list[str], *, when: dt.datetime | None = None):
        from fsrs import Rating

        return self.review(item_id, int(Rating.Good if correct else Rating.Again), when=when,
                           correct=correct, answer=answer)

    def add_session(self, summary: dict[str, Any]) -> None:
        self.data["sessions"].append(summary)
        del self.data["sessions"][:-200]

    # ----- queries ------------------------------------------------------------------------
    def due_ids(self, when: dt.datetime | None = None) -> list[str]:
        when = when or _now()
        out = []
        for item_id in self.items:
            card = self.card(item_id)
            if card is not None and card.due <= when:
                out.append(item_id)
        return sorted(out, key=lambda i: self.card(i).due)

    def wrong_ids(self) -> list[str]:
        """Items whose latest answer was wrong, most recent first."""
        wrong = [(e.get("last_seen", ""), i) for i, e in self.items.items() if e.get("last_correct") is False]
        return [i for _t, i in sorted(wrong, reverse=True)]

    def stats(self, items: list, when: dt.datetime | None = None) -> dict[str, Any]:
        """Accuracy and due counts per service (and overall) over the given bank."""
        when = when or _now()
        per: dict[str, dict[str, Any]] = {}
        total = {"items": 0, "seen": 0, "attempts": 0, "correct": 0, "due": 0}
        for item in items:
            entry = self.items.get(item.id, {})
            card = self.card(item.id) if entry else None
            row_due = 1 if card is not None and card.due <= when else 0
            for target in [per.setdefault(s, {"items": 0, "seen": 0, "attempts": 0, "correct": 0, "due": 0,
                                                 "next_due": None}) for s in item.services] + [total]:
                target["items"] += 1
                target["seen"] += 1 if entry.get("attempts") or card is not None else 0
                target["attempts"] += int(entry.get("attempts", 0))
                target["correct"] += int(entry.get("correct", 0))
                target["due"] += row_due
                if card is not None and "next_due" in target and card.due > when:
                    nd = target["next_due"]
                    target["next_due"] = min(nd, card.due) if nd else card.due
        for row in list(per.values()) + [total]:
            row["accuracy"] = round(100 * row["correct"] / row["attempts"], 1) if row["attempts"] else None
            if row.get("next_due") is not None:
                row["next_due"] = _iso(row["next_due"])
        return {"services": dict(sorted(per.items())), "total": total, "as_of": _iso(when)}

"""Study progress: answers and FSRS spaced-repetition cards, kept in the user's data folder.

The file is JSON with a format name and a version, written atomically. Reading keeps every field it
does not know (at the top, per item and per card), so a file written by a newer mqadvise survives a
round trip through an older one, and item ids are the bank's stable ids.

A file is validated before it is used, with the same discipline as a requirements file (pydantic, every
problem with its key): a file that parses but holds the wrong things (an item that is not an object, a bad
``due`` or ``state``, strings or NaN in ``attempts``, huge numbers, a key given twice) is an input error, never
a traceback, and is never replaced behind the user's back. ``reset`` works on any file: it moves it aside.
Saving writes through a symbolic link to the file it names and leaves a read-only file alone.
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


MAX_BYTES = 64 << 20            # a progress file of 20,000 items with full logs is about 30 MB
MAX_COUNT = 10**9                # attempts and totals: more than anyone answers in a lifetime


def _models():
    """The pydantic models of the file, built on first use (pydantic is not imported for `--help`)."""
    global _MODELS
    if _MODELS is not None:
        return _MODELS
    from typing import Annotated, Literal

    from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

    def aware(text: str) -> str:      # parsed the way the FSRS library will parse it, with a time zone
        try:
            when = dt.datetime.fromisoformat(text)
        except ValueError:
            raise ValueError("expected an ISO 8601 date and time, e.g. 2026-11-20T09:00:00+00:00") from None
        if when.tzinfo is None:
            raise ValueError("expected a time zone (e.g. +00:00)")
        return text

    Count = Annotated[int, Field(strict=True, ge=0, le=MAX_COUNT)]
    Finite = Annotated[float, Field(allow_inf_nan=False, ge=0, le=1e9)]
    AwareDatetime = Annotated[str, Field(strict=True, max_length=64), AfterValidator(aware)]

    class Open(BaseModel):          # unknown fields are kept (a newer mqadvise may have written them)
        model_config = ConfigDict(extra="allow")

    class CardModel(Open):
        card_id: Annotated[int, Field(strict=True, ge=0, lt=2**63)] | None = None
        state: Literal[1, 2, 3] = 1          # FSRS Learning, Review, Relearning
        step: Annotated[int, Field(strict=True, ge=0, le=1000)] | None = None
        stability: Annotated[float, Field(allow_inf_nan=False, gt=0, le=1e12)] | None = None
        difficulty: Annotated[float, Field(allow_inf_nan=False, ge=1, le=10)] | None = None
        due: AwareDatetime
        last_review: AwareDatetime | None = None

        @model_validator(mode="after")
        def _schedulable(self):          # what FSRS asserts before it schedules a card in each state
            need = {1: (), 2: ("stability", "difficulty"), 3: ("step", "stability", "difficulty")}
            missing = [name for name in need[self.state] if getattr(self, name) is None]
            if missing:
                raise ValueError(f"a card in state {self.state} needs {' and '.join(missing)}")
            return self

    class LogEntry(Open):
        at: AwareDatetime
        rating: Literal[1, 2, 3, 4]
        correct: Annotated[bool, Field(strict=True)] | None = None

    class ItemModel(Open):
        attempts: Count = 0
        correct: Count = 0
        last_correct: Annotated[bool, Field(strict=True)] | None = None
        last_answer: list[Annotated[str, Field(strict=True, max_length=8)]] | None = None
        last_seen: AwareDatetime | None = None
        card: CardModel | None = None
        log: list[LogEntry] = []

    class SessionModel(Open):
        mode: Annotated[str, Field(strict=True, max_length=100)] | None = None
        at: Annotated[str, Field(strict=True, max_length=100)] | None = None
        total: Count | None = None
        correct: Count | None = None
        minutes: Finite | None = None

    class FileModel(Open):
        format: Literal["mqadvise-study-progress"]
        version: Annotated[int, Field(strict=True, ge=1, le=10**6)]
        created: Annotated[str, Field(strict=True, max_length=100)] | None = None
        updated: Annotated[str, Field(strict=True, max_length=100)] | None = None
        items: dict[str, ItemModel] = {}
        sessions: list[SessionModel] = []

    _MODELS = FileModel
    return _MODELS


_MODELS = None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _finite(text: str) -> float:
    import math

    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text[:20]} is too large for a number")
    return value


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"the key {key!r} is given twice (the second would silently replace the first)")
        out[key] = value
    return out


def _where(loc: tuple) -> str:
    return ".".join(str(part) for part in loc) or "(top level)"


def parse(text: str, path: Path) -> dict[str, Any]:
    """The file's data, validated; ``InvalidInput`` naming every problem with its key otherwise."""
    hint = ("fix the file, or start over with `mqadvise study stats --reset --yes` "
            "(the old file is kept beside it as .bak)")
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant,
                          parse_float=_finite)
    except RecursionError:
        raise InvalidInput(f"cannot read study progress {path}: nested too deeply", hint=hint) from None
    except ValueError as exc:      # JSONDecodeError, duplicate keys, NaN/Infinity, integers with >4300 digits
        raise InvalidInput(f"cannot read study progress {path}: {exc}", hint=hint) from None
    if "\\u" in text:                 # an escaped lone surrogate ("\\ud800") cannot be written back as UTF-8
        try:
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError as exc:
            raise InvalidInput(f"cannot read study progress {path}: a string holds a lone UTF-16 surrogate "
                               f"({exc.object[exc.start:exc.end]!a})", hint=hint) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InvalidInput(f"{path} is not an mqadvise study progress file", hint=hint)
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise InvalidInput(f"{path}: unknown progress version {version!r}", hint=hint)
    if not isinstance(data.get("items", {}), dict) or not isinstance(data.get("sessions", []), list):
        raise InvalidInput(f"{path}: 'items' must be an object and 'sessions' a list", hint=hint)
    from pydantic import ValidationError

    try:
        _models().model_validate(data)
    except ValidationError as exc:
        problems = [f"{_where(e['loc'])}: {e['msg']} (got {str(e.get('input'))[:40]!r})" for e in exc.errors()]
        more = f" (and {len(problems) - 20} more)" if len(problems) > 20 else ""
        raise InvalidInput(f"{path} is not valid study progress:\n  " + "\n  ".join(problems[:20]) + more,
                           hint=hint) from None
    except RecursionError:
        raise InvalidInput(f"cannot read study progress {path}: nested too deeply", hint=hint) from None
    return data


def _fresh() -> dict[str, Any]:
    return {"format": FORMAT, "version": VERSION, "created": _iso(_now()), "items": {}, "sessions": []}


def _target(path: Path) -> Path:
    """The file a write to ``path`` changes: through a symbolic link to the file it names (the link stays)."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def _read_only(path: Path) -> bool:
    """An existing file without write permission (root may write anything: the mode bits say what was meant)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not (mode & 0o222) or not os.access(path, os.W_OK)


def reset_file(path: Path | None = None) -> Path | None:
    """Start over: move the file aside (whatever it holds) and write an empty one; the backup's path or None."""
    path = Path(path) if path is not None else default_path()
    target = _target(path)
    if not target.exists():
        return None
    if _read_only(target):
        raise UsageError(f"{target} is read-only; not resetting it", hint=f"chmod u+w {target} first")
    stamp = _now().strftime("%Y%m%dT%H%M%S")
    backup = target.with_name(f"{target.name}.{stamp}.bak")
    n = 1
    while backup.exists():
        n += 1
        backup = target.with_name(f"{target.name}.{stamp}-{n}.bak")
    os.replace(target, backup)
    Progress(path, _fresh()).save()
    return backup


def _schedule(scheduler, card, rating, when: dt.datetime):
    """The card FSRS schedules next, or None when this card's values are outside what FSRS can work with (a
    hand-edited file: a learning card with a stability but no review, say); the caller then starts it afresh."""
    import math

    try:
        new, _log = scheduler.review_card(card, rating, review_datetime=when)
    except (AssertionError, ArithmeticError, ValueError, TypeError):
        return None
    if not all(v is None or math.isfinite(v) for v in (new.stability, new.difficulty)):
        return None
    return new


class Progress:
    def __init__(self, path: Path, data: dict[str, Any], *, read_only: bool = False):
        self.path = Path(path)
        self.data = data
        self.read_only = read_only

    # ----- file --------------------------------------------------------------------------
    @classmethod
    def load(cls, path: Path | None = None) -> Progress:
        path = Path(path) if path is not None else default_path()
        if not path.exists():            # (a link to a file not made yet: the first save creates it there)
            return cls(path, _fresh())
        try:
            if path.stat().st_size > MAX_BYTES:
                raise InvalidInput(f"study progress {path} is larger than {MAX_BYTES >> 20} MiB",
                                   hint="move it aside, or start over with `mqadvise study stats --reset --yes`")
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInput(f"cannot read study progress {path}: {exc}",
                               hint="fix or move the file, or start over with `mqadvise study stats --reset`") from None
        data = parse(text, path)
        return cls(path, _migrate(data), read_only=data["version"] > VERSION)

    def check_writable(self) -> None:
        """Raise ``UsageError`` (or ``ReadOnlyFile``) now when ``save`` would refuse (before a session asks any question)."""
        if self.read_only:
            raise UsageError(f"{self.path} was written by a newer mqadvise (progress version "
                             f"{self.data.get('version')}); not overwriting it", hint="upgrade mqadvise")
        target = _target(self.path)
        if _read_only(target):
            from advisor.errors import Location
            from advisor.fsutil import ReadOnlyFile

            raise ReadOnlyFile("your study progress is read-only; not changing it", location=Location(str(target)),
                               hint=f"chmod u+w {target}, or pass --no-record")

    def save(self) -> None:
        self.check_writable()
        from advisor.fsutil import atomic_write_text

        self.data["format"] = FORMAT
        self.data["version"] = max(VERSION, int(self.data.get("version", VERSION)))
        self.data["updated"] = _iso(_now())
        target = _target(self.path)
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(target, json.dumps(self.data, indent=2, ensure_ascii=False, allow_nan=False) + "\n")

    def reset(self) -> bool:
        """Move the progress file aside and start over; True if there was one."""
        backup = reset_file(self.path)
        self.data = _fresh()
        self.backup = backup
        return backup is not None

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
        from fsrs import State

        when = dt.datetime.fromisoformat   # the file was validated: these are ISO times with a zone
        return Card(card_id=raw.get("card_id"), state=State(raw.get("state", 1)), step=raw.get("step"),
                    stability=raw.get("stability"), difficulty=raw.get("difficulty"), due=when(raw["due"]),
                    last_review=when(raw["last_review"]) if raw.get("last_review") else None)

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
        card = _schedule(scheduler, card, Rating(rating), when) or _schedule(scheduler, Card(due=when),
                                                                             Rating(rating), when)
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

"""Generated study-progress files for fuzzing (tests/test_study_fuzz.py and bench/fuzz_progress.py).

``progress_text(rnd)`` makes one file from a ``random.Random``: mostly well-formed files with one or a few
fields turned into something hostile (wrong types, NaN, huge or negative numbers, bad dates, deep nesting,
duplicate keys, junk bytes), so the fuzzer spends its time near the validator's edges, not on plain garbage.
``exercise(path)`` is the property: loading gives a ``Progress`` or an ``InvalidInput``, and whatever loads
can be used (due items, review, stats, answering, saving, loading again) without an exception.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

T0 = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
ITEM_IDS = ["sqs-delay-15-minutes", "kds-hot-shard", "gen:limit:sqs:retention.max", "card:fact:sqs.x", "", "é"]
NASTY: list[Any] = [None, True, False, 0, -1, 1, 2, 3, 4, 5, 7, 2**63, 10**30, -10**30, 1.5, -0.0, 1e308, "",
                    "3", "abc", "NaN", "2026-11-20T00:00:00+00:00", "2026-11-20T00:00:00", "2026-13-45T00:00:00Z",
                    "9999-12-31T23:59:59+00:00", "0001-01-01T00:00:00+00:00", [], {}, [1, 2], {"a": 1}, ["A"],
                    "\ud800", "x" * 10_000]
RAW = ["NaN", "Infinity", "-Infinity", "9" * 5000, "1e999", "[" * 3000 + "]" * 3000]


def _date(rnd: random.Random) -> str:
    return (T0 + dt.timedelta(days=rnd.randint(-400, 400), seconds=rnd.randint(0, 86399))).isoformat()


def good_card(rnd: random.Random) -> dict[str, Any]:
    state = rnd.choice([1, 2, 3])
    stability, difficulty = rnd.uniform(0.1, 400), rnd.uniform(1, 10)
    if state == 1 and rnd.random() < 0.5:
        stability = difficulty = None                     # a card never reviewed
    return {"card_id": rnd.randint(0, 2**40), "state": state, "step": None if state == 2 else rnd.choice([0, 1]),
            "stability": stability, "difficulty": difficulty, "due": _date(rnd),
            "last_review": rnd.choice([None, _date(rnd)])}


def good_item(rnd: random.Random) -> dict[str, Any]:
    attempts = rnd.randint(0, 50)
    item: dict[str, Any] = {"attempts": attempts, "correct": rnd.randint(0, attempts)}
    if rnd.random() < 0.8:
        item["card"] = good_card(rnd)
    if rnd.random() < 0.7:
        item.update(last_correct=rnd.choice([True, False]), last_answer=rnd.choice([["A"], ["A", "C"]]),
                    last_seen=_date(rnd))
    if rnd.random() < 0.5:
        item["log"] = [{"at": _date(rnd), "rating": rnd.randint(1, 4), "correct": rnd.choice([True, False])}
                       for _ in range(rnd.randint(0, 5))]
    if rnd.random() < 0.2:
        item["future_field"] = {"kept": [1, 2, 3]}
    return item


def good_file(rnd: random.Random) -> dict[str, Any]:
    return {"format": "mqadvise-study-progress", "version": rnd.choice([1, 1, 1, 2]), "created": _date(rnd),
            "items": {rnd.choice(ITEM_IDS) + str(i): good_item(rnd) for i in range(rnd.randint(0, 8))},
            "sessions": [{"mode": "practice", "at": _date(rnd), "total": 3, "correct": rnd.randint(0, 3)}
                         for _ in range(rnd.randint(0, 3))]}


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if len(prefix) > 12:             # not into a deeply nested value an earlier mutation put there
        return out
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, prefix + (i,))
    return out


def _set(node: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    node[path[0]] = _set(node[path[0]], path[1:], value)
    return node


def _deep(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


def progress_text(rnd: random.Random) -> str:
    """One generated progress file (text)."""
    data = good_file(rnd)
    for _ in range(rnd.choice([0, 0, 1, 1, 2, 3])):
        path = rnd.choice(_paths(data))
        value = rnd.choice(NASTY + [_deep(rnd.randint(1, 200)), good_card(rnd), good_item(rnd)])
        if path and rnd.random() < 0.25:                  # or leave a field out
            parent = data
            for part in path[:-1]:
                parent = parent[part]
            del parent[path[-1]]
        else:
            data = _set(data, path, copy.deepcopy(value))
    text = json.dumps(data, ensure_ascii=rnd.random() < 0.5, allow_nan=True)
    roll = rnd.random()
    if roll < 0.08:                                    # a raw token JSON libraries disagree about
        token = rnd.choice(RAW)
        text = text.replace('"attempts": 0', f'"attempts": {token}', 1) if '"attempts": 0' in text else \
            text[:-1] + f', "x": {token}}}'
    elif roll < 0.14 and text.startswith("{") and len(text) > 2:   # a key given twice
        key = rnd.choice(['"items"', '"sessions"', '"version"', '"format"'])
        text = text[:-1] + f", {key}: {rnd.choice(['{}', '[]', '1', 'null'])}}}"
    elif roll < 0.18:                                  # truncated or with junk
        text = text[: rnd.randint(0, len(text))] + rnd.choice(["", "\x00", "\ufeff", "}", "\\"])
    return text


def exercise(path: Path, bank: list) -> str:
    """Load ``path`` and use what loads; returns "invalid", "loaded" or "read-only". Anything else raises."""
    from advisor.errors import InvalidInput, UsageError
    from advisor.study.progress import Progress

    try:
        p = Progress.load(path)
    except InvalidInput:
        return "invalid"
    p.due_ids(T0)
    p.wrong_ids()
    p.stats(bank, when=T0)
    for item_id in list(p.items)[:3] + ["sqs-delay-15-minutes"]:
        p.card(item_id)
        p.record_answer(item_id, True, ["A"], when=T0)
    try:
        p.save()
    except UsageError:               # a newer version's file is read, never written
        return "read-only"
    again = Progress.load(path)
    again.stats(bank, when=T0)
    return "loaded"

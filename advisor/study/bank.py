"""The question bank: authored items (knowledge/study/) plus items generated from the facts.

Options are shown in a fixed order per item (a shuffle seeded by the item id), so the letters a person
or a script answers with are stable from run to run while the authored files stay readable.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from advisor.errors import InvalidInput, NotFound

LETTERS = "ABCDEF"


def _present(item):
    """The item with its options in the stable, id-seeded presentation order."""
    order = sorted(range(len(item.options)),
                   key=lambda i: hashlib.sha256(f"{item.id}\0{i}".encode()).digest())
    return item.model_copy(update={"options": [item.options[i] for i in order]})


def reshuffled(item, key: str):
    """The item with its options in another order, fixed by ``key`` (e.g. seed and attempt number).

    Review asks items that were answered wrongly: the same letters again would test the memory of a letter,
    not of the answer. The order is never the usual presentation order, and the same key gives the same order.
    """
    import random

    n = len(item.options)
    order = list(range(n))
    random.Random(f"{key}\0{item.id}").shuffle(order)
    if order == list(range(n)) and n > 1:
        order = order[1:] + order[:1]
    return item.model_copy(update={"options": [item.options[i] for i in order]})


def load_bank(root: Any | None = None, *, generated: bool = True, kb=None) -> list:
    """Every study item, authored first and then generated, in presentation order."""
    from advisor.knowledge.loader import load_knowledge

    kb = kb if kb is not None and kb.study else load_knowledge(root, study=True)
    items = [_present(i) for i in kb.study]
    if generated:
        from advisor.study.generate import generate_items

        items += [_present(i) for i in generate_items(kb)]
    return items


def select(items: list, *, service: str | None = None, topic: str | None = None, domain: str | None = None,
           origin: str | None = None, ids: list[str] | None = None) -> list:
    """Filter the bank; ``ids`` keeps exactly those items in that order (unknown ids are an error)."""
    if ids:
        by_id = {i.id: i for i in items}
        missing = [i for i in ids if i not in by_id]
        if missing:
            raise NotFound(f"no study item {missing[0]!r}", hint="`mqadvise study list` shows the ids")
        return [by_id[i] for i in ids]
    out = items
    if service:
        from advisor.knowledge.vocabulary import SERVICE_IDS

        if service not in SERVICE_IDS:
            raise InvalidInput(f"unknown service {service!r}; expected one of {', '.join(SERVICE_IDS)}")
        out = [i for i in out if service in i.services]
    if topic:
        out = [i for i in out if i.topic == topic or topic in i.questions]
    if domain:
        out = [i for i in out if i.domain == domain]
    if origin:
        out = [i for i in out if i.origin == origin]
    return out


def parse_answer(text: str, item) -> list[str]:
    """'b', 'A C', 'a+c', 'AC' -> sorted letters; checks the count against the item's "choose"."""
    raw = "".join(ch for ch in str(text).upper() if not ch.isspace() and ch not in "+,;/&")
    letters = sorted(set(raw))
    valid = LETTERS[: len(item.options)]
    bad = [ch for ch in letters if ch not in valid]
    if bad or not letters:
        raise InvalidInput(f"answer {text!r} for {item.id}: choose from {', '.join(valid)}")
    if len(letters) != item.choose or len(raw) != len(letters):
        want = "one letter" if item.choose == 1 else "two different letters (e.g. AC)"
        raise InvalidInput(f"answer {text!r} for {item.id}: {want}")
    return letters


def is_correct(item, letters: list[str]) -> bool:
    return sorted(letters) == item.correct_letters


def item_json(item, *, reveal: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": item.id, "origin": item.origin, "services": item.services, "topic": item.topic,
        "domain": item.domain, "questions": item.questions, "choose": item.choose, "stem": item.stem.strip(),
        "options": [{"letter": LETTERS[i], "text": o.text} for i, o in enumerate(item.options)],
        "sources": item.sources, "facts": item.facts, "as_of": str(item.as_of),
    }
    if reveal:
        data["answer"] = item.correct_letters
        for i, o in enumerate(item.options):
            data["options"][i].update(correct=o.correct, why=o.why.strip())
        if item.explanation:
            data["explanation"] = item.explanation.strip()
    return data


def read_answers_json(text: str) -> list[tuple[str | None, str]]:
    """Answers from JSON: {"answers": {"id": "B"}} | {"id": "B"} | [{"id": .., "answer": ..}] | ["B", "AC"]."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"answers on standard input are not JSON: {exc.msg} (line {exc.lineno})") from None
    if isinstance(data, dict) and "answers" in data:
        data = data["answers"]
    out: list[tuple[str | None, str]] = []
    if isinstance(data, dict):
        for k, v in data.items():
            out.append((str(k), _answer_text(v)))
    elif isinstance(data, list):
        for entry in data:
            if isinstance(entry, dict):
                if "id" not in entry or "answer" not in entry:
                    raise InvalidInput("each answer object needs 'id' and 'answer'")
                out.append((str(entry["id"]), _answer_text(entry["answer"])))
            else:
                out.append((None, _answer_text(entry)))
    else:
        raise InvalidInput("answers JSON must be an object or a list")
    return out


def _answer_text(value: Any) -> str:
    if isinstance(value, list):
        return "".join(str(v) for v in value)
    return str(value)

"""The interview as a state machine over knowledge/questions.yaml, independent of any terminal.

Every question can be skipped ("not sure"): a skipped answer is simply absent from the requirements,
which the engine reads as "no constraint".
"""

from __future__ import annotations

import re
from typing import Any, get_args, get_origin

from advisor.errors import InvalidInput
from advisor.knowledge.schema import Question

SKIP_WORDS = ("", "-", "?skip", "skip", "not sure", "n/a", "dont know", "don't know")
TRUE_WORDS = ("y", "yes", "true", "1", "on")
FALSE_WORDS = ("n", "no", "false", "0", "off")


def list_keys() -> set[str]:
    """Requirements keys whose value is a list (answers split on commas)."""
    from pydantic import BaseModel

    from advisor.requirements import Requirements

    out: set[str] = set()

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, field in model.model_fields.items():
            key = prefix + (field.alias or name)
            ann = field.annotation
            args = [a for a in get_args(ann) if a is not type(None)] or [ann]
            for a in args:
                if get_origin(a) is list:
                    out.add(key)
                if isinstance(a, type) and issubclass(a, BaseModel):
                    walk(a, key + ".")
    walk(Requirements, "")
    return out


class Interview:
    def __init__(self, questions: list[Question]):
        self.questions = list(questions)
        self.answers: dict[str, Any] = {}
        self.asked: set[str] = set()
        self._lists = list_keys()

    # ---- flow --------------------------------------------------------------------------------
    def applies(self, q: Question) -> bool:
        return q.when is None or self._condition(q.when)

    def next_question(self) -> Question | None:
        for q in self.questions:
            if q.id not in self.asked and self.applies(q):
                return q
        return None

    def _condition(self, text: str) -> bool:
        m = re.fullmatch(r"\s*(\S+)\s*(==|!=|contains)\s*(\S+)\s*", text)
        if not m:
            value = self.answers.get(text.strip())
            return bool(value)
        key, op, want = m.groups()
        have = self.answers.get(key)
        if op == "contains":
            return isinstance(have, list) and want in [str(v) for v in have]
        if op == "==":
            return have is not None and str(have).lower() == want.lower()
        return have is None or str(have).lower() != want.lower()

    # ---- answers -----------------------------------------------------------------------------
    def skip(self, q: Question) -> None:
        self.asked.add(q.id)
        self.answers.pop(q.key, None)

    def answer(self, q: Question, raw: str) -> Any:
        """Parse and store an answer; raise InvalidInput with what is expected when it cannot be read."""
        text = raw.strip()
        if text.lower() in SKIP_WORDS:
            self.skip(q)
            return None
        value = self.parse(q, text)
        self.asked.add(q.id)
        self.answers[q.key] = value
        return value

    def parse(self, q: Question, text: str) -> Any:
        if q.kind == "choice":
            return self._choice(q, text)
        if q.kind == "multi":
            return [self._choice(q, part.strip()) for part in text.split(",") if part.strip()]
        if q.kind == "bool":
            low = text.lower()
            if low in TRUE_WORDS:
                return True
            if low in FALSE_WORDS:
                return False
            raise InvalidInput("expected yes or no")
        if q.kind == "number":
            try:
                number = float(text.replace(",", "").replace("_", ""))
            except ValueError:
                raise InvalidInput(f"expected a number{f' in {q.unit}' if q.unit else ''}") from None
            if number < 0:
                raise InvalidInput("expected a number of zero or more")
            return int(number) if number.is_integer() else number
        if q.key in self._lists:
            return [part.strip().lower() for part in text.split(",") if part.strip()]
        if q.key == "name":
            from advisor.requirements import NAME_RE

            if not NAME_RE.match(text):
                raise InvalidInput("use lowercase a-z, 0-9 and '-', at most 48 characters")
        return text

    def _choice(self, q: Question, text: str) -> Any:
        values = [c.value for c in q.choices]
        if text.isdigit() and 1 <= int(text) <= len(values):
            return values[int(text) - 1]
        for c in q.choices:
            if text.lower() in (str(c.value).lower(), c.label.lower()):
                return c.value
        import difflib

        near = difflib.get_close_matches(text.lower(), [str(v) for v in values], n=1, cutoff=0.5)
        hint = f" — did you mean {near[0]!r}?" if near else ""
        raise InvalidInput(f"expected one of {', '.join(str(v) for v in values)} (or its number){hint}")

    # ---- result ------------------------------------------------------------------------------
    def requirements_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"version": 1}
        for key, value in self.answers.items():
            if key.startswith("_") or value is None:
                continue
            node = data
            parts = key.split(".")
            for part in parts[:-1]:
                node = node.setdefault(part, {})
            node[parts[-1]] = value
        if "name" not in data:
            title = str(data.get("title") or "decision")
            slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:48].strip("-")
            data["name"] = slug or "decision"
        return data

    def requirements(self):
        from advisor.requirements import parse_requirements

        return parse_requirements(self.requirements_data(), name="<interview>")

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
BACK_WORDS = ("<", "back")

# Units people type, as (kind, factor to the kind's base unit): bytes, seconds, or events per second.
_UNITS: dict[str, tuple[str, float]] = {
    "b": ("size", 1), "byte": ("size", 1), "bytes": ("size", 1),
    "kb": ("size", 1000), "mb": ("size", 1000**2), "gb": ("size", 1000**3),
    "kib": ("size", 1024), "mib": ("size", 1024**2), "gib": ("size", 1024**3),
    "ms": ("time", 0.001), "millisecond": ("time", 0.001), "milliseconds": ("time", 0.001),
    "s": ("time", 1), "sec": ("time", 1), "second": ("time", 1), "seconds": ("time", 1),
    "m": ("time", 60), "min": ("time", 60), "minute": ("time", 60), "minutes": ("time", 60),
    "h": ("time", 3600), "hr": ("time", 3600), "hour": ("time", 3600), "hours": ("time", 3600),
    "d": ("time", 86400), "day": ("time", 86400), "days": ("time", 86400),
    "w": ("time", 604800), "week": ("time", 604800), "weeks": ("time", 604800),
    "/s": ("rate", 1), "/sec": ("rate", 1), "/second": ("rate", 1), "per second": ("rate", 1),
    "messages/second": ("rate", 1), "msg/s": ("rate", 1),
    "/min": ("rate", 1 / 60), "/minute": ("rate", 1 / 60), "per minute": ("rate", 1 / 60),
    "/h": ("rate", 1 / 3600), "/hour": ("rate", 1 / 3600), "per hour": ("rate", 1 / 3600),
    "/day": ("rate", 1 / 86400), "per day": ("rate", 1 / 86400),
}
_NUMBER_WITH_UNIT = re.compile(r"\s*([-+]?(?:\d[\d,_]*)?\.?\d+(?:e[-+]?\d+)?)\s*([a-z/ ]*?)\s*", re.IGNORECASE)


def convert(text: str, unit: str | None) -> tuple[float, str | None]:
    """A typed number, with an optional unit ("2 KB", "1 MiB", "300ms", "72000/min"), in ``unit``.

    Returns the number and, when a unit was typed, the conversion in words ("2 KB = 1.95 KiB").
    """
    m = _NUMBER_WITH_UNIT.fullmatch(text)
    if not m:
        raise ValueError(text)
    number = float(m.group(1).replace(",", "").replace("_", ""))
    typed = " ".join(m.group(2).lower().split())
    if not typed or unit is None or typed == unit.lower():
        if typed and unit is None:
            raise ValueError(text)
        return number, None
    have, want = _UNITS.get(typed), _UNITS.get(unit.lower())
    if have is None or want is None or have[0] != want[0]:
        raise ValueError(text)
    value = number * have[1] / want[1]
    shown = " ".join(m.group(2).split())  # as typed, case kept
    space = "" if shown.startswith("/") else " "
    return value, f"{m.group(1)}{space}{shown} = {_plain(value)} {unit}"


def _plain(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.3g}" if value < 1 else f"{value:,.2f}"

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
        self.history: list[Question] = []  # the questions answered or skipped, in order, for going back
        self.note: str | None = None       # what the last answer was read as, when it was converted
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
        if " or " in text:
            return any(self._condition(part) for part in text.split(" or "))
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
        self._done(q)
        self.answers.pop(q.key, None)

    def back(self) -> Question | None:
        """Forget the last answer, so that its question is asked again next; None at the first question."""
        if not self.history:
            return None
        q = self.history.pop()
        self.asked.discard(q.id)
        self.answers.pop(q.key, None)
        return q

    def _done(self, q: Question) -> None:
        if q.id not in self.asked:
            self.history.append(q)
        self.asked.add(q.id)

    def answer(self, q: Question, raw: str) -> Any:
        """Parse and store an answer; raise InvalidInput with what is expected when it cannot be read."""
        text = raw.strip()
        self.note = None
        if text.lower() in SKIP_WORDS:
            self.skip(q)
            return None
        value = self.parse(q, text)
        self._done(q)
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
                number, self.note = convert(text, q.unit)
            except ValueError:
                kind = _UNITS.get((q.unit or "").lower(), ("",))[0]
                also = {"size": " (or with a unit: 2 KB, 1 MiB)", "time": " (or with a unit: 300ms, 2 h)",
                        "rate": " (or per minute or hour: 6000/min)"}.get(kind, "")
                raise InvalidInput(f"expected a number{f' in {q.unit}' if q.unit else ''}{also}") from None
            if number < 0:
                raise InvalidInput("expected a number of zero or more")
            if number != number or number in (float("inf"), float("-inf")):
                raise InvalidInput("expected a finite number")
            return int(number) if number.is_integer() else round(number, 6)
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

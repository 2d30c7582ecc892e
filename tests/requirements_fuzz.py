"""Generated requirements files: the bundled examples with lines, values or characters changed, and random
trees under the contract's keys (valid values, wrong types, malformed scalars, long duplicate lists).

Used by tests/test_requirements_fuzz.py (a bounded number of examples in CI) and bench/fuzz_requirements.py
(10,000 in-process and a few hundred through the CLI). :func:`problem` says what is wrong with the answer to
one input - a traceback, a hang, a refusal without a line, or JSON a strict parser rejects - or None.
"""

from __future__ import annotations

import json
import traceback
from pathlib import Path

from hypothesis import strategies as st

from tests.fuzzing import Hang, time_limit
from tests.lint_fuzz import WEIRD_SCALARS, dump, mutated_text

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SEEDS = sorted(p.read_text(encoding="utf-8") for p in EXAMPLES.glob("*.yaml"))

# the shapes that hung or crashed before the loader bounded them
DEEP = "version: 1\nname: deep\ncontext: " + "[" * 5000 + "]" * 5000 + "\n"
DEEP_BLOCK = "version: 1\nname: deep\ncontext:\n" + "".join(" " * i + "- \n" for i in range(1, 400))
TAGS = "version: 1\nname: tags\ncontext: " + "!a [" * 3000 + "x" + "]" * 3000 + "\n"
DUPLICATES = "version: 1\nname: dup\nstorage:\n  access: [" + ", ".join(["block"] * 5_000 + ["file", "tape"]) + "]\n"
ALIASES = "version: 1\nname: alias\ntitle: &t x\ncontext: [" + ", ".join(["*t"] * 5000) + "]\n"
SHAPES = {"deep flow": DEEP, "deep block": DEEP_BLOCK, "tag chain": TAGS, "duplicates": DUPLICATES,
          "aliases": ALIASES}


def _keys() -> dict[str, list[str]]:
    """Each section's keys and, where the contract lists them, the valid values of each key."""
    from advisor.requirements import allowed_values

    out: dict[str, list[str]] = {}
    for section in ("connection", "constraints", "migration", "storage", "backup"):
        for key in allowed_values((section,)):
            out[f"{section}.{key}"] = allowed_values((section, key))
    return out


KEYS = _keys()
WEIRD = st.sampled_from(WEIRD_SCALARS)
NUMBERS = st.one_of(st.integers(-10, 10**7), st.floats(allow_nan=True, allow_infinity=True),
                    st.integers(-(10**40), 10**40))


@st.composite
def _value(draw, key: str):
    options = KEYS[key]
    kind = draw(st.integers(0, 9))
    if options and kind < 5:
        one = st.sampled_from(options)
        if kind < 2:
            return draw(one)
        # lists, sometimes long and full of repeats (the storage combination blew up on those)
        return draw(st.lists(one, max_size=draw(st.sampled_from([3, 30, 300]))))
    if kind < 7:
        return draw(st.one_of(NUMBERS, st.booleans(), st.none(), st.text(max_size=10)))
    return _Raw(draw(WEIRD))


class _Raw(str):
    """A scalar written into the YAML text as it is (``0x_``, ``!!bool maybe``), not quoted."""


@st.composite
def requirement_trees(draw) -> str:
    tree: dict = {"version": draw(st.sampled_from([1, 1, 1, 2, "1"])),
                  "name": draw(st.one_of(st.just("fuzz"), st.text(max_size=12)))}
    for key in draw(st.lists(st.sampled_from(sorted(KEYS)), max_size=8, unique=True)):
        section, field = key.split(".")
        tree.setdefault(section, {})[field] = draw(_value(key))
    if draw(st.integers(0, 9)) == 0:
        tree[draw(st.sampled_from(["title", "context", "connection", "extra"]))] = draw(WEIRD)
    raws: dict[str, str] = {}

    def mark(node):
        if isinstance(node, _Raw):
            token = f"RAW{len(raws)}X"
            raws[token] = str(node)
            return token
        if isinstance(node, dict):
            return {k: mark(v) for k, v in node.items()}
        if isinstance(node, list):
            return [mark(v) for v in node]
        return node

    text = dump(mark(tree))
    for token, raw in raws.items():
        text = text.replace(token, raw if "\n" not in raw else json.dumps(raw))
    return text


SURFACES = {
    "requirements text": st.sampled_from(SEEDS).flatmap(mutated_text),
    "requirements tree": requirement_trees(),
}


def problem(text: str, kb, seconds: int = 10) -> tuple[str, str] | None:
    """("traceback" | "hang" | "no line" | "bad json", details) for a wrong answer, else None."""
    from advisor import api, report
    from advisor.errors import InvalidInput
    from advisor.requirements import parse_requirements
    from advisor.yamlio import load_text, to_plain

    try:
        with time_limit(seconds):
            doc = load_text(text, "fuzz.yaml")
            req = parse_requirements(to_plain(doc.data), doc, doc.name)
            data = report.as_json(api.advise(req, kb))
    except Hang as exc:
        return "hang", str(exc)
    except InvalidInput as exc:
        if exc.location is None or exc.location.line is None:
            return "no line", exc.render()
        return None
    except Exception:  # the point of the fuzzer: anything else is a bug
        return "traceback", traceback.format_exc(limit=8)
    try:
        json.dumps(data, allow_nan=False)
    except ValueError as exc:  # Infinity or NaN, which strict JSON parsers reject
        return "bad json", str(exc)
    return None

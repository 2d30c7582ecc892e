"""Generated requirements files never end in a traceback, a hang or non-strict JSON, and every refusal names a
line (a bounded number of examples here; bench/fuzz_requirements.py runs 10,000 and a few hundred through
the CLI). The input shapes that crashed or hung before the loader bounded them are checked one by one."""

from __future__ import annotations

import pytest

from advisor.errors import InvalidInput
from advisor.requirements import parse_requirements
from advisor.yamlio import MAX_DEPTH, load_text, to_plain
from tests.fuzzing import assert_no_problem
from tests.requirements_fuzz import SHAPES, SURFACES, problem


@pytest.mark.parametrize("surface", sorted(SURFACES))
def test_generated_requirements_are_advised_or_refused_with_a_line(kb, surface):
    assert_no_problem(SURFACES[surface], problem, kb)


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_the_shapes_that_hung_or_crashed_are_answered(kb, shape):
    assert problem(SHAPES[shape], kb) is None


def refusal(text: str) -> InvalidInput:
    with pytest.raises(InvalidInput) as info:
        doc = load_text(text, "r.yaml")
        parse_requirements(to_plain(doc.data), doc, doc.name)
    return info.value


@pytest.mark.parametrize("text, line, words", [
    ("version: 1\nname: x\ncontext: " + "[" * 5000, 3, f"more than {MAX_DEPTH} levels"),
    ("version: 1\nname: x\ncontext:\n" + "".join(" " * i + "- \n" for i in range(1, 200)), 103, "levels deep"),
    ("version: 1\nname: x\ntitle: &a t\ncontext: [" + "*a, " * 1001 + "]", 4, "aliases"),
    ("version: 1\nname: x\ntitle: 0x_\n", 3, "cannot read '0x_' as int"),
    ("version: 1\nname: x\ntitle: 0b_\n", 3, "as int"),
    ("version: 1\nname: x\ntitle: ._\n", 3, "as float"),
    ("version: 1\nname: x\n\ntitle: 2026-13-45\n", 4, "month must be in 1..12"),
    ("version: 1\nname: x\ntitle: 2026-02-30T00:00:00\n", 3, "day is out of range"),
    ("version: 1\nname: x\ntitle: !!bool maybe\n", 3, "as bool"),
    ("version: 1\nname: x\ntitle: !!int abc\n", 3, "as int"),
    ("version: 1\nname: x\ntitle: " + "9" * 5000 + "\n", 3, "as int"),
    ("%YAML 1.1\n---\nversion: 1\nname: x\ntitle: -_\n", 5, "as int"),
    ('version: 1\nname: x\ntitle: "a\\ud800b"\n', 3, "surrogate"),
    ("version: 1\nname: x\ntitle: a\x0cb\n", 3, "U+000C"),
    ("version: 1\nname: x\nconstraints:\n  peak_per_second: .inf\n", 4, "finite"),
    ("version: 1\nname: x\nconstraints:\n  message_kib: .nan\n", 4, "finite"),
    ("version: 1\nname: d\n? [a, b]: !Ref {a: b}\n? [a, b]: 1\n", 3, "a list or mapping as a key"),
])
def test_malformed_scalars_and_bombs_are_refused_at_their_line(text, line, words):
    err = refusal(text)
    assert err.location.line == line, err.render()
    assert words in err.message


def test_repeated_list_entries_count_once():
    """storage.access: [block x 5,000] multiplied the storage designs; it is one answer."""
    from tests.requirements_fuzz import DUPLICATES

    doc = load_text(DUPLICATES, "r.yaml")
    req = parse_requirements(to_plain(doc.data), doc, doc.name)
    assert req.storage.access == ["block", "file", "tape"]
    req = parse_requirements({"version": 1, "name": "x", "constraints": {"consumers": ["lambda", "http", "lambda"]}})
    assert req.constraints.consumers == ["lambda", "http"]


def test_a_long_run_of_unclosed_brackets_is_refused_before_the_parser_sees_it():
    """ruamel's scanner spends time quadratic in unclosed '[': the character check stops at the bound."""
    import advisor.yamlio as yamlio

    calls = []
    real = yamlio._yaml
    try:
        yamlio._yaml = lambda: calls.append(1) or real()
        with pytest.raises(InvalidInput, match="levels deep"):
            load_text("a: " + "[" * 500_000, "r.yaml")
    finally:
        yamlio._yaml = real
    assert calls == []


def test_a_requirements_file_over_the_size_bound_is_refused(tmp_path):
    from advisor.requirements import MAX_BYTES, load_requirements

    path = tmp_path / "big.yaml"
    path.write_text("version: 1\nname: x\ncontext: " + "x" * MAX_BYTES + "\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="limit"):
        load_requirements(str(path))


def test_the_fuzzer_sees_tracebacks_and_infinite_json(kb, monkeypatch):
    from advisor import report

    monkeypatch.setattr(report, "as_json", lambda result: {"x": float("inf")})
    assert problem("version: 1\nname: x\n", kb)[0] == "bad json"
    monkeypatch.setattr(report, "as_json", lambda result: {}["missing"])
    assert problem("version: 1\nname: x\n", kb)[0] == "traceback"

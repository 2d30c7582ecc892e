"""The bounds every YAML reader applies before it builds anything (advisor/yamlbounds.py): nesting and aliases,
answered from the characters when they cannot be crossed and otherwise from the first parser that reads the
text."""

from __future__ import annotations

import pytest

from advisor.resources import knowledge_root
from advisor.yamlbounds import event_parsers, shape_problem

RUAMEL = event_parsers()[-1]           # the parser of the pure-Python loaders


def no_parse(text):
    raise AssertionError("the characters alone should have answered")


@pytest.mark.parametrize("path", sorted(knowledge_root().rglob("*.yaml")), ids=lambda p: p.name)
def test_the_knowledge_files_are_answered_from_their_characters(path):
    """The knowledge is read on every run: its files must not pay for a second parse."""
    assert shape_problem(path.read_text(encoding="utf-8"), [no_parse]) is None


def test_a_parser_that_fails_hands_over_to_the_next():
    def refuses(text):
        raise ValueError("not for me")

    text = "a: &x 1\nb: [" + ", ".join(["*x"] * 1001) + "]\n"
    problem = shape_problem(text, [refuses, RUAMEL])
    assert (problem.message, problem.line) == ("more than 1000 YAML aliases; refusing to expand", 2)
    assert shape_problem(text, [refuses]) is None                  # nobody reads it: the real load reports it


def test_flow_nesting_inside_block_nesting_counts_both():
    """60 block levels holding 60 flow levels is 120 deep: neither count alone crosses 100."""
    text = "".join(" " * (2 * i) + f"k{i}:\n" for i in range(60)) + " " * 120 + "[" * 60 + "]" * 60 + "\n"
    problem = shape_problem(text, event_parsers())
    assert problem.message == "nested more than 100 levels deep; refusing to load" and problem.line == 61

"""The bounds every YAML reader applies before it builds anything (advisor/yamlbounds.py): nesting, aliases and
the nodes a text writes, answered from the characters when they cannot be crossed and otherwise from the
first parser that reads the text."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.errors import InvalidInput
from advisor.resources import knowledge_root
from advisor.yamlbounds import MAX_WRITTEN_NODES, _node_bound, event_parsers, shape_problem
from tests.requirements_fuzz import SURFACES

RUAMEL = event_parsers()[-1]           # the parser of the pure-Python loaders this bound protects
NODE_EVENTS = ("ScalarEvent", "AliasEvent", "MappingStartEvent", "SequenceStartEvent")


def many_keys(count: int) -> str:
    return "version: 1\n" + "".join(f"k{i}: {i}\n" for i in range(count))


def no_parse(text):
    raise AssertionError("the characters alone should have answered")


def written_nodes(text: str) -> int | None:
    from ruamel.yaml.error import YAMLError

    try:
        return sum(type(ev).__name__ in NODE_EVENTS for ev in RUAMEL(text))
    except YAMLError:
        return None


def test_a_file_of_100000_keys_is_refused_at_the_node_over_the_bound_without_being_loaded(monkeypatch):
    import advisor.yamlio as yamlio

    monkeypatch.setattr(yamlio, "_yaml", no_parse)                  # ruamel's loader never starts
    with pytest.raises(InvalidInput) as info:
        yamlio.load_text(many_keys(100_000), "big.yaml")
    err = info.value
    assert err.message == f"more than {MAX_WRITTEN_NODES} YAML nodes (keys, values and items); refusing to load"
    # nodes: the mapping, `version`, 1, then two a line: the 25,001st is the value on line 12,500
    assert (err.location.file, err.location.line, err.location.column) == ("big.yaml", 12_500, 9)


def test_the_bound_is_where_a_file_stops_being_read():
    under = MAX_WRITTEN_NODES // 2 - 2              # the mapping and two nodes a key: 24,999 nodes, then 25,001
    assert shape_problem(many_keys(under), event_parsers()) is None
    assert "YAML nodes" in shape_problem(many_keys(under + 1), event_parsers()).message


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


@pytest.mark.parametrize("text", ["a", "", "{a, b}", "? a\n? b\n", "[a, {b, c}]", "- - - a\n", "a:\nb:\n",
                                  "[? a, b: ]", "[a: , b]", "[? ]", "{? , ? }", '{"a":1,"b":[2,3]}', "!t &a x",
                                  "|\n  a\n  b\n"])
def test_the_node_bound_is_never_below_the_nodes_written(text):
    nodes = written_nodes(text)
    assert nodes is not None and _node_bound(text) >= nodes


SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=8))
TREES = st.recursive(SCALARS, lambda kids: st.lists(kids, max_size=6)
                     | st.dictionaries(st.text(max_size=6), kids, max_size=6), max_leaves=60)


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.builds(lambda tree, flow: yaml.safe_dump(tree, default_flow_style=flow), TREES,
                           st.sampled_from([True, False, None])),
                 *SURFACES.values()))
def test_the_node_bound_holds_on_generated_yaml(text):
    nodes = written_nodes(text)
    if nodes is not None:
        assert _node_bound(text) >= nodes, text

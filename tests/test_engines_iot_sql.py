"""The IoT rule SQL subset: parser, evaluator, topic matching and ${} substitution templates."""

from __future__ import annotations

import json
import re

import pytest

from advisor.errors import InvalidInput
from advisor.sim.engines.iot_sql import (
    UNDEFINED,
    Binary,
    Call,
    Literal,
    Path,
    RuleSqlError,
    parse,
    substitute,
    topic_matches,
)

DOC = {"temp": 31, "humidity": 40.5, "device": {"id": "d1", "fw": {"major": 2}}, "status": "ON",
       "tags": ["a", "b"], "ok": True, "none": None, "name": "O'Hara"}
RAW = json.dumps(DOC).encode()


def run(sql: str, payload=RAW, topic: str = "sensors/d1/temp"):
    return parse(sql).evaluate(payload, topic, client_id="c1", now_ms=1700000000000)


# ----- parsing -----------------------------------------------------------------------------------------------
def test_parse_structure():
    q = parse("SELECT a, b AS c, d.e FROM 'topic/+/filter' WHERE temp > 30")
    assert q.topic_filter == "topic/+/filter"
    assert [i.alias for i in q.select] == [None, "c", None]
    assert q.select[2].expr == Path(("d", "e"))
    assert q.where == Binary(">", Path(("temp",)), Literal(30))


def test_keywords_case_insensitive_fields_case_sensitive():
    assert run("select Temp from 'sensors/#' where TEMP > 1") is None        # fields Temp/TEMP are undefined
    assert run("SeLeCt temp FrOm 'sensors/#' WhErE temp > 1") == {"temp": 31}


def test_precedence_and_binds_tighter_than_or():
    q = parse("SELECT * FROM 't' WHERE a = 1 OR b = 2 AND c = 3")
    assert q.where.op == "or" and q.where.right.op == "and"


def test_not_binds_tighter_than_and():
    q = parse("SELECT * FROM 't' WHERE NOT a = 1 AND b = 2")
    assert q.where.op == "and" and q.where.left.op == "not"


def test_arithmetic_precedence():
    q = parse("SELECT 1 + 2 * 3 AS x FROM 't'")
    assert q.select[0].expr == Binary("+", Literal(1), Binary("*", Literal(2), Literal(3)))


def test_negative_number_literal():
    assert parse("SELECT * FROM 't' WHERE t > -5").where.right == Literal(-5)


def test_function_call_parsed():
    assert parse("SELECT topic(2) FROM 'a/b'").select[0].expr == Call("topic", (Literal(2),))


def test_alias_without_as():
    assert run("SELECT temp t FROM 'sensors/#'") == {"t": 31}


def test_backtick_identifier():
    assert run("SELECT `temp` AS t FROM 'sensors/#'") == {"t": 31}


@pytest.mark.parametrize("sql, fragment", [
    ("", "empty"),
    ("SELECT FROM 't'", "expected an expression"),
    ("SELECT a 't'", "expected FROM"),
    ("SELECT a FROM t", "quoted topic filter"),
    ("SELECT a FROM 't' WHERE", "expected an expression"),
    ("SELECT a FROM 't' WHERE (a = 1", "expected ')'"),
    ("SELECT a FROM 't' WHERE a = 1)", "unexpected token"),
    ("SELECT a FROM 't' WHERE a = = 1", "expected an expression"),
    ("SELECT a FROM 't' WHERE 1 < a < 3", "cannot be chained"),
    ("SELECT a FROM 't' WHERE a ~ 1", "unexpected character"),
    ("SELECT nosuch(a) FROM 't'", "unsupported function"),
    ("SELECT topic(1, 2) FROM 't'", "argument"),
    ("SELECT a. FROM 't'", "field name"),
    ("SELECT a[x] FROM 't'", "array index"),
    ("SELECT a AS FROM 't'", "alias"),
    ("SELECT a FROM 'a/#/b'", "'#' must be"),
    ("SELECT a FROM 'a/b+'", "'+' must be"),
    ("SELECT a FROM ''", "empty"),
    ("SELECT a FROM 'x' extra", "unexpected token"),
    ("SELECT 'unterminated FROM 'x'", "unexpected"),
])
def test_parse_errors_name_the_problem(sql, fragment):
    with pytest.raises(RuleSqlError, match=re.escape(fragment)):
        parse(sql)


def test_parse_error_is_an_invalid_input_with_position():
    with pytest.raises(InvalidInput) as exc:
        parse("SELECT a FROM 't' WHERE a = = 1")
    assert "position 29" in str(exc.value)


# ----- SELECT ------------------------------------------------------------------------------------------------
def test_select_star_is_whole_document():
    assert run("SELECT * FROM 'sensors/+/temp'") == DOC


def test_select_fields_aliases_nested():
    assert run("SELECT temp, humidity AS h, device.id, device.fw.major AS fw FROM 'sensors/#'") == {
        "temp": 31, "h": 40.5, "id": "d1", "fw": 2}


def test_select_star_plus_extra_fields():
    out = run("SELECT *, topic(2) AS device_name FROM 'sensors/#'")
    assert out == {**DOC, "device_name": "d1"}


def test_missing_field_is_left_out():
    assert run("SELECT temp, nosuch, device.nosuch.deeper FROM 'sensors/#'") == {"temp": 31}


def test_array_index():
    assert run("SELECT tags[1] AS second, tags[5] AS nothing FROM 'sensors/#'") == {"second": "b"}


def test_literals_and_arithmetic():
    assert run("SELECT temp * 1.8 + 32 AS f, 7 % 4 AS m, 9 / 3 AS d, 1 / 2 AS half, 'x' AS s, true AS b, "
               "null AS n FROM 'sensors/#'") == {"f": pytest.approx(87.8), "m": 3, "d": 3, "half": 0.5,
                                                   "s": "x", "b": True, "n": None}


def test_arithmetic_with_wrong_types_or_zero_is_undefined():
    assert run("SELECT status + 1 AS a, temp / 0 AS b, -status AS c FROM 'sensors/#'") == {}


def test_default_names_for_expressions():
    assert run("SELECT temp + 1, upper(status) FROM 'sensors/#'") == {"_1": 32, "upper": "ON"}


def test_functions():
    out = run("SELECT topic() AS t, topic(1) AS t1, topic(9) AS t9, clientid() AS c, timestamp() AS ts, "
              "lower(status) AS lo, abs(-3) AS a, newuuid() AS u FROM 'sensors/#'")
    assert out["t"] == "sensors/d1/temp" and out["t1"] == "sensors" and "t9" not in out
    assert out["c"] == "c1" and out["ts"] == 1700000000000 and out["lo"] == "on" and out["a"] == 3
    assert len(out["u"]) == 36


def test_string_escapes():
    assert run("SELECT name FROM 'sensors/#' WHERE name = 'O''Hara'") == {"name": "O'Hara"}
    assert run('SELECT name FROM \'sensors/#\' WHERE name = "O\'Hara"') == {"name": "O'Hara"}


def test_select_star_of_non_json_payload_passes_raw_bytes():
    assert run("SELECT * FROM 'sensors/#'", payload=b"\x00\x01binary") == b"\x00\x01binary"
    assert run("SELECT temp FROM 'sensors/#'", payload=b"not json") == {}
    assert run("SELECT * FROM 'sensors/#' WHERE temp > 1", payload=b"not json") is None


def test_dict_payload_accepted():
    assert parse("SELECT a FROM 't'").evaluate({"a": 1}, "t") == {"a": 1}


# ----- WHERE -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("where, passes", [
    ("temp > 30", True),
    ("temp > 31", False),
    ("temp >= 31", True),
    ("temp < 31.5", True),
    ("temp <= 30", False),
    ("temp = 31", True),
    ("temp = 31.0", True),
    ("temp <> 31", False),
    ("temp != 30", True),
    ("status = 'ON'", True),
    ("status = 'on'", False),
    ("status > 'OA'", True),
    ("device.id = 'd1'", True),
    ("device.fw.major = 2", True),
    ("ok = true", True),
    ("ok", True),
    ("NOT ok", False),
    ("temp > 30 AND humidity < 50", True),
    ("temp > 30 AND humidity > 50", False),
    ("temp > 40 OR humidity < 50", True),
    ("temp > 40 OR humidity > 50", False),
    ("NOT (temp > 40 OR humidity > 50)", True),
    ("(temp > 30 OR status = 'OFF') AND device.id = 'd1'", True),
    ("temp > 30 AND (status = 'OFF' OR device.id = 'd2')", False),
    ("temp * 2 > 60", True),
    ("-temp < -30", True),
    ("topic(2) = 'd1'", True),
    ("none = null", True),
    # Undefined: missing fields, type mismatches
    ("nosuch > 1", False),
    ("NOT nosuch > 1", False),
    ("nosuch = 1 OR temp > 30", True),         # Undefined OR true is true
    ("nosuch = 1 AND temp > 30", False),
    ("nosuch = 1 AND temp > 40", False),       # Undefined AND false is false
    ("status > 1", False),                     # string vs number: Undefined
    ("status = 1", False),
    ("NOT status = 1", False),                 # NOT Undefined is Undefined
    ("tags > 1", False),
    ("ok > false", False),                     # booleans have no order
    ("temp", False),                           # a number is not true
])
def test_where(where, passes):
    assert (run(f"SELECT temp FROM 'sensors/#' WHERE {where}") is not None) is passes


def test_where_does_not_run_when_topic_does_not_match():
    assert run("SELECT * FROM 'other/#' WHERE temp > 1") is None


# ----- topic filters -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("flt, topic, ok", [
    ("a/b", "a/b", True),
    ("a/b", "a/b/c", False),
    ("a/+/c", "a/b/c", True),
    ("a/+/c", "a/b/x/c", False),
    ("a/+", "a/", True),               # an empty level is a level
    ("a/+", "a", False),
    ("+/+", "a/b", True),
    ("a/#", "a", True),                # # matches the parent too
    ("a/#", "a/b/c/d", True),
    ("a/#", "ab/c", False),
    ("#", "anything/at/all", True),
    ("#", "$aws/things/x", False),     # wildcards do not match $ topics at the first level
    ("+/x", "$SYS/x", False),
    ("$aws/things/+/shadow", "$aws/things/t1/shadow", True),
    ("A/b", "a/b", False),             # case-sensitive
])
def test_topic_matches(flt, topic, ok):
    assert topic_matches(flt, topic) is ok


# ----- ${} substitution --------------------------------------------------------------------------------------
def test_substitution_templates():
    assert substitute("${topic(2)}/${device.id}/${temp}", RAW, "sensors/d1/temp") == "d1/d1/31"
    assert substitute("${nosuch}-${ok}", RAW, "t") == "-true"
    assert substitute("${timestamp()}", RAW, "t", now_ms=5) == "5"
    assert substitute("${device.fw}", RAW, "t") == '{"major":2}'
    assert substitute("plain", RAW, "t") == "plain"


def test_undefined_singleton_is_falsy():
    assert not UNDEFINED and repr(UNDEFINED) == "Undefined"

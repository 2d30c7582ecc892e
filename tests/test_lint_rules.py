"""Every lint rule's pass/fail cases (tests/lint_cases/MQA###.yaml), run by one parametrized test.

A case file has ``pass:`` and ``fail:`` lists. Each case has a ``name``, the file text under ``file:``
(an architecture file or a CloudFormation/SAM template) and, for fail cases, ``expect:`` - the exact
list of ``{code, line}`` the rule must report. Only the case file's rule runs (plus ``select:`` if given).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

CASES = Path(__file__).parent / "lint_cases"


def _cases():
    for path in sorted(CASES.glob("MQA*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for kind in ("pass", "fail"):
            for case in data.get(kind) or []:
                yield pytest.param(path.stem, kind, case, id=f"{path.stem}-{kind}-{case['name']}")


@pytest.mark.parametrize(("code", "kind", "case"), list(_cases()))
def test_rule_case(kb, code, kind, case):
    from advisor.lint import lint_text
    from advisor.lint.engine import Options

    options = Options(select=[code, *case.get("select", [])], region=case.get("region"))
    findings = lint_text(case["file"], f"{code}.yaml", options, kb)
    got = sorted((f.rule, f.line) for f in findings if f.rule == code)
    if kind == "pass":
        assert got == [], [f.message for f in findings]
    else:
        want = sorted((e["code"], e["line"]) for e in case["expect"])
        assert got == want, [f"{f.line}: {f.message}" for f in findings]
        for f in findings:
            if f.rule == code:
                assert f.file == f"{code}.yaml" and f.column and f.message


def test_every_rule_has_cases():
    from advisor.lint.rules import all_rules

    for rule in all_rules():
        path = CASES / f"{rule.code}.yaml"
        assert path.is_file(), f"{rule.code} has no case file"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert data.get("pass") and data.get("fail"), f"{rule.code} needs pass and fail cases"


def test_at_least_25_rules_with_documented_sections():
    from advisor.lint.rules import all_rules
    from advisor.lint.rules.base import HEADINGS

    rules = all_rules()
    assert len(rules) >= 25
    for r in rules:
        assert r.code.startswith("MQA") and len(r.code) == 6, r.code
        assert r.default_severity in ("error", "warning", "info")
        assert tuple(r.headings()) == HEADINGS, r.code
        assert any("aws.amazon.com" in u for u in r.references()), r.code
        assert r.summary(), r.code
    assert len({r.name for r in rules}) == len(rules)

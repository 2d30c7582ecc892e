"""Short terminal output: ids are never cut and URLs are never wrapped (explain prints them as numbered
footnotes, one per line), at the 80 columns a pipe or a small terminal gets."""

from __future__ import annotations

import re

import pytest

from advisor.knowledge.base import Option


def _urls(kb, opt: Option) -> set[str]:
    from advisor.catalog import card_json

    data = card_json(kb, opt)
    urls = {data["docs"]} | {n["source"] for k in ("limitations", "exam_traps") for n in data[k]}
    return urls | {f["source"] for o in data["options"] for f in o["facts"].values()}


@pytest.mark.parametrize("service", ["sqs:fifo", "eventbridge", "storage-gateway"])
def test_explain_prints_each_source_once_as_a_whole_footnote(cli, kb, service):
    code, out, _ = cli("explain", service)
    assert code == 0
    lines = out.splitlines()
    footnotes = {m.group(2): int(m.group(1)) for m in (re.fullmatch(r"\[(\d+)\] (\S+)", ln) for ln in lines) if m}
    assert set(footnotes) == _urls(kb, Option.parse(service))  # every URL whole, on its own line, once
    assert sorted(footnotes.values()) == list(range(1, len(footnotes) + 1))
    body = "\n".join(ln for ln in lines if not re.fullmatch(r"\[\d+\] \S+", ln))
    assert "https://" not in body  # nothing else carries a URL to be wrapped
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", body)}
    assert cited == set(footnotes.values())  # each footnote is cited, and each citation has its footnote


def test_explain_is_short_and_keeps_fact_ids_whole(cli, kb):
    code, out, _ = cli("explain", "sqs:fifo")
    facts = kb.facts_of(Option.parse("sqs:fifo"))
    assert len(out.splitlines()) < 2.5 * len(facts) + 40  # was 294 lines with each URL over five
    for name in facts:
        assert re.search(rf"│ {re.escape(name)}\s", out), name


def test_services_never_cuts_an_id(cli, kb):
    code, out, _ = cli("services")
    assert code == 0 and "…" not in out
    ids = [re.match(r"│ (\S+)", ln).group(1) for ln in out.splitlines() if re.match(r"│ \S", ln)]
    assert ids == list(kb.services)
    for svc in kb.services.values():
        for variant in svc.variants:
            assert re.search(rf"\b{re.escape(variant)}\b", out), variant


def test_advise_keeps_fact_ids_whole(cli, kb):
    from advisor import api
    from tests.helpers import ROOT

    path = ROOT / "examples" / "kafka-migration.yaml"
    result = api.advise(api.load_requirements(str(path)), kb)
    ids = {r.fact for r in result.recommendation.satisfied if r.fact}
    code, out, _ = cli("advise", "--answers", path)
    assert code == 0 and ids
    for fact in ids:
        assert fact in out, fact  # on one line, not folded

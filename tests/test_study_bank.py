"""The study bank: coverage, validation by `knowledge check`, generated items that follow the facts."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"


@pytest.fixture(scope="module")
def bank():
    from advisor.study.bank import load_bank

    return load_bank()


@pytest.fixture
def kcopy(tmp_path, monkeypatch):
    """A private copy of the knowledge folder, compiled without touching the user's cache."""
    monkeypatch.setenv("MQADVISE_NO_CACHE", "1")
    dst = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, dst)
    return dst


def test_authored_bank_covers_every_service_and_connection_question(bank):
    from advisor.knowledge.vocabulary import SERVICE_IDS

    authored = [i for i in bank if i.origin == "authored"]
    assert len(authored) >= 150
    per_service = Counter(s for i in authored for s in i.services)
    assert set(per_service) == set(SERVICE_IDS)
    assert min(per_service.values()) >= 8
    questions = Counter(q for i in authored for q in i.questions)
    assert set(questions) == {"connection-data", "connection-completion", "connection-delivery",
                              "connection-distribution"}
    assert {i.domain for i in authored} == {"secure", "resilient", "high-performing", "cost-optimized"}
    assert sum(1 for i in authored if i.choose == 2) >= 15
    for item in authored:
        assert len(item.correct_letters) == item.choose, item.id
        assert all(o.why.strip() for o in item.options), item.id
        assert item.sources and all(u.startswith("https://") for u in item.sources), item.id


def test_presentation_order_is_stable_and_not_guessable(bank):
    from advisor.study.bank import load_bank

    again = load_bank()
    assert [(i.id, [o.text for o in i.options]) for i in bank] == [(i.id, [o.text for o in i.options]) for i in again]
    letters = Counter(i.correct_letters[0] for i in bank if i.choose == 1)
    assert max(letters.values()) / sum(letters.values()) < 0.4, letters


def test_ids_and_stems_are_unique_across_authored_and_generated(bank):
    ids = [i.id for i in bank]
    assert len(ids) == len(set(ids))
    stems = [" ".join(i.stem.lower().split()) for i in bank if i.origin != "generated"]
    assert len(stems) == len(set(stems))
    # a generated question may be asked over several sets of options, never twice over the same set
    asked = [(" ".join(i.stem.lower().split()), frozenset(o.text for o in i.options)) for i in bank]
    assert len(asked) == len(set(asked))


def test_generated_stems_are_sentences_not_assembly_leftovers(bank):
    """Issue 14: "Which two of these (set 2) keep ..." - a label spliced into the sentence."""
    import re

    for item in bank:
        stem = " ".join(item.stem.split())
        assert not re.search(r"\(set \d+\)", stem), stem
        assert "  " not in item.stem.strip() and ".." not in stem and "( )" not in stem, stem


def test_generated_figure_options_are_distinct_and_none_gives_itself_away(bank):
    """Issue 14: "1 MiB / 1 MB / 1,000 KiB" are one figure three times; a per-second rate is no size."""
    from advisor import api
    from advisor.knowledge.vocabulary import SIZE_UNITS, TIME_UNITS
    from advisor.study.generate import MIN_OPTION_RATIO, _facts, _label

    kb = api.knowledge()
    rates = []           # what the generator calls a per-second figure when it cites it ("the ... of <service>")
    for opt, name, ref in _facts(kb):
        if ref.fact.scope and "per second" in ref.fact.scope:
            rates.append(f"the {_label(name)} of {kb.display_name(opt)}")
    assert rates, "the knowledge has per-second figures written as sizes (e.g. enhanced fan-out reads)"

    def base(text: str) -> float:
        number, unit = text.rsplit(" ", 1)
        unit = {"hour": "hours", "day": "days", "minute": "minutes", "second": "seconds", "year": "years",
                "byte": "bytes"}.get(unit, unit)
        scale = SIZE_UNITS.get(unit) or TIME_UNITS.get(unit) or 1
        return float(number.replace(",", "")) * scale

    limits = [i for i in bank if i.id.startswith("gen:limit:")]
    assert len(limits) >= 40
    for item in limits:
        values = sorted(base(o.text) for o in item.options)
        ratios = [b / a for a, b in zip(values, values[1:], strict=False)]
        assert min(ratios) >= MIN_OPTION_RATIO - 1e-9, (item.id, [o.text for o in item.options])
        for option in item.options:
            assert not any(rate in option.why for rate in rates), (item.id, option.why)
    firehose = next(i for i in limits if i.id == "gen:limit:data-firehose:message_size.max")
    assert "PutRecord" in firehose.stem          # the key holds for Direct PUT; MSK sources take 10 MB
    assert [o.text for o in firehose.options if o.correct] == ["1,000 KiB"]


def test_generated_items_cover_the_issue_examples(bank):
    gen = {i.id: i for i in bank if i.origin == "generated"}
    assert len(gen) >= 50
    mqtt = [i for i in gen.values() if i.id.startswith("gen:protocol:mqtt:")]
    assert {i.id for i in mqtt} == {"gen:protocol:mqtt:iot-core", "gen:protocol:mqtt:mq"}
    vis = gen["gen:limit:sqs:visibility_timeout.max"]
    right = [o for o in vis.options if o.correct]
    assert right[0].text == "12 hours" and vis.facts == ["sqs.visibility_timeout.max"]
    assert "quotas-messages" in vis.sources[0]
    order = [i for i in gen.values() if i.id.startswith("gen:property:ordering:")]
    assert order and all(i.choose == 2 for i in order)
    for i in order:
        for o in i.options:
            assert ("keeps order" in o.why) == o.correct


def _fact_block(text: str, name: str) -> tuple[int, int]:
    start = text.index(f"\n  {name}:\n")
    end = text.index("\n  ", start + len(name) + 5)
    return start, end


def test_generated_items_follow_a_changed_fact(kcopy):
    from advisor import api
    from advisor.study.generate import generate_items

    before = {i.id: i for i in generate_items(api.knowledge(kcopy))}
    sqs = kcopy / "services" / "sqs.yaml"
    text = sqs.read_text()
    i = text.index("  visibility_timeout.max:\n    value: 12\n    unit: hours")
    sqs.write_text(text[:i] + text[i:].replace("value: 12\n    unit: hours", "value: 18\n    unit: hours", 1))
    iot = kcopy / "services" / "iot-core.yaml"
    iot.write_text(iot.read_text().replace("value: [mqtt, https, websocket]", "value: [https, websocket]", 1))
    after = {i.id: i for i in generate_items(api.knowledge(kcopy))}

    def answer(items, item_id):
        return [o.text for o in items[item_id].options if o.correct]

    assert answer(before, "gen:limit:sqs:visibility_timeout.max") == ["12 hours"]
    assert answer(after, "gen:limit:sqs:visibility_timeout.max") == ["18 hours"]
    assert "gen:protocol:mqtt:iot-core" in before and "gen:protocol:mqtt:iot-core" not in after
    assert "gen:protocol:mqtt:mq" in after


def test_knowledge_check_reports_broken_items_with_file_and_line(kcopy, cli):
    bad = kcopy / "study" / "zz-broken.yaml"
    bad.write_text("""items:
  - id: broken-two-correct
    services: [sqs]
    topic: t
    domain: resilient
    stem: A deliberately broken item with two correct options.
    options:
      - {text: one, correct: true, why: w}
      - {text: two, correct: true, why: w}
      - {text: three, why: w}
    sources: [https://docs.aws.amazon.com/sqs/]
    as_of: 2026-11-23
  - id: broken-no-source
    services: [sqs]
    topic: t
    domain: resilient
    stem: An item without sources.
    options:
      - {text: one, correct: true, why: w}
      - {text: two, why: w}
      - {text: three, why: w}
    sources: []
    as_of: 2026-11-23
  - id: sqs-long-video-job-visibility
    services: [nosuch]
    topic: t
    domain: resilient
    stem: A duplicate id with an unknown service.
    options:
      - {text: one, correct: true, why: w}
      - {text: two, why: w}
      - {text: three, why: w}
    sources: [http://example.com/plain-http]
    as_of: 2026-11-23
  - id: choose-two-with-one
    services: [sqs]
    topic: t
    domain: secure
    choose: 2
    stem: A choose-two item with one correct option.
    options:
      - {text: one, correct: true, why: w}
      - {text: two, why: w}
      - {text: three, why: w}
    sources: [https://docs.aws.amazon.com/sqs/]
    facts: [sqs.no_such_fact]
    as_of: 2026-11-23
""")
    code, out, _err = cli("knowledge", "check", "--root", kcopy)
    assert code == 1
    assert "study/zz-broken.yaml:7:5: error: exactly one correct option, found 2" in out
    assert "study/zz-broken.yaml:22" in out and "at least 1 item" in out
    assert "https:// URL" in out
    assert "study/zz-broken.yaml:41:5: error: exactly two correct options (choose two), found 1" in out


def test_knowledge_check_reports_duplicates_and_dangling_references(kcopy, cli):
    (kcopy / "study" / "zz-dupes.yaml").write_text("""items:
  - id: sqs-long-video-job-visibility
    services: [nosuch]
    topic: t
    domain: resilient
    questions: [no-such-question]
    stem: >-
      Workers read video-transcoding jobs from an SQS standard queue. Most jobs finish in minutes, but a
      few 4K files take up to nine hours. Operators see the same long job being transcoded by two
      workers at once. What should the architect change?
    options:
      - {text: one, correct: true, why: w}
      - {text: two, why: w}
      - {text: three, why: w}
    sources: [https://docs.aws.amazon.com/sqs/]
    as_of: 2026-11-23
  - id: copy-of-a-stem
    services: [sqs]
    topic: t
    domain: resilient
    stem: >-
      Workers read video-transcoding jobs from an SQS standard queue. Most jobs finish in minutes, but a
      few 4K files take up to nine hours. Operators see the same long job being transcoded by two
      workers at once. What should the architect change?
    options:
      - {text: one, correct: true, why: w}
      - {text: two, why: w}
      - {text: three, why: w}
    sources: [https://docs.aws.amazon.com/sqs/]
    facts: [sqs.no_such_fact]
    as_of: 2026-11-23
""")
    code, out, _err = cli("knowledge", "check", "--root", kcopy, "--format", "json")
    assert code == 1
    import json

    messages = [(f["file"], f["line"], f["message"]) for f in json.loads(out)["findings"]]
    assert ("study/zz-dupes.yaml", 2, "duplicate study item id 'sqs-long-video-job-visibility' "
            "(first at study/queues-topics.yaml:7:5)") in messages
    assert any(f == "study/zz-dupes.yaml" and line == 21 and "same stem as sqs-long-video-job-visibility" in m
               for f, line, m in messages)


def test_knowledge_check_reports_a_cited_fact_that_does_not_exist(kcopy, cli):
    (kcopy / "study" / "zz-fact.yaml").write_text("""items:
  - id: cites-a-missing-fact
    services: [sqs]
    topic: t
    domain: resilient
    stem: An otherwise valid item citing a fact that does not exist.
    options:
      - {text: one, correct: true, why: w}
      - {text: two, why: w}
      - {text: three, why: w}
    sources: [https://docs.aws.amazon.com/sqs/]
    facts: [sqs.fifo.retention.max, sqs.no_such_fact]
    as_of: 2026-11-23
""")
    code, out, _err = cli("knowledge", "check", "--root", kcopy)
    assert code == 1
    assert out.strip().splitlines() == ["study/zz-fact.yaml:2:5: error: study item cites-a-missing-fact: "
                                        "no fact 'sqs.no_such_fact'"]


def test_knowledge_check_reports_unknown_service_and_question(kcopy, cli):
    (kcopy / "study" / "zz-refs.yaml").write_text("""items:
  - id: dangling-refs
    services: [nosuch]
    topic: t
    domain: resilient
    questions: [no-such-question]
    stem: An item pointing at things that do not exist.
    options:
      - {text: one, correct: true, why: w}
      - {text: two, why: w}
      - {text: three, why: w}
    sources: [https://docs.aws.amazon.com/sqs/]
    as_of: 2026-11-23
""")
    code, out, _err = cli("knowledge", "check", "--root", kcopy)
    assert code == 1
    assert "study/zz-refs.yaml:3" in out and "unknown service 'nosuch'" in out
    assert "study/zz-refs.yaml:6" in out and "no interview question 'no-such-question'" in out


def test_bundled_knowledge_check_is_green(cli):
    code, out, _err = cli("knowledge", "check")
    assert code == 0, out


def test_advise_path_does_not_carry_the_bank(tmp_path, monkeypatch):
    """The lean knowledge base (what advise loads) has no study items; the bank has its own cache file."""
    monkeypatch.setenv("MQADVISE_CACHE_DIR", str(tmp_path))
    from advisor.knowledge import loader

    monkeypatch.setattr(loader, "_MEMO", {})
    kb = loader.load_knowledge()
    assert kb.study == []
    names = sorted(p.name.split("-")[0] for p in tmp_path.iterdir())
    assert names == ["knowledge", "study"]
    lean = next(tmp_path.glob("knowledge-*.pickle")).read_bytes()
    assert b"sqs-long-video-job-visibility" not in lean
    monkeypatch.setattr(loader, "_MEMO", {})
    assert loader.load_knowledge().study == []  # from the cache file
    full = loader.load_knowledge(study=True)
    assert len(full.study) >= 150


def test_answer_parsing(bank):
    from advisor.errors import InvalidInput
    from advisor.study.bank import is_correct, parse_answer

    single = next(i for i in bank if i.choose == 1)
    double = next(i for i in bank if i.choose == 2)
    assert parse_answer(" b ", single) == ["B"]
    assert parse_answer("c+a", double) == ["A", "C"]
    assert parse_answer("AC", double) == ["A", "C"]
    for bad, item in (("AB", single), ("A", double), ("AA", double), ("Z", single), ("", single)):
        with pytest.raises(InvalidInput):
            parse_answer(bad, item)
    assert is_correct(double, double.correct_letters)
    assert not is_correct(single, [x for x in "ABCD" if x not in single.correct_letters][:1])

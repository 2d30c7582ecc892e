"""The interview: the state machine (advisor.interview.Interview) and the real thing in a pseudo-terminal."""

from __future__ import annotations

import pytest

from advisor.errors import InvalidInput
from advisor.interview import Interview


def _walk(kb, answers: dict[str, str]) -> tuple[Interview, list[str]]:
    """Run the interview answering by question id; every other question is skipped (Enter)."""
    iv = Interview(kb.questions)
    asked = []
    while (q := iv.next_question()) is not None:
        asked.append(q.id)
        iv.answer(q, answers.get(q.id, ""))
        assert len(asked) <= len(kb.questions), "the interview does not end"
    return iv, asked


def _question(kb, qid):
    return next(q for q in kb.questions if q.id == qid)


CONNECTION = ["connection-data", "connection-completion", "connection-delivery", "connection-distribution"]
STORAGE = ["storage-access", "storage-primary", "storage-low-latency-local"]


def test_scope_comes_first_then_identity(kb):
    _, asked = _walk(kb, {})
    assert asked == ["scope", "name", "title", "context"]  # nothing chosen: no area questions at all


def test_storage_questions_only_for_storage_scope(kb):
    iv, asked = _walk(kb, {"scope": "storage"})
    assert [q for q in asked if q.startswith("storage-")] == STORAGE
    assert not [q for q in asked if q in CONNECTION or q.startswith(("backup-", "migration-"))]
    _, asked = _walk(kb, {"scope": "connection"})
    assert not [q for q in asked if q.startswith("storage-")]
    assert [q for q in asked if q in CONNECTION] == CONNECTION


def test_several_scopes_by_number(kb):
    iv, asked = _walk(kb, {"scope": "1,3"})
    assert iv.answers["_scope"] == ["connection", "storage"]
    assert set(CONNECTION + STORAGE) <= set(asked)
    assert not [q for q in asked if q.startswith(("backup-", "migration-"))]


@pytest.mark.parametrize("workflow,asked_minutes", [("orchestration", True), ("none", False), ("", False)])
def test_workflow_minutes_only_after_orchestration(kb, workflow, asked_minutes):
    iv, asked = _walk(kb, {"scope": "connection", "workflow": workflow, "workflow-minutes": "90"})
    assert ("workflow-minutes" in asked) is asked_minutes
    if asked_minutes:
        assert asked.index("workflow-minutes") == asked.index("workflow") + 1
        assert iv.requirements().constraints.workflow_minutes == 90


@pytest.mark.parametrize("producers,consumers,asked_saas", [
    ("saas", "", True), ("application, saas", "", True), ("application", "", False), ("", "", False),
    ("application", "workflow, saas", True),  # a SaaS product that only receives is named too
    ("application", "workflow", False)])
def test_saas_only_when_producers_or_consumers_contain_saas(kb, producers, consumers, asked_saas):
    iv, asked = _walk(kb, {"scope": "connection", "producers": producers, "consumers": consumers,
                           "saas": "salesforce, zendesk"})
    assert ("saas" in asked) is asked_saas
    req = iv.requirements()
    assert req.constraints.saas == (["salesforce", "zendesk"] if asked_saas else None)


@pytest.mark.parametrize("producers,asked", [("aws-service", True), ("application, aws-service", True),
                                             ("application", False), ("", False)])
def test_source_services_only_when_aws_services_send(kb, producers, asked):
    iv, seen = _walk(kb, {"scope": "connection", "producers": producers, "source-services": "s3, dynamodb"})
    assert ("source-services" in seen) is asked
    if asked:
        assert seen.index("source-services") == seen.index("producers") + 1
    assert iv.requirements().constraints.source_services == (["s3", "dynamodb"] if asked else None)


def test_starts_from_is_asked_with_the_senders(kb):
    iv, seen = _walk(kb, {"scope": "connection", "producers": "application", "starts-from": "sqs-queue"})
    assert seen.index("producers") < seen.index("starts-from")
    assert iv.requirements().constraints.starts_from == ["sqs-queue"]


@pytest.mark.parametrize("scope,asked", [("connection", True), ("storage", False)])
def test_many_to_many_asked_for_connections(kb, scope, asked):
    iv, seen = _walk(kb, {"scope": scope, "many-to-many": "yes"})
    assert ("many-to-many" in seen) is asked
    if asked:
        assert seen.index("many-to-many") == seen.index("filtering") + 1
    assert iv.requirements().constraints.many_to_many is (True if asked else None)


@pytest.mark.parametrize("scope,asked", [("connection", True), ("storage", False)])
def test_idempotent_asked_after_deduplication(kb, scope, asked):
    iv, seen = _walk(kb, {"scope": scope, "idempotent": "yes"})
    assert ("idempotent" in seen) is asked
    if asked:
        assert seen.index("idempotent") == seen.index("deduplication") + 1
    assert iv.requirements().constraints.idempotent is (True if asked else None)


@pytest.mark.parametrize("consumers,asked", [("container", True), ("lambda, s3", True), ("", False)])
def test_consumer_buffer_only_when_consumers_are_named(kb, consumers, asked):
    iv, seen = _walk(kb, {"scope": "connection", "consumers": consumers, "consumer-buffer": "yes"})
    assert ("consumer-buffer" in seen) is asked
    if asked:
        assert seen.index("consumer-buffer") == seen.index("consumers") + 1
    assert iv.requirements().constraints.consumer_buffer is (True if asked else None)


@pytest.mark.parametrize("raw", ["", "skip", "  Skip ", "not sure", "-"])
def test_skipping_leaves_the_key_absent(kb, raw):
    iv = Interview(kb.questions)
    iv.answer(_question(kb, "scope"), "connection")
    q = _question(kb, "connection-delivery")
    iv.answer(q, "push")
    assert iv.answers["connection.delivery"] == "push"
    assert iv.answer(q, raw) is None  # changing one's mind to "not sure" removes the answer
    assert "connection.delivery" not in iv.answers
    assert q.id in iv.asked
    assert "delivery" not in iv.requirements_data().get("connection", {})
    assert iv.requirements().connection.delivery is None


@pytest.mark.parametrize("qid,raw,value", [
    ("connection-delivery", "1", "push"),
    ("connection-delivery", "2", "pull"),
    ("connection-delivery", "pull", "pull"),
    ("connection-delivery", "PUSH", "push"),
    ("connection-delivery", "Push", "push"),          # the label
    ("connection-completion", "Synchronous (wait for the result)", "sync"),
    ("consumers", "lambda, 1", ["lambda", "application"]),
    ("deduplication", "yes", True),
    ("deduplication", "N", False),
    ("peak-per-second", "1,200", 1200),
    ("message-kib", "0.5", 0.5),
    ("name", "order-events", "order-events"),
])
def test_numbered_and_named_answers(kb, qid, raw, value):
    iv = Interview(kb.questions)
    assert iv.answer(_question(kb, qid), raw) == value
    assert iv.answers[_question(kb, qid).key] == value


@pytest.mark.parametrize("qid,raw,expected", [
    ("connection-delivery", "pus", "expected one of push, pull (or its number) — did you mean 'push'?"),
    ("connection-delivery", "3", "expected one of push, pull (or its number)"),
    ("connection-delivery", "0", "expected one of push, pull (or its number)"),
    ("consumers", "lambda, fax", "expected one of application, lambda"),
    ("deduplication", "maybe", "expected yes or no"),
    ("peak-per-second", "lots", "expected a number"),
    ("peak-per-second", "-3", "expected a number of zero or more"),
    ("name", "Order Events", "use lowercase a-z, 0-9 and '-', at most 48 characters"),
])
def test_invalid_answers_say_what_is_expected(kb, qid, raw, expected):
    iv = Interview(kb.questions)
    q = _question(kb, qid)
    with pytest.raises(InvalidInput) as info:
        iv.answer(q, raw)
    assert expected in info.value.message
    assert q.key not in iv.answers and q.id not in iv.asked  # the question is asked again


def test_unit_is_named_when_a_number_is_wrong(kb):
    q = _question(kb, "message-kib")
    assert q.unit
    with pytest.raises(InvalidInput, match=f"expected a number in {q.unit}"):
        Interview(kb.questions).answer(q, "big")


def test_requirements_validate_and_take_the_name_from_the_title(kb):
    iv, _ = _walk(kb, {"scope": "connection", "title": "Notify Billing & Shipping of new orders!",
                       "connection-data": "messaging", "connection-completion": "async",
                       "connection-delivery": "pull", "connection-distribution": "pubsub",
                       "peak-per-second": "1200"})
    req = iv.requirements()
    assert req.name == "notify-billing-shipping-of-new-orders"
    assert req.title == "Notify Billing & Shipping of new orders!"
    assert req.connection.model_dump() == {"data": "messaging", "completion": "async", "delivery": "pull",
                                           "distribution": "pubsub"}
    assert req.constraints.peak_per_second == 1200
    assert "_scope" not in req.to_data()


def test_name_defaults_when_title_is_skipped_too(kb):
    iv, _ = _walk(kb, {"scope": "backup", "backup-rpo-hours": "1"})
    req = iv.requirements()
    assert req.name == "decision"
    assert req.backup.rpo_hours == 1


def test_long_title_gives_a_valid_name(kb):
    iv, _ = _walk(kb, {"title": "A " + "very " * 20 + "long title"})
    req = iv.requirements()
    assert len(req.name) <= 48 and not req.name.endswith("-")


def test_requirements_are_validated(kb):
    iv, _ = _walk(kb, {"scope": "connection", "region": "mars-1"})
    with pytest.raises(InvalidInput) as info:
        iv.requirements()
    assert info.value.location.key == "constraints.region"
    assert "is not an AWS Region" in info.value.message and "(got" not in info.value.message


def test_interview_answers_give_a_recommendation(kb, advise):
    iv, _ = _walk(kb, {"scope": "connection", "name": "orders", "connection-data": "messaging",
                       "connection-completion": "async", "connection-delivery": "pull",
                       "connection-distribution": "p2p"})
    result = advise(iv.requirements())
    assert result.ok
    assert result.recommendation.design.path[0].service == "sqs"


# ---------------------------------------------------------------------------------------- a real terminal

PROMPT = r"›: "


def test_interview_in_a_terminal(tmp_path):
    from tests.helpers import Terminal

    term = Terminal(cwd=tmp_path)
    try:
        term.expect(r"What do you need to decide\?")
        term.expect(PROMPT)
        term.line("1")  # Connect systems
        answers = {
            "Is the data a stream or a set of separate messages?": "messaging",
            "Must the sender wait until the work is done?": "2",             # asynchronous
            "Should messages be pushed to receivers, or should receivers pull them?": "pull",
            "Should each message go to one receiver or to every subscriber?": "p2p",
        }
        given = []
        for _ in range(60):
            m = term.expect(r"\n([^\n]*\?)[^\n]*\n(?:[^\n]*\n)*?\s*›: |Save these answers as a requirements file\?")
            if m.group(0).startswith("Save these answers"):
                break
            question = m.group(1)
            reply = next((a for key, a in answers.items() if key in question), "")
            if reply:
                given.append(question)
            term.line(reply)
        else:
            pytest.fail("the interview did not end")
        assert len(given) == 4, given
        term.line("n")  # do not save
        code = term.decline_until_exit(30)  # and no to whatever else is offered afterwards
    finally:
        term.close()
    assert code == 0, term.output[-3000:]
    assert "Traceback" not in term.output
    assert "Recommendation for decision" in term.output  # the panel, named from the skipped title
    assert "Amazon SQS" in term.output
    assert not list(tmp_path.iterdir())  # declined: nothing saved


def test_ctrl_c_quits_cleanly(tmp_path):
    from tests.helpers import Terminal

    term = Terminal(cwd=tmp_path)
    try:
        term.expect(PROMPT)
        term.line("connection")
        term.expect(r"What short name should this decision have\?")
        term.expect(PROMPT)
        term.send("\x03")
        code = term.wait(20)
    finally:
        term.close()
    assert code == 130, term.output[-2000:]
    assert "Traceback" not in term.output
    assert "Recommendation" not in term.output


@pytest.mark.parametrize("typed, unit, value, note", [
    ("2 KB", "KiB", 1.953125, "2 KB = 1.95 KiB"),
    ("1 MiB", "KiB", 1024, "1 MiB = 1,024 KiB"),
    ("300ms", "seconds", 0.3, "300 ms = 0.3 seconds"),
    ("2 h", "minutes", 120, "2 h = 120 minutes"),
    ("6000/min", "messages/second", 100, "6000/min = 100 messages/second"),
    ("1,200", "messages/second", 1200, None),
    ("7 days", "days", 7, None),
])
def test_numbers_take_the_units_people_type(typed, unit, value, note):
    from advisor.interview import convert

    got, said = convert(typed, unit)
    assert got == pytest.approx(value) and said == note


@pytest.mark.parametrize("typed, unit", [("2 KB", "days"), ("5 parsecs", "days"), ("1 MiB", "messages/second"),
                                         ("ten", "KiB"), ("3 KB", None)])
def test_a_unit_of_another_kind_is_refused(typed, unit):
    from advisor.interview import convert

    with pytest.raises(ValueError):
        convert(typed, unit)


def test_back_forgets_the_last_answer_and_asks_it_again(kb):
    from advisor.interview import Interview

    iv = Interview(kb.questions)
    assert iv.back() is None
    first = iv.next_question()
    iv.answer(first, "connection")
    second = iv.next_question()
    iv.answer(second, "")            # skipped answers are steps too
    assert iv.back() is second and iv.next_question() is second
    assert iv.back() is first and iv.next_question() is first and first.key not in iv.answers


def test_the_saved_file_has_integers_and_no_empty_sections():
    from advisor.requirements import dump_requirements, parse_requirements

    req = parse_requirements({"version": 1, "name": "x", "constraints": {"peak_per_second": 300, "message_kib": 1.5}})
    assert dump_requirements(req) == ("version: 1\nname: x\nconstraints:\n  peak_per_second: 300\n"
                                      "  message_kib: 1.5\n")


def test_a_choice_example_is_shown_as_what_you_type(kb):
    from advisor.cli.interview_ui import typed_example

    first = kb.questions[0]
    values = [str(c.value) for c in first.choices]
    assert typed_example(first) == f"{values.index(str(first.example)) + 1} (or {first.example})"

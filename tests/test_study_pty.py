"""`mqadvise study` in a real terminal (a pty), typed at as a person would."""

from __future__ import annotations

import json
import sys
import time

import pytest

from tests.pty_helpers import Terminal

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")


@pytest.fixture(scope="module")
def bank():
    from advisor.study.bank import load_bank

    return {i.id: i for i in load_bank()}


def _wrong(item):
    return next(letter for letter in "ABCD" if letter not in item.correct_letters)


def test_practice_in_a_terminal_explains_each_answer(term_env, bank, tmp_path):
    a, b = "sqs-fifo-ledger-order", "conn-streaming-services"
    t = Terminal(["study", "practice", "--ids", f"{a},{b}"], term_env)
    t.expect(r"Question 1/2.*Bank account postings")
    t.expect(r"Answer")
    t.line("Z")  # a typo is explained and asked again
    t.expect(r"choose from A, B, C, D")
    t.line("".join(bank[a].correct_letters).lower())
    t.expect(r"✓ correct")
    t.expect(r"source: https://docs\.aws\.amazon\.com/AWSSimpleQueueService")
    t.expect(r"Question 2/2.*choose two")
    t.line(_wrong(bank[b]) + "E")
    t.expect(rf"is wrong - the answer is {''.join(bank[b].correct_letters)}")
    t.expect(r"practice: 1/2 correct \(50%\)")
    assert t.wait() == 0
    saved = json.loads((tmp_path / "data" / "study-progress.json").read_text())
    assert saved["items"][a]["last_correct"] is True and saved["items"][b]["last_correct"] is False


def test_review_in_a_terminal_then_nothing_left(term_env, bank, tmp_path):
    b = "kds-hot-shard"
    t = Terminal(["study", "practice", "--ids", b], term_env)
    t.expect("Answer")
    t.line(_wrong(bank[b]))
    t.expect("is wrong")
    assert t.wait() == 0
    t = Terminal(["study", "review"], term_env)
    t.expect(r"Question 1/1.*ProvisionedThroughputExceededException")
    t.expect("Answer")
    from advisor.study.bank import reshuffled

    t.line("".join(reshuffled(bank[b], "None\0" + "1").correct_letters))   # review reorders (1 attempt so far)
    t.expect("✓ correct")
    assert t.wait() == 0
    t = Terminal(["study", "review"], term_env)
    t.expect("Nothing to review")
    assert t.wait() == 0


def test_timed_exam_stops_when_time_is_up_and_explains_at_the_end(term_env, bank):
    t = Terminal(["study", "exam", "--count", "3", "--seed", "5", "--minutes", "0.1"], term_env)
    t.expect(r"Mock exam.*3 questions")
    first = t.expect(r"Question 1/3 · 0:0\d left.*?\n(.*?)Answer").group(1)
    item = next(i for i in bank.values() if " ".join(i.stem.split())[:40] in " ".join(first.split()))
    t.line("".join(item.correct_letters))  # answered in time, no explanation yet
    t.expect(r"Question 2/3")
    assert "✓ correct" not in t.screen
    t.expect("Answer")
    time.sleep(6.2)  # the 6-second limit passes while the person thinks
    t.line("A")
    t.expect("time ran out before this answer")
    t.expect(r"exam: 1/3 correct \(33%\)\s+2 unanswered")
    t.expect("Exam domain")
    t.expect(r"✓ correct")  # explanations come at the end
    assert t.wait() == 0


def test_flashcards_in_a_terminal(term_env, tmp_path):
    t = Terminal(["study", "cards", "--service", "iot-core", "--kind", "trap", "--count", "2", "--seed", "2"],
                 term_env)
    t.expect(r"Card 1/2 · trap.*AWS IoT Core exam trap")
    t.expect("Enter shows the answer")
    t.line()
    t.expect(r"source: https://docs\.aws\.amazon\.com/iot/")
    t.expect("How well did you know it")
    t.line("5")
    t.expect("rating '5'")
    t.line("3")
    t.expect(r"Card 2/2")
    t.line()
    t.expect("How well did you know it")
    t.line("again")
    t.expect(r"2 card\(s\) reviewed")
    assert t.wait() == 0
    items = json.loads((tmp_path / "data" / "study-progress.json").read_text())["items"]
    assert sorted(e["log"][-1]["rating"] for e in items.values()) == [1, 3]


def test_stats_and_reset_asks_first(term_env, bank, tmp_path):
    a = "sqs-delay-15-minutes"
    t = Terminal(["study", "practice", "--ids", a], term_env)
    t.expect("Answer")
    t.line("".join(bank[a].correct_letters))
    t.expect("✓ correct")
    assert t.wait() == 0
    t = Terminal(["study", "stats"], term_env)
    t.expect(r"Study progress by service")
    t.expect(r"sqs\s+1/\d+\s+1\s+100%\s+█+")
    assert t.wait() == 0
    progress = tmp_path / "data" / "study-progress.json"
    t = Terminal(["study", "stats", "--reset"], term_env)
    t.expect(r"Start your study progress over \(1 items")
    t.line("n")
    t.expect("Kept your progress")
    assert t.wait() == 1 and progress.exists()
    t = Terminal(["study", "stats", "--reset"], term_env)
    t.expect(r"Start your study progress over")
    t.line("y")
    t.expect("Started over; the old progress is kept as")
    assert t.wait() == 0 and json.loads(progress.read_text())["items"] == {}
    assert len(list(progress.parent.glob("study-progress.json.*.bak"))) == 1

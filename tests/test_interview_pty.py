"""The interview in a real terminal (a pty that is the child's controlling terminal, so Ctrl-C is a signal),
typed at as a person would: going back, units, Ctrl-C, and the saved file."""

from __future__ import annotations

import sys
import time

import pytest

from tests.pty_helpers import ControllingTerminal

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")


@pytest.fixture
def terminal(term_env, tmp_path):
    opened: list[ControllingTerminal] = []

    def start(*args: str) -> ControllingTerminal:
        t = ControllingTerminal(list(args), term_env)
        opened.append(t)
        return t

    yield start
    for t in opened:
        t.close()


def test_ctrl_c_ends_the_line_before_exiting(terminal):
    t = terminal("advise")
    t.expect("What do you need to decide")
    t.expect("›")
    time.sleep(0.5)  # the prompt is drawn before input() starts reading; a person is never that fast
    t.send("\x03")
    assert t.wait() == 130
    tail = t.screen[t.seen:]
    assert "\ninterrupted\n" in tail  # the prompt's line is ended; the message has a line of its own
    assert "Traceback" not in tail and "Aborted" not in tail


def test_the_first_example_names_what_you_type(terminal):
    t = terminal("advise")
    t.expect("What do you need to decide")
    t.expect("›")
    t.line("?")
    t.expect(r"example: 1 \(or connection\)")


def test_back_returns_to_the_previous_question_and_units_are_converted(terminal, tmp_path, kb):
    """The same questions are walked in-process beside the terminal, so each answer goes to its question."""
    import re

    from advisor.interview import Interview

    saved = tmp_path / "answers.yaml"
    t = terminal("advise", "--save", str(saved))
    typed = {"_scope": "connection", "constraints.message_kib": "2 KB", "constraints.delay_seconds": "300ms",
             "constraints.peak_per_second": "6000/min"}
    notes = {"constraints.message_kib": "2 KB = 1.95 KiB", "constraints.delay_seconds": "300 ms = 0.3 seconds",
             "constraints.peak_per_second": "6000/min = 100 messages/second"}
    mirror = Interview(kb.questions)
    first = mirror.next_question()
    t.expect(re.escape(first.prompt))
    t.expect("›")
    t.line("<")                                   # nothing before the first question
    t.expect("this is the first question")
    t.line("1")
    second = Interview(kb.questions)
    second.answer(first, "1")
    t.expect(re.escape(second.next_question().prompt))
    t.expect("›")
    t.line("<")                                   # back to the scope question, asked again below
    while (q := mirror.next_question()) is not None:
        t.expect(re.escape(q.prompt))
        t.expect("›")
        if q.key == "constraints.peak_per_second":
            t.line("1 MiB")                       # a size is not a rate: explained, and asked again
            t.expect("expected a number in messages/second")
            t.expect("›")
        raw = typed.get(q.key, "")
        t.line(raw)
        mirror.answer(q, raw)
        if q.key in notes:
            t.expect(re.escape("= " + notes[q.key]))
    t.expect("saved the requirements", timeout=60)
    t.close()
    text = saved.read_text()
    assert "message_kib: 1.953125\n" in text and "delay_seconds: 0.3\n" in text
    assert "peak_per_second: 100\n" in text                       # an integer, not 100.0
    assert "{}" not in text and "migration:" not in text          # empty sections left out

"""The interview in a real terminal (a pty), answered as an architect would (issue 10's proof).

MQTT sensors on premises streaming into S3 for analytics must end on IoT Core with Firehose, and an
ActiveMQ/JMS lift-and-shift on Amazon MQ for ActiveMQ. The answers are typed at each prompt; any question
not listed here is skipped with Enter, as a user who does not know would.
"""

from __future__ import annotations

import sys

import pytest

from tests.pty_helpers import Terminal

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")

def last_question(screen: str) -> str:
    """The question printed above the newest prompt: the last line ending in '?' (choices never do)."""
    for line in reversed(screen.splitlines()):
        if line.strip().endswith("?"):
            return line.strip()
    return ""


def interview(env, answers: dict[str, str]) -> str:
    """Answer every question by its prompt text; return the screen once the recommendation is printed."""
    t = Terminal([], env)
    for _ in range(60):
        m = t.expect(r"(›|Recommendation for|No design satisfies)", timeout=60)
        if m.group(1) != "›":
            break
        question = last_question(t.screen[:m.start()])
        t.line(next((a for q, a in answers.items() if q in question), ""))
    else:
        raise AssertionError("the interview did not end")
    t.expect(r"Save these answers", timeout=60)
    t.line("n")
    t.expect(r"Architecture Decision Record", timeout=30)
    t.line("n")
    assert t.wait(timeout=30) == 0
    return t.screen


def test_mqtt_sensors_on_premises_into_s3_end_on_iot_core_with_firehose(term_env):
    screen = interview(term_env, {
        "What do you need to decide?": "connection",
        "short name": "factory-sensors",
        "stream or a set of separate messages": "streaming",
        "messages per second at peak": "2000",
        "largest message": "1",
        "Who sends the messages?": "iot-device,on-premises",
        "protocols do the senders speak": "mqtt",
        "Who receives the messages?": "s3,analytics",
    })
    panel = screen[screen.index("Recommendation for factory-sensors"):].split("Why")[0]
    assert "AWS IoT Core → Amazon Data Firehose" in panel


def test_activemq_jms_lift_and_shift_ends_on_amazon_mq_for_activemq(term_env):
    screen = interview(term_env, {
        "What do you need to decide?": "migration",
        "short name": "jms-estate",
        "existing systems": "activemq",
        "protocols or APIs do the existing clients use": "jms,openwire",
        "code change": "none",
    })
    tail = screen[screen.index("Recommendation for jms-estate"):]
    assert "Amazon MQ for ActiveMQ" in tail.split("Why")[0]

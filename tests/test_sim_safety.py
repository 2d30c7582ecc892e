"""`sim up/down/status` are safe in anyone's repository: they signal only what they started, and nothing they
started outlives them, even after kill -9 (issue 15)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from engine_helpers import listening_addresses, listening_sockets

from advisor.sim import procs
from advisor.sim.engines import engine_names, get_engine
from advisor.sim.procs import pid_alive, port_open, wait_until

TEMPLATE = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Work:
    Type: AWS::SQS::Queue
Outputs:
  WorkUrl: {Value: !Ref Work}
"""


@pytest.fixture
def project(tmp_path):
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "template.yaml").write_text(TEMPLATE)
    return tmp_path


@pytest.fixture
def victim():
    """A process of 'the user' that leads its own session, as the simulator does."""
    proc = subprocess.Popen(["sleep", "120"], start_new_session=True)
    # Wait until the child has exec'd: before that its command line is still the forking Python's.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and b"sleep" not in Path(f"/proc/{proc.pid}/cmdline").read_bytes():
        time.sleep(0.01)
    yield proc
    proc.kill()
    proc.wait()


def _write_state(project: Path, data) -> Path:
    path = project / ".mqadvise-sim" / "state.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


def _crafted(victim_pid: int, **extra):
    """A state file as good as an attacker (or a stale file after PID reuse) can make it: the victim's real
    start time and command line, the current format."""
    rec = procs.record(victim_pid, "simulator")
    return {"format": "mqadvise-sim-state", "version": 1, "pid": victim_pid, "process": rec, "port": 9,
            "endpoint": "http://127.0.0.1:9", "outputs": {}, "env": {}, **extra}


def test_a_crafted_state_file_naming_a_users_process_does_not_get_it_killed(cli, project, victim):
    _write_state(project, _crafted(victim.pid))
    code, out, err = cli("sim", "status", str(project))
    assert code == 1 and "not running" in out and "not a simulator serving" in out
    code, _out, err = cli("sim", "down", str(project))
    assert code == 0, err
    assert "warning:" in err and "nothing was signalled" in err
    assert victim.poll() is None and pid_alive(victim.pid)


def test_a_crafted_engine_record_does_not_get_a_users_process_killed(cli, project, victim, tmp_path):
    import tempfile

    workdir = Path(tempfile.mkdtemp(prefix="mqadvise-amqtt-"))
    try:
        engine = {"name": "amqtt", "ports": {"mqtt": 9}, "processes": [procs.record(victim.pid, "amqtt")],
                  "workdir": str(workdir)}
        _write_state(project, _crafted(victim.pid, engine=engine))
        code, _out, err = cli("sim", "down", str(project))
        assert code == 0 and "do not use the engine's folder" in err
        assert victim.poll() is None and pid_alive(victim.pid)
    finally:
        if workdir.exists():
            workdir.rmdir()


def test_a_stale_record_after_pid_reuse_is_not_signalled(cli, project, victim):
    stale = _crafted(victim.pid)
    stale["process"]["start"] = "1"            # the same PID, but a process that started at another time
    _write_state(project, stale)
    code, _out, err = cli("sim", "down", str(project))
    assert code == 0 and "another process now" in err
    assert pid_alive(victim.pid)


@pytest.mark.parametrize("content", ['{"pid": "abc"}', "{}", "[]", "not json", '{"pid": VICTIM}',
                                     '{"pid": VICTIM, "port": 4566, "endpoint": "http://127.0.0.1:4566"}',
                                     '{"pid": ' + "9" * 5000 + "}", "[" * 100_000],
                         ids=["pid-abc", "empty", "list", "not-json", "pid-only", "old-format", "huge-int", "deep"])
@pytest.mark.parametrize("command", ["status", "down", "up"])
def test_a_corrupt_state_file_is_an_unknown_state_exit_2_and_nothing_is_signalled(cli, project, victim,
                                                                                    content, command):
    path = _write_state(project, content.replace("VICTIM", str(victim.pid)))
    code, out, err = cli("sim", command, str(project))
    assert code == 2, (out, err)
    assert "unknown state" in err and "Traceback" not in err
    assert pid_alive(victim.pid)
    assert path.exists()                    # not ours to delete: the user decides


def _kill9_then_down(project: Path, engine: str | None):
    from advisor.sim import control

    st = control.up(project, engine=engine)
    server = st["pid"]
    records = (st.get("engine") or {}).get("processes", [])
    pids = [r["pid"] for r in records]
    members = [m for p in pids for m in procs.session_members(p)]
    ports = [st["port"], *(st.get("engine") or {}).get("ports", {}).values()]
    workdir = (st.get("engine") or {}).get("workdir")
    # every port any of them listens on, on any address (an engine's helpers too: epmd, the Erlang distribution)
    listened = {int(a.rsplit(":", 1)[1]) for a in listening_addresses([server, *pids, *members])}
    try:
        assert all(pid_alive(p) for p in pids) and all(port_open(p) for p in ports)
        assert set(ports) <= listened
        os.kill(server, signal.SIGKILL)
        assert wait_until(lambda: not pid_alive(server), 10)
        status = control.status(project)
        assert status is not None and status["alive"] is False        # the state file outlived the simulator
        result = control.down(project)
        assert result["warnings"] == [] and result["stopped"] is False
        left = [p for p in pids + members if pid_alive(p)]
        assert left == [], f"left running after sim down: {left}"
        assert [p for p in ports if port_open(p)] == [], "a port is still open after sim down"
        still = [a for a in listening_sockets().values() if int(a.rsplit(":", 1)[1]) in listened]
        assert still == [], f"still listened on after sim down: {still}"
        assert workdir is None or not Path(workdir).exists(), "the engine's work folder was left behind"
        assert control.status(project) is None
    finally:
        for p in [server, *pids, *members]:
            if pid_alive(p):
                os.kill(p, signal.SIGKILL)


def test_kill_9_of_the_simulator_then_sim_down_leaves_nothing(project):
    _kill9_then_down(project, None)


@pytest.mark.parametrize("engine", engine_names())
def test_kill_9_of_the_simulator_with_an_engine_leaves_no_process_port_or_folder(project, engine):
    hint = get_engine(engine).available()
    if hint:
        pytest.skip(f"engine {engine} is not installed here: {hint}")
    _kill9_then_down(project, engine)


_OWNER = """
import sys, time
from advisor.sim.engines import get_engine
broker = get_engine(sys.argv[1]).start()
print(" ".join(str(p) for p in broker.pids), broker.workdir, *broker.ports.values(), flush=True)
time.sleep(120)
"""


@pytest.mark.parametrize("engine", ["amqtt", "rabbitmq"])
def test_engines_die_with_an_owner_killed_by_sigkill(engine):
    """No `sim down` at all: the engine's processes go with their owner and the work folder is removed."""
    hint = get_engine(engine).available()
    if hint:
        pytest.skip(hint)
    owner = subprocess.Popen([sys.executable, "-c", _OWNER, engine], stdout=subprocess.PIPE, text=True)
    pids: list[int] = []
    try:
        words = owner.stdout.readline().split()
        workdir_at = next(i for i, w in enumerate(words) if w.startswith("/"))
        pids = [int(w) for w in words[:workdir_at]]
        workdir, ports = Path(words[workdir_at]), [int(w) for w in words[workdir_at + 1:]]
        members = [m for p in pids for m in procs.session_members(p)]
        assert pids and all(pid_alive(p) for p in pids) and workdir.is_dir()
        owner.kill()
        owner.wait()
        assert wait_until(lambda: not [p for p in pids + members if pid_alive(p)], 15), "an engine outlived its owner"
        assert wait_until(lambda: not workdir.exists(), 10), "the work folder outlived the owner"
        assert [p for p in ports if port_open(p)] == []
    finally:
        if owner.poll() is None:
            owner.kill()
            owner.wait()
        for p in pids:
            if pid_alive(p):
                os.kill(p, signal.SIGKILL)


def _alias_bomb(levels: int = 9) -> str:
    lines = ["Resources:", "  Work:", "    Type: AWS::SQS::Queue", "Metadata:", '  l0: &l0 ["x","x","x","x","x","x","x","x","x","x"]']
    lines += [f"  l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


MANY_KEYS = TEMPLATE + "Metadata:\n" + "".join(f"  k{i}: {i}\n" for i in range(100_000))   # 1.4 MB, 100k keys


@pytest.mark.parametrize("text", [_alias_bomb(), "Resources: &r\n  Work: {Type: AWS::SQS::Queue, Loop: *r}\n",
                                  MANY_KEYS], ids=["billion-laughs", "self-reference", "many-keys"])
def test_a_crafted_template_is_refused_before_anything_starts(cli, project, text):
    """A 600-byte template whose aliases expand to 10^9 nodes used to hang the simulator's server (and the
    generated tests) while it ate memory, and 100,000 keys kept the pure-Python reader busy for a minute: the
    template reader applies the bounds every YAML reader has."""
    from advisor.sim.cfn import load_template

    path = project / "infra" / "template.yaml"
    path.write_text(text)
    with pytest.raises(ValueError, match="refusing to load"):
        load_template(path)
    code, _out, err = cli("sim", "up", str(project))
    assert code == 2 and f"{path}: cannot simulate this template" in err and "Traceback" not in err
    assert not (project / ".mqadvise-sim").exists()       # no server was started, no state written


def test_a_deeply_nested_template_is_refused_too(project):
    from advisor.sim.cfn import load_template

    path = project / "infra" / "template.yaml"
    path.write_text(TEMPLATE + "Metadata:\n  deep: " + "[" * 50_000 + "]" * 50_000 + "\n")
    with pytest.raises(ValueError, match="levels deep"):
        load_template(path)

"""Helpers shared by the tests/test_engines_*.py modules: start a real engine or skip with its install hint."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from advisor.sim.engines import get_engine
from advisor.sim.engines.base import RunningEngine, pid_alive


@contextmanager
def running_engine(name: str) -> Iterator[RunningEngine]:
    """Start ``name`` (skipping the test with the exact install hint when it is missing), yield it, and stop it
    by PID even when the test fails; then assert that every PID it owned is gone."""
    engine = get_engine(name)
    hint = engine.available()
    if hint is not None:
        pytest.skip(f"engine {name} is not installed here: {hint}")
    handle = engine.start()
    pids = list(handle.pids)
    try:
        assert_loopback_only(handle)
        yield handle
    finally:
        handle.stop()
    assert pids and not [p for p in pids if pid_alive(p)], f"{name}: PIDs still alive after stop: {pids}"


def assert_stopped(handle: RunningEngine) -> None:
    assert handle.stopped
    assert handle.alive() == []
    assert [p for p in handle.pids if pid_alive(p)] == []


def listening_sockets() -> dict[str, str]:
    """inode -> local address of every listening TCP socket (IPv4 and IPv6) on this machine."""
    import ipaddress

    out: dict[str, str] = {}
    for table, v6 in (("/proc/net/tcp", False), ("/proc/net/tcp6", True)):
        try:
            lines = Path(table).read_text(encoding="ascii").splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            cols = line.split()
            if cols[3] != "0A":                      # LISTEN
                continue
            hex_addr, hex_port = cols[1].split(":")
            raw = bytes.fromhex(hex_addr)
            if v6:     # four little-endian 32-bit words
                raw = b"".join(raw[i:i + 4][::-1] for i in range(0, 16, 4))
                addr = ipaddress.IPv6Address(raw)
                addr = addr.ipv4_mapped or addr
            else:
                addr = ipaddress.IPv4Address(raw[::-1])
            out[cols[9]] = f"{addr}:{int(hex_port, 16)}"
    return out


def listening_addresses(pids: list[int]) -> list[str]:
    """The local addresses the given processes listen on."""
    import os

    sockets = listening_sockets()
    found = []
    for pid in pids:
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if target.startswith("socket:[") and target[8:-1] in sockets:
                found.append(sockets[target[8:-1]])
    return sorted(set(found))


def assert_loopback_only(handle: RunningEngine) -> None:
    """Every socket the engine's processes listen on is bound to 127.0.0.1 (not [::1] as well: epmd did that),
    and its ports are among them."""
    addrs = listening_addresses(handle.alive())
    assert addrs, f"{handle.engine}: no listening sockets found"
    for addr in addrs:
        host = addr.rsplit(":", 1)[0]
        assert host == "127.0.0.1", f"{handle.engine} listens on {addr}"
    ports = {int(a.rsplit(":", 1)[1]) for a in addrs}
    assert set(handle.ports.values()) <= ports

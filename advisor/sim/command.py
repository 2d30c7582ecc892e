"""The simulator's own small command line, for projects that carry a copy of it and not mqadvise.

``mqadvise scaffold`` bundles ``advisor.sim`` into a generated project as ``tests/localaws``; this is what
``python tests/localaws up|down|status|demo`` runs there (``python -m advisor.sim`` here). Standard library only
(argparse, no typer or rich), the same control functions and the same output as ``mqadvise sim``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from advisor.errors import MqadviseError


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False, default=str), flush=True)


def _up(args: argparse.Namespace) -> int:
    from advisor.sim.control import endpoints, up

    st = up(args.project, engine=args.engine, progress=_say)
    for warning in st.pop("warnings", []):
        _say(f"warning: {warning}")
    if args.format == "json":
        _json(st)
        return 0
    _say(f"simulator running: pid {st['pid']} (stop it with the `down` command)")
    for what, where in endpoints(st):
        _say(f"  {what}: {where}")
    for key, value in st["env"].items():
        print(f"export {key}={value}", flush=True)
    return 0


def _down(args: argparse.Namespace) -> int:
    from advisor.sim.control import down

    st = down(args.project, progress=_say)
    for warning in st["warnings"]:
        _say(f"warning: {warning}")
    if args.format == "json":
        _json({"pid": st["pid"], "stopped": st["stopped"], "warnings": st["warnings"]})
    else:
        _say(f"stopped pid {st['pid']}" if st["stopped"] else "the simulator was not running; cleaned up its state")
    return 0


def _status(args: argparse.Namespace) -> int:
    from advisor.sim.control import status, status_lines

    st = status(args.project)
    if args.format == "json":
        _json(st or {"running": False})
    else:
        print("\n".join(status_lines(st)))
    return 0 if st is not None and st["alive"] else 1


def _demo(args: argparse.Namespace) -> int:
    from advisor.sim.demo import run_demo

    last = [0.0]

    def tick(stats: Any) -> None:
        import time

        if args.format == "text" and time.monotonic() - last[0] >= 1.0:
            last[0] = time.monotonic()
            _say("  " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in stats.as_dict().items()
                                  if not isinstance(v, dict)))

    stats = run_demo(args.project, count=args.count, rate=args.rate, fail_rate=args.fail_rate, on_tick=tick)
    if args.format == "json":
        _json(stats.as_dict())
    else:
        from advisor.sim.demo import rows

        for key, value in rows(stats):
            print(f"{key}: {value}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python tests/localaws",
                                     description="The local simulator bundled with this project.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, helptext in (("up", "serve moto on 127.0.0.1 with infra/template.yaml provisioned"),
                           ("down", "stop the simulator started by up"),
                           ("status", "is the simulator running, and on which local ports"),
                           ("demo", "run the producer and the handlers, and count what happens")):
        cmd = sub.add_parser(name, help=helptext)
        cmd.add_argument("project", nargs="?", type=Path, default=Path("."), help="the project folder (default .)")
        cmd.add_argument("--format", choices=("text", "json"), default="text")
        if name == "up":
            cmd.add_argument("--engine", help="also start a local broker (amqtt, mosquitto, rabbitmq, activemq, tansu)")
        if name == "demo":
            cmd.add_argument("--count", "-n", type=int, default=50)
            cmd.add_argument("--rate", type=float, default=10.0)
            cmd.add_argument("--fail-rate", type=float, default=0.0)
    args = parser.parse_args(argv)
    try:
        return {"up": _up, "down": _down, "status": _status, "demo": _demo}[args.command](args)
    except MqadviseError as exc:
        _say(f"error: {exc.message}" + (f"\n  hint: {exc.hint}" if exc.hint else ""))
        return exc.exit_code
    except KeyboardInterrupt:
        _say("")
        return 130


__all__ = ["main"]

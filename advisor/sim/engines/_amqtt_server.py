"""Child-process entry point for the amqtt engine: ``python -m advisor.sim.engines._amqtt_server --port P``.

amqtt runs in its own process (not a thread of the caller) so that it is stopped by PID like every other
engine, a hung test cannot keep it alive, and its event loop does not compete with the tests for the GIL.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal


async def _serve(host: str, port: int) -> None:
    from amqtt.broker import Broker

    config = {
        "listeners": {"default": {"type": "tcp", "bind": f"{host}:{port}", "max_connections": 0}},
        "plugins": {"amqtt.plugins.authentication.AnonymousAuthPlugin": {"allow_anonymous": True}},
    }
    broker = Broker(config)
    await broker.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print(f"amqtt listening on {host}:{port}", flush=True)
    await stop.wait()
    await broker.shutdown()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="amqtt broker for mqadvise sim")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log-level", default="WARNING")
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level)
    asyncio.run(_serve(args.host, args.port))


if __name__ == "__main__":
    main()

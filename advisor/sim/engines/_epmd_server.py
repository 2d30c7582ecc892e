"""A port mapper for the local RabbitMQ node that listens on 127.0.0.1 only: ``python _epmd_server.py --port P``.

Erlang's own epmd always adds the loopback addresses of both families, so it also listens on [::1] whatever
``-address`` or ``ERL_EPMD_ADDRESS`` say. This speaks the part of the epmd protocol a node and RabbitMQ use
(Erlang distribution protocol, "EPMD Protocol"): ALIVE2 (register, for as long as the connection stays open),
PORT_PLEASE2 (look a node up), NAMES and DUMP (list them); KILL and STOP are answered and ignored, so nothing but
its owner stops it. Run by path, standard library only, like the other engine helpers.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import signal
import struct

ALIVE2_REQ, ALIVE2_RESP, ALIVE2_X_RESP = 120, 121, 118
PORT_PLEASE2_REQ, PORT2_RESP = 122, 119
NAMES_REQ, DUMP_REQ, KILL_REQ, STOP_REQ = 110, 100, 107, 115

Node = tuple[int, int, int, int, int, bytes]      # port, type, protocol, highest, lowest, extra


class PortMapper:
    def __init__(self, port: int):
        self.port = port
        self.nodes: dict[bytes, Node] = {}

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            size = struct.unpack(">H", await reader.readexactly(2))[0]
            request = await reader.readexactly(size)
            if request and request[0] == ALIVE2_REQ:
                await self._alive(request, reader, writer)
            elif request and request[0] == PORT_PLEASE2_REQ:
                writer.write(self._port_please(request[1:]))
            elif request and request[0] in (NAMES_REQ, DUMP_REQ):
                writer.write(struct.pack(">I", self.port) + b"".join(
                    b"name %s at port %d\n" % (name, node[0]) for name, node in self.nodes.items()))
            elif request and request[0] == KILL_REQ:
                writer.write(b"OK")
            elif request and request[0] == STOP_REQ:
                writer.write(b"NOEXIST")
            await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, struct.error):
            pass
        finally:
            writer.close()

    async def _alive(self, request: bytes, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        port, node_type, protocol, highest, lowest, nlen = struct.unpack(">HBBHHH", request[1:11])
        name = request[11:11 + nlen]
        elen = struct.unpack(">H", request[11 + nlen:13 + nlen])[0]
        extra = request[13 + nlen:13 + nlen + elen]
        if name in self.nodes:
            writer.write(struct.pack(">BBI", ALIVE2_X_RESP, 1, 0) if highest >= 6 else struct.pack(">BBH", ALIVE2_RESP, 1, 0))
            return
        creation = random.randint(4, 2**32 - 1) if highest >= 6 else random.randint(1, 3)
        self.nodes[name] = (port, node_type, protocol, highest, lowest, extra)
        writer.write(struct.pack(">BBI", ALIVE2_X_RESP, 0, creation) if highest >= 6
                     else struct.pack(">BBH", ALIVE2_RESP, 0, creation))
        await writer.drain()
        try:
            while await reader.read(1024):     # registered while the node keeps this connection open
                pass
        finally:
            self.nodes.pop(name, None)

    def _port_please(self, name: bytes) -> bytes:
        node = self.nodes.get(name)
        if node is None:
            return bytes([PORT2_RESP, 1])
        port, node_type, protocol, highest, lowest, extra = node
        return (struct.pack(">BBHBBHHH", PORT2_RESP, 0, port, node_type, protocol, highest, lowest, len(name))
                + name + struct.pack(">H", len(extra)) + extra)


async def _serve(host: str, port: int) -> None:
    mapper = PortMapper(port)
    server = await asyncio.start_server(mapper.handle, host, port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with server:
        await stop.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description="epmd on 127.0.0.1 only, for mqadvise's local RabbitMQ")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    asyncio.run(_serve(args.host, args.port))


if __name__ == "__main__":
    main()

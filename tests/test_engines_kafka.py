"""tansu (Amazon MSK's data plane): keyed produce, a consumer group that commits, and a second consumer that
resumes from the committed offsets, with kafka-python on a real broker; stopped by PID with SIGINT."""

from __future__ import annotations

import time
import uuid

import pytest
from engine_helpers import assert_stopped, running_engine

from advisor.sim.engines.base import port_open

kafka = pytest.importorskip("kafka")


def _poll(consumer, want: int, timeout: float = 15.0):
    got = []
    deadline = time.monotonic() + timeout
    while len(got) < want and time.monotonic() < deadline:
        for records in consumer.poll(timeout_ms=300, max_records=want - len(got)).values():
            got.extend(records)
    return got


def test_keyed_produce_consumer_group_commit_and_resume():
    from kafka.admin import KafkaAdminClient, NewTopic

    from advisor.sim.engines.kafka import CONSUMER_DEFAULTS

    with running_engine("tansu") as broker:
        bootstrap = broker.env["KAFKA_BOOTSTRAP_SERVERS"]
        assert bootstrap.startswith("127.0.0.1:")
        topic, group = f"orders-{uuid.uuid4().hex[:6]}", f"g-{uuid.uuid4().hex[:6]}"
        admin = KafkaAdminClient(bootstrap_servers=bootstrap)
        admin.create_topics([NewTopic(topic, num_partitions=3, replication_factor=1)])
        admin.close()

        producer = kafka.KafkaProducer(bootstrap_servers=bootstrap, acks="all", linger_ms=0)
        partition_of: dict[bytes, set[int]] = {}
        for i in range(30):
            key = f"device-{i % 5}".encode()
            meta = producer.send(topic, key=key, value=f"{i}".encode()).get(timeout=10)
            partition_of.setdefault(key, set()).add(meta.partition)
        producer.flush()
        producer.close()
        assert all(len(parts) == 1 for parts in partition_of.values())      # one key, one partition
        assert len({p for parts in partition_of.values() for p in parts}) > 1

        settings = dict(bootstrap_servers=bootstrap, group_id=group, auto_offset_reset="earliest",
                        enable_auto_commit=False, **CONSUMER_DEFAULTS)
        first = kafka.KafkaConsumer(topic, **settings)
        got = _poll(first, 12)
        assert len(got) >= 12
        per_key: dict[bytes, list[int]] = {}
        for r in got:
            per_key.setdefault(r.key, []).append(int(r.value))
        assert all(v == sorted(v) for v in per_key.values())                 # order within a key
        first.commit()
        seen = {(r.partition, r.offset) for r in got}
        first.close()

        second = kafka.KafkaConsumer(topic, **settings)
        rest = _poll(second, 30 - len(seen))
        time.sleep(0.3)
        rest += _poll(second, 1, timeout=0.5)                                 # nothing more should come
        second.close()
        resumed = {(r.partition, r.offset) for r in rest}
        assert not (resumed & seen), "committed records were delivered again"
        assert len(seen | resumed) == 30
        pid = broker.pid
    assert_stopped(broker)
    assert pid is not None and not port_open(int(bootstrap.rsplit(":", 1)[1]))

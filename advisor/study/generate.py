"""Study items generated from the facts at run time, so that a changed fact changes its question.

Every generated item cites the facts it rests on (ids and sources). No figure is written here: the
answers and the distractors are all read from knowledge/services/*.yaml.
"""

from __future__ import annotations

import hashlib
import math
from typing import Any

from advisor.knowledge import vocabulary as V
from advisor.knowledge.base import FactRef, Option
from advisor.knowledge.schema import StudyItem, StudyOption

# fact name -> (question, topic, domain). {name} is the service or variant.
LIMITS: dict[str, tuple[str, str, str]] = {
    "retention.max": ("What is the longest retention period {name} can keep data for?", "retention", "resilient"),
    "retention.default": ("How long does {name} keep data by default?", "retention", "resilient"),
    "message_size.max": ("What is the largest message {name} accepts (with any opt-in)?", "message-size",
                         "high-performing"),
    "message_size.default": ("What is the default maximum message size of {name}, without opting in?",
                             "message-size", "high-performing"),
    "visibility_timeout.max": ("What is the longest visibility timeout of {name}?", "visibility-timeout",
                               "resilient"),
    "delay.max": ("What is the longest delivery delay {name} supports?", "delay", "resilient"),
    "long_polling.max_wait": ("What is the longest wait of a single long poll on {name}?", "polling",
                              "cost-optimized"),
    "deduplication.window": ("How long is the deduplication window of {name}?", "deduplication", "resilient"),
    "workflow.max_duration": ("How long can one execution of {name} run at most?", "workflow-type", "resilient"),
    "in_flight.max": ("How many messages can be in flight on {name} at most?", "quotas", "high-performing"),
    "targets_per_rule.max": ("How many targets can one rule of {name} have?", "fan-out", "high-performing"),
    "custom_bus.subscribers.max": ("How many subscribers can a Custom Event Bus of {name} have?", "fan-out",
                                   "high-performing"),
    "custom_bus.retention.max": ("How long can a Custom Event Bus of {name} retain events at most?", "retention",
                                 "resilient"),
    "archive.retention.max": ("How long can the archive of {name} keep messages at most?", "replay",
                              "resilient"),
    "backup.continuous_retention.max": ("How long can {name} keep continuous (point-in-time) backups?",
                                        "continuous-backup", "resilient"),
    "backup.min_frequency": ("What is the shortest interval between scheduled backups in {name}?", "schedules",
                             "resilient"),
    "enhanced_fan_out.consumers.max": ("How many enhanced fan-out consumers can one stream of {name} have "
                                       "(standard and provisioned streams)?", "fan-out", "high-performing"),
    "buffer.interval.max": ("What is the longest buffer interval of {name}?", "latency", "high-performing"),
    "buffer.size.max": ("What is the largest buffer size of {name}?", "latency", "high-performing"),
    "persistent_session.expiry.default": ("How long does {name} keep a persistent session by default?",
                                          "persistence", "resilient"),
    "vault_lock.cooling_off.min": ("What is the shortest cooling-off period of a compliance-mode Vault Lock "
                                   "in {name}?", "immutability", "secure"),
    "cold_storage.min_retention": ("How long must a recovery point stay in cold storage in {name}?",
                                   "lifecycle", "cost-optimized"),
    "history.retention": ("How long does {name} keep execution history?", "observability", "resilient"),
    "undeliverable_retention.max": ("How long does {name} keep records it cannot deliver?",
                                    "retention", "resilient"),
    "delivery_retries.window": ("Over how long does {name} retry deliveries to AWS-managed endpoints?",
                                "retries", "resilient"),
    "api_destination.timeout": ("How long may an endpoint behind an API destination of {name} take to answer?",
                                "api-destinations", "resilient"),
    "large_message.subscriptions.max": ("How many subscriptions can a topic of {name} have once it allows "
                                        "messages above the default size?", "message-size", "high-performing"),
    "brokers_per_region.max": ("How many brokers per Region does {name} allow by default?", "quotas",
                               "high-performing"),
    "volume_size.max": ("What is the largest volume of {name}?", "quotas", "high-performing"),
    "file_size.max": ("What is the largest file that can be written through {name}?", "quotas",
                      "high-performing"),
    "state_machine_definition.max": ("What is the largest state machine definition in {name}?", "quotas",
                                     "high-performing"),
}

# boolean or enum capability -> (question for "choose two", topic, domain, predicate, what it means)
PROPERTIES: dict[str, tuple[str, str, str, Any, str]] = {
    "ordering": ("Which two of these keep messages in order (per key or for the whole stream)? (Choose two.)",
                 "ordering", "resilient", lambda v: v in ("per-key", "global"), "keeps order"),
    "replay": ("Which two of these let consumers read data again after it was consumed? (Choose two.)",
               "replay", "resilient", lambda v: v is True, "can replay"),
    "operations": ("Which two of these are serverless, with no brokers, clusters or appliances to size? "
                   "(Choose two.)", "operations", "cost-optimized", lambda v: v == "serverless", "is serverless"),
    "deduplication": ("Which two of these drop duplicate messages themselves? (Choose two.)", "deduplication",
                      "resilient", lambda v: v is True, "deduplicates"),
    "persistence": ("Which two of these store messages until they are consumed or expire? (Choose two.)",
                    "persistence", "resilient", lambda v: v is True, "stores messages"),
    "filtering": ("Which two of these can deliver only the messages a receiver asked for (filtering)? "
                  "(Choose two.)", "filtering", "cost-optimized", lambda v: v is True, "filters"),
    "semantics": ("Which two of these promise exactly-once delivery or execution? (Choose two.)", "semantics",
                  "resilient", lambda v: v == "exactly-once", "is exactly-once"),
    "delivery": ("Which two of these push messages to receivers (the receiver does not poll)? (Choose two.)",
                 "push-vs-pull", "high-performing", lambda v: v == ["push"], "pushes only"),
}

PROTOCOL_NAMES = {
    "mqtt": "MQTT", "amqp-0-9-1": "AMQP 0-9-1", "amqp-1.0": "AMQP 1.0", "stomp": "STOMP",
    "openwire": "OpenWire", "jms": "JMS", "kafka": "the Apache Kafka protocol", "nfs": "NFS", "smb": "SMB",
    "iscsi": "iSCSI block volumes", "iscsi-vtl": "an iSCSI virtual tape library", "websocket": "WebSocket",
}
PROPERTY_ITEMS_EACH = 3
# Options of a figure question are at least this far apart (factor), so no two read as the same figure
# ("1 MiB", "1 MB" and "1,000 KiB" are one answer three times, not three choices).
MIN_OPTION_RATIO = 1.5
PROPERTY_QUESTION = {"delivery": "connection-delivery"}


def _h(*parts: str) -> int:
    return int.from_bytes(hashlib.sha256("\0".join(parts).encode()).digest()[:8], "big")


def _base(ref: FactRef) -> tuple[str, float] | None:
    """(dimension, value in base units) of a numeric figure, or None."""
    f = ref.fact
    if f.status != "confirmed" or isinstance(f.value, (bool, dict)) or f.value == "unlimited":
        return None
    n = f.numeric()
    if n is None or n <= 0:
        return None
    # a rate written as a size with a per-second scope (2 MB per second per shard) is not a size: offered as a
    # distractor for a size limit, it gives itself away
    rate = "rate:" if f.scope and "per second" in f.scope else ""
    if f.unit in V.TIME_UNITS:
        return f"{rate}time", n * V.TIME_UNITS[f.unit]
    if f.unit in V.SIZE_UNITS:
        return f"{rate}size", n * V.SIZE_UNITS[f.unit]
    if f.unit:
        return f"count:{f.unit}", n
    return None


def _name(kb, opt: Option, ref: FactRef) -> str:
    """The service's name when the fact holds for the whole service, else the variant's."""
    if opt.variant and ref.id.startswith(f"{opt.service}.{opt.variant}."):
        return kb.display_name(opt)
    return kb.services[opt.service].short_name


def _label(name: str) -> str:
    words = name.replace("_", " ").split(".")
    if words[-1] in ("max", "min", "default"):
        words = [{"max": "maximum", "min": "minimum", "default": "default"}[words[-1]]] + words[:-1]
    return " ".join(words)


def _fact_name(ref: FactRef, opt: Option) -> str:
    """``message_size.max`` of ``sqs.message_size.max`` (or of ``sqs.fifo.message_size.max`` for a variant)."""
    return ref.id.split(".", 1 + (opt.variant is not None))[-1]


def _family(name: str) -> str:
    """What a limit is about, without max/min/default: ``message_size`` for ``message_size.max``."""
    head, _, last = name.rpartition(".")
    return head if head and last in ("max", "min", "default") else name


def _distinct(candidate: float, shown: list[float]) -> bool:
    return all(max(candidate, v) / min(candidate, v) >= MIN_OPTION_RATIO for v in shown)


def _scoped(stem: str, scope: str | None) -> str:
    """The question with the fact's scope when the figure holds only there (a key must not contradict its note)."""
    if not scope or scope.lower() in stem.lower():
        return stem
    return f"{stem} Scope: {scope}."


def _facts(kb) -> list[tuple[Option, str, FactRef]]:
    """Every fact once, where it is defined: service facts, then each variant's own facts."""
    out = []
    for sid, svc in kb.services.items():
        for name in svc.facts:
            out.append((Option(sid, None), name, kb.fact(Option(sid, None), name)))
        for vid, var in svc.variants.items():
            for name in var.facts:
                out.append((Option(sid, vid), name, kb.fact(Option(sid, vid), name)))
    return out


def _limit_items(kb) -> list[StudyItem]:
    from advisor.engine.units import figure

    everything = _facts(kb)
    pool: dict[str, list[tuple[float, FactRef, Option]]] = {}
    for opt, _name, ref in everything:
        b = _base(ref)
        if b is not None:
            pool.setdefault(b[0], []).append((b[1], ref, opt))
    items = []
    for opt, name, ref in everything:
        if name not in LIMITS:
            continue
        b = _base(ref)
        if b is None:
            continue
        svc = kb.services[opt.service]
        if opt.variant is None and any(name in v.facts and v.facts[name].value != ref.fact.value
                                       for v in svc.variants.values()):
            continue  # the service-wide question would be wrong for a variant
        dim, value = b
        answer = figure(ref.fact)
        shown_values = [value]
        shown = {answer}
        distractors: list[tuple[str, str, str | None]] = []
        # real AWS figures first: the same kind of limit elsewhere (message_size of another service), nearest first
        for other_value, other, other_opt in sorted(
                pool.get(dim, []), key=lambda c: (_family(_fact_name(c[1], c[2])) != _family(name),
                                                  abs(math.log(c[0] / value)), c[1].id)):
            text = figure(other.fact)
            if other.id == ref.id or text in shown or not _distinct(other_value, shown_values):
                continue
            shown_values.append(other_value)
            shown.add(text)
            what = f"the {_label(_fact_name(other, other_opt))} of {kb.display_name(other_opt)}"
            distractors.append((text, f"{text} is {what}, not this limit.", other.source))
            if len(distractors) == 3:
                break
        for factor in (2, 0.5, 4, 0.25, 8, 0.125):
            if len(distractors) == 3:
                break
            from advisor.engine.units import number

            scaled = ref.fact.value * factor
            text = f"{number(scaled)} {ref.fact.unit}"
            if text in shown or not _distinct(value * factor, shown_values):
                continue
            shown.add(text)
            shown_values.append(value * factor)
            distractors.append((text, "No AWS figure for this limit has that value.", None))
        question, topic, domain = LIMITS[name]
        display = kb.display_name(opt)
        note = f" {ref.fact.note}" if ref.fact.note else ""
        options = [StudyOption(text=answer, correct=True,
                               why=f"{display}: {answer} ({ref.id}, as of {ref.fact.as_of}).{note}")]
        options += [StudyOption(text=t, why=w) for t, w, _src in distractors]
        items.append(StudyItem(
            id=f"gen:limit:{opt.id}:{name}", services=[opt.service], topic=topic, domain=domain,
            stem=_scoped(question.format(name=display), ref.fact.scope), options=options, sources=[ref.source], facts=[ref.id],
            as_of=ref.fact.as_of, origin="generated",
            explanation=f"Generated from the fact {ref.id}; it changes when that fact changes."))
    return items


def _property_items(kb) -> list[StudyItem]:
    items = []
    for name, (question, topic, domain, test, meaning) in PROPERTIES.items():
        yes, no = [], []
        for opt in kb.options:
            ref = kb.fact(opt, name)
            if ref is None:
                continue
            (yes if test(ref.fact.value) else no).append((opt, ref))
        # one option per service among the "no" side keeps distractors varied
        if len(yes) < 2 or len(no) < 3:
            continue
        for k in range(1, PROPERTY_ITEMS_EACH + 1):
            key = f"gen:property:{name}:{k}"
            right = sorted(yes, key=lambda p: _h(key, p[0].id))
            right = [right[0]] + [p for p in right[1:] if p[0].service != right[0][0].service][:1]
            if len(right) < 2:
                continue
            wrong = []
            for p in sorted(no, key=lambda p: _h(key, "no", p[0].id)):
                if all(p[0].service != w[0].service for w in wrong):
                    wrong.append(p)
                if len(wrong) == 3:
                    break
            if len(wrong) < 3:
                continue
            options = []
            for (opt, ref), ok in [(p, True) for p in right] + [(p, False) for p in wrong]:
                from advisor.engine.units import figure

                value = figure(ref.fact)
                verdict = meaning if ok else f"does not ({name}: {value})"
                note = f" {ref.fact.note}" if ref.fact.note else ""
                options.append(StudyOption(text=_name(kb, opt, ref), correct=ok,
                                           why=f"{_name(kb, opt, ref)} {verdict} ({ref.id}).{note}"))
            refs = [r for _o, r in right + wrong]
            items.append(StudyItem(
                id=key, services=sorted({o.service for o, _r in right + wrong}), topic=topic, domain=domain,
                questions=[PROPERTY_QUESTION[name]] if name in PROPERTY_QUESTION else [],
                stem=question,     # the same question over another set of options (no "(set 2)" in the sentence)
                choose=2, options=options, sources=list(dict.fromkeys(r.source for r in refs))[:6],
                facts=[r.id for r in refs], as_of=max(r.fact.as_of for r in refs), origin="generated",
                explanation=f"Generated from the '{name}' fact of each option; it changes when those facts change."))
    return items


def _protocol_items(kb) -> list[StudyItem]:
    items = []
    speaks: dict[str, list[tuple[Option, FactRef]]] = {}
    refs = {}
    for opt in kb.options:
        ref = kb.fact(opt, "protocols")
        if ref is None:
            continue
        refs[opt] = ref
        for proto in ref.fact.value or []:
            speaks.setdefault(proto, []).append((opt, ref))
    for proto, label in PROTOCOL_NAMES.items():
        speakers = speaks.get(proto, [])
        if not speakers:
            continue
        speaking = {o for o, _r in speakers}
        silent = [o for o in refs if o not in speaking]
        by_service: dict[str, tuple[Option, FactRef]] = {}
        for opt, ref in speakers:
            by_service.setdefault(opt.service, (opt, ref))
        for sid, (opt, ref) in by_service.items():
            key = f"gen:protocol:{proto}:{sid}"
            # near misses first: the same service's other variants, then the same model, then the rest
            model = kb.value(opt, "model")
            ranked = sorted(silent, key=lambda o: (o.service != sid, kb.value(o, "model") != model, _h(key, o.id)))
            wrong = []
            shown = {_name(kb, opt, ref)}
            for o in ranked:
                text = _name(kb, o, refs[o])
                if text not in shown and all(o.service != w.service or o.service == sid for w in wrong):
                    wrong.append(o)
                    shown.add(text)
                if len(wrong) == 3:
                    break
            if len(wrong) < 3:
                continue
            options = [StudyOption(text=_name(kb, opt, ref), correct=True,
                                   why=f"{_name(kb, opt, ref)} speaks {label} ({ref.id}: "
                                       f"{', '.join(ref.fact.value)}).")]
            for o in wrong:
                r = refs[o]
                options.append(StudyOption(text=_name(kb, o, r),
                                           why=f"{_name(kb, o, r)} speaks {', '.join(r.fact.value)}, "
                                               f"not {label} ({r.id})."))
            cited = [ref] + [refs[o] for o in wrong]
            others = sorted(kb.display_name(o) for o in speaking if o != opt)
            extra = f" Also speaking {label}: {', '.join(others)}." if others else ""
            items.append(StudyItem(
                id=key, services=sorted({opt.service} | {o.service for o in wrong}), topic="protocols",
                domain="high-performing",
                stem=f"Which of these accepts clients that speak {label}?"
                     + (f" ({kb.services[sid].short_name} family)" if len(by_service) > 1 else ""),
                options=options, sources=list(dict.fromkeys(r.source for r in cited)),
                facts=[r.id for r in cited], as_of=max(r.fact.as_of for r in cited), origin="generated",
                explanation=f"Generated from the 'protocols' facts.{extra}"))
    return items


def generate_items(kb) -> list[StudyItem]:
    """All generated items, in a stable order with stable ids."""
    return _protocol_items(kb) + _limit_items(kb) + _property_items(kb)

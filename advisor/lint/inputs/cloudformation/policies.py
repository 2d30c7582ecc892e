"""What a resource policy (``AWS::SQS::QueuePolicy``, ``AWS::SNS::TopicPolicy``...) says about its queues
and topics: whether it refuses requests that are not TLS, and which AWS services it lets send without
saying on whose behalf (``aws:SourceArn``/``aws:SourceAccount``: the confused deputy)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from advisor.lint.model import Pos
from advisor.lint.positions import PDict

from .template import Template

# Condition keys that bind a service principal to the resource or account it acts for
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html).
SOURCE_KEYS = ("aws:sourcearn", "aws:sourceaccount", "aws:sourceorgid", "aws:sourceorgpaths")


@dataclass
class PolicyFacts:
    tls_only: bool = False
    tls_pos: Pos | None = None
    # one entry per Allow statement that lets a service principal send without a source condition
    open_services: list[tuple[list[str], Pos]] = field(default_factory=list)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _lower_keys(value: Any) -> dict[str, Any]:
    return {k.lower(): v for k, v in value.items() if isinstance(k, str)} if isinstance(value, dict) else {}


def read_policy(tpl: Template, container: Any, prop: str, send_actions: tuple[str, ...]) -> PolicyFacts:
    """Facts of the policy document in ``container[prop]`` (a mapping or a JSON string)."""
    facts = PolicyFacts()
    doc = tpl.mapping(container, prop)
    if doc is None:
        return facts
    statements = tpl.get(doc, "Statement")
    if isinstance(statements, dict):
        items = [(statements, tpl.pos(doc, "Statement"))]
    else:
        items = tpl.items(doc, "Statement")
    for statement, pos in items:
        statement = tpl.resolve(statement)
        if not isinstance(statement, dict):
            continue
        if isinstance(statement, PDict):
            pos = statement.start
        effect = tpl.get(statement, "Effect")
        conditions = _lower_keys(tpl.get(statement, "Condition"))
        if effect == "Deny" and _denies_plain_http(tpl, conditions):
            facts.tls_only = True
            facts.tls_pos = facts.tls_pos or pos
        if effect != "Allow":
            continue
        principal = tpl.get(statement, "Principal")
        services = _strings(tpl.resolve(principal.get("Service"))) if isinstance(principal, dict) else []
        if not services:
            continue
        actions = [a.lower() for a in _strings(tpl.get(statement, "Action"))]
        if not any(a in send_actions or a == "*" or a.endswith(":*") for a in actions):
            continue
        bound = any(key.lower() in SOURCE_KEYS for body in conditions.values() if isinstance(body, dict)
                    for key in body if isinstance(key, str))
        if not bound:
            facts.open_services.append((services, pos))
    return facts


def _denies_plain_http(tpl: Template, conditions: dict[str, Any]) -> bool:
    for operator in ("bool", "boolifexists"):
        body = _lower_keys(conditions.get(operator))
        value = tpl.resolve(body.get("aws:securetransport"))
        values = value if isinstance(value, list) else [value]
        if any(v is False or (isinstance(v, str) and v.lower() == "false") for v in values):
            return True
    return False

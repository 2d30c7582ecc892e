"""templates/scaffold/sns-push/: an SNS topic pushing to email, SMS, HTTPS and Lambda subscribers, a
dead-letter queue each."""

from __future__ import annotations

from typing import Any

from advisor.knowledge.base import Option
from advisor.scaffold.plan import Figure, Plan
from advisor.scaffold.shared import (
    SQS_STD,
    TemplateSet,
    architecture,
    dlq_retention,
    fact_ref,
    lambda_component,
)

SNS_STD = Option("sns", "standard")


def blueprint(ctx: dict[str, Any], plan: Plan) -> None:
    consumers = set(ctx["consumers"])
    max_bytes = plan.record("topic.max_message_bytes", plan.bytes(SNS_STD, "message_size.default"))
    plan.record("subscription.dead_letter", Figure(True, *fact_ref(plan, SNS_STD, "dead_letter"),
                                                   "a DLQ per subscription (RedrivePolicy)"))
    plan.record("topic.queue_policy_required", plan.fact(SQS_STD, "queue_policy_required_for_sns"))
    plan.record("subscription.customer_endpoint_attempts",
                plan.fact(SNS_STD, "delivery_retries.customer_endpoints"))
    subs: list[dict[str, Any]] = []
    if "email" in consumers or not consumers & {"email", "sms", "http"}:
        subs.append({"id": "Email", "name": "email", "protocol": "email", "endpoint_param": "AlertEmail",
                     "component": "team-mailbox", "ctype": "email", "filter": None})
    if "sms" in consumers:
        subs.append({"id": "Sms", "name": "sms", "protocol": "sms", "endpoint_param": "OnCallPhone",
                     "component": "on-call-phone", "ctype": "sms", "filter": None})
    if "http" in consumers:
        retry = plan.record("subscription.https_retry_seconds", plan.seconds(SNS_STD, "http_retry.max_duration"))
        subs.append({"id": "Webhook", "name": "webhook", "protocol": "https", "endpoint_param": "WebhookUrl",
                     "component": "webhook", "ctype": "http-endpoint", "filter": None, "retry_seconds": retry})
    # design choice: a function subscribed for critical alerts only (escalation, ticketing); the filter
    # policy keeps the other severities away from it
    subs.append({"id": "Escalate", "name": "escalate", "protocol": "lambda", "endpoint_param": None,
                 "component": "escalate-fn", "ctype": "lambda", "filter": {"severity": ["critical"]}})
    ctx["subscribers"] = subs
    ctx["topic"] = {"max_bytes": max_bytes}
    ctx["dlq_retention"] = dlq_retention(plan)
    ctx["local_overrides"] = {}
    ctx["readme_run"] = []
    comps: dict[str, Any] = {"alarm-source": {"type": "application", "protocols": ["https"]}}
    chans: dict[str, Any] = {"alerts-topic": {"service": "sns", "variant": "standard", "encryption": "managed",
                                              "max_message_kib": max_bytes // 1024}}
    flows: list[dict[str, Any]] = [{"from": "alarm-source", "to": "alerts-topic", "protocol": "https"}]
    for s in subs:
        dlq = f"{s['name']}-delivery-dlq"
        chans[dlq] = {"service": "sqs", "variant": "standard", "encryption": "managed",
                      "retention_days": round(ctx["dlq_retention"] / 86400, 3)}
        if s["ctype"] == "lambda":
            comps[s["component"]] = {k: v for k, v in lambda_component(ctx).items()
                                     if k not in ("batch_size", "batch_window_seconds")}
        else:
            comps[s["component"]] = {"type": s["ctype"]}
        flow: dict[str, Any] = {"from": "alerts-topic", "to": s["component"], "dead_letter": dlq,
                                "subscription_protocol": s["protocol"]}
        if s["filter"]:
            flow["filter"] = s["filter"]
        flows.append(flow)
    ctx["architecture"] = architecture(ctx, comps, chans, flows)


TEMPLATE_SET = TemplateSet("sns-push", ("sns-push-notifications",), blueprint,
                           services=(frozenset({"sns"}),),
                           description="SNS topic pushing to email, SMS, HTTPS and Lambda subscribers, a DLQ each")

"""Blueprints of the push-notification, Firehose, AppFlow, Storage Gateway and Backup template sets.

Same rules as ``blueprints.py``: every AWS figure comes from the knowledge through ``plan.fact`` (and is
recorded with its source so the README can cite it); names come from ``names``; what is a design choice
(not an AWS figure) is marked as such where it is set.
"""

from __future__ import annotations

import math
import re
from typing import Any

from advisor.errors import UsageError
from advisor.knowledge.base import Option
from advisor.scaffold import names
from advisor.scaffold.blueprints import SQS_STD, _cron_ok, architecture, lambda_component
from advisor.scaffold.plan import Figure, Plan
from advisor.scaffold.registry import TemplateSet, register

SNS_STD = Option("sns", "standard")
FIREHOSE = Option("data-firehose", None)
APPFLOW = Option("appflow", None)
BACKUP = Option("backup", None)
_GIB = 1024 ** 3
_HOURS = {"seconds": 1 / 3600, "minutes": 1 / 60, "hours": 1, "days": 24}


def _gib_bytes(plan: Plan, opt: Option, name: str) -> Figure:
    """A GiB (or GB) fact in bytes."""
    f = plan.fact(opt, name)
    unit = plan.kb.fact(opt, name).fact.unit
    per = {"GiB": _GIB, "TiB": 1024 * _GIB, "GB": 1000 ** 3, "TB": 1000 ** 4}[unit]
    return Figure(int(float(f.value) * per), f.fact, f.source, f"{f.value} {unit}")


def _hours(plan: Plan, opt: Option, name: str) -> Figure:
    f = plan.fact(opt, name)
    unit = plan.kb.fact(opt, name).fact.unit or "hours"
    return Figure(float(f.value) * _HOURS[unit], f.fact, f.source, f"{f.value} {unit}")


def _dlq_retention(plan: Plan) -> int:
    return plan.seconds(SQS_STD, "retention.max").value


# ----- SNS push notifications (email, SMS, Lambda, HTTPS) ----------------------------------------
def sns_push(ctx: dict[str, Any], plan: Plan) -> None:
    consumers = set(ctx["consumers"])
    max_bytes = plan.record("topic.max_message_bytes", plan.bytes(SNS_STD, "message_size.default"))
    plan.record("subscription.dead_letter", Figure(True, *_ref(plan, SNS_STD, "dead_letter"),
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
    ctx["dlq_retention"] = _dlq_retention(plan)
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


def _ref(plan: Plan, opt: Option, name: str) -> tuple[str | None, str | None]:
    f = plan.fact(opt, name)
    return f.fact, f.source


register(TemplateSet("sns-push", ("sns-push-notifications",), sns_push,
                     services=(frozenset({"sns"}),),
                     description="SNS topic pushing to email, SMS, HTTPS and Lambda subscribers, a DLQ each"))


# ----- Firehose: direct delivery, or SNS -> Firehose archive ---------------------------------------
def firehose(ctx: dict[str, Any], plan: Plan) -> None:
    sns = plan.option("sns") is not None
    consumers = set(ctx["consumers"])
    dest = "opensearch" if "opensearch" in consumers and not sns else "s3"
    interval = plan.record("firehose.buffer_interval_seconds", plan.seconds(FIREHOSE, "buffer.interval.default"))
    size = plan.record("firehose.buffer_size_mib", plan.fact(FIREHOSE, "buffer.size.default"))
    max_record = plan.record("firehose.max_record_bytes", plan.bytes(FIREHOSE, "message_size.max"))
    batch_records = plan.record("firehose.batch_max_records", plan.fact(FIREHOSE, "batch.records.max"))
    batch_bytes = plan.record("firehose.batch_max_bytes", plan.bytes(FIREHOSE, "batch.size.max"))
    fh: dict[str, Any] = {"interval": int(interval), "size_mib": int(size), "max_record_bytes": max_record,
                          "batch_records": int(batch_records), "batch_bytes": batch_bytes, "destination": dest,
                          # design choice: a transform shapes log lines into documents for OpenSearch, and
                          # drops records when filtering was asked (Firehose has no declarative filter)
                          "transform": dest == "opensearch" or ctx["filtering"],
                          "prefix": "data/", "error_prefix": "errors/", "backup_prefix": "failed/",
                          "index": names.slug(ctx["project"] + "-logs")[:40]}
    if dest == "opensearch":
        fh["retry_seconds"] = plan.record("firehose.opensearch_retry_seconds",
                                          plan.seconds(FIREHOSE, "delivery_retry.max"))
    ctx["firehose"] = fh
    ctx["sns_archive"] = sns
    ctx["dlq_retention"] = _dlq_retention(plan)
    if sns:
        ctx["topic"] = {"max_bytes": plan.record("topic.max_message_bytes",
                                                 plan.bytes(SNS_STD, "message_size.default"))}
        plan.record("topic.queue_policy_required", plan.fact(SQS_STD, "queue_policy_required_for_sns"))
    overrides: dict[str, Any] = {}
    if dest == "opensearch":
        # moto has no OpenSearch: locally the stream writes to the backup bucket's failed-documents path,
        # which is where AWS puts what OpenSearch rejects. The template keeps its OpenSearch destination.
        overrides["DeliveryStream"] = {
            "AmazonopensearchserviceDestinationConfiguration": None,
            "ExtendedS3DestinationConfiguration": {
                "BucketARN": {"Fn::GetAtt": ["BackupBucket", "Arn"]},
                "RoleARN": {"Fn::GetAtt": ["DeliveryRole", "Arn"]},
                "Prefix": fh["backup_prefix"], "ErrorOutputPrefix": fh["error_prefix"]}}
    ctx["local_overrides"] = overrides
    ctx["readme_run"] = []
    comps: dict[str, Any] = {"producer-app": {"type": "application", "protocols": ["https"]}}
    chans: dict[str, Any] = {"delivery-stream": {"service": "data-firehose", "encryption": "managed",
                                                 "max_message_kib": max_record // 1024,
                                                 "buffer_interval_seconds": fh["interval"],
                                                 "buffer_size_mib": fh["size_mib"]}}
    flows: list[dict[str, Any]] = []
    if sns:
        chans["archive-topic"] = {"service": "sns", "variant": "standard", "encryption": "managed"}
        chans["subscription-dlq"] = {"service": "sqs", "variant": "standard", "encryption": "managed",
                                     "retention_days": round(ctx["dlq_retention"] / 86400, 3)}
        flows += [{"from": "producer-app", "to": "archive-topic", "protocol": "https"},
                  {"from": "archive-topic", "to": "delivery-stream", "raw_delivery": True,
                   "dead_letter": "subscription-dlq"}]
    else:
        flows.append({"from": "producer-app", "to": "delivery-stream", "protocol": "https"})
    if fh["transform"]:
        comps["transform-fn"] = {k: v for k, v in lambda_component(ctx).items()
                                 if k not in ("batch_size", "batch_window_seconds")}
        flows.append({"from": "delivery-stream", "to": "transform-fn"})
    comps["backup-bucket" if dest == "opensearch" else "archive-bucket"] = {"type": "s3-bucket"}
    if dest == "opensearch":
        comps["search-domain"] = {"type": "http-endpoint", "protocols": ["https"], "service": "opensearch"}
        flows += [{"from": "delivery-stream", "to": "search-domain"},
                  {"from": "delivery-stream", "to": "backup-bucket"}]
    else:
        flows.append({"from": "delivery-stream", "to": "archive-bucket"})
    ctx["architecture"] = architecture(ctx, comps, chans, flows)


register(TemplateSet("firehose", ("firehose-direct-delivery", "sns-firehose-archive"), firehose,
                     services=(frozenset({"data-firehose"}), frozenset({"sns", "data-firehose"})),
                     description="Producer (or an SNS topic) to Firehose to S3 or OpenSearch, with an error prefix"))


# ----- AppFlow: scheduled SaaS -> S3 / Redshift transfer -------------------------------------------
_APPFLOW_CONNECTORS = {"salesforce": "Salesforce", "servicenow": "Servicenow", "zendesk": "Zendesk",
                       "marketo": "Marketo", "slack": "Slack", "pardot": "Pardot", "datadog": "Datadog",
                       "dynatrace": "Dynatrace", "google-analytics": "Googleanalytics",
                       "sap-odata": "SAPOData", "amplitude": "Amplitude", "singular": "Singular",
                       "trendmicro": "Trendmicro", "veeva": "Veeva", "infornexus": "Infornexus"}
# what the flow reads for the connectors with a worked example; others get the object as a parameter
_SAAS_OBJECTS = {"salesforce": ("Opportunity", ["Id", "Name", "AccountId", "StageName", "Amount", "CloseDate",
                                                "LastModifiedDate"], "LastModifiedDate")}


def appflow(ctx: dict[str, Any], plan: Plan) -> None:
    c = plan.requirements.constraints
    supported = plan.fact(APPFLOW, "saas")
    saas = next((s for s in (c.saas or []) if s in supported.value), "salesforce")
    if saas not in _SAAS_OBJECTS:
        raise UsageError(f"the AppFlow scaffold has a worked source for {', '.join(_SAAS_OBJECTS)} only, not {saas!r}",
                         hint="scaffold with saas: [salesforce] and change the source connector in the flow")
    plan.record("flow.source_connector", Figure(_APPFLOW_CONNECTORS[saas], supported.fact, supported.source,
                                                "connector type of the requirements' SaaS application"))
    obj, fields, incr = _SAAS_OBJECTS.get(saas, ("Account", ["Id"], None))
    expr = _cron_ok(c.schedule)
    dest = "redshift" if "redshift" in (c.consumers or []) else "s3"
    ctx["flow"] = {"connector": _APPFLOW_CONNECTORS[saas], "saas": saas, "object": obj, "fields": fields,
                   "incremental_field": incr, "schedule": expr or "rate(1days)",
                   "schedule_note": "from the requirements" if expr else "daily: no valid schedule in the requirements",
                   "destination": dest, "table": f"public.{names.identifier(obj.lower())}",
                   "name": names.slug(ctx["project"] + "-flow"),
                   "source_profile": names.slug(ctx["project"] + "-" + saas),
                   "dest_profile": names.slug(ctx["project"] + "-redshift")}
    plan.record("flow.schedule", Figure(ctx["flow"]["schedule"], None, None, ctx["flow"]["schedule_note"]))
    plan.record("flow.max_data_per_run", plan.fact(APPFLOW, "message_size.max"))
    ctx["local_overrides"] = {}
    ctx["readme_run"] = []
    ctx["moto_tests"] = False
    ctx["deploy_parameters"] = ["SalesforceInstanceUrl", "SalesforceClientCredentialsArn", "SalesforceJwtToken"] + (
        ["RedshiftClusterIdentifier", "RedshiftDatabase"] if dest == "redshift" else [])
    comps: dict[str, Any] = {f"{saas}-app": {"type": "saas"},
                             "schedule": {"type": "schedule"},
                             "staging-bucket" if dest == "redshift" else "landing-bucket": {"type": "s3-bucket"}}
    chans: dict[str, Any] = {"transfer-flow": {"service": "appflow", "trigger": "scheduled",
                                               "schedule": ctx["flow"]["schedule"], "encryption": "managed"}}
    flows: list[dict[str, Any]] = [{"from": f"{saas}-app", "to": "transfer-flow", "protocol": "https"},
                                   {"from": "schedule", "to": "transfer-flow"}]
    if dest == "redshift":
        comps["warehouse"] = {"type": "application", "service": "redshift"}
        flows += [{"from": "transfer-flow", "to": "staging-bucket"}, {"from": "transfer-flow", "to": "warehouse"}]
    else:
        flows.append({"from": "transfer-flow", "to": "landing-bucket"})
    ctx["architecture"] = architecture(ctx, comps, chans, flows)


register(TemplateSet("appflow", ("appflow-saas-transfer",), appflow, services=(frozenset({"appflow"}),),
                     layers=("common", "ops-common"),
                     description="Scheduled AppFlow flow from a SaaS application to S3 or Redshift"))


# ----- Storage Gateway -----------------------------------------------------------------------------
_GATEWAY_TYPES = {"s3-file": "FILE_S3", "volume-cached": "CACHED", "volume-stored": "STORED", "tape": "VTL"}


def storage_gateway(ctx: dict[str, Any], plan: Plan) -> None:
    opt = plan.option("storage-gateway") or Option("storage-gateway", "s3-file")
    variant = opt.variant or "s3-file"
    if variant == "fsx-file":
        ref = plan.fact(opt, "available_to_new_customers")
        if ref.value is False:
            raise UsageError("Amazon FSx File Gateway is no longer available to new customers, so there is no "
                             f"scaffold for it ({ref.source})",
                             hint="new designs use an S3 File Gateway (storage-gateway-file) or FSx for "
                                  "Windows File Server directly")
    plan.record("gateway.type_fixed_at_activation", plan.fact(opt, "gateway_type_fixed"))
    protocols = set(plan.fact(opt, "protocols").value)
    wanted = set(plan.requirements.migration.protocols or [])
    gw: dict[str, Any] = {"variant": variant, "type": _GATEWAY_TYPES[variant], "name": ctx["project"]}
    if variant == "s3-file":
        shares = sorted((wanted & protocols) or {"nfs"})
        gw["shares"] = shares
        gw["cache_max_bytes"] = plan.record("gateway.cache_max_bytes", _gib_bytes(plan, opt, "cache.max"))
        gw["shares_max"] = int(plan.record("gateway.file_shares_max", plan.fact(opt, "file_shares.max")))
        gw["file_max_bytes"] = plan.record("gateway.file_max_bytes", _gib_bytes(plan, opt, "file_size.max"))
        # design choice: objects not read for 30 days move to S3 Standard-IA
        gw["ia_days"] = 30
    elif variant in ("volume-cached", "volume-stored"):
        gw["volume_max_bytes"] = plan.record("gateway.volume_max_bytes", _gib_bytes(plan, opt, "volume_size.max"))
        # design choice: the first volume's size; raise it up to the maximum above
        gw["volume_bytes"] = min(1024 * _GIB, gw["volume_max_bytes"])
        if variant == "volume-cached":
            gw["volumes_max"] = int(plan.record("gateway.volumes_max", plan.fact(opt, "volumes.max")))
        # design choice: a snapshot every 24 hours (stored volumes' copies in AWS), the API's range is 1-24
        gw["snapshot_hours"] = 24
    else:
        gw["tape_max_bytes"] = plan.record("gateway.tape_max_bytes", _gib_bytes(plan, opt, "tape_size.max"))
        gw["tape_bytes"] = min(2500 * _GIB, gw["tape_max_bytes"])     # design choice: LTO-6 sized tapes
        gw["tapes"] = 10                                                # design choice: the first batch
        gw["worm"] = bool(plan.fact(opt, "worm_tapes").value)
        glacier = plan.record("tape.retrieval_hours.glacier", _hours(plan, opt, "archive_retrieval.flexible_retrieval"))
        deep = plan.record("tape.retrieval_hours.deep_archive", _hours(plan, opt, "archive_retrieval.deep_archive"))
        gw["pool_class"] = "GLACIER"        # design choice: faster retrieval; DEEP_ARCHIVE is cheaper
        gw["retrieval_hours"] = {"GLACIER": glacier, "DEEP_ARCHIVE": deep}
        gw["barcode_prefix"] = re.sub(r"[^A-Z]", "", names.slug(ctx["project"]).upper())[:4] or "TAPE"
    ctx["gateway"] = gw
    ctx["local_overrides"] = {}
    ctx["readme_run"] = []
    ctx["moto_tests"] = False
    ctx["deploy_parameters"] = (["GatewayArn"] if variant in ("s3-file", "volume-cached") else []) + [
        "GatewayId", "GatewayName"]
    label = {"s3-file": "file-shares", "volume-cached": "cached-volumes", "volume-stored": "stored-volumes",
             "tape": "tape-library"}[variant]
    comps: dict[str, Any] = {"on-premises-servers": {"type": "on-premises",
                                                     "protocols": sorted(protocols)}}
    chans: dict[str, Any] = {label: {"service": "storage-gateway", "variant": variant,
                                     "gateway_type": gw["type"], "encryption": "managed"}}
    if variant != "s3-file":     # the data lands in storage AWS manages for the gateway (S3, EBS snapshots, Glacier)
        chans[label]["external_consumers"] = True
    flows: list[dict[str, Any]] = [{"from": "on-premises-servers", "to": label,
                                    "protocol": min(protocols) if variant != "s3-file" else gw["shares"][0]}]
    if variant == "s3-file":
        comps["share-bucket"] = {"type": "s3-bucket"}
        flows.append({"from": label, "to": "share-bucket"})
    ctx["architecture"] = architecture(ctx, comps, chans, flows)


register(TemplateSet("storage-gateway", ("storage-gateway-file", "storage-gateway-volume-cached",
                                         "storage-gateway-volume-stored", "storage-gateway-tape",
                                         "storage-gateway-fsx-file"), storage_gateway,
                     services=(frozenset({"storage-gateway"}),), layers=("common", "ops-common"),
                     description="Storage Gateway file shares, iSCSI volumes or tape library: template, "
                                 "runbook and boto3 operations"))


# ----- AWS Backup plan -------------------------------------------------------------------------------
def backup(ctx: dict[str, Any], plan: Plan) -> None:
    b = plan.requirements.backup
    resources = list(b.resources or [])
    min_freq = plan.record("backup.min_frequency_hours", _hours(plan, BACKUP, "backup.min_frequency"))
    start_window = plan.record("backup.start_window_minutes",
                               Figure(int(plan.seconds(BACKUP, "backup.start_window.min").value // 60),
                                      *_ref(plan, BACKUP, "backup.start_window.min")))
    continuous_ok = set(plan.fact(BACKUP, "backup.continuous_resources").value)
    rpo = b.rpo_hours
    retention = math.ceil(b.retention_days) if b.retention_days else None
    rule: dict[str, Any] = {"start_window": start_window, "rpo_gap": False}
    if rpo is not None and rpo < min_freq and resources and set(resources) <= continuous_ok:
        cmax = plan.record("backup.continuous_retention_max_days",
                           plan.fact(BACKUP, "backup.continuous_retention.max"))
        rule.update(continuous=True, schedule=plan.record("backup.schedule", plan.fact(BACKUP, "backup.schedule.default")),
                    retention=min(retention or int(cmax), int(cmax)))
        plan.record("backup.continuous", plan.fact(BACKUP, "backup.continuous"))
    else:
        if rpo is None or rpo >= 24:
            sched = plan.fact(BACKUP, "backup.schedule.default")
        else:
            every = max(int(min_freq), int(rpo))
            expr = "cron(0 * * * ? *)" if every == 1 else f"cron(0 0/{every} * * ? *)"
            sched = Figure(expr, None, None, f"every {every} h for an RPO of {rpo:g} h (finest: {min_freq:g} h)")
        rule.update(continuous=False, schedule=plan.record("backup.schedule", sched), retention=retention)
        if rpo is not None and rpo < min_freq:
            rule["rpo_gap"] = True       # not every resource supports continuous backup: hourly is the finest
    plan.record("backup.retention_days", Figure(rule["retention"], None, None, "retention_days from the requirements"
                                                if retention else "kept until deleted (no retention_days)"))
    lock: dict[str, Any] | None = None
    if b.immutable:
        hours = _hours(plan, BACKUP, "vault_lock.cooling_off.min").value
        cool = plan.record("vault.lock_changeable_days",
                           Figure(math.ceil(hours / 24), *_ref(plan, BACKUP, "vault_lock.cooling_off.min"),
                                  f"the cooling-off minimum, {hours:g} hours, in whole days"))
        lock = {"changeable_days": int(cool), "cooling_hours": hours, "min_retention": rule["retention"] or 1}
    if b.cross_region:
        plan.record("backup.cross_region", plan.fact(BACKUP, "backup.cross_region"))
    if b.cross_account:
        plan.record("backup.cross_account", plan.fact(BACKUP, "backup.cross_account"))
    ctx["backup"] = {"rule": rule, "lock": lock, "cross_region": bool(b.cross_region),
                     "cross_account": bool(b.cross_account), "resources": resources,
                     "tag_key": "backup-plan", "tag_value": ctx["project"],
                     # design choice: a backup has this long to finish once started
                     "completion_window": 24 * 60 if rule["continuous"] or (rpo or 24) >= 24 else 120}
    ctx["local_overrides"] = {}
    ctx["readme_run"] = []
    ctx["moto_tests"] = True
    ctx["deploy_parameters"] = (["SecondRegionVaultArn"] if b.cross_region else []) + (
        ["CrossAccountVaultArn"] if b.cross_account else [])
    chan: dict[str, Any] = {"service": "backup", "encryption": "managed", "schedule": rule["schedule"],
                            "continuous_backup": rule["continuous"], "immutable": bool(lock)}
    if rule["retention"]:
        chan["retention_days"] = rule["retention"]
    comps: dict[str, Any] = {"protected-resources": {"type": "application", "resources": resources}}
    flows: list[dict[str, Any]] = [{"from": "protected-resources", "to": "backup-plan"}]
    chans: dict[str, Any] = {"backup-plan": chan}
    if b.cross_region or b.cross_account:
        comps["copy-vaults"] = {"type": "application", "cross_region": bool(b.cross_region),
                                "cross_account": bool(b.cross_account)}
        flows.append({"from": "backup-plan", "to": "copy-vaults"})
    else:
        chan["external_consumers"] = True
    ctx["architecture"] = architecture(ctx, comps, chans, flows)


register(TemplateSet("backup", ("backup-plan",), backup, services=(frozenset({"backup"}),),
                     layers=("common", "ops-common"),
                     description="AWS Backup vault (Vault Lock when immutable), plan with copies, selection by tag"))

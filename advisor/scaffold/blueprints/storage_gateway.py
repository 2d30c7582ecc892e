"""templates/scaffold/storage-gateway/: Storage Gateway file shares, iSCSI volumes or a tape library: template,
runbook and boto3 operations."""

from __future__ import annotations

import re
from typing import Any

from advisor.errors import UsageError
from advisor.knowledge.base import Option
from advisor.scaffold import names
from advisor.scaffold.plan import Plan
from advisor.scaffold.shared import GIB, TemplateSet, architecture, fact_hours, gib_bytes

_GATEWAY_TYPES = {"s3-file": "FILE_S3", "volume-cached": "CACHED", "volume-stored": "STORED", "tape": "VTL"}


def blueprint(ctx: dict[str, Any], plan: Plan) -> None:
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
        gw["cache_max_bytes"] = plan.record("gateway.cache_max_bytes", gib_bytes(plan, opt, "cache.max"))
        gw["shares_max"] = int(plan.record("gateway.file_shares_max", plan.fact(opt, "file_shares.max")))
        gw["file_max_bytes"] = plan.record("gateway.file_max_bytes", gib_bytes(plan, opt, "file_size.max"))
        # design choice: objects not read for 30 days move to S3 Standard-IA
        gw["ia_days"] = 30
    elif variant in ("volume-cached", "volume-stored"):
        gw["volume_max_bytes"] = plan.record("gateway.volume_max_bytes", gib_bytes(plan, opt, "volume_size.max"))
        # design choice: the first volume's size; raise it up to the maximum above
        gw["volume_bytes"] = min(1024 * GIB, gw["volume_max_bytes"])
        if variant == "volume-cached":
            gw["volumes_max"] = int(plan.record("gateway.volumes_max", plan.fact(opt, "volumes.max")))
        # design choice: a snapshot every 24 hours (stored volumes' copies in AWS), the API's range is 1-24
        gw["snapshot_hours"] = 24
    else:
        gw["tape_max_bytes"] = plan.record("gateway.tape_max_bytes", gib_bytes(plan, opt, "tape_size.max"))
        gw["tape_bytes"] = min(2500 * GIB, gw["tape_max_bytes"])     # design choice: LTO-6 sized tapes
        gw["tapes"] = 10                                                # design choice: the first batch
        gw["worm"] = bool(plan.fact(opt, "worm_tapes").value)
        glacier = plan.record("tape.retrieval_hours.glacier", fact_hours(plan, opt, "archive_retrieval.flexible_retrieval"))
        deep = plan.record("tape.retrieval_hours.deep_archive", fact_hours(plan, opt, "archive_retrieval.deep_archive"))
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


TEMPLATE_SET = TemplateSet("storage-gateway", ("storage-gateway-file", "storage-gateway-volume-cached",
                                               "storage-gateway-volume-stored", "storage-gateway-tape",
                                               "storage-gateway-fsx-file"), blueprint,
                           services=(frozenset({"storage-gateway"}),), layers=("common", "ops-common"),
                           description="Storage Gateway file shares, iSCSI volumes or tape library: template, "
                                       "runbook and boto3 operations")

"""templates/scaffold/backup/: an AWS Backup vault (Vault Lock when immutable) and plan with copies, resources
selected by tag."""

from __future__ import annotations

import math
from typing import Any

from advisor.knowledge.base import Option
from advisor.scaffold.plan import Figure, Plan
from advisor.scaffold.shared import TemplateSet, architecture, fact_hours, fact_ref

BACKUP = Option("backup", None)


def blueprint(ctx: dict[str, Any], plan: Plan) -> None:
    b = plan.requirements.backup
    resources = list(b.resources or [])
    min_freq = plan.record("backup.min_frequency_hours", fact_hours(plan, BACKUP, "backup.min_frequency"))
    start_window = plan.record("backup.start_window_minutes",
                               Figure(int(plan.seconds(BACKUP, "backup.start_window.min").value // 60),
                                      *fact_ref(plan, BACKUP, "backup.start_window.min")))
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
        hours = fact_hours(plan, BACKUP, "vault_lock.cooling_off.min").value
        cool = plan.record("vault.lock_changeable_days",
                           Figure(math.ceil(hours / 24), *fact_ref(plan, BACKUP, "vault_lock.cooling_off.min"),
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


TEMPLATE_SET = TemplateSet("backup", ("backup-plan",), blueprint, services=(frozenset({"backup"}),),
                           layers=("common", "ops-common"),
                           description="AWS Backup vault (Vault Lock when immutable), plan with copies, selection by tag")

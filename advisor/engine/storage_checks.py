"""Hard requirements for hybrid storage (Storage Gateway) and backup (AWS Backup) designs."""

from __future__ import annotations

from advisor.engine import units
from advisor.engine.checks import Context, Outcome, _failed, _passed, protocol_list
from advisor.engine.result import Design, Reason
from advisor.requirements import STORAGE_PROTOCOLS, STORAGE_SYSTEMS


def check_access(ctx: Context, design: Design) -> Outcome | None:
    st = ctx.req.storage
    wanted = st.access if st and st.access else None
    if not wanted:
        return None
    key = "storage.access"
    have: dict[str, object] = {}
    for opt in design.path:
        for a in ctx.val(opt, "storage.access") or []:
            have.setdefault(a, opt)
    missing = [a for a in wanted if a not in have]
    if missing:
        opt = design.path[0]
        return _failed(f"{ctx.name(opt)} offers {', '.join(ctx.val(opt, 'storage.access') or [])} access, "
                       f"not {', '.join(missing)}", ctx.ref(opt, "storage.access"), key)
    for a in wanted:
        if len(design.path) > 1 and not any(a in (ctx.val(o, "storage.access") or []) for o in design.path):
            return None
    parts = [f"{ctx.name(o)} gives {a} access" for a, o in have.items() if a in wanted]
    return _passed("; ".join(parts), ctx.ref(design.path[0], "storage.access"), key)


def check_primary(ctx: Context, design: Design) -> Outcome | None:
    st = ctx.req.storage
    if not st or st.primary is None:
        return None
    key = "storage.primary"
    for opt in design.path:
        ref = ctx.ref(opt, "storage.primary")
        if not ref or st.primary not in ref.fact.value:
            where = "in AWS" if st.primary == "cloud" else "on premises"
            return _failed(f"{ctx.name(opt)} does not keep the primary copy {where}", ref, key)
    opt = design.path[0]
    where = "in AWS, cached locally" if st.primary == "cloud" else "on premises, copied to AWS asynchronously"
    return _passed(f"{ctx.name(opt)} keeps the primary copy {where}", ctx.ref(opt, "storage.primary"), key)


def check_local_latency(ctx: Context, design: Design) -> Outcome | None:
    st = ctx.req.storage
    if not st or not st.low_latency_local:
        return None
    key = "storage.low_latency_local"
    for opt in design.path:
        ref = ctx.ref(opt, "storage.low_latency_local")
        if not (ref and ref.fact.value):
            return _failed(f"{ctx.name(opt)} does not serve data at local speed", ref, key)
    return _passed(f"{ctx.name(design.path[0])} serves data at local speed from on-premises storage",
                   ctx.ref(design.path[0], "storage.low_latency_local"), key)


def check_storage_protocols(ctx: Context, design: Design) -> Outcome | None:
    wanted = [p for p in (ctx.req.migration.protocols or []) if p in STORAGE_PROTOCOLS]
    if not wanted:
        return None
    key = "migration.protocols"
    have = {p for o in design.path for p in (ctx.val(o, "protocols") or [])}
    missing = [p for p in wanted if p not in have]
    ref = ctx.ref(design.path[0], "protocols")
    if missing:
        return _failed(f"{ctx.name(design.path[0])} does not speak {protocol_list(missing, 'or')}", ref, key)
    return _passed(f"{ctx.name(design.path[0])} speaks {protocol_list(wanted)}", ref, key)


def check_available(ctx: Context, design: Design) -> Outcome | None:
    for opt in design.path:
        ref = ctx.ref(opt, "available_to_new_customers")
        if ref and ref.fact.value is False:
            return _failed(f"{ctx.name(opt)} is no longer available to new customers", ref, "availability")
    return None


def check_storage_migration(ctx: Context, design: Design) -> Outcome | None:
    systems = [s for s in ctx.req.migration.systems if s in STORAGE_SYSTEMS]
    if not systems:
        return None
    key = "migration.from"
    for system in systems:
        fits = [(o, r) for o, r in ctx.kb.migrations(system) if o in design.path]
        if not fits:
            return Outcome(False, Reason(f"{' and '.join(ctx.name(o) for o in design.path)} cannot replace a "
                                         f"{ctx.kb.endpoints[system].name}", None, None, key))
    opt, rel = next((o, r) for o, r in ctx.kb.migrations(systems[0]) if o in design.path)
    return Outcome(True, Reason(f"{ctx.name(opt)} replaces the {ctx.kb.endpoints[systems[0]].name}: {rel.summary}",
                                f"relation:{opt.id}<-{systems[0]}", rel.source, key))


# ---- backup --------------------------------------------------------------------------------------

def check_rpo(ctx: Context, design: Design) -> Outcome | None:
    b = ctx.req.backup
    if not b or b.rpo_hours is None:
        return None
    key = "backup.rpo_hours"
    opt = design.path[0]
    freq = ctx.ref(opt, "backup.min_frequency")
    if freq and b.rpo_hours * 3600 >= (units.seconds(freq.fact) or 0):
        return _passed(f"{ctx.name(opt)} schedules backups as often as every {units.figure(freq.fact)}, which "
                       f"meets an RPO of {units.number(b.rpo_hours)} h", freq, key)
    cont = ctx.ref(opt, "backup.continuous")
    if not (cont and cont.fact.value):
        return _failed(f"{ctx.name(opt)} backs up at most every {units.figure(freq.fact) if freq else '?'}", freq, key)
    supported = ctx.ref(opt, "backup.continuous_resources")
    covered = supported.fact.value if supported else []
    lacking = [r for r in (b.resources or []) if r not in covered]
    if lacking:
        return _failed(f"an RPO of {units.number(b.rpo_hours)} h needs continuous backup, which covers "
                       f"{', '.join(covered)} but not {', '.join(lacking)}; scheduled backups run at most every "
                       f"{units.figure(freq.fact) if freq else '?'}", supported, key)
    watch = []
    if not b.resources:
        watch.append(Reason.of(f"continuous backup (point-in-time recovery) covers only {', '.join(covered)}",
                               supported, key))
    keep = ctx.ref(opt, "backup.continuous_retention.max")
    if keep:
        watch.append(Reason.of(f"continuous backups are kept at most {units.figure(keep.fact)}; add a scheduled rule "
                               "for longer retention", keep, key))
    return _passed(f"continuous backup gives point-in-time recovery, meeting an RPO of "
                   f"{units.number(b.rpo_hours)} h", cont, key, watch)


def _backup_flag(ctx: Context, design: Design, attr: str, fact: str, yes: str, no: str) -> Outcome | None:
    b = ctx.req.backup
    if not b or not getattr(b, attr):
        return None
    opt = design.path[0]
    ref = ctx.ref(opt, fact)
    key = f"backup.{attr}"
    if ref and ref.fact.value:
        return _passed(yes.format(name=ctx.name(opt)), ref, key)
    return _failed(no.format(name=ctx.name(opt)), ref, key)


def check_cross_region(ctx: Context, design: Design) -> Outcome | None:
    return _backup_flag(ctx, design, "cross_region", "backup.cross_region",
                        "{name} copies recovery points to another Region in the backup rule",
                        "{name} cannot copy backups across Regions")


def check_cross_account(ctx: Context, design: Design) -> Outcome | None:
    return _backup_flag(ctx, design, "cross_account", "backup.cross_account",
                        "{name} copies recovery points to another account of the organization",
                        "{name} cannot copy backups across accounts")


def check_immutable(ctx: Context, design: Design) -> Outcome | None:
    out = _backup_flag(ctx, design, "immutable", "backup.immutable",
                       "{name} Vault Lock in compliance mode makes recovery points undeletable, even by root",
                       "{name} cannot make backups immutable")
    if out and out.ok:
        cool = ctx.ref(design.path[0], "vault_lock.cooling_off.min")
        if cool:
            out.watch.append(Reason.of(f"compliance-mode Vault Lock becomes permanent after a cooling-off period of "
                                       f"at least {units.figure(cool.fact)}; test with governance mode first",
                                       cool, "backup.immutable"))
    return out


def check_backup_retention(ctx: Context, design: Design) -> Outcome | None:
    b = ctx.req.backup
    if not b or b.retention_days is None:
        return None
    key = "backup.retention_days"
    opt = design.path[0]
    ref = ctx.ref(opt, "backup.retention.max")
    if ref and b.retention_days * 86400 > (units.seconds(ref.fact) or float("inf")):
        return _failed(f"{ctx.name(opt)} keeps recovery points at most {units.figure(ref.fact)}", ref, key)
    text = f"{ctx.name(opt)} keeps recovery points {units.number(b.retention_days)} days"
    return _passed(text + (f" (up to {units.figure(ref.fact)})" if ref else ""), ref, key)


def check_resources(ctx: Context, design: Design) -> Outcome | None:
    b = ctx.req.backup
    if not b or not b.resources:
        return None
    key = "backup.resources"
    opt = design.path[0]
    ref = ctx.ref(opt, "backup.resources")
    have = ref.fact.value if ref else []
    lacking = [r for r in b.resources if r not in have]
    if lacking:
        return _failed(f"{ctx.name(opt)} does not protect {', '.join(lacking)}", ref, key)
    return _passed(f"{ctx.name(opt)} protects {', '.join(b.resources)}", ref, key)


STORAGE_CHECKS = (check_access, check_primary, check_local_latency, check_storage_protocols, check_available,
                  check_storage_migration)
BACKUP_CHECKS = (check_rpo, check_backup_retention, check_cross_region, check_cross_account, check_immutable,
                 check_resources)

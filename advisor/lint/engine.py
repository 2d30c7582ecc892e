"""Run the rules over flow graphs: selection, severities, suppressions, fingerprints and baselines."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from advisor.errors import InvalidInput, Location
from advisor.findings import Finding
from advisor.lint.model import Element, FlowGraph, Suppression
from advisor.lint.rules import all_rules
from advisor.lint.rules.base import Context, Hit, LintRule

SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}
# advisor.findings speaks SARIF's words; the linter's "info" is SARIF's "note"
TO_FINDING_SEVERITY = {"info": "note", "warning": "warning", "error": "error"}
META_INVALID = "MQA002"
META_UNUSED = "MQA003"


@dataclass
class Options:
    select: list[str] = field(default_factory=list)  # empty: every rule
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)  # code -> error|warning|info
    region: str | None = None


def _matches(rule: LintRule, patterns: list[str]) -> bool:
    for p in patterns:
        p = p.strip()
        if not p:
            continue
        if p.upper() == "ALL" or rule.code.upper().startswith(p.upper()) or rule.name == p \
                or rule.name.startswith(p.rstrip("*").rstrip(".") + "."):
            return True
    return False


def check_patterns(patterns: list[str], what: str) -> None:
    """Refuse --select/--ignore values that match no rule (a typo would silently lint nothing)."""
    from advisor.errors import UsageError

    rules = all_rules()
    for p in patterns:
        if p.strip() and not any(_matches(r, [p]) for r in rules):
            raise UsageError(f"{what}: {p!r} matches no rule", hint="see `mqadvise rules`")


def enabled_rules(options: Options) -> list[LintRule]:
    rules = list(all_rules())
    if options.select:
        rules = [r for r in rules if _matches(r, options.select)]
    if options.ignore:
        rules = [r for r in rules if not _matches(r, options.ignore)]
    return rules


def fingerprint(code: str, file: str, element_path: str, key: str, discriminator: str = "") -> str:
    """Identity of a finding that survives moving lines: rule, file, element, key (never a line number)."""
    raw = "\0".join((code, Path(file).as_posix() if file != "-" else "-", element_path, key, discriminator))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:20]


@dataclass
class Raw:
    """A finding before suppressions, with what suppression needs to know."""

    rule: LintRule
    hit: Hit
    line: int
    column: int
    element_path: str
    key: str


def _position(graph: FlowGraph, hit: Hit) -> tuple[tuple[int, int], str, str]:
    el: Element | None = hit.element
    keys = (hit.key,) if isinstance(hit.key, str) else tuple(hit.key or ())
    if el is None:
        if hit.pos is not None:
            return hit.pos, "file", keys[0] if keys else ""
        for k in keys:
            if k == "data_classification" and graph.data_classification_pos:
                return graph.data_classification_pos, "file", k
            if k in graph.expectations_pos:
                return graph.expectations_pos[k], "file", k
        return graph.top_pos, "file", keys[0] if keys else ""
    pos = el.at(*keys) if keys else el.pos
    present = next((k for k in keys if k in el.keypos), keys[0] if keys else "")
    return pos, el.path, present


def lint_graph(graph: FlowGraph, kb, options: Options) -> list[Finding]:
    rules = enabled_rules(options)
    codes = {r.code for r in rules}
    ctx = Context(graph, kb, options.region)
    raws: list[Raw] = []
    for rule in rules:
        if graph.input_kind not in rule.inputs or rule.code in (META_INVALID, META_UNUSED):
            continue
        for hit in rule.check(ctx):
            (line, col), path, key = _position(graph, hit)
            raws.append(Raw(rule, hit, line, col, path, key))

    # suppressions -----------------------------------------------------------------------------
    valid: list[Suppression] = []
    meta: list[Finding] = []
    known = {r.code for r in all_rules()}
    for s in graph.suppressions:
        if not s.reason:
            if META_INVALID in codes:
                meta.append(_meta_finding(options, META_INVALID, graph.file, s,
                                          f"suppression of {s.code} has no reason; write why it is safe to "
                                          "ignore (`# mqadvise: ignore[CODE] reason` or `CODE: reason`)"))
            continue
        if s.code not in known:
            if META_UNUSED in codes:
                meta.append(_meta_finding(options, META_UNUSED, graph.file, s,
                                          f"suppression names {s.code}, which is not a rule"))
            continue
        valid.append(s)
    by_line: dict[tuple[str, int], list[Suppression]] = {}
    by_element: dict[tuple[str, str], list[Suppression]] = {}
    by_file: dict[str, list[Suppression]] = {}
    for s in valid:
        if s.scope == "line":
            by_line.setdefault((s.code, int(s.element or s.line)), []).append(s)
        elif s.scope == "element":
            by_element.setdefault((s.code, s.element or ""), []).append(s)
        else:
            by_file.setdefault(s.code, []).append(s)

    findings: list[Finding] = []
    for raw in raws:
        code = raw.rule.code
        hits = (by_line.get((code, raw.line)) or by_element.get((code, raw.element_path))
                or by_file.get(code))
        if hits:
            for s in hits:
                s.used = True
            continue
        findings.append(_finding(options, raw, graph.file))
    for s in valid:
        if not s.used and s.code in codes and graph.input_kind in _rule(s.code).inputs and META_UNUSED in codes:
            meta.append(_meta_finding(options, META_UNUSED, graph.file, s,
                                      f"suppression of {s.code} matches no finding; remove it"))
    return findings + meta


def merge_variants(variants: list[tuple[dict[str, bool], list[Finding]]]) -> list[Finding]:
    """Findings of one template read under every combination of its conditions.

    A finding (same fingerprint) in every combination is reported once, as it is. One that holds only in
    some says which conditions it needs; an unused-suppression finding counts only if no combination
    used the suppression."""
    seen: dict[str, dict[int, tuple[dict[str, bool], Finding]]] = {}
    order: list[str] = []
    for i, (conditions, findings) in enumerate(variants):
        for f in findings:
            fp = str(f.data.get("fingerprint") or (f.rule, f.line, f.message))
            if fp not in seen:
                seen[fp] = {}
                order.append(fp)
            seen[fp].setdefault(i, (conditions, f))
    out: list[Finding] = []
    for fp in order:
        holding = list(seen[fp].values())
        first = holding[0][1]
        if len(holding) == len(variants):
            out.append(first)
            continue
        if first.rule == META_UNUSED:
            continue
        names = holding[0][0].keys()
        fixed = {c: holding[0][0][c] for c in names if all(conds[c] == holding[0][0][c] for conds, _ in holding)}
        when = " and ".join(f"{c} is {'true' if v else 'false'}" for c, v in fixed.items()) or \
            "some combinations of its conditions"
        data = {**first.data, "conditions": fixed}
        out.append(dataclasses.replace(first, message=f"{first.message} (only when condition {when})"
                                       if fixed else f"{first.message} (only in {when})", data=data))
    return out


def _rule(code: str) -> LintRule:
    return next(r for r in all_rules() if r.code == code)


def _severity(options: Options, rule: LintRule) -> str:
    return options.severity.get(rule.code, options.severity.get(rule.name, rule.default_severity))


def _finding(options: Options, raw: Raw, file: str) -> Finding:
    rule, hit = raw.rule, raw.hit
    sev = _severity(options, rule)
    data: dict[str, Any] = {
        "name": rule.name,
        "severity": sev,
        "element": raw.element_path,
        "key": raw.key,
        "fingerprint": fingerprint(rule.code, file, raw.element_path, raw.key, hit.discriminator),
    }
    if hit.facts:
        data["facts"] = [{"id": f.id, "source": f.source, "as_of": str(f.fact.as_of)} for f in hit.facts]
    if rule.help_uri():
        data["help_uri"] = rule.help_uri()
    message = hit.message
    notes = _notes(hit)
    if notes:
        data["assumed"] = notes
        message = f"{message} ({'; '.join(notes)})"
    return Finding(rule.code, message, file=file, line=raw.line, column=raw.column,
                   severity=TO_FINDING_SEVERITY[sev], hint=hit.hint, data=data)


def _notes(hit: Hit) -> list[str]:
    """What was assumed to read the values a finding rests on (a template parameter's default...)."""
    keys = (hit.key,) if isinstance(hit.key, str) else tuple(hit.key or ())
    pairs = [(hit.element, k) for k in keys] + list(hit.related)
    out: list[str] = []
    for el, key in pairs:
        note = el.notes.get(key) if el is not None and el.notes else None
        if note:
            for part in note.split("; "):
                if part not in out:
                    out.append(part)
    return out


def _meta_finding(options: Options, code: str, file: str, s: Suppression, message: str) -> Finding:
    rule = _rule(code)
    sev = _severity(options, rule)
    where = s.element if s.scope == "element" else (f"line:{s.element}" if s.scope == "line" else "file")
    return Finding(code, message, file=file, line=s.line, column=s.column,
                   severity=TO_FINDING_SEVERITY[sev],
                   data={"name": rule.name, "severity": sev, "element": where, "key": s.code,
                         "fingerprint": fingerprint(code, file, where, s.code)})


def severity_of(f: Finding) -> str:
    return str(f.data.get("severity", {"note": "info"}.get(f.severity, f.severity)))


def reaches(f: Finding, fail_on: str) -> bool:
    if fail_on == "never":
        return False
    return SEVERITY_RANK[severity_of(f)] >= SEVERITY_RANK[fail_on]


# ----- baselines ----------------------------------------------------------------------------------------


def write_baseline(path: Path, findings: list[Finding]) -> None:
    from advisor.fsutil import atomic_write_text

    entries = sorted(({"fingerprint": f.data["fingerprint"], "rule": f.rule, "file": f.file,
                       "element": f.data.get("element"), "message": f.message} for f in findings),
                     key=lambda e: (e["file"] or "", e["rule"], e["fingerprint"]))
    atomic_write_text(path, json.dumps({"version": 1, "tool": "mqadvise lint", "findings": entries},
                                       indent=2, ensure_ascii=False) + "\n")


def read_baseline(path: Path) -> dict[str, int]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidInput("baseline file not found", location=Location(str(path)),
                           hint="create it with `mqadvise lint --baseline FILE --write-baseline ...`") from None
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"baseline is not JSON: {exc.msg}",
                           location=Location(str(path), exc.lineno, exc.colno)) from None
    if not isinstance(data, dict) or data.get("version") != 1 or not isinstance(data.get("findings"), list):
        raise InvalidInput("not an mqadvise lint baseline (expected version: 1 and a findings list)",
                           location=Location(str(path)))
    counts: dict[str, int] = {}
    for e in data["findings"]:
        if isinstance(e, dict) and isinstance(e.get("fingerprint"), str):
            counts[e["fingerprint"]] = counts.get(e["fingerprint"], 0) + 1
    return counts


def apply_baseline(findings: list[Finding], baseline: dict[str, int]) -> tuple[list[Finding], int]:
    """Drop findings recorded in the baseline (each recorded fingerprint absorbs one finding)."""
    left = dict(baseline)
    kept: list[Finding] = []
    known = 0
    for f in findings:
        fp = f.data.get("fingerprint")
        if fp and left.get(fp, 0) > 0:
            left[fp] -= 1
            known += 1
            continue
        kept.append(f)
    return kept, known

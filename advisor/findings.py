"""Findings of a checker (``mqadvise lint``, ``mqadvise adr lint``, ...) and their output formats.

A checker produces a list of :class:`Finding`; this module turns that list into one of the output
formats every lint-like command offers, so they all behave alike:

``text``
    ``file:line:col: severity rule-id message`` lines and a summary line (for people).
``json``
    ``{"tool": ..., "findings": [...], "summary": {...}}`` (stable keys, for scripts).
``sarif``
    SARIF 2.1.0 (GitHub code scanning, IDEs). One run, one ``rules`` entry per rule id used.
``github``
    GitHub Actions workflow commands (``::error file=...,line=...::message``) that become annotations.
``junit``
    JUnit XML, one test case per finding (for CI systems that only read JUnit).

Exit codes follow the command convention (docs/contributing.md): :func:`exit_code` returns ``0`` when
there is nothing at ``error``/``warning`` level and ``1`` otherwise; invalid input is the caller's
``InvalidInput`` (exit 2).

Only the standard library is imported here, so a command can import this module cheaply.

Example::

    from advisor.findings import Finding, Rule, render, exit_code
    found = [Finding("ADR001", "missing section 'Decision Outcome'", file="docs/decisions/0001-x.md", line=1)]
    print(render(found, "sarif", tool="mqadvise adr lint", rules={"ADR001": Rule("ADR001", "missing-section",
                                                                             "Required sections")}))
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import PurePath
from typing import Literal

Severity = Literal["error", "warning", "note"]
SEVERITIES: tuple[str, ...] = ("error", "warning", "note")
FORMATS: tuple[str, ...] = ("text", "json", "sarif", "github", "junit")

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"


@dataclass(frozen=True, order=True)
class Finding:
    """One problem a checker found.

    ``rule`` is a stable id (``ADR003``, ``MQ012``); ``file`` a path as the user should see it (relative
    where possible, ``/`` separators are produced in SARIF/GitHub output); ``line``/``column`` are 1-based
    or ``None`` when the finding is about a whole file (or about no file at all: ``file=None``).
    """

    rule: str
    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    severity: Severity = "error"
    hint: str | None = None
    # extra machine-readable data (kept in json/sarif ``properties``); must be JSON-serialisable
    data: Mapping[str, object] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, not {self.severity!r}")
        if self.line is not None and self.line < 1:
            raise ValueError("line is 1-based")
        if self.column is not None and self.column < 1:
            raise ValueError("column is 1-based")

    @property
    def where(self) -> str:
        if not self.file:
            return ""
        out = self.file
        if self.line is not None:
            out += f":{self.line}"
            if self.column is not None:
                out += f":{self.column}"
        return out

    def to_dict(self) -> dict:
        d = asdict(self)
        d["data"] = dict(self.data)
        return d


@dataclass(frozen=True)
class Rule:
    """Metadata of a rule id, used by SARIF (``tool.driver.rules``) and by documentation."""

    id: str
    name: str
    description: str
    help_uri: str | None = None
    default_severity: Severity = "error"


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Stable, deterministic order: file, line, column, rule, message (no-file findings first)."""
    return sorted(findings, key=lambda f: (f.file or "", f.line or 0, f.column or 0, f.rule, f.message))


def counts(findings: Sequence[Finding]) -> dict[str, int]:
    c = {s: 0 for s in SEVERITIES}
    for f in findings:
        c[f.severity] += 1
    return c


def exit_code(findings: Sequence[Finding], *, fail_on: Severity = "warning") -> int:
    """0 when nothing at or above ``fail_on`` was found, else 1 (``note`` < ``warning`` < ``error``)."""
    threshold = {"note": 0, "warning": 1, "error": 2}[fail_on]
    rank = {"note": 0, "warning": 1, "error": 2}
    return 1 if any(rank[f.severity] >= threshold for f in findings) else 0


# --- formats -------------------------------------------------------------------------------------------


# ``errors``: inputs a checker could not read at all (a file that is not YAML...), as Finding objects. They are
# reported beside the findings of the other inputs (SARIF toolExecutionNotifications, JSON "errors") so that
# one bad file does not hide a whole batch; the caller exits 2 for them.


def to_text(findings: Sequence[Finding], *, tool: str = "lint", errors: Sequence[Finding] | None = None) -> str:
    lines = []
    for f in sort_findings(findings):
        prefix = f"{f.where}: " if f.where else ""
        lines.append(f"{prefix}{f.severity} {f.rule} {f.message}")
        if f.hint:
            lines.append(f"  hint: {f.hint}")
    for e in sort_findings(errors or ()):
        lines.append(f"{e.where + ': ' if e.where else ''}error: {e.message}")
        if e.hint:
            lines.append(f"  hint: {e.hint}")
    c = counts(findings)
    unread = f"; {len(errors)} file(s) could not be read" if errors else ""
    if findings:
        lines.append(f"{tool}: {c['error']} error(s), {c['warning']} warning(s), {c['note']} note(s){unread}")
    elif errors:
        lines.append(f"{tool}: no problems found in the files read{unread}")
    else:
        lines.append(f"{tool}: no problems found")
    return "\n".join(lines) + "\n"


def to_json(findings: Sequence[Finding], *, tool: str = "lint", errors: Sequence[Finding] | None = None) -> str:
    data: dict = {
        "tool": tool,
        "findings": [f.to_dict() for f in sort_findings(findings)],
        "summary": counts(findings),
    }
    if errors is not None:
        data["errors"] = [{"file": e.file, "line": e.line, "column": e.column, "message": e.message,
                           "hint": e.hint, **dict(e.data)} for e in sort_findings(errors)]
    return json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"


def _uri(path: str) -> str:
    return PurePath(path).as_posix()


def _sarif_level(severity: str) -> str:
    return {"error": "error", "warning": "warning", "note": "note"}[severity]


def to_sarif_dict(
    findings: Sequence[Finding],
    *,
    tool: str = "lint",
    version: str | None = None,
    information_uri: str | None = None,
    rules: Mapping[str, Rule] | None = None,
    errors: Sequence[Finding] | None = None,
) -> dict:
    """A SARIF 2.1.0 log with one run. Rules not described in ``rules`` get a minimal descriptor.
    ``errors`` become the run's ``invocations[0].toolExecutionNotifications``."""
    ordered = sort_findings(findings)
    rules = dict(rules or {})
    used: list[str] = []
    for f in ordered:
        if f.rule not in used:
            used.append(f.rule)
    ids = sorted(set(used) | set(rules))
    index = {rid: i for i, rid in enumerate(ids)}
    descriptors = []
    for rid in ids:
        r = rules.get(rid, Rule(rid, rid, rid))
        d: dict = {
            "id": r.id,
            "name": r.name,
            "shortDescription": {"text": r.description},
            "defaultConfiguration": {"level": _sarif_level(r.default_severity)},
        }
        if r.help_uri:
            d["helpUri"] = r.help_uri
        descriptors.append(d)
    driver: dict = {"name": tool, "rules": descriptors}
    if version:
        driver["version"] = version
    if information_uri:
        driver["informationUri"] = information_uri
    results = []
    for f in ordered:
        res: dict = {
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "level": _sarif_level(f.severity),
            "message": {"text": f.message + (f"\n{f.hint}" if f.hint else "")},
        }
        if f.file:
            res["locations"] = [{"physicalLocation": _physical(f)}]
        if f.data:
            res["properties"] = dict(f.data)
            if isinstance(f.data.get("fingerprint"), str):  # a checker's line-independent identity
                res["partialFingerprints"] = {"mqadvise/v1": f.data["fingerprint"]}
        results.append(res)
    run: dict = {"tool": {"driver": driver}, "results": results}
    if errors is not None:
        notes = []
        for e in sort_findings(errors):
            note: dict = {"level": "error", "message": {"text": e.message + (f"\n{e.hint}" if e.hint else "")},
                          "descriptor": {"id": e.rule}}
            if e.file:
                phys = _physical(e)
                note["locations"] = [{"physicalLocation": phys}]
            notes.append(note)
        run["invocations"] = [{"executionSuccessful": not notes, "toolExecutionNotifications": notes}]
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [run],
    }


def _physical(f: Finding) -> dict:
    phys: dict = {"artifactLocation": {"uri": _uri(f.file or "")}}
    if f.line is not None:
        region: dict = {"startLine": f.line}
        if f.column is not None:
            region["startColumn"] = f.column
        phys["region"] = region
    return phys


def to_sarif(findings: Sequence[Finding], **kwargs) -> str:
    return json.dumps(to_sarif_dict(findings, **kwargs), indent=2, ensure_ascii=False, default=str) + "\n"


def _gh_escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_escape_prop(s: str) -> str:
    return _gh_escape_data(s).replace(":", "%3A").replace(",", "%2C")


def to_github(findings: Sequence[Finding], *, tool: str = "lint", errors: Sequence[Finding] | None = None) -> str:
    """GitHub Actions workflow commands; each line becomes an annotation on the file and line."""
    lines = []
    for f in sort_findings([*findings, *(errors or ())]):
        props = []
        if f.file:
            props.append(f"file={_gh_escape_prop(_uri(f.file))}")
            if f.line is not None:
                props.append(f"line={f.line}")
                if f.column is not None:
                    props.append(f"col={f.column}")
        props.append(f"title={_gh_escape_prop(f'{tool} {f.rule}')}")
        message = f.message + (f"\n{f.hint}" if f.hint else "")
        command = {"error": "error", "warning": "warning", "note": "notice"}[f.severity]
        lines.append(f"::{command} {','.join(props)}::{_gh_escape_data(message)}")
    return "\n".join(lines) + ("\n" if lines else "")


def to_junit(findings: Sequence[Finding], *, tool: str = "lint", errors: Sequence[Finding] | None = None) -> str:
    """JUnit XML: one failing test case per finding, one erroring case per input that could not be read;
    one passing case when there is none."""
    from xml.sax.saxutils import escape, quoteattr

    ordered = sort_findings(findings)
    unread = sort_findings(errors or ())
    failures = sum(1 for f in ordered if f.severity != "note")
    total = max(1, len(ordered) + len(unread))
    head = (f"<testsuites><testsuite name={quoteattr(tool)} tests={quoteattr(str(total))} "
            f"failures={quoteattr(str(failures))} errors={quoteattr(str(len(unread)))}>")
    out = ['<?xml version="1.0" encoding="UTF-8"?>', head]
    for e in unread:
        out.append(f"<testcase classname={quoteattr(e.file or tool)} name={quoteattr(f'{e.rule} {e.where}'.strip())}>"
                   f"<error type={quoteattr(e.rule)} message={quoteattr(e.message)}>"
                   f"{escape(e.where + ': ' + e.message if e.where else e.message)}</error></testcase>")
    if not ordered and not unread:
        out.append(f"<testcase classname={quoteattr(tool)} name=\"no problems\"/>")
    for f in ordered:
        name = f"{f.rule} {f.where}".strip()
        out.append(f"<testcase classname={quoteattr(f.file or tool)} name={quoteattr(name)}>")
        if f.severity == "note":
            out.append(f"<system-out>{escape(f.message)}</system-out>")
        else:
            out.append(f"<failure type={quoteattr(f.rule)} message={quoteattr(f.message)}>"
                       f"{escape(f.where + ': ' + f.message if f.where else f.message)}</failure>")
        out.append("</testcase>")
    out.append("</testsuite></testsuites>")
    return "\n".join(out) + "\n"


def render(findings: Sequence[Finding], fmt: str, *, tool: str = "lint", errors: Sequence[Finding] | None = None,
           **sarif_kwargs) -> str:
    """Render findings in one of :data:`FORMATS`. ``sarif_kwargs`` (version, rules, information_uri)
    only apply to SARIF; ``errors`` are inputs that could not be read (see above)."""
    if fmt == "text":
        return to_text(findings, tool=tool, errors=errors)
    if fmt == "json":
        return to_json(findings, tool=tool, errors=errors)
    if fmt == "sarif":
        return to_sarif(findings, tool=tool, errors=errors, **sarif_kwargs)
    if fmt == "github":
        return to_github(findings, tool=tool, errors=errors)
    if fmt == "junit":
        return to_junit(findings, tool=tool, errors=errors)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")

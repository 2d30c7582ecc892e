"""`mqadvise lint`: check messaging architectures and CloudFormation/SAM templates against rules whose
limits come from the knowledge graph.

    from advisor.lint import lint_paths, Options
    result = lint_paths(["arch.yaml"], Options())
    result.findings  # list[advisor.findings.Finding]
"""

from __future__ import annotations

import gc
import glob as _glob
from dataclasses import dataclass, field
from pathlib import Path

from advisor.errors import InvalidInput, Location
from advisor.findings import Finding, sort_findings
from advisor.lint.engine import Options, lint_graph, merge_variants

__all__ = ["LintResult", "Options", "expand_paths", "lint_paths", "lint_text"]

ASL_SUFFIXES = (".asl.json", ".asl.yaml", ".asl.yml")


@dataclass
class LintResult:
    findings: list[Finding] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    baselined: int = 0
    # inputs that could not be read (not YAML, not a template...), one Finding each (rule "invalid-input")
    errors: list[Finding] = field(default_factory=list)


INVALID_INPUT = "invalid-input"


def input_error(exc: InvalidInput, name: str) -> Finding:
    """An input the linter could not read, as a finding-shaped record for the report."""
    loc = exc.location
    key = loc.key if loc is not None else None
    message = f"{key}: {exc.message}" if key else exc.message
    return Finding(INVALID_INPUT, message, file=(loc.file if loc is not None and loc.file else name),
                   line=loc.line if loc is not None else None, column=loc.column if loc is not None else None,
                   severity="error", hint=exc.hint, data={"key": key} if key else {})


def expand_paths(patterns: list[str]) -> list[str]:
    """Files from paths and globs (``**`` recursive); ``-`` is standard input; folders give their YAML."""
    out: list[str] = []
    for pattern in patterns:
        if pattern == "-":
            out.append("-")
            continue
        if any(ch in pattern for ch in "*?["):
            matches = sorted(_glob.glob(pattern, recursive=True))
            if not matches:
                raise InvalidInput("no file matches this pattern", location=Location(pattern))
            out.extend(m for m in matches if Path(m).is_file())
            continue
        p = Path(pattern)
        if p.is_dir():
            # Step Functions definitions (*.asl.json) are read through the template that names them
            found = sorted(str(x) for ext in ("*.yaml", "*.yml", "*.json", "*.template")
                           for x in p.rglob(ext) if not x.name.endswith(ASL_SUFFIXES))
            if not found:
                raise InvalidInput("no YAML files in this folder", location=Location(pattern))
            out.extend(found)
            continue
        out.append(pattern)
    seen: set[str] = set()
    return [x for x in out if not (x in seen or seen.add(x))]


def lint_text(text: str, name: str, options: Options | None = None, kb=None) -> list[Finding]:
    from advisor.api import knowledge
    from advisor.lint.loader import load_graphs

    kb = kb or knowledge()
    # Building a large document allocates hundreds of thousands of containers and no reference cycles;
    # the cyclic garbage collector would rescan them again and again (superlinear time), so it pauses.
    paused = gc.isenabled()
    gc.disable()
    try:
        graphs = load_graphs(text, name, kb)
        options = options or Options()
        if len(graphs) == 1:
            return lint_graph(graphs[0], kb, options)
        return merge_variants([(g.conditions, lint_graph(g, kb, options)) for g in graphs])
    finally:
        if paused:
            gc.enable()


def lint_paths(paths: list[str], options: Options | None = None, *, stdin_name: str = "-",
               kb=None) -> LintResult:
    from advisor.yamlio import read_text

    result = LintResult()
    for path in expand_paths(paths):
        name = stdin_name if path == "-" else path
        try:
            text = read_text(path)
            result.findings.extend(lint_text(text, name, options, kb))
        except InvalidInput as exc:  # report it and lint the rest; the CLI exits 2 at the end
            result.errors.append(input_error(exc, name))
            continue
        result.files.append(name)
    result.findings = sort_findings(result.findings)
    result.errors = sort_findings(result.errors)
    return result

"""Read one input file into the lint model (advisor.lint.model).

The text is parsed once (advisor.lint.positions keeps every position); the first input kind in
:data:`READERS` that accepts the document builds the graph (advisor.lint.inputs: one module per kind).
Invalid input (not YAML, not of the contract, an unknown variant) raises ``InvalidInput`` with
file:line:column; the CLI turns that into exit code 2.
"""

from __future__ import annotations

import copy
import re

from advisor.errors import InvalidInput, Location
from advisor.lint.inputs import architecture, cloudformation
from advisor.lint.inputs.common import normalise
from advisor.lint.model import FlowGraph, Suppression
from advisor.lint.positions import load

# A template may carry a top-level `kind` key; an architecture file never has `Resources`.
READERS = (cloudformation, architecture)

INLINE = re.compile(r"#\s*mqadvise:\s*ignore\[([^\]]*)\]\s*(.*?)\s*$")


def load_graph(text: str, name: str, kb) -> FlowGraph:
    """Parse one file into a FlowGraph (a template with conditions: the graph of its first combination)."""
    return load_graphs(text, name, kb)[0]


def load_graphs(text: str, name: str, kb) -> list[FlowGraph]:
    """Parse one file (architecture or CloudFormation/SAM template) into its flow graphs."""
    data = load(text, name)
    if not isinstance(data, dict):
        raise InvalidInput("expected a mapping: an architecture file (kind: architecture) or a "
                           "CloudFormation template (Resources:)", location=Location(name, 1, 1))
    reader = next((r for r in READERS if r.accepts(data)), None)
    if reader is None:
        raise InvalidInput("neither an architecture file (kind: architecture) nor a CloudFormation "
                           "template (Resources:)", location=Location(name, 1, 1))
    graphs = reader.read(data, name, kb)
    inline = _inline_suppressions(text, name)
    for graph in graphs:
        normalise(graph)
        graph.suppressions.extend(copy.copy(s) for s in inline)
    return graphs


def _inline_suppressions(text: str, name: str) -> list[Suppression]:
    """``# mqadvise: ignore[MQA104,MQA105] reason`` on the offending line or on its own line above it."""
    if "mqadvise:" not in text:
        return []
    out: list[Suppression] = []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if "mqadvise:" not in line:
            continue
        m = INLINE.search(line)
        if not m:
            continue
        target = i + 1  # 1-based line of the comment
        if not line[: m.start()].strip():  # a comment on its own line applies to the next content line
            j = i + 1
            while j < len(lines) and (not lines[j].strip() or lines[j].lstrip().startswith("#")):
                j += 1
            target = j + 1
        for code in re.split(r"[,\s]+", m.group(1).strip()):
            if code:
                s = Suppression(code.upper(), m.group(2), name, i + 1, m.start() + 1, "line")
                s.element = str(target)
                out.append(s)
    return out


# ---------------------------------------------------------------------------------------------------
# CloudFormation / SAM templates
# ---------------------------------------------------------------------------------------------------

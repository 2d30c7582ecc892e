"""CloudFormation and SAM templates (``Resources:``) read into the lint model.

Each resource type the rules know has a handler (``queues``, ``functions``, ``streams``, ``routing``) that
maps its properties to the settings of a channel, component or flow (snake_case, as in an architecture
file), keeping the position of the property, the template's own name for it (``VisibilityTimeout``) and
what was assumed to read it (a parameter's default).

When the messaging resources depend on template conditions (``Fn::If``, a resource's ``Condition``), one
graph is built per combination of them (at most 2**MAX_CONDITIONS); the linter reports a finding that holds
in every combination as it is, and one that holds in some with the conditions it needs.
"""

from __future__ import annotations

import itertools
from pathlib import Path

from advisor.errors import InvalidInput, Location
from advisor.lint.inputs.common import add_element_suppressions, check_expectations, ignores
from advisor.lint.model import FlowGraph
from advisor.lint.positions import PDict

from . import functions, queues, routing, streams
from .builder import Builder
from .template import MAX_CONDITIONS, Template, condition_names

KIND = "cloudformation"

HANDLERS = {**queues.HANDLERS, **functions.HANDLERS, **streams.HANDLERS, **routing.HANDLERS}
LATER = {**queues.LATER, **functions.LATER, **streams.LATER, **routing.LATER}


def accepts(data: PDict) -> bool:
    return "Resources" in data and data.get("kind") != "architecture"


def read(data: PDict, name: str, kb) -> list[FlowGraph]:
    """The flow graphs of a template: one, or one per combination of the conditions it depends on."""
    first = Template(data, name)
    names = condition_names(data, first.all_resources, set(HANDLERS) | set(LATER))[:MAX_CONDITIONS]
    base_dir = None
    if name != "-":
        path = Path(name)
        base_dir = str(path.parent) if path.is_file() else None
    if not names:
        return [_build(first, kb, base_dir)]
    graphs = []
    for values in itertools.product((True, False), repeat=len(names)):
        assume = dict(zip(names, values, strict=True))
        tpl = Template(data, name, assume, resources=first.all_resources, skipped=list(first.skipped))
        graph = _build(tpl, kb, base_dir)
        graph.conditions = assume
        graphs.append(graph)
    return graphs


def _build(tpl: Template, kb, base_dir: str | None) -> FlowGraph:
    b = Builder(tpl, kb, base_dir)
    g = b.graph
    meta = tpl.data.get("Metadata")
    mq = meta.get("mqadvise") if isinstance(meta, PDict) else None
    if isinstance(mq, PDict):
        exp = mq.get("expectations")
        if exp is not None:
            g.expectations, g.expectations_pos = check_expectations(exp, tpl.name, "Metadata.mqadvise.expectations")
        if "data_classification" in mq:
            value = mq["data_classification"]
            if value not in ("public", "internal", "confidential"):
                pos = mq.keypos["data_classification"]
                raise InvalidInput(f"expected public, internal or confidential, got {value!r}",
                                   location=Location(tpl.name, pos[0], pos[1],
                                                     "Metadata.mqadvise.data_classification"))
            g.data_classification = value
            g.data_classification_pos = mq.keypos["data_classification"]
        env = mq.get("environment")
        g.environment = env if isinstance(env, str) else None
        g.file_ignores = ignores({"lint": mq}, tpl.name, "the template")
    glob = tpl.data.get("Globals")
    fn_globals = glob.get("Function") if isinstance(glob, dict) else None
    b.globals_function = fn_globals if isinstance(fn_globals, dict) else None

    for phase in (HANDLERS, LATER):
        for logical, res in tpl.resources.items():
            handler = phase.get(tpl.type_of(logical))
            if handler is None:
                continue
            props = tpl.resolve(res.get("Properties"))
            handler(b, logical, props if isinstance(props, PDict) else PDict(), res)
        b.run_later()  # SAM events and inline subscriptions refer to resources created above
    g.skipped.extend(tpl.skipped)
    add_element_suppressions(g)
    return g

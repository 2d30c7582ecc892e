"""templates/scaffold/step-functions/: a Step Functions state machine (Standard or Express) with Retry and Catch."""

from __future__ import annotations

from typing import Any

from advisor.scaffold.plan import Plan
from advisor.scaffold.shared import TemplateSet, architecture, workflow_architecture, workflow_settings


def blueprint(ctx: dict[str, Any], plan: Plan) -> None:
    workflow_settings(ctx, plan)
    ctx["local_overrides"] = {}
    ctx["readme_run"] = []
    comps, chans = workflow_architecture(ctx)
    comps["starter-app"] = {"type": "application", "protocols": ["https"]}
    flows = [{"from": "starter-app", "to": "workflow", "protocol": "https"}]
    flows += [{"from": "workflow", "to": f"{n}-fn"} for n in ("validate", "process", "compensate")]
    ctx["architecture"] = architecture(ctx, comps, chans, flows)


TEMPLATE_SET = TemplateSet("step-functions", ("step-functions-orchestration", "step-functions-express"), blueprint,
                           services=(frozenset({"step-functions"}),),
                           description="Step Functions state machine (Standard or Express) with Retry and Catch")

from __future__ import annotations

from advisor.lint.rules.base import Context, Hit, LintRule


class UnconnectedComponent(LintRule):
    """A component that takes part in no flow.

    What it checks:
        Every component of an architecture file appears in at least one flow.

    Why:
        A component without flows is either left over from an earlier design or a connection that was never
        drawn; either way the diagram and the rules disagree with the system.

    Example:
        ```yaml
        components:
          legacy-batch: {type: ec2}
        ```

    Fix:
        Add its flows or remove it.

    References:
        https://docs.aws.amazon.com/wellarchitected/latest/framework/cost-decomissioning-resources.html
    """

    code = "MQA408"
    name = "component.unconnected"
    default_severity = "info"
    inputs = ("architecture",)

    def check(self, ctx: Context):
        g = ctx.graph
        for comp in g.components.values():
            if not g.incoming.get(comp.id) and not g.outgoing.get(comp.id):
                yield Hit(comp, f"{comp.id} takes part in no flow")

from __future__ import annotations

from advisor.lint.rules.base import Context, Hit, LintRule


class UnknownReference(LintRule):
    """A flow or a dead-letter setting names a component or channel that the file does not define.

    What it checks:
        Every flow's `from` and `to`, and every `dead_letter`, must name a component or channel of the same
        file.

    Why:
        A dangling name is almost always a typo or a leftover of a rename. The design then silently lacks the
        connection the author meant, and every other rule reasons about an incomplete graph.

    Example:
        ```yaml
        flows:
          - {from: checkout-api, to: order-queue}   # the channel is called orders-queue
        ```

    Fix:
        Correct the name, or add the missing component or channel.

    References:
        https://docs.aws.amazon.com/wellarchitected/latest/framework/rel_prevent_interaction_failure_loosely_coupled_system.html
    """

    code = "MQA001"
    name = "graph.unknown-reference"
    default_severity = "error"
    inputs = ("architecture",)

    def check(self, ctx: Context):
        g = ctx.graph
        for f in g.flows:
            for key in ("from", "to"):
                name = f.get(key)
                if g.element(str(name)) is None:
                    yield Hit(f, f"flow {key} {name!r}: no component or channel has this name", key)
            dl = f.get("dead_letter")
            if isinstance(dl, str) and dl not in g.channels:
                yield Hit(f, f"dead_letter {dl!r}: no channel has this name", "dead_letter")
        for ch in g.channels.values():
            dl = ch.get("dead_letter")
            if isinstance(dl, str) and dl not in g.channels:
                yield Hit(ch, f"channel {ch.id}: dead_letter {dl!r} is not a channel of this file", "dead_letter")

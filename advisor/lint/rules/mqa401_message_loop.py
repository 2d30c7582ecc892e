from __future__ import annotations

from advisor.lint.rules.base import Context, Hit, LintRule

MAX_CYCLES = 50  # report at most this many loops per file (a bound on the work, not an AWS figure)
MAX_LENGTH = 25


class MessageLoop(LintRule):
    """A loop in the flow graph: messages can travel back to where they started.

    What it checks:
        The flows (components and channels as nodes) form no directed cycle. The rule finds strongly connected
        parts of the graph and lists their simple cycles (at most 50 per file, each at most 25 hops), one
        finding per cycle. A loop that is intended (a retry queue with a bounded counter) is suppressed with a
        reason.

    Why:
        A handler that publishes to the channel it consumes from, directly or through other services, creates
        an infinite loop: it multiplies messages and cost until someone notices (AWS bills and Lambda
        recursion detection stop some such loops, not all). The talk behind this tool warns about exactly this
        between services.

    Example:
        ```yaml
        flows:
          - {from: orders-topic, to: enrich-fn}
          - {from: enrich-fn, to: orders-topic}
        ```

    Fix:
        Publish the result to a different channel, or filter out the handler's own messages (a subscription
        filter on an attribute it sets) and record that in a suppression.

    References:
        https://docs.aws.amazon.com/lambda/latest/dg/invocation-recursion.html
    """

    code = "MQA401"
    name = "flow.loop"
    default_severity = "warning"

    def check(self, ctx: Context):
        cyclic = _nodes_on_cycles(ctx.graph.outgoing)
        if not cyclic:
            return  # the common case: a linear-time check, without building the networkx graph
        import networkx as nx

        sub = ctx.graph.to_networkx().subgraph(cyclic)
        for found, cycle in enumerate(nx.simple_cycles(sub, length_bound=MAX_LENGTH), start=1):
            edges = [sub.edges[cycle[i], cycle[(i + 1) % len(cycle)]]["flow"] for i in range(len(cycle))]
            first = min(edges, key=lambda f: f.pos)
            start = cycle.index(first.source)
            ordered = cycle[start:] + cycle[:start]
            path = " -> ".join([*ordered, ordered[0]])
            yield Hit(first, f"message loop: {path}", discriminator="|".join(sorted(cycle)),
                      hint="break the loop, or filter the handler's own messages and suppress with a reason")
            if found >= MAX_CYCLES:
                return


def _nodes_on_cycles(outgoing: dict[str, list]) -> set[str]:
    """Nodes in a strongly connected component with a cycle (iterative Tarjan, linear in the flows)."""
    succ = {node: [f.target for f in flows] for node, flows in outgoing.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: set[str] = set()
    counter = 0
    for root in succ:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work[-1]
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            children = succ.get(node, [])
            if i < len(children):
                work[-1] = (node, i + 1)
                child = children[i]
                if child not in index:
                    work.append((child, 0))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    comp.append(member)
                    if member == node:
                        break
                if len(comp) > 1 or node in succ.get(node, []):
                    out.update(comp)
    return out

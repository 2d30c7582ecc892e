"""The input kinds `mqadvise lint` reads, one module each, behind one interface.

Each module has ``KIND`` (the graph's ``input_kind``), ``accepts(data)`` (does this parsed document look
like my kind?) and ``read(data, name, kb) -> FlowGraph`` (raises ``InvalidInput`` with file:line for input
it cannot read). :func:`advisor.lint.loader.load_graph` parses the text once and asks them in order.
"""

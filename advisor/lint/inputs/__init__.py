"""The input kinds `mqadvise lint` reads, one module each, behind one interface.

Each module has ``KIND`` (the graph's ``input_kind``), ``accepts(data)`` (does this parsed document look
like my kind?) and ``read(data, name, kb) -> list[FlowGraph]`` (one graph, or one per combination of a template's
conditions; raises ``InvalidInput`` with file:line for input it cannot read).
:func:`advisor.lint.loader.load_graphs` parses the text once, asks them in order, and checks the type of
every setting (advisor.lint.inputs.common.normalise) so that no rule meets a value it cannot handle.
"""

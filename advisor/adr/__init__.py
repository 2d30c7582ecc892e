"""Architecture Decision Records: write the advisor's decision as an ADR and keep the decision log healthy.

- :mod:`advisor.adr.folder`  finds the ADR folder (docs/decisions, docs/adr, doc/adr, adr-tools ``.adr-dir``)
  and the next number;
- :mod:`advisor.adr.records` reads ADRs of several tools (MADR 2-4, adr-tools/Nygard, log4brains) and edits
  their status and link lines without touching anything else;
- :mod:`advisor.adr.render`  fills a jinja2 template from an engine Result;
- :mod:`advisor.adr.lint`    checks a decision log (findings for :mod:`advisor.findings`).
"""

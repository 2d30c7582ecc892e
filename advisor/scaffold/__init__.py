"""`mqadvise scaffold`: a runnable reference implementation of the recommended design.

Flow: requirements -> advise -> choose the design (recommendation or ``pattern``) -> registry picks the template
set -> blueprint builds the context (figures from the knowledge) -> render in a sandbox -> write atomically.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class ScaffoldResult:
    out_dir: Path
    pattern_id: str
    template_set: str
    files: list[Path]                     # the scaffold's files now in the folder
    figures: dict[str, Any]
    written: list[str] = field(default_factory=list)        # new or replaced (relative paths)
    kept: list[tuple[str, str]] = field(default_factory=list)   # (path, why) left as the user has it
    beside: dict[str, str] = field(default_factory=dict)    # kept path -> where the scaffold's version went
    removed: list[str] = field(default_factory=list)        # the previous design's unchanged files
    notes: list[str] = field(default_factory=list)          # what the user should know (renamed package, ...)


def plan_files(requirements: Any, *, answers_text: str | None = None, answers_name: str = "mqadvise.yaml",
               pattern: str | None = None, name: str | None = None, adr: str | None = None,
               kb: Any = None) -> tuple[str, str, dict[str, str], dict[str, Any]]:
    """Render without writing: (pattern id, template set, {path: text}, figures)."""
    from advisor import api
    from advisor.errors import UsageError
    from advisor.requirements import dump_requirements
    from advisor.scaffold import registry
    from advisor.scaffold.plan import Plan, base_context, choose
    from advisor.scaffold.render import render_set

    kb = kb or api.knowledge()
    result = api.advise(requirements, kb)
    pattern_id, path = choose(result, pattern)
    ts = registry.lookup(pattern_id, {o.service for o in path})
    if ts is None:
        raise UsageError(f"no scaffold for the design {pattern_id!r} yet",
                         hint="scaffolds exist for: " + ", ".join(registry.supported_patterns()))
    plan = Plan(requirements, result, kb, pattern_id, tuple(path),
                answers_text if answers_text is not None else dump_requirements(requirements),
                answers_name, adr=adr, name=name)
    ctx = base_context(plan)
    ts.blueprint(ctx, plan)
    ctx["architecture_yaml"] = _dump_yaml(ctx.pop("architecture"))
    ctx["template_set"] = ts.name
    ctx["figures"] = {k: {"value": f.value, "fact": f.fact, "source": f.source, "note": f.note} for k, f in plan.figures.items()}
    files = render_set([*ts.layers, ts.name], ctx)
    from advisor.scaffold.vendor import simulator_files

    uses_engines = any("localaws.engines" in text for text in files.values())
    files.update(simulator_files(engines=uses_engines, kb=kb))
    files["architecture.yaml"] = ctx["architecture_yaml"]
    files[answers_name] = plan.answers_text
    return pattern_id, ts.name, files, ctx["figures"]


def scaffold(answers: str | Path, out_dir: str | Path, *, force: bool = False, pattern: str | None = None,
             name: str | None = None, kb: Any = None) -> ScaffoldResult:
    """Write the scaffold of the design recommended for a requirements file into ``out_dir``.

    Everything is rendered before anything is written; see ``advisor.scaffold.output`` for how the folder
    is written (a new folder appears whole; ``force`` replaces only the scaffold's own unchanged files).
    """
    import os

    from advisor import __version__
    from advisor.api import load_requirements
    from advisor.scaffold.output import check_out_dir, write_scaffold
    from advisor.scaffold.plan import find_adr

    answers = Path(answers)
    out = Path(out_dir)
    real_out, _ = check_out_dir(out, force)           # fail before any work
    req = load_requirements(str(answers))
    adr_path = find_adr(req.name, [answers.resolve().parent, Path.cwd()])
    adr = None
    if adr_path is not None:
        adr = os.path.relpath(adr_path.resolve(), real_out).replace(os.sep, "/")
    answers_name = "requirements.yaml" if answers.name == "requirements.yaml" else "mqadvise.yaml"
    pattern_id, ts, files, figures = plan_files(req, answers_text=answers.read_text(encoding="utf-8"),
                                                answers_name=answers_name, pattern=pattern, name=name, adr=adr,
                                                kb=kb)
    report = write_scaffold(out, files, force=force,
                            meta={"generator": f"mqadvise {__version__}", "pattern": pattern_id, "template_set": ts})
    from advisor.scaffold.names import project_names

    notes = project_names(name or req.name).notes + report.notes
    return ScaffoldResult(report.out_dir, pattern_id, ts, report.files, figures, written=report.written,
                          kept=report.kept, beside=report.beside, removed=report.removed, notes=notes)


def _dump_yaml(data: Any) -> str:
    import io

    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False
    yaml.width = 120
    buf = io.StringIO()
    yaml.dump(data, buf)
    return "# Architecture file (contract v1), written by `mqadvise scaffold`; `mqadvise lint` checks it.\n" \
        + buf.getvalue()

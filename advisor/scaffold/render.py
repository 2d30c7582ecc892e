"""Render a template set (layered over ``common``) in a Jinja2 sandbox; ``output.py`` writes the result.

Templates are read through ``advisor.resources.templates_root()`` so they work from a wheel. File paths in a
set are fixed by the template author; the only variable part is ``package/``, replaced by the sanitised
package name, and every path is checked by ``output.safe_relative`` before it is written.
"""

from __future__ import annotations

import json
from typing import Any

from advisor import textsafe


def _root():
    from advisor.resources import templates_root

    return templates_root() / "scaffold"


def _walk(node, prefix: str = ""):
    for child in sorted(node.iterdir(), key=lambda c: c.name):
        rel = f"{prefix}{child.name}"
        if child.is_dir():
            if child.name in ("__pycache__",):
                continue
            yield from _walk(child, rel + "/")
        else:
            yield rel, child


class _Loader:
    """A jinja2 loader over Traversables (works for a folder or an installed wheel)."""

    def __new__(cls, layers: list[str]):
        import jinja2

        root = _root()

        class Loader(jinja2.BaseLoader):
            def get_source(self, environment, template):
                for layer in reversed(layers):
                    node = root / layer
                    for part in template.split("/"):
                        node = node / part
                    if node.is_file():
                        return node.read_text(encoding="utf-8"), None, lambda: True
                raise jinja2.TemplateNotFound(template)

        return Loader()


def environment(layers: list[str]):
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(loader=_Loader(layers), undefined=StrictUndefined, keep_trailing_newline=True,
                               trim_blocks=True, lstrip_blocks=True, autoescape=False)
    env.filters["json"] = lambda v: json.dumps(v, ensure_ascii=True)
    env.filters["pystr"] = lambda v: ascii(str(v))
    env.filters["yamlflow"] = lambda v: json.dumps(v, ensure_ascii=True, separators=(", ", ": "))
    env.filters["oneline"] = lambda v: " ".join(str(v).split())
    # logical ids from a list of prefixes: subscribers | map(attribute="id") | suffixed("Queue")
    env.filters["suffixed"] = lambda values, suffix: [f"{v}{suffix}" for v in values]
    # free text from the requirements (title, context) goes through one helper per target (advisor.textsafe)
    env.filters["cfn_description"] = cfn_description
    env.filters["md_inline"] = textsafe.md_inline
    env.filters["md_quote"] = textsafe.md_quote
    env.filters["md_href"] = textsafe.md_href
    env.filters["yaml_str"] = textsafe.yaml_str
    return env


DESCRIPTION_CHARS = 250   # design choice: a one-line summary, under the 1,024-byte limit even in 4-byte characters


def cfn_description(text: Any) -> str:
    """A template ``Description``: one line, shortened, no ``${`` substitution, as a YAML string."""
    return textsafe.yaml_str(textsafe.cfn_sub(textsafe.shorten(textsafe.one_line(text), DESCRIPTION_CHARS)))


def render_set(layers: list[str], ctx: dict[str, Any]) -> dict[str, str]:
    """Every file of the layers (later layers win), rendered: {relative output path: text}."""
    env = environment(layers)
    sources: dict[str, str] = {}
    root = _root()
    for layer in layers:
        node = root / layer
        if not node.is_dir():
            raise FileNotFoundError(f"template set {layer!r} is missing from templates/scaffold/")
        for rel, _ in _walk(node):
            sources[rel] = rel
    out: dict[str, str] = {}
    for rel in sorted(sources):
        target = rel.removesuffix(".j2")
        if target.startswith("package/"):
            target = ctx["package"] + target[len("package"):]
        if any(part.startswith("_") and part != "__init__.py.j2" and part != "__init__.py"
               for part in rel.split("/")):
            continue        # partials (for {% include %}) are not output files
        text = env.get_template(rel).render(**ctx)
        if rel.endswith(".j2") and not text.strip():
            continue        # a template may render empty to say "not for this design"
        out[target] = text
    return out

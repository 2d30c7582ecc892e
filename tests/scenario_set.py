"""The scenario set: architecture scenarios written from AWS documentation, each answered several ways.

A scenario (``tests/scenarios/<id>.yaml``) states the design AWS documents for a situation, the page
that documents it, a full requirements document (the literal reading) and at least three variants:
other plausible ways a user could answer the same interview, each of which must give the same design.
This module loads and checks the files, builds every variant, runs the engine and compares.
The test (``tests/test_scenarios.py``) and the benchmark (``bench/scenarios.py``) both use it.
"""

from __future__ import annotations

import copy
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
SCENARIO_DIR = ROOT / "tests" / "scenarios"
KNOWN_MISSES = ROOT / "tests" / "scenario-known-misses.yaml"

LITERAL = "literal"  # the id of the requirements as written (the variants change it)
REQUIRED_KEYS = ("id", "title", "source", "why", "expect", "requirements", "variants")
OPTIONAL_KEYS = ("see_also",)  # further AWS pages that support the expected design
VARIANT_KEYS = ("id", "how")
MIN_VARIANTS = 3
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# Sources are AWS's own documentation. Exam-question and braindump sites are refused by name even
# when they copy AWS text, and any other host is refused because it is not AWS.
AWS_HOSTS = ("docs.aws.amazon.com", "aws.amazon.com", "d1.awsstatic.com", "repost.aws")
EXAM_SITES = (
    "examtopics", "tutorialsdojo", "whizlabs", "udemy", "dumps", "braindump", "pass4sure", "passleader",
    "exam-labs", "examlabs", "itexams", "certlibrary", "skillcertpro", "digitalcloud", "measureup",
    "study4exam", "vceplus", "gratisexam", "examcollection", "marks4sure", "testking", "certyiq",
    "jayendrapatil", "quizlet", "practice-exam", "practiceexam",
)
# Tie rules that are not AWS's documented default: a result settled by one of these is a coin toss.
UNDOCUMENTED_TIE_RULES = ("alphabet", "alphabetical", "path-id", "id", "model-rank", "order", "name")


class ScenarioFormatError(ValueError):
    """A scenario file that breaks the format; the message names the file and the key."""


@dataclass(frozen=True)
class Variant:
    id: str
    how: str
    set: dict[str, Any]
    unset: tuple[str, ...]


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    source: str
    why: str
    expected: frozenset[str]
    requirements: dict[str, Any]
    variants: tuple[Variant, ...]
    path: Path

    def readings(self) -> list[tuple[str, dict[str, Any]]]:
        """The literal requirements and every variant's, as plain data (each a fresh copy)."""
        out = [(LITERAL, copy.deepcopy(self.requirements))]
        for v in self.variants:
            out.append((v.id, apply_variant(self.requirements, v)))
        return out


@dataclass
class Outcome:
    scenario: str
    variant: str
    expected: frozenset[str]
    got: frozenset[str]
    seconds: float
    error: str | None = None
    ties: list[Any] = field(default_factory=list)   # the engine's reported ties (new engine), as given
    undocumented_tie: bool = False                  # decided by a tie the engine says is not documented
    equal_score_tie: bool = False                   # old engine: another passing design scored the same

    @property
    def key(self) -> str:
        return f"{self.scenario}:{self.variant}"

    @property
    def ok(self) -> bool:
        """The expected design, and not by a tie the engine settled without a documented rule."""
        return self.error is None and self.got == self.expected and not self.undocumented_tie


# ---------------------------------------------------------------- loading and format checks

def _load_yaml(path: Path) -> Any:
    from advisor.yamlio import load_file, to_plain

    return to_plain(load_file(path).data)


def _problem(path: Path, key: str, message: str) -> ScenarioFormatError:
    return ScenarioFormatError(f"{path.name}: {key}: {message}")


def check_source(url: Any) -> str | None:
    """Why this source is not acceptable, or None."""
    if not isinstance(url, str) or not url.startswith("https://"):
        return f"expected an https URL, got {url!r}"
    host = (urlparse(url).hostname or "").lower()
    if any(word in url.lower() for word in EXAM_SITES):
        return f"{host} is an exam-question site; cite AWS documentation"
    if not any(host == h or host.endswith("." + h) for h in AWS_HOSTS):
        return f"{host} is not an AWS documentation host ({', '.join(AWS_HOSTS)})"
    return None


def option_ids() -> set[str]:
    """Every option id of the contract: service:variant, or the bare service id when it has none."""
    from advisor.knowledge.vocabulary import VARIANTS

    return {f"{s}:{v}" for s, vs in VARIANTS.items() for v in vs} | {s for s, vs in VARIANTS.items() if not vs}


def parse_scenario(raw: Any, path: Path) -> Scenario:
    """Check one scenario file's format strictly and return it; raises ScenarioFormatError."""
    if not isinstance(raw, dict):
        raise _problem(path, "(file)", "expected a mapping")
    for key in REQUIRED_KEYS:
        if key not in raw or raw[key] in (None, "", [], {}):
            raise _problem(path, key, "required key is missing or empty")
    unknown = sorted(set(raw) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS))
    if unknown:
        raise _problem(path, unknown[0], f"unknown key; expected {', '.join(REQUIRED_KEYS + OPTIONAL_KEYS)}")
    sid = raw["id"]
    if not isinstance(sid, str) or not ID_RE.match(sid):
        raise _problem(path, "id", f"expected a kebab-case id, got {sid!r}")
    if sid != path.stem:
        raise _problem(path, "id", f"{sid!r} differs from the file name {path.stem!r}")
    for key in ("title", "why"):
        if not isinstance(raw[key], str) or len(raw[key].split()) < 3:
            raise _problem(path, key, "expected a sentence")
    for i, url in enumerate([raw["source"], *(raw.get("see_also") or [])]):
        bad = check_source(url)
        if bad:
            raise _problem(path, "source" if i == 0 else f"see_also[{i - 1}]", bad)
    expect = raw["expect"]
    if not isinstance(expect, dict) or set(expect) != {"services"} or not isinstance(expect["services"], list):
        raise _problem(path, "expect", "expected a mapping with one key, services: a list of option ids")
    services = expect["services"]
    if not services or len(set(services)) != len(services):
        raise _problem(path, "expect.services", "expected a non-empty list without repeats")
    valid = option_ids()
    for s in services:
        if s not in valid:
            raise _problem(path, "expect.services", f"{s!r} is not an option id; expected one of {sorted(valid)}")
    req = raw["requirements"]
    if not isinstance(req, dict):
        raise _problem(path, "requirements", "expected a requirements-v1 mapping")
    _validate_requirements(req, path, "requirements")
    variants = raw["variants"]
    if not isinstance(variants, list) or len(variants) < MIN_VARIANTS:
        raise _problem(path, "variants", f"expected at least {MIN_VARIANTS} variants")
    seen: set[str] = set()
    out: list[Variant] = []
    readings = [req]
    for i, v in enumerate(variants):
        where = f"variants[{i}]"
        if not isinstance(v, dict):
            raise _problem(path, where, "expected a mapping with id, how, set and/or unset")
        for key in VARIANT_KEYS:
            if not isinstance(v.get(key), str) or not v[key].strip():
                raise _problem(path, f"{where}.{key}", "required key is missing or empty")
        extra = sorted(set(v) - {"id", "how", "set", "unset"})
        if extra:
            raise _problem(path, f"{where}.{extra[0]}", "unknown key; expected id, how, set, unset")
        vid = v["id"]
        if not ID_RE.match(vid) or vid == LITERAL or vid in seen:
            raise _problem(path, f"{where}.id", f"{vid!r} must be kebab-case, unique and not {LITERAL!r}")
        seen.add(vid)
        sets = v.get("set") or {}
        unsets = v.get("unset") or []
        if not isinstance(sets, dict) or not isinstance(unsets, list):
            raise _problem(path, where, "set must be a mapping of dotted keys, unset a list of dotted keys")
        if not sets and not unsets:
            raise _problem(path, where, "a variant must set or unset something")
        for key in unsets:
            if _get(req, key) is _MISSING:
                raise _problem(path, f"{where}.unset", f"{key!r} is not in the requirements")
        variant = Variant(vid, v["how"], dict(sets), tuple(unsets))
        built = apply_variant(req, variant)
        if any(built == other for other in readings):
            raise _problem(path, where, "this variant gives the same requirements as another reading")
        readings.append(built)
        _validate_requirements(built, path, where)
        out.append(variant)
    return Scenario(sid, raw["title"], raw["source"], raw["why"], frozenset(services), req, tuple(out), path)


def _validate_requirements(data: dict[str, Any], path: Path, where: str) -> None:
    from advisor.errors import InvalidInput
    from advisor.requirements import parse_requirements

    try:
        parse_requirements(copy.deepcopy(data), name=f"{path.name}:{where}")
    except InvalidInput as exc:
        raise _problem(path, where, f"not a valid requirements-v1 document: {exc}") from None


def load_scenarios(directory: Path = SCENARIO_DIR) -> list[Scenario]:
    """Every scenario, sorted by id; the first format problem raises ScenarioFormatError."""
    scenarios = [parse_scenario(_load_yaml(p), p) for p in sorted(directory.glob("*.yaml"))]
    ids = [s.id for s in scenarios]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ScenarioFormatError(f"duplicate scenario ids: {', '.join(dupes)}")
    return scenarios


def format_problems(directory: Path = SCENARIO_DIR) -> list[str]:
    """Every file's format problem (one per file), for a report that lists them all at once."""
    out = []
    for p in sorted(directory.glob("*.yaml")):
        try:
            parse_scenario(_load_yaml(p), p)
        except ScenarioFormatError as exc:
            out.append(str(exc))
        except Exception as exc:  # an unreadable YAML file is a format problem too
            out.append(f"{p.name}: {exc}")
    return out


def load_known_misses(path: Path = KNOWN_MISSES) -> dict[str, str]:
    """``scenario:variant`` -> the reason it is known to miss today."""
    if not path.exists():
        return {}
    data = _load_yaml(path) or {}
    misses = data.get("misses") or {}
    if not isinstance(misses, dict):
        raise ScenarioFormatError(f"{path.name}: misses: expected a mapping of scenario:variant to a reason")
    for key, reason in misses.items():
        if not isinstance(reason, str) or not reason.strip():
            raise ScenarioFormatError(f"{path.name}: misses.{key}: each known miss needs a reason")
    return dict(misses)


# ---------------------------------------------------------------- variants

_MISSING = object()


def _get(data: dict[str, Any], dotted: str) -> Any:
    node: Any = data
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return _MISSING
        node = node[part]
    return node


def apply_variant(requirements: dict[str, Any], variant: Variant) -> dict[str, Any]:
    """A deep copy of the requirements with the variant's keys set and removed.

    Sections left empty by ``unset`` are dropped, so "unset every constraint" means no constraints.
    """
    out = copy.deepcopy(requirements)
    for dotted, value in variant.set.items():
        *parents, last = dotted.split(".")
        node = out
        for part in parents:
            if not isinstance(node.get(part), dict):
                node[part] = {}
            node = node[part]
        node[last] = copy.deepcopy(value)
    for dotted in variant.unset:
        *parents, last = dotted.split(".")
        chain = [out]
        for part in parents:
            nxt = chain[-1].get(part)
            if not isinstance(nxt, dict):
                break
            chain.append(nxt)
        else:
            chain[-1].pop(last, None)
            for parent, part in zip(reversed(chain[:-1]), reversed(parents), strict=True):
                if parent[part] == {}:
                    del parent[part]
    return out


# ---------------------------------------------------------------- running

def _tie_documented(tie: Any) -> bool:
    def attr(name: str) -> Any:
        return tie.get(name) if isinstance(tie, dict) else getattr(tie, name, None)

    documented = attr("documented")
    if documented is not None:
        return bool(documented)
    rule = attr("rule")
    return bool(rule) and str(rule).lower() not in UNDOCUMENTED_TIE_RULES


def run_reading(scenario: Scenario, variant: str, data: dict[str, Any], kb: Any) -> Outcome:
    from advisor import api
    from advisor.requirements import parse_requirements

    start = time.perf_counter()
    try:
        result = api.advise(parse_requirements(data, name=f"{scenario.id}:{variant}"), kb)
    except Exception as exc:  # an engine crash is a miss with its reason, not a crashed run
        return Outcome(scenario.id, variant, scenario.expected, frozenset(), time.perf_counter() - start,
                       error=f"{type(exc).__name__}: {exc}")
    seconds = time.perf_counter() - start
    got = frozenset(o.id for o in result.recommended_services())
    error = None if result.ok else "no recommendation: " + "; ".join(map(str, result.conflicts))[:300]
    ties = list(getattr(result, "ties", None) or [])
    outcome = Outcome(scenario.id, variant, scenario.expected, got, seconds, error, ties)
    outcome.undocumented_tie = any(not _tie_documented(t) for t in ties)
    rec = result.recommendation
    if rec is not None and getattr(result, "ties", None) is None:
        outcome.equal_score_tie = any(
            c is not rec and abs(c.score - rec.score) < 1e-9 and {o.id for o in c.design.nodes} !=
            {o.id for o in rec.design.nodes} for c in result.candidates)
    return outcome


def run_scenario(scenario: Scenario, kb: Any) -> list[Outcome]:
    return [run_reading(scenario, vid, data, kb) for vid, data in scenario.readings()]


def run_all(scenarios: list[Scenario] | None = None, kb: Any = None) -> list[Outcome]:
    from advisor import api

    kb = kb or api.knowledge()
    out: list[Outcome] = []
    for s in scenarios if scenarios is not None else load_scenarios():
        out += run_scenario(s, kb)
    return out


def coverage(scenarios: list[Scenario]) -> dict[str, list[str]]:
    """Option id -> the scenarios that expect it (every contract option is a key)."""
    out: dict[str, list[str]] = {o: [] for o in sorted(option_ids())}
    for s in scenarios:
        for o in s.expected:
            out[o].append(s.id)
    return out


def describe_miss(o: Outcome) -> str:
    want = ", ".join(sorted(o.expected))
    got = ", ".join(sorted(o.got)) or "nothing"
    tail = f" ({o.error})" if o.error else ""
    if o.undocumented_tie and not o.error:
        tail += " (decided by an undocumented tie-break)"
    return f"{o.key}: expected [{want}], got [{got}]{tail}"

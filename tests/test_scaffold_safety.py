"""Safety of `mqadvise scaffold`: names become safe identifiers, nothing escapes the output folder,
user text cannot inject code, templates render in a sandbox, and a non-empty folder is refused."""

from __future__ import annotations

import ast
import keyword
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.scaffold import names

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ['x"; import os; os.system("rm -rf /") #', "../../etc/passwd", "/abs/path", "..", "class",
           "{{ 7*7 }}", "${AWS::AccountId}", "Ünïcødé naïve", "", "-", "123", "a\nb\r\nc", "'''\"\"\"", "CON"]


@pytest.mark.parametrize("text", HOSTILE)
def test_sanitisers_on_hostile_names(text):
    s = names.slug(text)
    assert re.fullmatch(r"[a-z][a-z0-9-]*", s) and ".." not in s and "/" not in s
    ident = names.identifier(text)
    assert ident.isidentifier() and not keyword.iskeyword(ident) and re.fullmatch(r"[a-z_][a-z0-9_]*", ident)
    assert re.fullmatch(r"[A-Z][A-Za-z0-9]*", names.logical_id(text))
    assert re.fullmatch(r"[A-Z_][A-Z0-9_]*", names.env_var(text))
    assert "/" not in names.file_name(text, ".py") and not names.file_name(text).startswith(".")


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_sanitisers_on_any_text(text):
    assert re.fullmatch(r"[a-z][a-z0-9-]{0,39}", names.slug(text))
    assert names.identifier(text).isidentifier() and not keyword.iskeyword(names.identifier(text))
    assert re.fullmatch(r"[A-Za-z][A-Za-z0-9]{0,63}", names.logical_id(text))


def _hostile_answers(tmp_path: Path) -> Path:
    text = (ROOT / "examples" / "order-fanout-filtering.yaml").read_text()
    text = text.replace("title: Notify billing", 'title: \'Evil """ {{ 7*7 }} ${AWS::Region} "; import os #\' #')
    path = tmp_path / "answers.yaml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("name", ['x"; import os; os.system("rm -rf /") #', "../../etc/passwd"])
def test_hostile_name_and_title_stay_inert(tmp_path, name):
    from advisor.scaffold import scaffold
    from advisor.sim.cfn import load_template

    out = tmp_path / "out"
    result = scaffold(_hostile_answers(tmp_path), out, name=name)
    for path in result.files:
        assert out.resolve() in path.resolve().parents
    assert {p.name for p in tmp_path.iterdir()} == {"answers.yaml", "out"}
    pkg = names.identifier(name)
    assert (out / pkg / "producer.py").is_file()
    for py in out.rglob("*.py"):
        text = py.read_text()
        ast.parse(text)                                    # still valid Python
        assert "os.system" not in text and "rm -rf" not in text and "etc/passwd" not in text
    tpl = load_template(out / "infra" / "template.yaml")   # still valid YAML
    assert "{{ 7*7 }}" in tpl["Description"] and "49" not in tpl["Description"]
    from markdown_it import MarkdownIt

    heading = MarkdownIt("commonmark").parse((out / "README.md").read_text())[1]
    title = "".join(c.content for c in heading.children)     # as rendered: the title exactly as written
    assert "{{ 7*7 }}" in title and "${AWS::Region}" in title and "49" not in title   # data, never a template


def test_refuses_a_non_empty_folder_without_force(tmp_path, cli):
    answers = ROOT / "examples" / "nightly-schedule.yaml"
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    code, _, err = cli("scaffold", "--answers", answers, "--out", out)
    assert code == 2 and "not empty" in err
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    code, stdout, _ = cli("scaffold", "--answers", answers, "--out", out, "--force")
    assert code == 0 and (out / "infra" / "template.yaml").is_file() and (out / "keep.txt").read_text() == "mine"
    assert str(out / "mqadvise.yaml") in stdout


def test_a_design_without_a_scaffold_is_a_usage_error(tmp_path, cli):
    code, _, err = cli("scaffold", "--answers", ROOT / "examples" / "rabbitmq-migration.yaml", "--out", tmp_path / "o",
                       "--pattern", "mq-rabbitmq-to-eventbridge-pipes-to-kinesis-data-streams-on-demand")  # passes, no template
    assert code == 2 and "no scaffold" in err and "sqs-worker-dlq" in err
    assert not (tmp_path / "o").exists()


def test_unknown_pattern_names_the_passing_ones(tmp_path, cli):
    code, _, err = cli("scaffold", "--answers", ROOT / "examples" / "nightly-schedule.yaml", "--out", tmp_path / "o",
                       "--pattern", "msk-streaming")
    assert code == 2 and "scheduled-work" in err


def test_templates_render_in_a_sandbox():
    from jinja2.exceptions import SecurityError

    from advisor.scaffold.render import environment

    env = environment(["common"])
    with pytest.raises(SecurityError):
        env.from_string("{{ x.__class__.__mro__[1].__subclasses__() }}").render(x="")
    assert env.from_string("{{ v | pystr }}").render(v='a"\'\n') == ascii('a"\'\n')


def test_write_files_refuses_paths_outside(tmp_path):
    from advisor.errors import InvalidInput
    from advisor.scaffold.output import write_scaffold

    with pytest.raises(InvalidInput):
        write_scaffold(tmp_path / "out", {"../escape.txt": "x"}, force=False, meta={})
    assert not (tmp_path / "escape.txt").exists()


def test_registry_is_extensible_and_refuses_clashes():
    from advisor.scaffold.registry import TemplateSet, lookup, register, supported_patterns

    assert {"sqs-worker-dlq", "pipes-queue-to-workflow", "step-functions-express"} <= set(supported_patterns())
    assert lookup("some-new-id", {"sqs"}).name == "sqs-worker"         # service-set fallback
    with pytest.raises(ValueError):
        register(TemplateSet("other", ("sqs-worker-dlq",), lambda ctx, plan: None))


def test_help_lists_the_commands(cli):
    code, out, _ = cli("--help")
    assert code == 0 and "scaffold" in out and "sim" in out
    code, out, _ = cli("sim", "--help")
    assert code == 0 and all(c in out for c in ("up", "down", "status", "demo"))

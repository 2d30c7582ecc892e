"""One --format vocabulary: every command that prints data takes --format/-f, with values from one shared list,
json wherever the output is data, and an unknown value is a usage error (exit 2) that names the choices."""

from __future__ import annotations

import pytest
import typer

from advisor.cli.app import app
from advisor.cli.formats import VOCABULARY

# commands whose output is a file or a drawing rather than data records
NOT_JSON = {"study export"}


def _commands(group, prefix: str = ""):
    for name, cmd in group.commands.items():
        if hasattr(cmd, "commands"):  # a command group (typer vendors its own click)
            yield from _commands(cmd, f"{prefix}{name} ")
        else:
            yield f"{prefix}{name}", cmd


COMMANDS = dict(_commands(typer.main.get_command(app)))
WITH_FORMAT = {name: cmd for name, cmd in COMMANDS.items()
               if any(p.name == "output_format" for p in cmd.params)}


def test_the_data_commands_all_have_a_format_option():
    expected = {"advise", "services", "explain", "compare", "graph", "rules", "lint", "knowledge check", "scaffold",
                "sim up", "sim down", "sim status", "sim demo", "adr list", "adr show", "adr lint", "study practice",
                "study exam", "study review", "study stats", "study list", "study export"}
    missing = {name for name in expected if name in COMMANDS and name not in WITH_FORMAT}
    assert not missing


@pytest.mark.parametrize("name", sorted(WITH_FORMAT))
def test_format_is_spelled_the_same_everywhere(name):
    (param,) = [p for p in WITH_FORMAT[name].params if p.name == "output_format"]
    assert "-f" in param.opts and "--format" in param.opts
    shown = param.metavar or ""
    if shown.startswith("<"):
        assert set(shown.strip("<>").split("|")) <= set(VOCABULARY), shown
        if name not in NOT_JSON and name != "graph":
            assert "json" in shown and "text" in shown
        if name == "graph":
            assert "json" in shown


@pytest.mark.parametrize("argv", [["services"], ["explain", "sqs"], ["knowledge", "check"], ["study", "stats"],
                                  ["sim", "status", "."], ["graph"]])
def test_an_unknown_format_is_a_usage_error_naming_the_choices(cli, argv):
    code, out, err = cli(*argv, "--format", "xml")
    assert code == 2 and out == ""
    assert "'xml' is not one of" in err and "json" in err


def test_the_old_spellings_still_work_but_are_hidden(cli, tmp_path):
    sim_status = COMMANDS["sim status"]
    (old,) = [p for p in sim_status.params if "--json" in p.opts]
    assert old.hidden
    (to,) = [p for p in COMMANDS["study export"].params if "--to" in p.opts]
    assert to.hidden
    code, out, _ = cli("study", "export", "--to", "csv", "--out", tmp_path / "bank.csv", "--service", "sqs")
    assert code == 0 and (tmp_path / "bank.csv").read_text().startswith(("id,", "\ufeffid", "\"id"))

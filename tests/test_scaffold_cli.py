"""`mqadvise scaffold` as a command (issue 14): --list without --out and in JSON, the same `error:` prefix and
named conflicts as `advise` when nothing fits, missing options, and the file report in JSON."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFLICT = ROOT / "tests" / "data" / "requirements" / "conflict-sync-replay.yaml"


def test_list_needs_neither_answers_nor_out_and_speaks_json(cli):
    code, out, err = cli("scaffold", "--list")
    assert code == 0, err
    assert any(line.startswith("sqs-worker: sqs-worker-dlq, sqs-fifo-ordering") for line in out.splitlines())
    code, out, _ = cli("scaffold", "--list", "--format", "json")
    data = json.loads(out)
    from advisor.scaffold.registry import template_sets

    assert [d["template_set"] for d in data] == list(template_sets())
    assert {"template_set": "msk", "patterns": ["msk-streaming"]}.items() <= data[[d["template_set"] for d in
                                                                                   data].index("msk")].items()


def test_missing_answers_or_out_is_a_usage_error(cli, tmp_path):
    code, out, err = cli("scaffold", "--out", tmp_path / "o")
    assert code == 2 and err.startswith("error: missing option --answers") and out == ""
    code, _, err = cli("scaffold")
    assert code == 2 and "--answers and --out" in err


def test_nothing_fits_names_the_conflicts_like_advise_with_the_error_prefix(cli, tmp_path):
    code, advise_out, _ = cli("advise", "--answers", CONFLICT, "--format", "json")
    conflicts = json.loads(advise_out)["conflicts"]
    code, out, err = cli("scaffold", "--answers", CONFLICT, "--out", tmp_path / "o")
    assert code == 3 and out == "" and "Traceback" not in err
    lines = err.splitlines()
    assert lines[0] == "error: no design fits these requirements, so there is nothing to scaffold"
    assert [line.removeprefix("  - ") for line in lines[1:1 + len(conflicts)]] == conflicts
    assert not (tmp_path / "o").exists()


def test_json_report_lists_written_kept_and_removed(cli, tmp_path):
    out = tmp_path / "svc"
    code, stdout, _ = cli("scaffold", "-a", ROOT / "examples" / "nightly-schedule.yaml", "-o", out, "-f", "json")
    assert code == 0
    data = json.loads(stdout)
    assert data["pattern"] == "scheduled-work" and "README.md" in data["written"] and data["kept"] == []
    (out / "README.md").write_text("ours")
    code, stdout, _ = cli("scaffold", "-a", ROOT / "examples" / "order-fanout-filtering.yaml", "-o", out,
                          "--force", "--format", "json")
    data = json.loads(stdout)
    assert {"path": "README.md", "reason": "you changed it", "scaffold_version": "README.md.new"} in data["kept"]
    assert "nightly_report_job/handler.py" in data["removed"]
    assert all(Path(p).is_file() for p in data["files"])


def test_an_ordered_bus_design_says_the_project_builds_a_classic_bus(cli, tmp_path):
    # the recommendation needs the Custom Event Bus (FIFO subscribers); the generated template and the local
    # simulator have only the Classic bus, and the project's README says so first among the things to watch
    import yaml

    scenario = yaml.safe_load((ROOT / "tests" / "scenarios" / "order-events-ordered-lambda-custom-bus.yaml")
                              .read_text(encoding="utf-8"))
    answers = tmp_path / "ordered.yaml"
    answers.write_text(yaml.safe_dump(scenario["requirements"]), encoding="utf-8")
    code, _, err = cli("scaffold", "-a", answers, "-o", tmp_path / "o")
    assert code == 0, err
    readme = (tmp_path / "o" / "README.md").read_text(encoding="utf-8")
    assert "deploys a Classic bus of rules and targets" in readme
    # an unordered bus design is the Classic bus the project deploys: nothing to say
    code, _, err = cli("scaffold", "-a", ROOT / "examples" / "saas-events-to-lambda.yaml", "-o", tmp_path / "p")
    assert code == 0, err
    assert "Classic bus of rules" not in (tmp_path / "p" / "README.md").read_text(encoding="utf-8")

"""`mqadvise cost`: text, JSON and markdown, --scale/--peak, --sweep and its chart, and bad input."""

from __future__ import annotations

import json

import pytest

from tests.conftest import EXAMPLES

ORDERS = str(EXAMPLES / "order-fanout-filtering.yaml")
CLICKS = str(EXAMPLES / "clickstream-analytics.yaml")


def test_json_lists_every_candidate_with_sourced_lines(cli):
    code, out, err = cli("cost", "--answers", ORDERS, "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["region"] == "us-east-1" and data["currency"] == "USD"
    first = data["designs"][0]
    assert first["design"] == "sns:standard -> sqs:standard"
    assert first["monthly_total"] == pytest.approx(sum(i["subtotal"] for i in first["line_items"]
                                                       if i["subtotal"] is not None), abs=0.01)
    assert all(i["source"].startswith("https://") for i in first["line_items"])
    assert any("overestimates" in w for w in first["warnings"])


def test_scale_multiplies_the_volume(cli):
    _, base, _ = cli("cost", "--answers", ORDERS, "--format", "json")
    _, ten, _ = cli("cost", "--answers", ORDERS, "--format", "json", "--scale", "10x")
    _, peak, _ = cli("cost", "--answers", ORDERS, "--format", "json", "--peak", "12000")
    a, b, c = (json.loads(x)["designs"][0] for x in (base, ten, peak))
    assert b["monthly_total"] > 9 * a["monthly_total"]
    assert b["monthly_total"] == pytest.approx(c["monthly_total"])


def test_text_and_markdown(cli):
    code, out, _ = cli("cost", "--answers", CLICKS)
    assert code == 0 and "Monthly cost estimate" in out and "shards" in out
    code, out, _ = cli("cost", "--answers", CLICKS, "--format", "markdown")
    assert code == 0 and out.startswith("# Monthly cost estimate") and "| Design | Monthly | Gaps |" in out


def test_sweep_names_where_a_design_stops_fitting(cli):
    code, out, err = cli("cost", "--answers", ORDERS, "--sweep", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["factors"][0] == 0.1 and data["factors"][-1] == 100
    # 1,200/s: EventBridge's 10,000 events/s and SNS's 30,000 messages/s are adjustable quotas, so (issue 10)
    # the designs keep fitting with a quota increase to request, and the sweep names the tightest quota
    by_key = {d["design"]: d for d in data["designs"]}
    assert by_key["eventbridge:bus -> sqs:standard"]["stops_fitting_at"] is None
    assert "eventbridge.bus.throughput.max" in by_key["eventbridge:bus -> sqs:standard"]["limit"]
    assert "sns.standard.throughput.max" in by_key["sns:standard -> sqs:standard"]["limit"]
    for d in data["designs"]:
        costs = [p["monthly"] for p in d["points"] if p["monthly"] is not None]
        assert costs == sorted(costs)
    code, out, _ = cli("cost", "--answers", ORDERS, "--sweep")
    assert code == 0 and "█" in out


@pytest.mark.parametrize("args", [["--sweep"], []], ids=["sweep", "line-items"])
@pytest.mark.parametrize("example", ["order-fanout-filtering", "iot-telemetry-to-s3"])
def test_text_tables_never_cut_a_figure_at_80_columns(cli, monkeypatch, example, args):
    # rich shortens a cell that does not fit with an ellipsis: a cut number ("5,256,000…") cannot be checked
    import re

    monkeypatch.setenv("COLUMNS", "80")
    code, out, err = cli("cost", "--answers", str(EXAMPLES / f"{example}.yaml"), *args)
    assert code == 0, err
    assert not re.search(r"[\d,.]…", out), out


def test_sweep_chart_svg(cli, tmp_path):
    pytest.importorskip("matplotlib")
    target = tmp_path / "chart.svg"
    code, _, err = cli("cost", "--answers", CLICKS, "--sweep", "--format", "svg", "--out", str(target))
    assert code == 0, err
    assert target.read_text().lstrip().startswith("<?xml") and "<svg" in target.read_text()
    code, _, err = cli("cost", "--answers", CLICKS, "--sweep", "--format", "svg", "--out", str(target))
    assert code == 2 and "--force" in err


@pytest.mark.parametrize("args, message", [
    (["--scale", "ten"], "--scale takes a factor"),
    (["--scale", "2x", "--peak", "5"], "not both"),
    (["--format", "svg"], "add --sweep"),
])
def test_bad_options_exit_2(cli, args, message):
    code, _, err = cli("cost", "--answers", ORDERS, *args)
    assert code == 2 and message in err and "Traceback" not in err


def test_sweep_without_a_peak_is_a_clear_error(cli):
    code, _, err = cli("cost", "--answers", str(EXAMPLES / "kafka-migration.yaml"), "--sweep")
    assert code == 2 and "peak_per_second" in err


@pytest.mark.parametrize("example, asked", [("backup-hourly-compliance", "backup"),
                                             ("nfs-share-backed-by-s3", "hybrid storage")])
@pytest.mark.parametrize("flag", [["--peak", "10"], ["--scale", "10x"], ["--sweep"]])
def test_volume_flags_refuse_a_file_without_a_message_flow(cli, example, asked, flag):
    # a rate given to a backup-only file used to open a messaging concern and price buses for nobody's messages
    code, out, err = cli("cost", "--answers", str(EXAMPLES / f"{example}.yaml"), *flag)
    assert code == 2 and out == "" and f"asks about {asked} only" in err and "Traceback" not in err
    code, out, err = cli("cost", "--answers", str(EXAMPLES / f"{example}.yaml"))
    assert code == 0, err


def test_advise_json_carries_the_cost_column(cli):
    code, out, _ = cli("advise", "--answers", ORDERS, "--format", "json")
    data = json.loads(out)
    assert data["cost"]["designs"][0]["design"] == "sns:standard -> sqs:standard"
    assert data["cost"]["designs"][0]["monthly"] > 0


def test_a_regional_estimate_says_which_rates_are_assumed(cli, tmp_path):
    text = (EXAMPLES / "order-fanout-filtering.yaml").read_text(encoding="utf-8")
    answers = tmp_path / "eu.yaml"
    answers.write_text(text.replace("constraints:\n", "constraints:\n  region: eu-west-1\n", 1), encoding="utf-8")
    code, out, err = cli("cost", "--answers", str(answers), "--format", "json")
    assert code == 0, err
    first = json.loads(out)["designs"][0]
    assert first["region"] == "eu-west-1"
    bases = {i["price"]: i["rate_basis"] for i in first["line_items"] if "rate_basis" in i}
    # SNS rates were read for eu-west-1; the SQS and Lambda ones were not and are said to be assumed
    assumed = {p for p, b in bases.items() if "assumed equal to the us-east-1 rate" in b}
    assert {p for p in bases if p.startswith("sns.")} and not {p for p in assumed if p.startswith("sns.")}, bases
    assert "sqs.standard.requests" in assumed, bases
    assert any(w.startswith("eu-west-1: ") and "assumed equal to the us-east-1 rate" in w for w in first["warnings"])
    code, out, _ = cli("advise", "--answers", str(answers), "--format", "json")
    assert json.loads(out)["cost"]["designs"][0]["rates_assumed"] == len(assumed)
    code, out, _ = cli("cost", "--answers", str(answers), "--format", "markdown")
    assert "= us-east-1 (assumed)" in out

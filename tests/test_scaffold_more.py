"""The push-notification, Firehose, AppFlow, Storage Gateway and Backup designs are scaffolded, linted (ruff,
cfn-lint, mqadvise lint) and their own tests run in a subprocess, like the designs of test_scaffold_patterns."""

from __future__ import annotations

import pytest

from tests.scaffold_proof import (
    assert_lints_clean,
    assert_project_tests_passed,
    assert_ruff_and_cfn_lint_clean,
    run_project_tests,
    scaffold_cases,
)
from tests.test_scaffold_patterns import EX

_PUSH = {"completion": "async", "delivery": "push", "distribution": "pubsub"}
CASES: dict[str, tuple[object, str | None]] = {
    "sns-push-notifications": (EX / "ops-alerts-email-sms.yaml", None),
    "sns-firehose-archive": ({"connection": _PUSH, "constraints": {"producers": ["application"], "consumers": ["s3"],
                                                                   "managed": "serverless"}}, None),
    "firehose-direct-delivery": (EX / "log-delivery-opensearch.yaml", None),
    "firehose-direct-delivery-s3": ({"constraints": {"producers": ["application"], "consumers": ["s3"],
                                                     "managed": "serverless"}},
                                    "firehose-direct-delivery"),
    "appflow-saas-transfer": (EX / "salesforce-to-redshift.yaml", None),
    "storage-gateway-file": (EX / "nfs-share-backed-by-s3.yaml", None),
    "storage-gateway-volume-cached": (EX / "block-volumes-cloud-primary.yaml", None),
    "storage-gateway-volume-stored": (EX / "block-volumes-local-primary.yaml", None),
    "storage-gateway-tape": (EX / "tape-library-replacement.yaml", None),
    "backup-plan": (EX / "backup-hourly-compliance.yaml", None),
    "backup-plan-pitr": (EX / "backup-point-in-time.yaml", None),
}


def _pattern(case: str) -> str:
    return {"firehose-direct-delivery-s3": "firehose-direct-delivery", "backup-plan-pitr": "backup-plan"}.get(case, case)


@pytest.fixture(scope="session")
def generated_more(tmp_path_factory):
    return scaffold_cases(tmp_path_factory.mktemp("scaffolds-more"), CASES)


@pytest.fixture(scope="session")
def project_runs_more(generated_more):
    return run_project_tests(generated_more, 4)


def test_every_design_is_scaffolded_by_its_pattern(generated_more):
    assert {c: r.pattern_id for c, (_, r) in generated_more.items()} == {c: _pattern(c) for c in CASES}


@pytest.mark.parametrize("case", list(CASES))
def test_generated_project_tests_pass(case, project_runs_more):
    assert_project_tests_passed(project_runs_more[case], 5)


@pytest.mark.parametrize("case", list(CASES))
def test_generated_code_passes_ruff_and_template_passes_cfn_lint(case, generated_more):
    assert_ruff_and_cfn_lint_clean(generated_more[case][0])


@pytest.mark.parametrize("case", list(CASES))
def test_architecture_and_template_lint_clean(case, generated_more):
    assert_lints_clean(generated_more[case][0])


@pytest.mark.parametrize("case", ["appflow-saas-transfer", "storage-gateway-tape", "backup-plan"])
def test_operations_designs_have_a_runbook_and_no_simulator_claims(case, generated_more):
    folder, _ = generated_more[case]
    readme = (folder / "README.md").read_text()
    assert "## Operations runbook" in readme and "mqadvise sim" not in readme
    assert "aws cloudformation deploy" in readme


def test_settings_come_from_the_knowledge(generated_more, kb):
    from advisor.knowledge.base import Option
    from advisor.sim.cfn import load_template

    fh = Option("data-firehose", None)
    folder, result = generated_more["firehose-direct-delivery-s3"]
    dest = load_template(folder / "infra" / "template.yaml")["Resources"]["DeliveryStream"]["Properties"][
        "ExtendedS3DestinationConfiguration"]
    assert dest["BufferingHints"] == {"IntervalInSeconds": kb.value(fh, "buffer.interval.default"),
                                      "SizeInMBs": kb.value(fh, "buffer.size.default")}
    assert result.figures["firehose.max_record_bytes"]["value"] == kb.value(fh, "message_size.max") * 1024
    folder, result = generated_more["backup-plan"]
    vault = load_template(folder / "infra" / "template.yaml")["Resources"]["Vault"]["Properties"]
    hours = kb.value(Option("backup", None), "vault_lock.cooling_off.min")
    assert vault["LockConfiguration"]["ChangeableForDays"] == -(-hours // 24)
    assert result.figures["vault.lock_changeable_days"]["source"].startswith("https://docs.aws.amazon.com/")
    folder, _ = generated_more["storage-gateway-volume-cached"]
    param = load_template(folder / "infra" / "template.yaml")["Parameters"]["VolumeSizeInBytes"]
    assert param["MaxValue"] == kb.value(Option("storage-gateway", "volume-cached"), "volume_size.max") * 1024 ** 3


def test_schedule_follows_the_requirements(generated_more):
    from advisor.sim.cfn import load_template

    folder, _ = generated_more["appflow-saas-transfer"]
    trig = load_template(folder / "infra" / "template.yaml")["Resources"]["TransferFlow"]["Properties"]["TriggerConfig"]
    assert trig["TriggerProperties"]["ScheduleExpression"] == "cron(0 2 * * ? *)"   # salesforce-to-redshift.yaml
    folder, _ = generated_more["backup-plan-pitr"]
    (rule,) = load_template(folder / "infra" / "template.yaml")["Resources"]["Plan"]["Properties"]["BackupPlan"][
        "BackupPlanRule"]
    assert rule["EnableContinuousBackup"] is True and len(rule["CopyActions"]) == 1    # rpo 0.25 h, cross-account


@pytest.mark.parametrize("example,pattern", [
    ("ops-alerts-email-sms", "sns-push-notifications"), ("log-delivery-opensearch", "firehose-direct-delivery"),
    ("salesforce-to-redshift", "appflow-saas-transfer"), ("nfs-share-backed-by-s3", "storage-gateway-file"),
    ("block-volumes-cloud-primary", "storage-gateway-volume-cached"),
    ("block-volumes-local-primary", "storage-gateway-volume-stored"),
    ("tape-library-replacement", "storage-gateway-tape"), ("backup-hourly-compliance", "backup-plan"),
    ("backup-point-in-time", "backup-plan")])
def test_examples_scaffold_without_pattern_through_the_cli(example, pattern, tmp_path, cli):
    code, _, err = cli("scaffold", "--answers", EX / f"{example}.yaml", "--out", tmp_path / "o")
    assert code == 0, err
    assert (tmp_path / "o" / "infra" / "template.yaml").is_file() and (tmp_path / "o" / "architecture.yaml").is_file()
    assert pattern in (tmp_path / "o" / "README.md").read_text()


def test_fsx_file_gateway_is_refused_with_the_knowledge_reason(kb):
    from advisor.errors import UsageError
    from advisor.knowledge.base import Option
    from advisor.requirements import Requirements
    from advisor.scaffold.blueprints.storage_gateway import blueprint as storage_gateway
    from advisor.scaffold.plan import Plan

    req = Requirements.model_validate({"version": 1, "name": "win-shares", "storage": {"access": "file"}})
    plan = Plan(req, None, kb, "storage-gateway-fsx-file", (Option("storage-gateway", "fsx-file"),), "", "x.yaml")
    with pytest.raises(UsageError, match="no longer available to new customers") as exc:
        storage_gateway({"project": "win-shares"}, plan)
    assert exc.value.exit_code == 2
    assert kb.value(Option("storage-gateway", "fsx-file"), "available_to_new_customers") is False


def test_fsx_file_gateway_cannot_be_forced_with_pattern(tmp_path, cli):
    answers = tmp_path / "smb.yaml"
    answers.write_text("version: 1\nname: win-shares\nstorage: {access: file, primary: cloud}\n"
                       "migration: {from: smb-server, protocols: [smb]}\n")
    code, _, err = cli("scaffold", "--answers", answers, "--out", tmp_path / "o", "--pattern", "storage-gateway-fsx-file")
    assert code == 2 and "storage-gateway-fsx-file" in err and not (tmp_path / "o").exists()

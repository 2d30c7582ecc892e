"""templates/scaffold/appflow/: a scheduled AppFlow flow from a SaaS application to S3 or Redshift."""

from __future__ import annotations

from typing import Any

from advisor.errors import UsageError
from advisor.knowledge.base import Option
from advisor.scaffold import names
from advisor.scaffold.plan import Figure, Plan
from advisor.scaffold.shared import TemplateSet, architecture, cron_ok

APPFLOW = Option("appflow", None)
_APPFLOW_CONNECTORS = {"salesforce": "Salesforce", "servicenow": "Servicenow", "zendesk": "Zendesk",
                       "marketo": "Marketo", "slack": "Slack", "pardot": "Pardot", "datadog": "Datadog",
                       "dynatrace": "Dynatrace", "google-analytics": "Googleanalytics",
                       "sap-odata": "SAPOData", "amplitude": "Amplitude", "singular": "Singular",
                       "trendmicro": "Trendmicro", "veeva": "Veeva", "infornexus": "Infornexus"}
# what the flow reads for the connectors with a worked example; others get the object as a parameter
_SAAS_OBJECTS = {"salesforce": ("Opportunity", ["Id", "Name", "AccountId", "StageName", "Amount", "CloseDate",
                                                "LastModifiedDate"], "LastModifiedDate")}


def blueprint(ctx: dict[str, Any], plan: Plan) -> None:
    c = plan.requirements.constraints
    supported = plan.fact(APPFLOW, "saas")
    saas = next((s for s in (c.saas or []) if s in supported.value), "salesforce")
    if saas not in _SAAS_OBJECTS:
        raise UsageError(f"the AppFlow scaffold has a worked source for {', '.join(_SAAS_OBJECTS)} only, not {saas!r}",
                         hint="scaffold with saas: [salesforce] and change the source connector in the flow")
    plan.record("flow.source_connector", Figure(_APPFLOW_CONNECTORS[saas], supported.fact, supported.source,
                                                "connector type of the requirements' SaaS application"))
    obj, fields, incr = _SAAS_OBJECTS.get(saas, ("Account", ["Id"], None))
    expr = cron_ok(c.schedule)
    dest = "redshift" if "redshift" in (c.consumers or []) else "s3"
    ctx["flow"] = {"connector": _APPFLOW_CONNECTORS[saas], "saas": saas, "object": obj, "fields": fields,
                   "incremental_field": incr, "schedule": expr or "rate(1days)",
                   "schedule_note": "from the requirements" if expr else "daily: no valid schedule in the requirements",
                   "destination": dest, "table": f"public.{names.identifier(obj.lower())}",
                   "name": names.slug(ctx["project"] + "-flow"),
                   "source_profile": names.slug(ctx["project"] + "-" + saas),
                   "dest_profile": names.slug(ctx["project"] + "-redshift")}
    plan.record("flow.schedule", Figure(ctx["flow"]["schedule"], None, None, ctx["flow"]["schedule_note"]))
    plan.record("flow.max_data_per_run", plan.fact(APPFLOW, "message_size.max"))
    ctx["local_overrides"] = {}
    ctx["readme_run"] = []
    ctx["moto_tests"] = False
    ctx["deploy_parameters"] = ["SalesforceInstanceUrl", "SalesforceClientCredentialsArn", "SalesforceJwtToken"] + (
        ["RedshiftClusterIdentifier", "RedshiftDatabase"] if dest == "redshift" else [])
    comps: dict[str, Any] = {f"{saas}-app": {"type": "saas"},
                             "schedule": {"type": "schedule"},
                             "staging-bucket" if dest == "redshift" else "landing-bucket": {"type": "s3-bucket"}}
    chans: dict[str, Any] = {"transfer-flow": {"service": "appflow", "trigger": "scheduled",
                                               "schedule": ctx["flow"]["schedule"], "encryption": "managed"}}
    flows: list[dict[str, Any]] = [{"from": f"{saas}-app", "to": "transfer-flow", "protocol": "https"},
                                   {"from": "schedule", "to": "transfer-flow"}]
    if dest == "redshift":
        comps["warehouse"] = {"type": "application", "service": "redshift"}
        flows += [{"from": "transfer-flow", "to": "staging-bucket"}, {"from": "transfer-flow", "to": "warehouse"}]
    else:
        flows.append({"from": "transfer-flow", "to": "landing-bucket"})
    ctx["architecture"] = architecture(ctx, comps, chans, flows)


TEMPLATE_SET = TemplateSet("appflow", ("appflow-saas-transfer",), blueprint, services=(frozenset({"appflow"}),),
                           layers=("common", "ops-common"),
                           description="Scheduled AppFlow flow from a SaaS application to S3 or Redshift")

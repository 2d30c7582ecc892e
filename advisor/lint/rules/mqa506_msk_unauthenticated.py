from __future__ import annotations

from advisor.lint.rules.base import Context, Hit, LintRule, channels_of


class MskUnauthenticated(LintRule):
    """An MSK cluster that lets clients connect without authenticating.

    What it checks:
        MSK provisioned clusters whose client authentication allows unauthenticated access
        (`ClientAuthentication.Unauthenticated.Enabled: true`, or no SASL/IAM, SASL/SCRAM or TLS method at
        all) - `unauthenticated: true` in an architecture file.

    Why:
        Without client authentication any host that reaches the brokers can produce to and consume from
        every topic; Kafka ACLs cannot tell clients apart. IAM access control (SASL/IAM) also lets you grant
        topic-level permissions with IAM policies.

    Example:
        ```yaml
        ClientAuthentication:
          Unauthenticated: {Enabled: true}
        ```

    Fix:
        Turn on `Sasl: {Iam: {Enabled: true}}` (or SCRAM or mutual TLS) and turn unauthenticated access off.

    References:
        https://docs.aws.amazon.com/msk/latest/developerguide/kafka_apis_iam.html
        https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-msk-cluster-unauthenticated.html
    """

    code = "MQA506"
    name = "msk.unauthenticated-access"
    default_severity = "warning"

    def check(self, ctx: Context):
        for ch in channels_of(ctx, "msk", "provisioned"):
            if ch.get("unauthenticated") is True:
                yield Hit(ch, f"MSK cluster {ch.id} lets clients connect without authentication", "unauthenticated",
                          hint=ctx.pick("use IAM, SCRAM or TLS client authentication",
                                        "set ClientAuthentication: {Sasl: {Iam: {Enabled: true}}}"))

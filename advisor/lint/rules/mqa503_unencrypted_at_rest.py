from __future__ import annotations

from advisor.lint.rules.base import Context, Hit, LintRule

SERVICES = ("sqs", "sns", "kinesis-data-streams", "data-firehose")


class UnencryptedAtRest(LintRule):
    """A queue, topic or stream whose data is not encrypted at rest.

    What it checks:
        SQS queues, SNS topics, Kinesis data streams and Data Firehose streams either set `encryption`
        (a template's `KmsMasterKeyId`, `SqsManagedSseEnabled`, `StreamEncryption`,
        `DeliveryStreamEncryptionConfigurationInput`) or belong to a service whose
        `encryption_at_rest.default` in the knowledge graph is not `none`. A queue that turns SSE off is
        reported too. A Firehose stream fed by a Kinesis stream relies on that stream's encryption. Data marked
        confidential is MQA404's (an error); this rule is the general, lower-severity check.

    Why:
        Messages and records at rest are kept on AWS storage for hours to days; encrypting them with a KMS
        key costs little and is what most compliance baselines ask for. SNS, Kinesis and Firehose do not
        encrypt unless asked.

    Example:
        ```yaml
        Alerts:
          Type: AWS::SNS::Topic
        ```

    Fix:
        Give the topic `KmsMasterKeyId: alias/aws/sns` (or a customer managed key), the stream a
        `StreamEncryption`, the queue `SqsManagedSseEnabled: true` or a `KmsMasterKeyId`. Lower the severity
        (`[tool.mqadvise.lint.severity] MQA503 = "info"`) where this is an accepted risk.

    References:
        https://docs.aws.amazon.com/sns/latest/dg/sns-server-side-encryption.html
        https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-server-side-encryption.html
        https://docs.aws.amazon.com/streams/latest/dev/what-is-sse.html
        https://docs.aws.amazon.com/firehose/latest/dev/encryption.html
    """

    code = "MQA503"
    name = "channel.unencrypted-at-rest"
    default_severity = "warning"
    equivalents = {"cdk-nag": "AwsSolutions-SQS2, AwsSolutions-KDS1, AwsSolutions-KDF1, "
                              "HIPAA.Security-SNSEncryptedKMS",
                   "checkov": "CKV_AWS_27 (SQS), CKV_AWS_26 (SNS), CKV_AWS_43 (Kinesis), CKV_AWS_240 (Firehose, "
                              "Terraform)"}

    def check(self, ctx: Context):
        g = ctx.graph
        if g.data_classification == "confidential":
            return  # MQA404
        for ch in g.channels.values():
            if ch.service not in SERVICES:
                continue
            enc = ch.get("encryption")
            if enc == "none":
                yield Hit(ch, f"{ch.id} turns server-side encryption off", "encryption",
                          hint=ctx.pick("set encryption: managed or kms",
                                        "set SqsManagedSseEnabled: true, or a KmsMasterKeyId"))
                continue
            if enc is not None:
                continue
            if ch.service == "data-firehose" and self._fed_by_stream(ctx, ch):
                continue
            ref = ctx.fact(ch, "encryption_at_rest.default")
            if ref is None or ref.fact.value != "none":
                continue
            yield Hit(ch, f"{ch.id} does not encrypt its data at rest: {ch.service} does not unless configured",
                      "encryption", facts=[ref],
                      hint=ctx.pick("set encryption: kms", f"set {ctx.key(ch, 'encryption')}"))

    @staticmethod
    def _fed_by_stream(ctx: Context, ch) -> bool:
        if str(ch.get("source_kind") or "").startswith(("Kinesis", "MSK")):
            return True
        return any(getattr(src, "service", None) in ("kinesis-data-streams", "msk")
                   for _, src in ctx.graph.producers(ch.id))

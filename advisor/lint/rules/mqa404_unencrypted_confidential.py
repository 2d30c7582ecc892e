from __future__ import annotations

from advisor.lint.rules.base import Context, Hit, LintRule


class UnencryptedConfidential(LintRule):
    """Confidential data on a channel that is not encrypted at rest.

    What it checks:
        When `data_classification` is confidential, every channel has `encryption` managed or kms. A channel
        without the key is judged by the service's default from the knowledge graph
        (`encryption_at_rest.default`: SQS and EventBridge encrypt by default, SNS and Kinesis do not).

    Why:
        Messages wait at rest in queues, topics (during retries) and streams. Data classified confidential must
        be encrypted there, and often with a customer managed key so that access can be audited and revoked.

    Example:
        ```yaml
        data_classification: confidential
        channels:
          payments-topic: {service: sns, variant: standard}
        ```

    Fix:
        Set `encryption: kms` (KmsMasterKeyId, StreamEncryption, KmsKeyIdentifier) on the channel.

    References:
        https://docs.aws.amazon.com/sns/latest/dg/sns-server-side-encryption.html
        https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-server-side-encryption.html
    """

    code = "MQA404"
    name = "channel.unencrypted-confidential"
    default_severity = "error"

    def check(self, ctx: Context):
        g = ctx.graph
        if g.data_classification != "confidential":
            return
        for ch in g.channels.values():
            enc = ch.get("encryption")
            if enc == "none":
                yield Hit(ch, ctx.pick(f"confidential data on {ch.id}, which has encryption: none",
                                   f"confidential data on {ch.id}, whose server-side encryption is turned off"),
                          "encryption")
            elif enc is None:
                ref = ctx.fact(ch, "encryption_at_rest.default")
                if ref is not None and ref.fact.value == "none":
                    yield Hit(ch, f"confidential data on {ch.id}: {ch.service} does not encrypt at rest unless "
                                  "configured", facts=[ref],
                          hint=ctx.pick("set encryption: kms", f"set {ctx.key(ch, 'encryption')}"))

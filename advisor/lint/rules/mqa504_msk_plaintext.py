from __future__ import annotations

from advisor.lint.rules.base import Context, Hit, LintRule, channels_of


class MskPlaintextInTransit(LintRule):
    """An MSK cluster that lets data travel in plaintext.

    What it checks:
        `client_broker` of an MSK cluster (`EncryptionInfo.EncryptionInTransit.ClientBroker`) is `TLS` (the
        default), not `TLS_PLAINTEXT` or `PLAINTEXT`, and `in_cluster_encryption` (`InCluster`) is not false.

    Why:
        With plaintext allowed, any client on the network path can read records and, without TLS client
        authentication or SASL, write them. Inside the cluster, replication traffic between brokers carries
        every record.

    Example:
        ```yaml
        EncryptionInfo:
          EncryptionInTransit: {ClientBroker: TLS_PLAINTEXT}
        ```

    Fix:
        Set `ClientBroker: TLS` (clients connect to the TLS bootstrap brokers, port 9094 or 9098 for IAM) and
        leave `InCluster` at true.

    References:
        https://docs.aws.amazon.com/msk/latest/developerguide/msk-encryption.html
        https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-msk-cluster-encryptionintransit.html
    """

    code = "MQA504"
    name = "msk.plaintext-in-transit"
    default_severity = "warning"
    equivalents = {"cdk-nag": "AwsSolutions-MSK2, AwsSolutions-MSK3", "checkov": "CKV_AWS_81"}

    def check(self, ctx: Context):
        for ch in channels_of(ctx, "msk"):
            mode = ch.get("client_broker")
            if isinstance(mode, str) and mode.upper() in ("TLS_PLAINTEXT", "PLAINTEXT"):
                yield Hit(ch, f"MSK cluster {ch.id} accepts {mode.upper()} connections from clients: records "
                              "cross the network unencrypted", "client_broker",
                          hint=ctx.pick("set client_broker: TLS", f"set {ctx.key(ch, 'client_broker')}: TLS"))
            if ch.get("in_cluster_encryption") is False:
                yield Hit(ch, f"MSK cluster {ch.id} replicates between brokers in plaintext", "in_cluster_encryption",
                          hint=ctx.pick("remove in_cluster_encryption: false", "set InCluster: true"))

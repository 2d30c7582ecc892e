from __future__ import annotations

from advisor.lint.rules.base import Context, Hit, LintRule


class PublicBroker(LintRule):
    """An Amazon MQ broker or MSK cluster reachable from the internet.

    What it checks:
        Amazon MQ brokers with `publicly_accessible: true` (`PubliclyAccessible`) and MSK clusters with
        public access turned on (`ConnectivityInfo.PublicAccess.Type: SERVICE_PROVIDED_EIPS`).

    Why:
        A public endpoint exposes the broker's login (or the cluster's authentication) to the whole internet:
        brute force, credential stuffing and every future broker vulnerability are one hop away. Messaging
        inside an application rarely needs it; VPC endpoints, peering or a VPN reach it privately.

    Example:
        ```yaml
        Broker:
          Type: AWS::AmazonMQ::Broker
          Properties: {PubliclyAccessible: true}
        ```

    Fix:
        Set `PubliclyAccessible: false` and place the broker in private subnets; for MSK, turn public access
        off and reach the brokers through the VPC.

    References:
        https://docs.aws.amazon.com/amazon-mq/latest/developer-guide/using-amazon-mq-securely.html
        https://docs.aws.amazon.com/msk/latest/developerguide/public-access.html
    """

    code = "MQA505"
    name = "broker.publicly-accessible"
    default_severity = "warning"
    equivalents = {"checkov": "CKV_AWS_69 (Amazon MQ), CKV_AWS_291 (MSK)"}

    def check(self, ctx: Context):
        for ch in ctx.graph.channels.values():
            if ch.service == "mq" and ch.get("publicly_accessible") is True:
                yield Hit(ch, f"Amazon MQ broker {ch.id} is publicly accessible from the internet",
                          "publicly_accessible",
                          hint=ctx.pick("set publicly_accessible: false", "set PubliclyAccessible: false"))
            elif ch.service == "msk" and ch.get("public_access") is True:
                yield Hit(ch, f"MSK cluster {ch.id} has public access turned on", "public_access",
                          hint="set the cluster's PublicAccess Type to DISABLED")

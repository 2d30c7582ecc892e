"""Kinesis Data Streams, Data Firehose and MSK clusters."""

from __future__ import annotations

from advisor.lint.positions import PDict

from .builder import Builder

KINESIS_TERMS = {"shards": ("ShardCount", 1), "retention_hours": ("RetentionPeriodHours", 1),
                 "encryption": ("StreamEncryption", 0), "variant": ("StreamModeDetails.StreamMode", 0)}
FIREHOSE_TERMS = {"encryption": ("DeliveryStreamEncryptionConfigurationInput", 0)}
MSK_TERMS = {"client_broker": ("EncryptionInfo.EncryptionInTransit.ClientBroker", 0),
             "in_cluster_encryption": ("EncryptionInfo.EncryptionInTransit.InCluster", 0),
             "public_access": ("BrokerNodeGroupInfo.ConnectivityInfo.PublicAccess.Type", 0),
             "unauthenticated": ("ClientAuthentication", 0)}


def kinesis_stream(b: Builder, logical: str, p: PDict, res: PDict) -> None:
    tpl = b.tpl
    mode = tpl.mapping(p, "StreamModeDetails")
    on_demand = mode is not None and str(tpl.get(mode, "StreamMode") or "").upper() == "ON_DEMAND"
    s = b.settings()
    s.read("shards", tpl.number, p, "ShardCount")
    s.read("retention_hours", tpl.number, p, "RetentionPeriodHours")
    if tpl.mapping(p, "StreamEncryption") is not None:
        s.put("encryption", "kms", tpl.pos(p, "StreamEncryption"))
    b.channel(logical, "kinesis-data-streams", "on-demand" if on_demand else "provisioned", s, KINESIS_TERMS)


def firehose(b: Builder, logical: str, p: PDict, res: PDict) -> None:
    tpl = b.tpl
    s = b.settings()
    s.values["external_consumers"] = True
    kind = str(tpl.get(p, "DeliveryStreamType") or "DirectPut")
    s.values["source_kind"] = kind
    enc = tpl.mapping(p, "DeliveryStreamEncryptionConfigurationInput")
    if enc is not None:
        s.put("encryption", "kms" if tpl.get(enc, "KeyType") == "CUSTOMER_MANAGED_CMK" else "managed",
              tpl.pos(p, "DeliveryStreamEncryptionConfigurationInput"))
    b.channel(logical, "data-firehose", None, s, FIREHOSE_TERMS)
    src = tpl.mapping(p, "KinesisStreamSourceConfiguration")
    if src is not None:
        stream = tpl.ref(tpl.get(src, "KinesisStreamARN"))
        if stream:
            b.later(lambda: b.flow(stream, logical, tpl.pos(p, "KinesisStreamSourceConfiguration")))
    msk = tpl.mapping(p, "MSKSourceConfiguration")
    if msk is not None:
        cluster = tpl.ref(tpl.get(msk, "MSKClusterARN"))
        if cluster:
            b.later(lambda: b.flow(cluster, logical, tpl.pos(p, "MSKSourceConfiguration")))


def msk_cluster(b: Builder, logical: str, p: PDict, res: PDict) -> None:
    tpl = b.tpl
    s = b.settings()
    info = tpl.mapping(p, "EncryptionInfo")
    transit = tpl.mapping(info, "EncryptionInTransit") if info is not None else None
    if transit is not None:
        s.read("client_broker", tpl.text, transit, "ClientBroker", str.upper)
        s.read("in_cluster_encryption", tpl.boolean, transit, "InCluster")
    nodes = tpl.mapping(p, "BrokerNodeGroupInfo")
    connectivity = tpl.mapping(nodes, "ConnectivityInfo") if nodes is not None else None
    public = tpl.mapping(connectivity, "PublicAccess") if connectivity is not None else None
    if public is not None:
        s.read("public_access", tpl.text, public, "Type", lambda v: v.upper() == "SERVICE_PROVIDED_EIPS")
    auth = tpl.mapping(p, "ClientAuthentication")
    methods = []
    unauthenticated = None
    if auth is not None:
        for method in ("Sasl", "Tls", "Unauthenticated"):
            body = tpl.mapping(auth, method)
            if body is None:
                continue
            if method == "Sasl":
                for mech in ("Iam", "Scram"):
                    mb = tpl.mapping(body, mech)
                    if mb is not None and tpl.boolean(mb, "Enabled") is not False:
                        methods.append(mech.lower())
            elif method == "Tls":
                if tpl.boolean(body, "Enabled") is not False:
                    methods.append("tls")
            elif tpl.boolean(body, "Enabled"):
                unauthenticated = True
    # without any client authentication method the cluster accepts unauthenticated clients
    if unauthenticated or not methods:
        s.put("unauthenticated", True, tpl.pos(p, "ClientAuthentication", tpl.resources.keypos[logical]))
    s.values["client_auth"] = methods
    b.channel(logical, "msk", "provisioned", s, MSK_TERMS)


def msk_serverless(b: Builder, logical: str, p: PDict, res: PDict) -> None:
    b.channel(logical, "msk", "serverless", b.settings(), MSK_TERMS)


HANDLERS = {"AWS::Kinesis::Stream": kinesis_stream, "AWS::KinesisFirehose::DeliveryStream": firehose,
            "AWS::MSK::Cluster": msk_cluster, "AWS::MSK::ServerlessCluster": msk_serverless}
LATER: dict = {}

"""The local simulator: moto for the AWS APIs, and a runner for what moto does not execute.

Generated projects import it from their tests (``from advisor.sim import LocalAWS``); their ``dev`` extra depends
on ``mqadvise``. Why a dependency and not a vendored copy: the runner (Lambda event source mapping semantics,
asynchronous invocation, Pipes and Firehose glue, template provisioning) is a few hundred lines that must track
moto's behaviour; keeping one tested copy in mqadvise means a fix reaches every scaffold by upgrading one dev
dependency, and the generated runtime code (the package that is deployed) depends on boto3 only.
"""

from __future__ import annotations

from typing import Any

__all__ = ["LocalAWS", "Runner", "load_template"]


def __getattr__(name: str) -> Any:       # lazy: importing advisor.sim does not import moto
    if name == "LocalAWS":
        from advisor.sim.moto_env import LocalAWS

        return LocalAWS
    if name == "Runner":
        from advisor.sim.runner import Runner

        return Runner
    if name == "load_template":
        from advisor.sim.cfn import load_template

        return load_template
    raise AttributeError(name)

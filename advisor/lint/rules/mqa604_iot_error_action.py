from __future__ import annotations

from advisor.lint.rules.base import Context, Hit, LintRule, channels_of


class IotRuleWithoutErrorAction(LintRule):
    """An AWS IoT topic rule with no error action.

    What it checks:
        Every IoT Core topic rule (`AWS::IoT::TopicRule`) has `TopicRulePayload.ErrorAction`
        (`error_action: true`). A SAM `IoTRule` event cannot have one and is reported too.

    Why:
        When a rule's action fails (the target throttles, a permission is missing, the payload is too large)
        IoT Core drops the message; only an error action sends it, with the reason, somewhere you can see and
        replay it. Devices do not resend.

    Example:
        ```yaml
        TopicRulePayload:
          Sql: SELECT * FROM 'sensors/+'
          Actions: [{Lambda: {FunctionArn: !GetAtt Fn.Arn}}]
        ```

    Fix:
        Add `ErrorAction` (an SQS queue, an S3 bucket or CloudWatch Logs) to the rule payload.

    References:
        https://docs.aws.amazon.com/iot/latest/developerguide/rule-error-handling.html
    """

    code = "MQA604"
    name = "iot.rule-without-error-action"
    default_severity = "warning"

    def check(self, ctx: Context):
        for ch in channels_of(ctx, "iot-core"):
            if ch.get("error_action") is False:
                yield Hit(ch, f"IoT rule {ch.id} has no error action: messages whose action fails are dropped",
                          "error_action", hint=ctx.pick("set error_action: true once the rule has one",
                                                        "add TopicRulePayload.ErrorAction"))

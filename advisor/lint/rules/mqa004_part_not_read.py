from __future__ import annotations

from advisor.lint.rules.base import Context, Hit, LintRule


class PartNotRead(LintRule):
    """A part of a template that mqadvise could not read, so no rule checked it.

    What it checks:
        Reports, as a note, each part of the input the reader skipped: an `Fn::ForEach` loop whose
        collection is not known before deployment (a parameter without a default, an imported value), a
        state machine definition kept in S3 or in a file that is not next to the template.

    Why:
        A clean result should mean "checked and fine", not "not looked at". The note says which resources
        the other rules did not see, so a reviewer can check them by hand or give the missing default.

    Example:
        ```yaml
        Transform: AWS::LanguageExtensions
        Parameters:
          Names: {Type: CommaDelimitedList}
        Resources:
          Fn::ForEach::Queues:
            - Name
            - !Ref Names
            - "${Name}Queue": {Type: AWS::SQS::Queue}
        ```

    Fix:
        Give the parameter a default (mqadvise reads the loop with it and says so in its findings), or
        suppress the note with a reason.

    References:
        https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-foreach.html
    """

    code = "MQA004"
    name = "lint.part-not-read"
    default_severity = "info"
    inputs = ("cloudformation",)

    def check(self, ctx: Context):
        for i, (message, pos) in enumerate(ctx.graph.skipped):
            yield Hit(None, message, "skipped", pos=pos, discriminator=f"{i}:{message}")

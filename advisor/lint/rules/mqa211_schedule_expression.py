from __future__ import annotations

import datetime
import re

from advisor.lint.rules.base import Context, Hit, LintRule

RATE = re.compile(r"rate\(\s*(\d+)\s+([a-z]+)\s*\)$")
UNITS = {"minute", "hour", "day"}
MONTHS = "JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC"
DAYS = "SUN|MON|TUE|WED|THU|FRI|SAT"
# the cron fields of EventBridge: (name, value pattern, lowest, highest) - the calendar, not a quota
FIELDS = (
    ("minutes", r"\d{1,2}", 0, 59),
    ("hours", r"\d{1,2}", 0, 23),
    ("day-of-month", r"\d{1,2}W?|L|LW|L-\d{1,2}", 1, 31),
    ("month", rf"\d{{1,2}}|{MONTHS}", 1, 12),
    ("day-of-week", rf"[1-7]|{DAYS}|[1-7]L|[1-7]#[1-5]|(?:{DAYS})L|(?:{DAYS})#[1-5]|L", 1, 7),
    ("year", r"\d{4}", None, None),
)


def _field_problem(name: str, text: str, pattern: str, low: int | None, high: int | None) -> str | None:
    if text in ("*", "?"):
        return None
    for part in text.split(","):
        base, _, step = part.partition("/")
        if step and not step.isdigit():
            return f"{name} step {step!r} is not a number"
        for value in (base.split("-") if "-" in base and not base.startswith("L") else [base]):
            if value == "*" and step:
                continue
            if not re.fullmatch(pattern, value, re.IGNORECASE):
                return f"{name} {value!r} is not a valid value"
            if value.isdigit() and low is not None and not low <= int(value) <= high:
                return f"{name} {value} is outside {low}-{high}"
    return None


def problem(expression: str, kind: str) -> str | None:
    """Why ``expression`` is not a valid EventBridge rule (kind ``rule``) or Scheduler schedule expression."""
    text = expression.strip()
    if text.startswith("rate("):
        m = RATE.match(text)
        if not m:
            return "rate() takes a whole number and a unit: rate(5 minutes)"
        value, unit = int(m.group(1)), m.group(2)
        if value < 1:
            return "rate() needs a positive value"
        singular = unit.rstrip("s") if unit.endswith("s") else unit
        if singular not in UNITS:
            return f"unit {unit!r} is not minute(s), hour(s) or day(s)"
        if kind == "scheduler":  # Scheduler takes either form (its API lists minute | minutes | ...)
            return None
        if value == 1 and unit.endswith("s"):
            return f"a rate of 1 takes the singular unit: rate(1 {singular})"
        if value > 1 and not unit.endswith("s"):
            return f"a rate above 1 takes the plural unit: rate({value} {singular}s)"
        return None
    if text.startswith("cron(") and text.endswith(")"):
        fields = text[5:-1].split()
        if len(fields) != len(FIELDS):
            return f"cron() takes 6 fields (minutes hours day-of-month month day-of-week year), not {len(fields)}"
        for (name, pattern, low, high), value in zip(FIELDS, fields, strict=True):
            found = _field_problem(name, value, pattern, low, high)
            if found:
                return found
        if (fields[2] == "?") == (fields[4] == "?"):
            return "exactly one of day-of-month and day-of-week must be '?'"
        return None
    if text.startswith("at(") and text.endswith(")"):
        if kind != "scheduler":
            return "at() is a one-time schedule of EventBridge Scheduler, not of an EventBridge rule"
        try:
            datetime.datetime.strptime(text[3:-1], "%Y-%m-%dT%H:%M:%S")
        except ValueError:
            return "at() takes a date and time: at(2026-12-31T23:00:00)"
        return None
    allowed = "rate(), cron() or at()" if kind == "scheduler" else "rate() or cron()"
    return f"expected {allowed}"


class InvalidScheduleExpression(LintRule):
    """A schedule expression EventBridge will not accept.

    What it checks:
        The `schedule_expression` of EventBridge rules (`ScheduleExpression`, SAM `Schedule` events) and of
        EventBridge Scheduler schedules (`AWS::Scheduler::Schedule`, SAM `ScheduleV2`) is a valid `rate()`,
        `cron()` (six fields, one of day-of-month and day-of-week `?`) or, for Scheduler, `at()` expression.
        On a rule, `rate(1 minute)` takes the singular and larger values the plural (Scheduler accepts both).

    Why:
        The deployment fails on the expression (or, for a Scheduler schedule, at creation), usually late in a
        pipeline. Five-field cron expressions copied from Unix crontab are the classic mistake.

    Example:
        ```yaml
        Nightly:
          Type: AWS::Events::Rule
          Properties: {ScheduleExpression: "cron(0 2 * * *)"}
        ```

    Fix:
        Use the EventBridge form: `cron(0 2 * * ? *)`, `rate(5 minutes)`, `rate(1 hour)`.

    References:
        https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html
        https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rate-expressions.html
        https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
    """

    code = "MQA211"
    name = "eventbridge.invalid-schedule-expression"
    default_severity = "error"
    equivalents = {"cfn-lint": "E3027 (AWS::Events::Rule only)"}

    def check(self, ctx: Context):
        for ch in ctx.graph.channels.values():
            expression = ch.get("schedule_expression")
            if ch.service != "eventbridge" or not isinstance(expression, str) or "${" in expression:
                continue
            kind = ch.get("schedule_kind") or ("scheduler" if ch.variant == "scheduler" else "rule")
            found = problem(expression, kind)
            if found:
                yield Hit(ch, f"schedule expression {expression!r} of {ch.id} is not valid: {found}",
                          "schedule_expression")

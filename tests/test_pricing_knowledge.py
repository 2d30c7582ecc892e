"""knowledge/pricing.yaml is checked like every other fact: unit, source, as_of, Region groups, free tiers.

Each break of a copy must exit 1 with a finding that names pricing.yaml and the line of the mistake.
"""

from __future__ import annotations

import pytest

from tests.knowledge_helpers import assert_refused_at, check_copy, key_line

REL = "pricing.yaml"
SQS_BLOCK_START = "  - id: sqs.standard.requests\n"


def _sqs_block(root):
    text = (root / REL).read_text(encoding="utf-8")
    start = text.index(SQS_BLOCK_START)
    end = text.index("  - id: ", start + 1)
    return text[start:end]


@pytest.mark.parametrize("key, message", [
    ("source", "required key 'source' is missing"),
    ("as_of", "required key 'as_of' is missing"),
    ("unit", "required key 'unit' is missing"),
])
def test_price_without_required_key(cli, knowledge_copy, key, message):
    block = _sqs_block(knowledge_copy)
    assert_refused_at(cli, knowledge_copy, REL, block, block.replace(key_line(block, key), ""), SQS_BLOCK_START,
                      message)


def test_price_unit_must_name_currency_and_measure(cli, knowledge_copy):
    old = "    unit: USD per million requests\n    billed_in: {value: 64, unit: KiB}\n    source: https://aws.amazon.com/sns"
    new = "    unit: dollars a million\n    billed_in: {value: 64, unit: KiB}\n    source: https://aws.amazon.com/sns"
    assert_refused_at(cli, knowledge_copy, REL, old, new, "  - id: sns.standard.publish\n", "a price unit reads 'USD per")


def test_price_table_needs_every_region_group(cli, knowledge_copy):
    old = "value: {us-east-1: 0.4, eu-west-1: 0.4, ap-northeast-1: 0.4, other: 0.4}"
    new = "value: {us-east-1: 0.4, eu-west-1: 0.4, other: 0.4}"
    assert_refused_at(cli, knowledge_copy, REL, old, new, new, "missing ap-northeast-1")


def test_price_source_must_be_https(cli, knowledge_copy):
    old = "source: https://aws.amazon.com/sqs/pricing/"
    new = "source: http://aws.amazon.com/sqs/pricing/"
    assert_refused_at(cli, knowledge_copy, REL, old, new, new, "expected an https:// URL")


def test_price_for_unknown_variant(cli, knowledge_copy):
    old = "    service: sqs\n    variants: [standard]\n"
    new = "    service: sqs\n    variants: [standart]\n"
    assert_refused_at(cli, knowledge_copy, REL, old, new, SQS_BLOCK_START, "sqs has no variant 'standart'")


def test_free_tier_must_offset_an_existing_price(cli, knowledge_copy):
    old = "applies_to: [sqs.standard.requests, sqs.fifo.requests]"
    new = "applies_to: [sqs.standard.request, sqs.fifo.requests]"
    assert_refused_at(cli, knowledge_copy, REL, old, new, new,
                      "free tier sqs.free.requests: no price 'sqs.standard.request'")


def test_free_tier_counts_what_its_price_counts(cli, knowledge_copy):
    marker = "  - id: lambda.free.duration\n"
    old = marker + "    applies_to: [lambda.duration]\n    value: 400000\n    unit: GB-seconds per month"
    new = marker + "    applies_to: [lambda.duration]\n    value: 400000\n    unit: requests per month"
    assert_refused_at(cli, knowledge_copy, REL, old, new, marker,
                      "counts requests, price lambda.duration counts GB-second", lines_below=3)   # the unit line


def test_duplicate_price_id(cli, knowledge_copy):
    old = "  - id: sqs.fifo.requests\n    service: sqs\n"
    new = "  - id: sqs.standard.requests\n    service: sqs\n"
    # the second sqs.standard.requests is the one that was the FIFO price: the only one followed by [fifo]
    assert_refused_at(cli, knowledge_copy, REL, old, new, new + "    variants: [fifo]\n",
                      "duplicate price id 'sqs.standard.requests'")


def test_missing_pricing_file_is_a_finding(cli, knowledge_copy):
    (knowledge_copy / REL).unlink()
    code, lines = check_copy(cli, knowledge_copy)
    assert code == 1
    assert any(x.startswith("pricing.yaml") and "file is missing" in x for x in lines), lines


def test_an_assumed_region_must_repeat_the_us_east_1_rate(cli, knowledge_copy):
    old = "value: {us-east-1: 0.4, eu-west-1: 0.4, ap-northeast-1: 0.4, other: 0.4}\n    assumed:"
    new = "value: {us-east-1: 0.4, eu-west-1: 0.45, ap-northeast-1: 0.4, other: 0.4}\n    assumed:"
    assert_refused_at(cli, knowledge_copy, REL, old, new, SQS_BLOCK_START,
                      "eu-west-1 is listed in 'assumed' .* differs from us-east-1")


def test_a_confirmed_price_says_where_it_was_read(cli, knowledge_copy):
    marker = "  - id: lambda.requests\n"
    old = "    status: confirmed\n    read_at: [https://aws.amazon.com/lambda/pricing/]\n    note: Read on"
    assert_refused_at(cli, knowledge_copy, REL, old, "    status: confirmed\n    note: Read on", marker,
                      "lambda.requests is confirmed but says nowhere where it was read")


def test_volume_tiers_must_rise(cli, knowledge_copy):
    old = "      - above: 200000000000\n        value: {us-east-1: 0.24"
    new = "      - above: 50000000000\n        value: {us-east-1: 0.24"
    assert_refused_at(cli, knowledge_copy, REL, old, new, SQS_BLOCK_START, "tiers must rise")


def test_every_price_has_unit_source_as_of_and_a_rate_per_group():
    from advisor import api
    from advisor.knowledge.schema import REGION_GROUPS

    kb = api.knowledge()
    assert len(kb.pricing.prices) >= 60
    for price in kb.pricing.prices:
        assert price.source.startswith("https://aws.amazon.com/"), price.id
        # the day the rate was read: the third-party figures on 2026-12-03, the AWS rate data on 2026-12-04
        assert price.as_of.isoformat() in ("2026-12-03", "2026-12-04"), price.id
        assert price.per >= 1 and price.measure, price.id
        assert set(REGION_GROUPS) <= set(price.value), price.id


def test_regional_rates_are_read_or_visibly_assumed():
    """Every Region group either has a rate of its own or is listed as assumed equal to us-east-1."""
    from advisor import api

    kb = api.knowledge()
    for price in kb.pricing.prices:
        for group in ("eu-west-1", "ap-northeast-1", "other"):
            if price.value[group] == price.value["us-east-1"] and group not in price.assumed:
                assert price.status == "confirmed", (price.id, group)   # read on the page and equal
        if price.status == "confirmed":
            assert price.read_at, price.id

"""Generated architecture files and templates never end in a traceback or a hang, and every refusal names
a line (a bounded number of examples here; bench/fuzz_lint.py runs 10,000 per surface)."""

from __future__ import annotations

import pytest

from tests.fuzzing import assert_no_problem
from tests.lint_fuzz import SURFACES, problem


@pytest.mark.parametrize("surface", sorted(SURFACES))
def test_generated_input_is_linted_or_refused_with_a_line(kb, surface):
    assert_no_problem(SURFACES[surface], problem, kb)


def test_the_fuzzer_sees_tracebacks_hangs_and_missing_lines(kb, monkeypatch):
    """The checker itself can fail: a crash, a hang and a refusal without a line are each reported."""
    import time

    import advisor.lint as lint
    from advisor.errors import InvalidInput, Location

    monkeypatch.setattr(lint, "lint_text", lambda *a, **k: {}["missing"])
    assert problem("a: 1\n", kb)[0] == "traceback"
    def spin(*a, **k):          # the limit counts CPU, so a hang is work that never ends, not a sleep
        while True:
            time.perf_counter()

    monkeypatch.setattr(lint, "lint_text", spin)
    assert problem("a: 1\n", kb, seconds=1)[0] == "hang"

    def refuse(*a, **k):
        raise InvalidInput("bad", location=Location("fuzz.yaml"))

    monkeypatch.setattr(lint, "lint_text", refuse)
    assert problem("a: 1\n", kb)[0] == "no line"

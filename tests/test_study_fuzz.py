"""Study progress under generated input: every file loads into something usable or is an input error (exit 2),
never a traceback. bench/fuzz_progress.py runs the same generator 10,000 times."""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from progress_fuzz import exercise, progress_text

from advisor.study.bank import load_bank

BANK = load_bank()[:40]     # enough services for stats; loading the bank once keeps examples fast


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.randoms(use_true_random=False))
def test_generated_progress_files_load_or_are_input_errors(rnd: random.Random):
    text = progress_text(rnd)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "study-progress.json"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        assert exercise(path, BANK) in ("invalid", "loaded", "read-only")


@settings(max_examples=150, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
                    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=8), kids, max_size=4),
                    max_leaves=30))
def test_any_json_under_items_loads_or_is_an_input_error(value):
    import json

    text = json.dumps({"format": "mqadvise-study-progress", "version": 1, "items": {"sqs-x": value}})
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "study-progress.json"
        path.write_text(text)
        assert exercise(path, BANK) in ("invalid", "loaded")

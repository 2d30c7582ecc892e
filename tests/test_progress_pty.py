"""Work of a second or more shows a live line on a terminal (and nothing when piped)."""

from __future__ import annotations

import sys

import pytest

from tests.pty_helpers import ControllingTerminal

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")


def test_knowledge_check_shows_progress_on_a_terminal(term_env):
    t = ControllingTerminal(["knowledge", "check"], term_env)
    try:
        t.expect("checking the knowledge files")
    finally:
        t.close()


def test_knowledge_check_prints_no_progress_when_piped(cli):
    code, out, err = cli("knowledge", "check")
    assert code == 0 and "checking" not in err and out.startswith("knowledge ok:")

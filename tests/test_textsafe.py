"""Free text from users lands in generated files as data (issue 14): one helper per target in advisor/textsafe,
checked by the reader of that target (YAML, Markdown, HTML, cfn-lint's rule), then end to end: hostile titles and
contexts scaffolded and written as ADRs, checked with ruff, cfn-lint, the generated tests and a Markdown parser."""

from __future__ import annotations

import html
import io
import os
import re
import sys
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from ruamel.yaml import YAML

from advisor import textsafe

ROOT = Path(__file__).resolve().parent.parent
FRAGMENTS = [
    "${AWS::Region}", "${!Literal}", "${Stack}", "<img src=x onerror=alert(1)>", "<script>alert(1)</script>",
    "[click](javascript:alert(1))", "![x](javascript:alert(1))", "<javascript:alert(1)>", "## heading", "# top",
    "---", "===", "***", "```", "`code`", "$(rm -rf /)", "$x$", '"""', "'", "\\", "\\*", "{{ 7*7 }}", "{% raw %}",
    "|a|b|", "- item", "+ item", "1. item", "2) item", "> quote", "    indented", "*bold* _em_ ~~del~~",
    "&lt;b&gt;", "&amp;", "&#60;", "\t", "\n", "\n\n", "\r\n", "\u2028", "\x85", "\x00", "\x1b[31m", "\ufeff",
    "日本語", "😀", ": colon", "key: value", "- [ ] task", "[^1]", "[ref]: http://evil", "<!-- c -->", "%",
]
HOSTILE = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)), max_size=8).map("".join)
ISSUE_TITLE = "Orders in ${AWS::Region} <img src=x onerror=alert(1)> [x](javascript:alert(1)) `rm` $(id)"
ISSUE_CONTEXT = "## Injected heading\n\n<script>alert(1)</script>\n- not a list\n\n    code?\n1. no $(whoami)"
MD = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def _inline_text(children) -> str:
    """The text of inline tokens; fails on anything but text and line breaks (a link, an image, HTML, ...)."""
    kinds = {c.type for c in children} - {"text", "softbreak"}
    assert not kinds, kinds
    return "".join("\n" if c.type == "softbreak" else c.content for c in children)


def _lines(text: str) -> list[list[str]]:
    """What md_block keeps: paragraphs of lines, inner white space collapsed."""
    paras, cur = [], []
    for line in textsafe.clean(text).strip("\n").split("\n"):
        line = " ".join(line.split())
        if line:
            cur.append(line)
        elif cur:
            paras.append(cur)
            cur = []
    return paras + ([cur] if cur else [])


# ----- one target at a time --------------------------------------------------------------------------
@settings(max_examples=300, deadline=None)
@given(HOSTILE)
@example("\ud800 lone \udfff surrogates")
def test_yaml_str_reads_back_exactly_in_both_yaml_readers(text):
    doc = f"key: {textsafe.yaml_str(text)}\n"
    assert yaml.safe_load(doc)["key"] == textsafe.clean(text)
    assert YAML(typ="safe", pure=True).load(io.StringIO(doc))["key"] == textsafe.clean(text)
    doc.encode("utf-8")


@settings(max_examples=300, deadline=None)
@given(HOSTILE)
def test_cfn_sub_leaves_no_substitution(text):
    out = textsafe.cfn_sub(text)
    assert not re.search(r"\$\{(?!!)", out)                  # cfn-lint E1029 ignores ${! (a literal ${)
    assert out.replace("${!", "${") == textsafe.clean(text)


@settings(max_examples=300, deadline=None)
@given(HOSTILE)
@example(ISSUE_TITLE)
def test_md_inline_renders_as_exactly_the_text(text):
    expected = textsafe.one_line(text)
    tokens = MD.parse(f"# {textsafe.md_inline(text)}\n\nafter\n")
    assert [t.type for t in tokens][:3] == ["heading_open", "inline", "heading_close"]
    assert _inline_text(tokens[1].children) == expected.strip()


@settings(max_examples=300, deadline=None)
@given(HOSTILE)
@example(ISSUE_CONTEXT)
def test_md_quote_and_md_block_render_as_paragraphs_of_the_text(text):
    for rendered, wrapper in ((textsafe.md_quote(text), "blockquote"), (textsafe.md_block(text), None)):
        tokens = MD.parse(f"before\n\n{rendered}\n\nafter\n")
        body = tokens[3:-3]
        if wrapper:
            assert body[0].type == "blockquote_open" and body[-1].type == "blockquote_close"
            body = body[1:-1]
        assert {t.type for t in body} <= {"paragraph_open", "inline", "paragraph_close"}, [t.type for t in body]
        paras = [_inline_text(t.children).split("\n") for t in body if t.type == "inline"]
        assert paras == _lines(text)


@settings(max_examples=200, deadline=None)
@given(HOSTILE)
def test_html_text_and_md_href(text):
    out = textsafe.html_text(text)
    assert "<" not in out and ">" not in out and html.unescape(out) == textsafe.clean(text)
    href = textsafe.md_href(text)
    assert re.fullmatch(r"[A-Za-z0-9/._~%-]*", href) and ":" not in href


def test_lone_surrogates_never_stop_a_scaffold_or_an_adr(tmp_path, kb):
    """Another layer rejects them at load; the writers are robust regardless (no half-written folder)."""
    from advisor import api
    from advisor.adr.render import build_context, render
    from advisor.requirements import Requirements
    from advisor.scaffold import plan_files
    from advisor.scaffold.output import write_scaffold

    req = Requirements.model_validate({
        "version": 1, "name": "sur", "title": "bad \ud800 title", "context": "ctx \udfff\n## x",
        "connection": {"data": "messaging", "completion": "async", "delivery": "pull", "distribution": "p2p"},
        "constraints": {"producers": ["application"], "consumers": ["lambda"], "managed": "serverless"}})
    _, _, files, _ = plan_files(req, answers_text="version: 1\nname: sur\n", kb=kb)
    report = write_scaffold(tmp_path / "out", files, force=False, meta={})
    assert "\ufffd" in (tmp_path / "out" / "README.md").read_text(encoding="utf-8")
    assert len(report.written) == len(files)
    text = render(build_context(api.advise(req, kb), kb, number=1, title="t \ud800"))
    assert "\ufffd" in text and text.encode("utf-8")


# ----- end to end: scaffold and ADR from hostile text ----------------------------------------------------
def _hostile_requirements(folder: Path, title: str, context: str) -> Path:
    data = {"version": 1, "name": "hostile-text", "title": title, "context": context,
            "connection": {"data": "messaging", "completion": "async", "delivery": "pull", "distribution": "p2p"},
            "constraints": {"producers": ["application"], "consumers": ["lambda"], "managed": "serverless"}}
    path = folder / "mqadvise.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _check_markdown_safe(text: str) -> list:
    tokens = MD.parse(text)
    flat = [t for tok in tokens for t in [tok, *(tok.children or [])]]
    # the only HTML is the record's own decision-key comment (adr new writes it to spot duplicate decisions)
    assert not [t for t in flat if t.type in ("html_inline", "html_block")
                and not t.content.startswith("<!-- mqadvise-decision: ")]
    hrefs = [t.attrs.get("href", "") for t in flat if t.type == "link_open"] + \
            [t.attrs.get("src", "") for t in flat if t.type == "image"]
    assert not [h for h in hrefs if h.strip().lower().startswith(("javascript:", "data:", "vbscript:"))]
    return tokens


# slow (about 20 s an example: cfn-lint and the generated tests run): 2 generated examples and the issue's
# own text by default; MQADVISE_FUZZ_EXAMPLES=50 for a longer run
@pytest.mark.slow
@settings(max_examples=int(os.environ.get("MQADVISE_FUZZ_EXAMPLES", "2")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(title=HOSTILE.filter(lambda t: textsafe.one_line(t) != ""), context=HOSTILE)
@example(title=ISSUE_TITLE, context=ISSUE_CONTEXT)
def test_hostile_text_scaffolds_and_writes_adrs_that_pass_their_tools(kb, title, context):
    from advisor import api
    from advisor.adr.lint import check_folder
    from advisor.adr.log import new_adr
    from advisor.errors import InvalidInput
    from advisor.scaffold import scaffold
    from tests.scaffold_proof import assert_ruff_and_cfn_lint_clean, run_in

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        answers = _hostile_requirements(tmp, title, context)
        try:
            req = api.load_requirements(str(answers))
        except InvalidInput as exc:            # refusing text at load, with a location, is a fine answer too
            assert exc.location is not None
            return
        out = tmp / "svc"
        scaffold(answers, out, kb=kb)
        assert_ruff_and_cfn_lint_clean(out)
        proc = run_in([sys.executable, "-m", "pytest", "-o", "addopts=", "-q", "-p", "no:cacheprovider"], out)
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]

        readme = (out / "README.md").read_text(encoding="utf-8")
        tokens = _check_markdown_safe(readme)
        assert tokens[0].type == "heading_open" and _inline_text(tokens[1].children) == textsafe.one_line(req.title)
        if (req.context or "").strip():
            start = next(i for i, t in enumerate(tokens) if t.type == "blockquote_open")
            end = next(i for i, t in enumerate(tokens) if t.type == "blockquote_close")
            paras = [_inline_text(t.children).split("\n") for t in tokens[start:end] if t.type == "inline"]
            assert paras == _lines(req.context.strip())

        adr_dir = tmp / "adr"
        result = api.advise(req, kb)
        path = new_adr(result, kb, adr_dir=adr_dir, title=title)
        record = path.read_text(encoding="utf-8")
        tokens = _check_markdown_safe(record)
        h1 = [i for i, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h1"]
        assert len(h1) == 1 and _inline_text(tokens[h1[0] + 1].children) == textsafe.one_line(title)
        benign = new_adr(result, kb, adr_dir=tmp / "benign", title="plain")
        headings = [t.content for t in tokens if t.type == "inline" and tokens[tokens.index(t) - 1].type == "heading_open"]
        plain = MD.parse(benign.read_text(encoding="utf-8"))
        assert len(headings) == sum(1 for t in plain if t.type == "heading_open")   # no heading injected
        assert [f for f in check_folder(adr_dir) if f.severity == "error"] == []

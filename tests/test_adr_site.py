"""`adr init`, `adr link`, `adr graph` and `adr site` (rendered in a real headless Chromium when one is
installed: Debian `chromium`; the browser test skips with the reason otherwise)."""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
import zlib

import pytest

from tests.adr_helpers import ROOT

LOGS = ROOT / "tests" / "data" / "adr-logs"


def _copy(tmp_path, name):
    shutil.copytree(LOGS / name, tmp_path / name)
    return tmp_path / name


def test_init_starts_a_log(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = cli("adr", "init", "--date", "2024-01-02")
    assert code == 0, err
    path = tmp_path / "docs" / "decisions" / "0001-record-architecture-decisions.md"
    from advisor.adr.records import read_record

    rec = read_record(path)
    assert (rec.title, rec.status, rec.date, rec.style) == ("Record architecture decisions", "accepted", "2024-01-02",
                                                             "madr4")
    assert cli("adr", "lint")[0] == 0
    assert cli("adr", "init")[0] == 2                      # a log with records is not initialised again
    code, _, err = cli("adr", "init", "architecture/log", "--template", "nygard")
    assert code == 0, err
    assert (tmp_path / ".adr-dir").read_text() == "architecture/log\n"
    assert read_record(tmp_path / "architecture/log/0001-record-architecture-decisions.md").style == "nygard"


def test_link_with_a_custom_relation(cli, tmp_path):
    folder = _copy(tmp_path, "adr-tools") / "doc" / "adr"
    code, _, err = cli("adr", "link", "7", "Clarifies:Clarified by", "3", "--dir", folder)
    assert code == 0, err
    seven = (folder / "0007-invoke-adr-config-executable-to-get-configuration.md").read_text()
    three = (folder / "0003-single-command-with-subcommands.md").read_text()
    assert "## Status\n\nAccepted\n\nClarifies [3. Single command with subcommands](0003-single-command-with-subcommands.md)" \
        in seven
    assert "Clarified by [7. Invoke adr-config executable to get configuration]" in three
    code, out, _ = cli("adr", "graph", "--dir", folder)
    assert "n6 -->|clarifies| n2" in out and "n8 -->|amends| n4" in out
    code, _, err = cli("adr", "link", "7", "Supersedes", "3", "--dir", folder)
    assert code == 2 and "adr supersede" in err
    assert cli("adr", "lint", folder)[0] == 0


def test_graph_formats(cli):
    folder = LOGS / "govuk-verify" / "docs" / "adr"
    code, out, _ = cli("adr", "graph", "--dir", folder)
    assert code == 0 and out.startswith("flowchart TB\n") and "n25 -->|supersedes| n7" in out
    code, out, _ = cli("adr", "graph", "--dir", folder, "--format", "dot")
    assert out.startswith("digraph decisions {") and 'n25 -> n7 [label="supersedes"];' in out
    assert out.rstrip().endswith("}")


def test_site_is_self_contained(cli, tmp_path):
    out = tmp_path / "site"
    code, _, err = cli("adr", "site", "--out", out, "--dir", LOGS / "log4brains" / "docs" / "adr")
    assert code == 0, err
    index = (out / "index.html").read_text()
    assert index.count("<tr data-text=") == 17 and '<svg id="graph"' in index
    assert not any(t in index for t in ('src="http', "<link", "<script src", "@import"))   # nothing fetched
    page = (out / "core--20201002-use-explicit-architecture-and-ddd-for-the-core-api.html").read_text()
    assert "<h1>Use Explicit Architecture and DDD for the core API</h1>" in page
    slug_page = (out / "20201016-use-the-adr-slug-as-its-unique-id.html").read_text()
    assert 'href="20200926-use-the-adr-number-as-its-unique-id.html"' in slug_page
    # a folder someone else filled is not written into
    other = tmp_path / "other"
    other.mkdir()
    (other / "keep.txt").write_text("mine")
    code, _, err = cli("adr", "site", "--out", other, "--dir", LOGS / "madr" / "docs" / "decisions")
    assert code == 2 and "refusing" in err


def test_site_shows_record_html_as_text(cli, tmp_path):
    folder = tmp_path / "adr"
    folder.mkdir()
    (folder / "0001-x.md").write_text("# <img src=x onerror=alert(1)>\n\n## Status\n\nAccepted\n\n"
                                      "<script>alert(2)</script>\n")
    out = tmp_path / "site"
    assert cli("adr", "site", "--out", out, "--dir", folder)[0] == 0
    for page in out.glob("*.html"):
        text = page.read_text()
        assert "<script>alert" not in text and "<img src=x" not in text


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def _png_rows(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and the unfiltered-enough rows of an 8-bit RGB(A) PNG (filter bytes dropped)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat = 8, b""
    width = height = channels = 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, _depth, color = struct.unpack(">IIBB", chunk[:10])
            channels = {2: 3, 6: 4}[color]
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels + 1
    return width, height, [raw[i * stride + 1:(i + 1) * stride] for i in range(height)]


@pytest.mark.skipif(_chromium() is None, reason="no headless browser: install Debian's chromium (and "
                    "chromium-driver) to render `mqadvise adr site` in a real browser; .ci/run installs them")
def test_site_renders_in_headless_chromium(cli, tmp_path):
    out = tmp_path / "site"
    assert cli("adr", "site", "--out", out, "--dir", LOGS / "govuk-verify" / "docs" / "adr")[0] == 0
    browser = [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
               f"--user-data-dir={tmp_path / 'profile'}"]

    def dom(url: str) -> str:
        run = subprocess.run([*browser, "--dump-dom", url], capture_output=True, text=True, timeout=90)
        assert run.returncode == 0, run.stderr[-2000:]
        return run.stdout

    index_url = (out / "index.html").as_uri()
    shown = dom(index_url)
    assert shown.count("<tr data-text=") == 26 and "<svg" in shown
    searched = dom(index_url + "#q=healthcheck")           # the search script ran in the browser
    assert '<span id="count">1</span>' in searched
    record = dom((out / "0026-development-mode-for-the-verify-service-provider.html").as_uri())
    assert "Development mode for the Verify Service Provider" in record and 'href="0008-' in record
    for name in ("index.html", "0026-development-mode-for-the-verify-service-provider.html"):
        shot = tmp_path / f"{name}.png"
        run = subprocess.run([*browser, f"--screenshot={shot}", "--window-size=1000,1400", (out / name).as_uri()],
                             capture_output=True, text=True, timeout=90)
        assert run.returncode == 0 and shot.exists(), run.stderr[-2000:]
        width, height, rows = _png_rows(shot.read_bytes())
        assert (width, height) == (1000, 1400)
        distinct = {bytes(r) for r in rows}
        ink = sum(1 for r in rows if len(set(r)) > 4)       # rows with more than the background colour
        assert len(distinct) > 50 and ink > 100, (name, len(distinct), ink)
    graph = dom(index_url)
    assert json.dumps("supersedes")[1:-1] in graph           # the graph's relation labels are in the page

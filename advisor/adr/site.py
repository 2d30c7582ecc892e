"""`mqadvise adr site`: the decision log as a self-contained static HTML site (no server, no network):
an index with a search box and the decision graph, and one page per record.

Record text is rendered by markdown-it with raw HTML off (a record's ``<script>`` is shown, never run);
links between records point at their pages; everything else (CSS, the search script, the graph as SVG)
is inline, so the folder opens from disk or any static host.
"""

from __future__ import annotations

import html
import json
import os
from pathlib import Path

from advisor.adr.records import Record
from advisor.errors import InvalidInput, Location, RefusedOverwrite

MARKER = ".mqadvise-site"
CSS = """
body{font-family:system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem 2rem;color:#1f2328;background:#fff}
a{color:#0b57d0}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #d0d7de;padding:.35rem .5rem;
text-align:left;vertical-align:top}input[type=search]{font-size:1rem;padding:.4rem;width:100%;box-sizing:border-box;
margin:.5rem 0 1rem}.status{font-weight:600}.status-accepted{color:#1a7f37}.status-superseded,.status-deprecated,
.status-rejected{color:#8c959f}.status-proposed{color:#9a6700}pre{background:#f6f8fa;padding:.75rem;overflow:auto}
code{background:#f6f8fa}nav{margin-bottom:1rem}svg text{font-size:12px;font-family:system-ui,sans-serif}
"""
SEARCH_JS = """
const box=document.getElementById('q');
function filter(){const q=box.value.toLowerCase().trim();let shown=0;
for(const row of document.querySelectorAll('#records tbody tr')){
const hit=!q||row.dataset.text.includes(q);row.hidden=!hit;if(hit)shown++;}
document.getElementById('count').textContent=shown;}
box.addEventListener('input',filter);
if(location.hash.startsWith('#q=')){box.value=decodeURIComponent(location.hash.slice(3));filter();}
"""


def page_name(rec: Record) -> str:
    stem = rec.slug.replace("/", "--")
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in stem)[:200] + ".html"


def _page(title: str, body: str) -> str:
    return ("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
            f"<title>{html.escape(title)}</title><style>{CSS}</style></head>\n<body>\n{body}\n</body></html>\n")


def _status(rec: Record) -> str:
    s = rec.status or "—"
    cls = "status status-" + "".join(c if c.isalnum() else "-" for c in s)
    return f'<span class="{cls}">{html.escape(s)}</span>'


def graph_svg(records: list[Record]) -> str:
    """The decision graph as inline SVG: one row per record, arcs on the right for the relations."""
    from advisor.adr.graph import edges

    row, width, left = 26, 760, 10
    links = edges(records)
    height = row * len(records) + 20
    parts = [f'<svg id="graph" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="decision graph">',
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" '
             'orient="auto"><path d="M0,0L10,5L0,10z" fill="#0b57d0"/></marker></defs>']
    x_end = 520
    for i, r in enumerate(records):
        y = 20 + i * row
        label = (f"{r.number}. " if r.number is not None else "") + (r.title or r.slug)
        if len(label) > 70:
            label = label[:69] + "…"
        parts.append(f'<rect x="{left}" y="{y - 15}" width="{x_end - left}" height="{row - 6}" rx="4" '
                     f'fill="#f6f8fa" stroke="#d0d7de"/>')
        parts.append(f'<a href="{html.escape(page_name(r))}"><text x="{left + 8}" y="{y + 2}">'
                     f'{html.escape(label)}</text></a>')
    for k, (a, b, rel) in enumerate(links):
        ya, yb = 20 + a * row - 4, 20 + b * row - 4
        bend = x_end + 30 + (k % 6) * 30
        parts.append(f'<path d="M{x_end},{ya} C{bend},{ya} {bend},{yb} {x_end},{yb}" fill="none" stroke="#0b57d0" '
                     f'stroke-width="1.5" marker-end="url(#arrow)"/>')
        parts.append(f'<text x="{bend - 10}" y="{(ya + yb) / 2}" fill="#0b57d0">{html.escape(rel)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def record_html(rec: Record, records: list[Record]) -> str:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    text = rec.text
    if rec.front_matter_end:
        text = "\n".join(text.splitlines()[rec.front_matter_end:])
    pages = {}
    for r in records:
        try:
            pages[r.path.resolve()] = page_name(r)
        except OSError:
            continue
    tokens = md.parse(text)
    for tok in tokens:
        for child in tok.children or []:
            if child.type == "link_open":
                href = str(child.attrGet("href") or "")
                if href and "://" not in href and not href.startswith(("#", "mailto:")):
                    try:
                        target = (rec.path.parent / href.split("#", 1)[0]).resolve()
                    except (OSError, ValueError):
                        continue
                    if target in pages:
                        child.attrSet("href", pages[target])
    body = md.renderer.render(tokens, md.options, {})
    meta = (f'<p>{_status(rec)}' + (f" · {html.escape(rec.date)}" if rec.date else "")
            + (f" · package {html.escape(rec.package)}" if rec.package else "") + "</p>")
    heading = "" if rec.title_line else f"<h1>{html.escape(rec.title or rec.slug)}</h1>"
    return _page(rec.title or rec.slug, f'<nav><a href="index.html">All decisions</a></nav>\n{heading}{meta}\n{body}')


def index_html(records: list[Record], title: str) -> str:
    rows = []
    for r in records:
        words = " ".join((r.title, r.status or "", r.date or "", r.slug, r.text[:20000])).lower()
        number = f"{r.number:04d}" if r.number is not None else ""
        rows.append(f'<tr data-text="{html.escape(" ".join(words.split()))}"><td>{number}</td>'
                    f'<td><a href="{html.escape(page_name(r))}">{html.escape(r.title or r.slug)}</a></td>'
                    f"<td>{_status(r)}</td><td>{html.escape(r.date or '')}</td></tr>")
    body = (f"<h1>{html.escape(title)}</h1>\n"
            f'<input id="q" type="search" placeholder="Search the decisions" aria-label="search">\n'
            f'<p><span id="count">{len(records)}</span> of {len(records)} decisions</p>\n'
            '<table id="records"><thead><tr><th>number</th><th>title</th><th>status</th><th>date</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>\n<h2>Decision graph</h2>\n{graph_svg(records)}\n"
            f"<script>{SEARCH_JS}</script>")
    return _page(title, body)


def build(records: list[Record], out: Path, *, title: str = "Architecture Decision Records",
          force: bool = False) -> list[Path]:
    """Write the site into ``out`` (created). A folder this command wrote before is refreshed; any other
    non-empty folder only with ``force``. Returns the files written."""
    from advisor.fsutil import write_new_file

    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InvalidInput("is not a folder", location=Location(str(out)))
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists() and not force:
        raise RefusedOverwrite("is not empty and was not written by `mqadvise adr site`; refusing to write into it",
                               location=Location(str(out)), hint="pick an empty folder or pass --force")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    files = {"index.html": index_html(records, title), MARKER: json.dumps({"records": len(records)}) + "\n"}
    for r in records:
        files[page_name(r)] = record_html(r, records)
    for name, text in files.items():
        path = out / name
        write_new_file(path, text, force=True)
        written.append(path)
    return written


def serve(folder: Path, port: int = 0, *, on_ready=None) -> None:
    """Serve ``folder`` on 127.0.0.1 until interrupted (``on_ready(url)`` is called once listening)."""
    import functools
    import http.server

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=os.fspath(folder))
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as httpd:
        if on_ready is not None:
            on_ready(f"http://127.0.0.1:{httpd.server_address[1]}/")
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            pass

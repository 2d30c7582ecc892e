"""advisor/adr/mdscan.py finds the same links as the look-back it replaced, in one pass over the brackets."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.adr.mdscan import MAX_HREF_CHARS, MAX_LABEL_CHARS, MdLink, _href, bounded, links


def looked_back(line: str) -> list[MdLink]:
    """The links() before the one-pass brackets: from each ``](``, back to the '[' that opens it (at most
    MAX_LABEL_CHARS), which cost that distance for every ``](`` (10,000 in a row: seconds a line)."""
    def label_start(mid: int) -> int | None:
        depth = 0
        for i in range(mid - 1, max(0, mid - MAX_LABEL_CHARS) - 1, -1):
            if line[i] == "]":
                depth += 1
            elif line[i] == "[":
                if depth == 0:
                    return i
                depth -= 1
        return None

    line = bounded(line)
    found, pos = [], 0
    while (mid := line.find("](", pos)) >= 0:
        pos = mid + 2
        start = label_start(mid)
        end = line.find(")", mid + 2, mid + 2 + MAX_HREF_CHARS)
        if start is None or end < 0:
            continue
        href = _href(line[mid + 2:end].strip())
        if href is None or (start > 0 and line[start - 1] == "!"):
            continue
        found.append(MdLink(start, line[start + 1:mid].replace("\\", ""), href))
        pos = end + 1
    return found


PIECES = st.sampled_from(["[", "]", "](", ")", "(", "\\", "!", "a", " ", "x.md", '"t"', "<", ">", "{{", "]]", "[["])


@settings(max_examples=400, deadline=None, database=None)
@given(st.lists(PIECES, max_size=80).map("".join))
def test_links_are_those_the_look_back_found(line):
    assert links(line) == looked_back(line)


@given(st.integers(0, 30), st.integers(MAX_LABEL_CHARS - 3, MAX_LABEL_CHARS + 3))
def test_a_label_longer_than_the_bound_is_not_a_link(nested, length):
    line = "see [" + "[]" * nested + "y" * (length - 2 * nested) + "](x.md)"
    assert links(line) == looked_back(line)
    assert bool(links(line)) == (length < MAX_LABEL_CHARS)      # the [ stands at most MAX_LABEL_CHARS back


def test_a_line_of_link_middles_is_scanned_once():
    assert links("](" * 100_000) == []
    assert links("[a](" * 20_000 + "b.md)") == looked_back("[a](" * 20_000 + "b.md)")

"""Export the question bank: CSV, Anki import text (TSV with headers) and an Anki package (.apkg)."""

from __future__ import annotations

import csv
import hashlib
import html
import io
from pathlib import Path

from advisor.study.bank import LETTERS

CSV_FIELDS = ["id", "origin", "services", "topic", "domain", "questions", "choose", "stem",
              "option_a", "option_b", "option_c", "option_d", "option_e", "option_f", "answer",
              "explanations", "sources", "facts", "as_of"]
DECK_NAME = "mqadvise - AWS messaging and integration (SAA)"


def to_csv(items: list) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for item in items:
        row = {"id": item.id, "origin": item.origin, "services": " ".join(item.services), "topic": item.topic,
               "domain": item.domain, "questions": " ".join(item.questions), "choose": item.choose,
               "stem": " ".join(item.stem.split()), "answer": "".join(item.correct_letters),
               "explanations": " | ".join(f"{LETTERS[i]}: {' '.join(o.why.split())}"
                                          for i, o in enumerate(item.options)),
               "sources": " ".join(item.sources), "facts": " ".join(item.facts), "as_of": str(item.as_of)}
        for i, o in enumerate(item.options):
            row[f"option_{LETTERS[i].lower()}"] = o.text
        writer.writerow(row)
    return buf.getvalue()


def _front(item) -> str:
    opts = "".join(f"<li><b>{LETTERS[i]}</b> {html.escape(o.text)}</li>" for i, o in enumerate(item.options))
    hint = " <i>(Choose two.)</i>" if item.choose == 2 and "choose two" not in item.stem.lower() else ""
    return f"{html.escape(' '.join(item.stem.split()))}{hint}<ul>{opts}</ul>"


def _back(item) -> str:
    rows = "".join(f"<li><b>{LETTERS[i]}</b>{' &#10003;' if o.correct else ''} {html.escape(' '.join(o.why.split()))}"
                   f"</li>" for i, o in enumerate(item.options))
    links = " ".join(f'<a href="{html.escape(u)}">{html.escape(u)}</a>' for u in item.sources)
    return f"<b>Answer: {''.join(item.correct_letters)}</b><ul>{rows}</ul><small>{links}</small>"


def _tags(item) -> str:
    tags = [f"mqadvise::{s}" for s in item.services] + [f"topic::{item.topic}", f"domain::{item.domain}",
                                                        f"origin::{item.origin}"]
    return " ".join(t.replace(" ", "_") for t in tags)


def to_anki_text(items: list) -> str:
    """Anki's text import: tab-separated Front, Back, Tags with the header lines Anki reads."""
    lines = ["#separator:tab", "#html:true", "#notetype:Basic", f"#deck:{DECK_NAME}", "#columns:Front\tBack\tTags",
             "#tags column:3"]
    for item in items:
        fields = [_front(item), _back(item), _tags(item)]
        lines.append("\t".join(f.replace("\t", " ").replace("\n", " ") for f in fields))
    return "\n".join(lines) + "\n"


def _stable_id(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:12], 16) % (1 << 31)


def write_apkg(items: list, path: Path) -> None:
    """An Anki package written with genanki; note GUIDs derive from item ids, so re-imports update notes."""
    import genanki

    model = genanki.Model(
        _stable_id("mqadvise-study-model"), "mqadvise study question",
        fields=[{"name": "Id"}, {"name": "Front"}, {"name": "Back"}],
        templates=[{"name": "Card 1", "qfmt": "{{Front}}",
                    "afmt": "{{FrontSide}}<hr id=answer>{{Back}}"}])
    deck = genanki.Deck(_stable_id(DECK_NAME), DECK_NAME)
    for item in items:
        deck.add_note(genanki.Note(model=model, fields=[item.id, _front(item), _back(item)],
                                   tags=_tags(item).split(), guid=genanki.guid_for(item.id)))
    tmp = Path(path).with_name(f".{Path(path).name}.tmp")
    genanki.Package(deck).write_to_file(str(tmp))
    tmp.replace(path)

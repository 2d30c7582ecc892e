"""`mqadvise study` driven without a terminal: answers as arguments or JSON, results as JSON."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import zipfile

import pytest


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("MQADVISE_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


@pytest.fixture(scope="module")
def bank():
    from advisor.study.bank import load_bank

    return {i.id: i for i in load_bank()}


def _progress(data_dir):
    return json.loads((data_dir / "study-progress.json").read_text())


def _wrong(item):
    return next(x for x in "ABCD" if x not in item.correct_letters)


def test_practice_with_answers_scores_explains_and_records(cli, bank, data_dir):
    code, out, _ = cli("study", "practice", "--service", "sqs", "--count", "4", "--seed", "7", "--format", "json")
    assert code == 0
    quiz = json.loads(out)
    assert len(quiz["items"]) == 4 and all("sqs" in q["services"] for q in quiz["items"])
    assert all("answer" not in q and "correct" not in q["options"][0] for q in quiz["items"])
    ids = [q["id"] for q in quiz["items"]]
    letters = ["".join(bank[i].correct_letters) for i in ids]
    letters[1] = _wrong(bank[ids[1]]) if bank[ids[1]].choose == 1 else "".join(
        x for x in "ABCDE"[: len(bank[ids[1]].options)] if x not in bank[ids[1]].correct_letters)[:2]
    code, out, _ = cli("study", "practice", "--service", "sqs", "--count", "4", "--seed", "7",
                       "--answers", ",".join(letters), "--format", "json")
    assert code == 0, out
    result = json.loads(out)
    assert [r["id"] for r in result["results"]] == ids
    assert [r["correct"] for r in result["results"]] == [True, False, True, True]
    assert result["report"]["score"] == {"correct": 3, "total": 4, "percent": 75.0, "unanswered": 0}
    assert result["report"]["services"]["sqs"]["total"] == 4
    assert all(o["why"] for r in result["results"] for o in r["options"])
    saved = _progress(data_dir)
    assert saved["items"][ids[1]]["last_correct"] is False and saved["items"][ids[0]]["correct"] == 1
    assert saved["sessions"][-1]["mode"] == "practice"


def test_practice_answers_as_json_on_stdin(cli, bank, data_dir):
    chosen = ["sqs-fifo-ledger-order", "conn-streaming-services", "gen:limit:sqs:visibility_timeout.max"]
    answers = {"answers": {i: "".join(bank[i].correct_letters) for i in chosen}}
    answers["answers"][chosen[1]] = list(bank[chosen[1]].correct_letters)  # a list works too
    code, out, _ = cli("study", "practice", "--answers", "-", "--format", "json", stdin=json.dumps(answers))
    assert code == 0, out
    result = json.loads(out)
    assert [r["id"] for r in result["results"]] == chosen
    assert result["report"]["score"]["percent"] == 100.0
    assert set(_progress(data_dir)["items"]) == set(chosen)


def test_bad_answers_are_usage_errors(cli):
    code, _out, err = cli("study", "practice", "--ids", "sqs-fifo-ledger-order", "--answers", "Q")
    assert code == 2 and "choose from" in err
    code, _out, err = cli("study", "practice", "--answers", "-", stdin="{oops")
    assert code == 2 and "not JSON" in err
    code, _out, err = cli("study", "practice", "--ids", "no-such-item", "--answers", "A")
    assert code == 2 and "no study item 'no-such-item'" in err


def test_no_terminal_and_no_answers_is_refused(cli):
    code, _out, err = cli("study", "practice")
    assert code == 2 and "no terminal" in err


def test_exam_reports_per_service_and_domain_with_explanations(cli, bank, data_dir):
    code, out, _ = cli("study", "exam", "--count", "10", "--seed", "3", "--format", "json")
    ids = [q["id"] for q in json.loads(out)["items"]]
    assert len(ids) == 10
    domains = {bank[i].domain for i in ids}
    assert domains == {"secure", "resilient", "high-performing", "cost-optimized"}
    answers = ["".join(bank[i].correct_letters) for i in ids[:7]]  # three left unanswered
    code, out, _ = cli("study", "exam", "--count", "10", "--seed", "3", "--answers", ",".join(answers),
                       "--format", "json")
    assert code == 0, out
    report = json.loads(out)["report"]
    assert report["score"] == {"correct": 7, "total": 10, "percent": 70.0, "unanswered": 3}
    assert sum(r["total"] for r in report["domains"].values()) == 10
    assert set(report["services"]) == {s for i in ids for s in bank[i].services}
    code, out, _ = cli("study", "exam", "--count", "10", "--seed", "3", "--answers", ",".join(answers))
    assert code == 0
    assert "exam: 7/10 correct (70%)" in out and "Exam domain" in out and "Service" in out
    assert "source: https://" in out  # explanations at the end


def test_review_asks_the_wrong_ones_until_they_are_right(cli, bank):
    a, b = "sqs-delay-15-minutes", "kds-hot-shard"
    cli("study", "practice", "--ids", f"{a},{b}", "--answers", f"{''.join(bank[a].correct_letters)},{_wrong(bank[b])}")
    code, out, _ = cli("study", "review", "--format", "json")
    asked = json.loads(out)["items"]
    assert [q["id"] for q in asked] == [b]
    right = next(o.text for o in bank[b].options if o.correct)
    letter = next(o["letter"] for o in asked[0]["options"] if o["text"] == right)
    code, out, _ = cli("study", "review", "--answers", letter, "--format", "json")
    assert json.loads(out)["report"]["score"]["percent"] == 100.0
    code, out, err = cli("study", "review", "--format", "json")
    assert json.loads(out)["items"] == [] and "Nothing to review" in err


def test_flashcards_rate_and_schedule(cli, data_dir):
    code, out, _ = cli("study", "cards", "--service", "sqs", "--count", "3", "--seed", "1", "--format", "json")
    cards = json.loads(out)["cards"]
    assert len(cards) == 3 and all(c["id"].startswith("card:") for c in cards)
    code, out, _ = cli("study", "cards", "--service", "sqs", "--count", "3", "--seed", "1", "--answers", "4,1,good",
                       "--format", "json")
    assert code == 0, out
    results = json.loads(out)["results"]
    assert [r["rating"] for r in results] == [4, 1, 3]
    assert results[0]["due"] > results[2]["due"] > results[1]["due"]
    saved = _progress(data_dir)["items"]
    assert {c["id"] for c in cards} <= set(saved)
    code, _out, err = cli("study", "cards", "--answers", "7")
    assert code == 2 and "rating" in err


def test_trap_cards_blank_out_figures():
    from advisor.study.flashcards import cloze

    assert cloze("The FIFO in-flight limit is 120,000 messages, not 20,000.") == \
        "The FIFO in-flight limit is [...], not [...]."
    assert "[...]" in cloze("Standard topics are at-least-once, not exactly-once.")


def test_stats_json_and_reset_needs_consent(cli, bank, data_dir):
    a = "sqs-delay-15-minutes"
    cli("study", "practice", "--ids", a, "--answers", "".join(bank[a].correct_letters))
    code, out, _ = cli("study", "stats", "--format", "json")
    stats = json.loads(out)
    assert stats["services"]["sqs"]["attempts"] == 1 and stats["services"]["sqs"]["accuracy"] == 100.0
    code, out, _ = cli("study", "stats")
    assert code == 0 and "Study progress by service" in out and "sqs" in out and "100%" in out
    code, _out, err = cli("study", "stats", "--reset")
    assert code == 2 and "--yes" in err
    assert (data_dir / "study-progress.json").exists()
    code, _out, err = cli("study", "stats", "--reset", "--yes")
    assert code == 0 and json.loads((data_dir / "study-progress.json").read_text())["items"] == {}
    assert len(list(data_dir.glob("study-progress.json.*.bak"))) == 1           # the old file is kept


def test_stats_counts_the_question_bank_and_the_flashcards_apart(cli, bank, data_dir):
    """`all` was bank + flashcards (483) while `study list` showed the bank (270)."""
    code, out, _ = cli("study", "stats", "--format", "json")
    stats = json.loads(out)
    code, listed, _ = cli("study", "list", "--format", "json")
    assert stats["total"]["items"] == json.loads(listed)["count"] == len(bank)
    assert stats["cards"]["items"] > 0
    code, out, _ = cli("study", "stats")
    assert f"0/{len(bank)}" in out and "all questions" in out and "flashcards" in out


def test_export_csv_anki_text_and_apkg(cli, bank, tmp_path):
    code, _o, _e = cli("study", "export", "--to", "csv", "--out", tmp_path / "bank.csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO((tmp_path / "bank.csv").read_text())))
    assert len(rows) == len(bank)
    row = next(r for r in rows if r["id"] == "sqs-fifo-ledger-order")
    assert row["answer"] == "".join(bank["sqs-fifo-ledger-order"].correct_letters)
    assert row["sources"].startswith("https://") and row["domain"] == "resilient"
    code, _o, err = cli("study", "export", "--to", "csv", "--out", tmp_path / "bank.csv")
    assert code == 2 and "refusing to overwrite" in err

    code, _o, _e = cli("study", "export", "--format", "anki", "--out", tmp_path / "deck.txt", "--service", "mq")
    lines = (tmp_path / "deck.txt").read_text().splitlines()
    assert lines[0] == "#separator:tab" and "#tags column:3" in lines
    notes = [line for line in lines if not line.startswith("#")]
    assert len(notes) == sum(1 for i in bank.values() if "mq" in i.services)
    assert all(len(n.split("\t")) == 3 and "mqadvise::mq" in n.split("\t")[2] for n in notes)

    code, _o, _e = cli("study", "export", "--format", "apkg", "--out", tmp_path / "deck.apkg", "--no-generated")
    assert code == 0
    with zipfile.ZipFile(tmp_path / "deck.apkg") as z:
        z.extract("collection.anki2", tmp_path)
    db = sqlite3.connect(tmp_path / "collection.anki2")
    count = db.execute("select count(*) from notes").fetchone()[0]
    db.close()
    assert count == sum(1 for i in bank.values() if i.origin == "authored")


def test_list_shows_ids(cli):
    _code, out, _ = cli("study", "list", "--service", "backup", "--format", "json")
    data = json.loads(out)
    assert data["count"] >= 10 and all("backup" in i["services"] for i in data["items"])


def test_review_shows_the_options_in_a_new_order_each_attempt_and_the_same_with_a_seed(cli, bank):
    """Issue 14: review repeated the option order, so a remembered letter passed for knowledge."""
    item = next(i for i in bank.values() if i.choose == 1 and len(i.options) == 4)

    def review_order(*extra):
        code, out, _ = cli("study", "review", "--format", "json", *extra)
        assert code == 0
        return [o["text"] for o in json.loads(out)["items"][0]["options"]]

    orders = []
    for _attempt in range(3):     # answer wrongly again and again: every attempt is a new review
        cli("study", "practice", "--ids", item.id, "--answers", _wrong(item))
        orders.append(review_order("--seed", "11"))
        assert review_order("--seed", "11") == orders[-1]          # deterministic for a script
    usual = [o.text for o in item.options]
    assert all(order != usual for order in orders)
    assert len({tuple(o) for o in orders}) > 1                    # it changes from attempt to attempt
    assert review_order("--seed", "12") != orders[-1] or review_order("--seed", "13") != orders[-1]


def test_mock_exam_passes_or_fails_on_the_estimated_scaled_score(cli, bank):
    """Issue 14: pass/fail on the exam's scaled score (720 of 1,000), weighted by the guide's domain weights."""
    from advisor.study.exam import load_exam, scaled_score

    exam = load_exam()
    assert exam.score.passing.value == 720 and exam.score.max.value == 1000
    assert exam.weights == {"secure": 30, "resilient": 26, "high-performing": 24, "cost-optimized": 20}
    assert exam.source.startswith("https://docs.aws.amazon.com/aws-certification/") and exam.as_of
    # weighted by domain, not by question count: all of "secure" right and nothing else is 30%, not 50%
    rows = {"secure": {"correct": 5, "total": 5}, "resilient": {"correct": 0, "total": 5},
            "high-performing": {"correct": 0, "total": 0}, "cost-optimized": {"correct": 0, "total": 0}}
    est = scaled_score(rows)
    assert est["weighted_percent"] == round(100 * 30 / 56, 1) and est["domains_asked"] == ["resilient", "secure"]
    assert scaled_score({d: {"correct": 10, "total": 10} for d in exam.weights})["scaled"] == 1000
    assert scaled_score({d: {"correct": 0, "total": 10} for d in exam.weights})["scaled"] == 100

    code, out, _ = cli("study", "exam", "--count", "10", "--seed", "3", "--format", "json")
    ids = [q["id"] for q in json.loads(out)["items"]]
    good = ",".join("".join(bank[i].correct_letters) for i in ids)
    code, out, _ = cli("study", "exam", "--count", "10", "--seed", "3", "--answers", good, "--format", "json")
    result = json.loads(out)["report"]["exam"]
    assert result["scaled"] == 1000 and result["passed"] is True and result["estimate"] is True
    bad = ",".join(_wrong(bank[i]) if bank[i].choose == 1 else "" for i in ids)
    code, out, _ = cli("study", "exam", "--count", "10", "--seed", "3", "--answers", bad)
    assert code == 0 and "fail: estimated scaled score 100/1000 (passing 720" in out


def test_export_takes_format_and_the_old_to_spelling(cli, bank, tmp_path):
    code, _o, err = cli("study", "export", "--format", "csv", "--out", tmp_path / "a.csv")
    assert code == 0, err
    code, _o, err = cli("study", "export", "--to", "csv", "--out", tmp_path / "b.csv")
    assert code == 0, err
    assert (tmp_path / "a.csv").read_text() == (tmp_path / "b.csv").read_text()
    code, out, _ = cli("study", "export", "--help")
    assert "--format" in out and "--to" not in out

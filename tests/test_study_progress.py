"""Study progress: FSRS scheduling that persists, survives a round trip, and keeps unknown fields."""

from __future__ import annotations

import datetime as dt
import json

import pytest

T0 = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("MQADVISE_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def test_data_dir_comes_from_the_environment(data_dir):
    from advisor.study.progress import Progress, default_path

    assert default_path() == data_dir / "study-progress.json"
    p = Progress.load()
    assert p.path == data_dir / "study-progress.json" and not p.path.exists()


def test_fsrs_schedule_persists_across_a_round_trip(data_dir):
    from advisor.study.progress import Progress

    p = Progress.load()
    p.record_answer("sqs-delay-15-minutes", True, ["A"], when=T0)
    p.record_answer("kds-hot-shard", False, ["C"], when=T0)
    p.save()
    saved = json.loads((data_dir / "study-progress.json").read_text())
    assert saved["format"] == "mqadvise-study-progress" and saved["version"] == 1

    q = Progress.load()
    good, bad = q.card("sqs-delay-15-minutes"), q.card("kds-hot-shard")
    assert good.due > bad.due > T0
    assert good.stability > bad.stability
    assert q.items["kds-hot-shard"]["last_correct"] is False
    assert q.wrong_ids() == ["kds-hot-shard"]
    # Nothing is due right after answering; the wrong one comes back first, the next day.
    assert q.due_ids(T0 + dt.timedelta(hours=1)) == []
    assert q.due_ids(T0 + dt.timedelta(days=1)) == ["kds-hot-shard"]
    assert set(q.due_ids(good.due)) == {"kds-hot-shard", "sqs-delay-15-minutes"}

    # A second good review after it came due pushes the item further out (FSRS at work).
    first_due = good.due
    q.record_answer("sqs-delay-15-minutes", True, ["A"], when=first_due)
    q.save()
    r = Progress.load()
    assert r.card("sqs-delay-15-minutes").due - first_due > first_due - T0
    assert r.items["sqs-delay-15-minutes"]["attempts"] == 2
    assert [e["rating"] for e in r.items["sqs-delay-15-minutes"]["log"]] == [3, 3]


def test_unknown_fields_survive_load_and_save(data_dir):
    from advisor.study.progress import Progress

    data_dir.mkdir(parents=True)
    path = data_dir / "study-progress.json"
    path.write_text(json.dumps({
        "format": "mqadvise-study-progress", "version": 1, "created": "2026-01-01T00:00:00+00:00",
        "future_top_level": {"keep": [1, 2, 3]},
        "items": {"sqs-delay-15-minutes": {
            "attempts": 1, "correct": 1, "last_correct": True, "future_item_field": "x",
            "card": {"card_id": 7, "state": 2, "step": None, "stability": 5.0, "difficulty": 5.0,
                     "due": "2026-11-20T00:00:00+00:00", "last_review": "2026-11-15T00:00:00+00:00",
                     "future_card_field": 42}}},
        "sessions": [{"mode": "practice", "total": 1, "correct": 1, "future_session_field": True}],
    }))
    p = Progress.load()
    assert p.due_ids(T0) == ["sqs-delay-15-minutes"]
    p.record_answer("sqs-delay-15-minutes", True, ["B"], when=T0)
    p.record_answer("new-item", False, ["A"], when=T0)
    p.save()
    again = json.loads(path.read_text())
    assert again["future_top_level"] == {"keep": [1, 2, 3]}
    item = again["items"]["sqs-delay-15-minutes"]
    assert item["future_item_field"] == "x" and item["card"]["future_card_field"] == 42
    assert item["card"]["card_id"] == 7 and item["attempts"] == 2
    assert dt.datetime.fromisoformat(item["card"]["due"]) > T0
    assert again["sessions"][0]["future_session_field"] is True
    assert "new-item" in again["items"]


def test_a_newer_file_is_read_but_never_overwritten(data_dir):
    from advisor.errors import UsageError
    from advisor.study.progress import Progress

    data_dir.mkdir(parents=True)
    path = data_dir / "study-progress.json"
    original = json.dumps({"format": "mqadvise-study-progress", "version": 99, "items": {}, "sessions": [],
                           "something_new": True})
    path.write_text(original)
    p = Progress.load()
    p.record_answer("x", True, ["A"], when=T0)
    with pytest.raises(UsageError, match="newer mqadvise"):
        p.save()
    assert path.read_text() == original


@pytest.mark.parametrize("content, message", [
    ("{not json", "cannot read study progress"),
    ('{"format": "other", "version": 1}', "not an mqadvise study progress file"),
    ('{"format": "mqadvise-study-progress", "version": "one"}', "unknown progress version"),
    ('{"format": "mqadvise-study-progress", "version": 1, "items": []}', "'items' must be an object"),
])
def test_broken_files_are_reported_not_replaced(data_dir, content, message):
    from advisor.errors import InvalidInput
    from advisor.study.progress import Progress

    data_dir.mkdir(parents=True)
    path = data_dir / "study-progress.json"
    path.write_text(content)
    with pytest.raises(InvalidInput, match=message):
        Progress.load()
    assert path.read_text() == content


def test_save_is_atomic_and_reset_moves_the_file_aside(data_dir, monkeypatch):
    from advisor.study import progress as mod

    p = mod.Progress.load()
    p.record_answer("a", True, ["A"], when=T0)
    p.save()
    before = p.path.read_text()

    def boom(path, text):
        raise OSError("disk full")

    monkeypatch.setattr("advisor.fsutil.atomic_write_text", boom)
    p.record_answer("b", True, ["A"], when=T0)
    with pytest.raises(OSError):
        p.save()
    assert p.path.read_text() == before
    assert [f.name for f in data_dir.iterdir()] == ["study-progress.json"]
    monkeypatch.undo()
    assert p.reset() is True
    assert p.backup.read_text() == before and json.loads(p.path.read_text())["items"] == {}
    p.path.unlink()
    assert p.reset() is False


def test_stats_per_service(data_dir):
    from advisor.study.bank import load_bank
    from advisor.study.progress import Progress

    bank = load_bank()
    sqs = [i for i in bank if i.services == ["sqs"]][:3]
    p = Progress.load()
    p.record_answer(sqs[0].id, True, sqs[0].correct_letters, when=T0)
    p.record_answer(sqs[1].id, False, ["Z"], when=T0)
    stats = p.stats(bank, when=T0 + dt.timedelta(days=1, hours=1))
    row = stats["services"]["sqs"]
    assert row["attempts"] == 2 and row["correct"] == 1 and row["accuracy"] == 50.0 and row["seen"] == 2
    assert row["due"] == 1  # the wrong answer is due again the next day
    assert stats["services"]["msk"]["accuracy"] is None
    assert stats["total"]["items"] == len(bank)


# ----- files that parse but are wrong (issue 15): an input error with the key, never a traceback ------------------
def _item(**fields):
    return {"format": "mqadvise-study-progress", "version": 1, "items": {"sqs-x": fields}, "sessions": []}


GOOD_CARD = {"card_id": 1, "state": 2, "step": None, "stability": 5.0, "difficulty": 5.0,
             "due": "2026-11-20T00:00:00+00:00", "last_review": "2026-11-15T00:00:00+00:00"}


@pytest.mark.parametrize("content, key", [
    (json.dumps({"format": "mqadvise-study-progress", "version": 1, "items": {"sqs-x": 3}}), "items.sqs-x"),
    (json.dumps({"format": "mqadvise-study-progress", "version": 1, "items": {"sqs-x": []}}), "items.sqs-x"),
    (json.dumps(_item(card={**GOOD_CARD, "due": "tomorrow"})), "items.sqs-x.card.due"),
    (json.dumps(_item(card={**GOOD_CARD, "due": "2026-11-20T00:00:00"})), "items.sqs-x.card.due"),   # no zone
    (json.dumps(_item(card={**GOOD_CARD, "state": 7})), "items.sqs-x.card.state"),
    (json.dumps(_item(card={**GOOD_CARD, "state": "Review"})), "items.sqs-x.card.state"),
    (json.dumps(_item(attempts="3")), "items.sqs-x.attempts"),
    (json.dumps(_item(attempts=10**30)), "items.sqs-x.attempts"),
    (json.dumps(_item(attempts=-1)), "items.sqs-x.attempts"),
    (json.dumps(_item(attempts=True)), "items.sqs-x.attempts"),
    (json.dumps(_item(log=[{"at": "x", "rating": 9}])), "items.sqs-x.log.0"),
    (json.dumps({"format": "mqadvise-study-progress", "version": 1, "sessions": ["x"]}), "sessions.0"),
    (json.dumps({"format": "mqadvise-study-progress", "version": 10**40}), "version"),
    ('{"format": "mqadvise-study-progress", "version": 1, "items": {"sqs-x": {"attempts": NaN}}}', "NaN"),
    ('{"format": "mqadvise-study-progress", "version": 1, "items": {"sqs-x": {"attempts": Infinity}}}',
     "Infinity"),
    ('{"format": "mqadvise-study-progress", "version": 1, "items": {"a": ' + "9" * 5000 + "}}", "digits"),
    ('{"format": "mqadvise-study-progress", "version": 1, "x": ' + "[" * 50_000 + "]" * 50_000 + "}",
     "nested too deeply"),
    ('{"format": "mqadvise-study-progress", "version": 1, "items": {"a": {}}, "items": {"b": {}}}',
     "'items' is given twice"),
    ('{"format": "mqadvise-study-progress", "version": 1, "items": {"a": {"attempts": 1, "attempts": 2}}}',
     "'attempts' is given twice"),
    ('{"format": "mqadvise-study-progress", "version": 1, "items": {"a": {"last_answer": ["\\ud800"]}}}',
     "lone UTF-16 surrogate"),
], ids=["item-number", "item-list", "bad-due", "naive-due", "bad-state", "state-string", "attempts-string",
        "huge-attempts", "negative", "bool", "bad-log", "bad-session", "huge-version", "nan", "infinity",
        "5000-digits", "deep", "duplicate-top-level", "duplicate-in-item", "lone-surrogate"])
def test_progress_that_parses_but_is_wrong_is_an_input_error_with_the_key(data_dir, content, key):
    from advisor.errors import InvalidInput
    from advisor.study.progress import Progress

    data_dir.mkdir(parents=True)
    path = data_dir / "study-progress.json"
    path.write_text(content)
    with pytest.raises(InvalidInput) as exc:
        Progress.load()
    assert key in exc.value.message and exc.value.exit_code == 2
    assert "--reset --yes" in exc.value.hint
    assert path.read_text() == content


def test_reset_works_on_any_file_and_keeps_the_old_one(cli, data_dir):
    data_dir.mkdir(parents=True)
    path = data_dir / "study-progress.json"
    broken = '{"format": "mqadvise-study-progress", "version": 1, "items": {"sqs-x": 3}}'
    path.write_text(broken)
    code, _out, err = cli("study", "stats")
    assert code == 2 and "items.sqs-x" in err and "Traceback" not in err
    code, _out, err = cli("study", "stats", "--reset", "--yes")
    assert code == 0, err
    backups = list(data_dir.glob("study-progress.json.*.bak"))
    assert len(backups) == 1 and backups[0].read_text() == broken and backups[0].name in err
    assert json.loads(path.read_text())["items"] == {}
    assert cli("study", "stats")[0] == 0


def test_saving_through_a_symlink_writes_the_target_and_keeps_the_link(data_dir, tmp_path):
    from advisor.study.progress import Progress

    data_dir.mkdir(parents=True)
    real = tmp_path / "dotfiles" / "progress.json"
    real.parent.mkdir()
    link = data_dir / "study-progress.json"
    link.symlink_to(real)
    p = Progress.load()
    p.record_answer("sqs-x", True, ["A"], when=T0)
    p.save()
    assert link.is_symlink() and json.loads(real.read_text())["items"]["sqs-x"]["attempts"] == 1
    q = Progress.load()
    q.record_answer("sqs-x", True, ["A"], when=T0)
    q.save()
    assert link.is_symlink() and json.loads(real.read_text())["items"]["sqs-x"]["attempts"] == 2
    assert q.reset() and link.is_symlink() and json.loads(real.read_text())["items"] == {}
    assert q.backup.parent == real.parent


def test_a_read_only_progress_file_is_respected(cli, data_dir):
    import os

    from advisor.errors import MqadviseError  # the fsutil ReadOnlyFile refusal
    from advisor.study.progress import Progress

    p = Progress.load()
    p.record_answer("sqs-x", True, ["A"], when=T0)
    p.save()
    before = p.path.read_text()
    os.chmod(p.path, 0o444)
    try:
        q = Progress.load()
        q.record_answer("sqs-x", True, ["A"], when=T0)
        with pytest.raises(MqadviseError, match="read-only"):
            q.save()
        code, _out, err = cli("study", "practice", "-n", "1", "--answers", "A")
        assert code == 2 and "read-only" in err and "--no-record" in err
        code, _out, err = cli("study", "stats", "--reset", "--yes")
        assert code == 2 and "read-only" in err
        assert p.path.read_text() == before and (p.path.stat().st_mode & 0o777) == 0o444
    finally:
        os.chmod(p.path, 0o644)

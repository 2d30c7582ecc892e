"""The one atomic-write helper every user-facing file goes through (issues 14 and 15): the user's umask, links
written through, read-only files respected, temporaries of a killed writer cleaned up."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from advisor.errors import InvalidInput, RefusedOverwrite
from advisor.fsutil import ReadOnlyFile, atomic_write_text, clean_stale_temporaries, write_new_file

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def umask():
    """Set a umask for one test and put the old one back."""
    old = os.umask(0o022)
    os.umask(old)
    yield lambda value: os.umask(value)
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("mask, expected", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_new_files_get_the_users_umask(tmp_path, umask, mask, expected):
    umask(mask)
    write_new_file(tmp_path / "adr.md", "# ADR\n")
    atomic_write_text(tmp_path / "progress.json", "{}\n")
    assert _mode(tmp_path / "adr.md") == expected and _mode(tmp_path / "progress.json") == expected


def test_a_replaced_file_keeps_its_mode_and_the_write_is_whole(tmp_path, umask):
    umask(0o022)
    path = tmp_path / "notes.md"
    path.write_text("old")
    path.chmod(0o640)
    atomic_write_text(path, "new")
    assert path.read_text() == "new" and _mode(path) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["notes.md"]          # no temporary left


def test_writing_through_a_symlink_changes_the_target_and_keeps_the_link(tmp_path):
    real = tmp_path / "synced" / "progress.json"
    real.parent.mkdir()
    real.write_text("{}")
    link = tmp_path / "progress.json"
    link.symlink_to(real)
    atomic_write_text(link, '{"items": {}}')
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text() == '{"items": {}}'
    assert sorted(p.name for p in real.parent.iterdir()) == ["progress.json"]


def test_dangling_links_and_link_loops_are_refused_with_the_path(tmp_path):
    dangling = tmp_path / "0001-x.md"
    dangling.symlink_to(tmp_path / "elsewhere" / "missing.md")
    with pytest.raises(InvalidInput, match="does not exist") as exc:
        write_new_file(dangling, "x", force=True)
    assert str(dangling) in exc.value.render() and not (tmp_path / "elsewhere").exists()
    with pytest.raises(RefusedOverwrite):             # without --force a dangling link is "already there"
        write_new_file(dangling, "x")
    a, b = tmp_path / "a", tmp_path / "b"
    a.symlink_to(b)
    b.symlink_to(a)
    with pytest.raises(InvalidInput, match="loop"):
        atomic_write_text(a, "x")


def test_read_only_files_are_not_replaced(tmp_path):
    path = tmp_path / "progress.json"
    path.write_text("mine")
    path.chmod(0o444)
    with pytest.raises(ReadOnlyFile, match="read-only") as exc:
        atomic_write_text(path, "theirs")
    assert isinstance(exc.value, OSError) and exc.value.exit_code == 2 and "chmod u+w" in exc.value.render()
    assert path.read_text() == "mine" and [p.name for p in tmp_path.iterdir()] == ["progress.json"]
    link = tmp_path / "link.json"                    # through a link as well
    link.symlink_to(path)
    with pytest.raises(ReadOnlyFile):
        atomic_write_text(link, "theirs")


def test_study_progress_saves_respect_links_and_read_only(tmp_path):
    from advisor.study.progress import Progress

    real = tmp_path / "cloud" / "progress.json"
    link = tmp_path / "progress.json"
    Progress.load(real).save()
    link.symlink_to(real)
    Progress.load(link).save()
    assert link.is_symlink() and real.is_file()
    real.chmod(0o444)
    with pytest.raises(ReadOnlyFile):
        Progress.load(link).save()


def test_adr_status_writes_through_a_linked_record_and_refuses_a_read_only_one(tmp_path, cli):
    adr = tmp_path / "adr"
    code, _, err = cli("adr", "new", "--answers", ROOT / "examples" / "nightly-schedule.yaml", "--dir", adr)
    assert code == 0, err
    (record,) = adr.glob("0001-*.md")
    kept = tmp_path / "records" / record.name
    kept.parent.mkdir()
    record.rename(kept)
    record.symlink_to(kept)
    code, _, err = cli("adr", "status", "1", "accepted", "--dir", adr)
    assert code == 0, err
    assert record.is_symlink() and "accepted" in kept.read_text()
    kept.chmod(0o444)
    code, _, err = cli("adr", "status", "1", "deprecated", "--dir", adr)
    assert code == 2 and "read-only" in err and "Traceback" not in err
    assert "deprecated" not in kept.read_text()


def test_stale_temporaries_of_dead_writers_are_removed_live_ones_kept(tmp_path):
    target = tmp_path / "progress.json"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)
    stale = tmp_path / f".progress.json.{dead_pid}.abcd1234.tmp"
    live = tmp_path / f".progress.json.{os.getpid()}.beef0000.tmp"
    old_style = tmp_path / ".progress.json.k2j3h4g5.tmp"       # an older mqadvise's mkstemp name, an hour old
    other = tmp_path / ".other.json.1.abcd.tmp"
    for p in (stale, live, old_style, other):
        p.write_text("half")
    hour_ago = time.time() - 3600
    os.utime(old_style, (hour_ago, hour_ago))
    atomic_write_text(target, "{}")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([target.name, live.name, other.name])
    assert clean_stale_temporaries(target) == []


def test_a_writer_killed_mid_write_leaves_a_temporary_the_next_write_removes(tmp_path):
    target = tmp_path / "progress.json"
    script = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(ROOT)!r})
        from pathlib import Path
        from advisor import fsutil
        fd, tmp = fsutil._create_temporary(Path({str(target)!r}))
        import os
        os.write(fd, b"x" * 1_000_000)
        print(tmp, flush=True)
        time.sleep(60)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        tmp = Path(proc.stdout.readline().strip())
        assert tmp.is_file()
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    atomic_write_text(target, "{}")
    assert not tmp.exists() and [p.name for p in tmp_path.iterdir()] == ["progress.json"]

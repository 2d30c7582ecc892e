"""Writing a scaffold safely (issue 14): the manifest, --force that keeps the user's changes, a re-scaffold with
another design, --out links, and runs killed half-way. Rendering is real; no generated project is run here."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from advisor.scaffold.output import MANIFEST, digest

ROOT = Path(__file__).resolve().parent.parent
NIGHTLY = ROOT / "examples" / "nightly-schedule.yaml"          # scheduler set, package nightly_report_job
FANOUT = ROOT / "examples" / "order-fanout-filtering.yaml"     # sns-fanout set, package order_fanout_filtering


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _manifest(folder: Path) -> dict:
    return json.loads((folder / MANIFEST).read_text())


def test_a_new_folder_gets_every_file_and_a_manifest_of_their_hashes(tmp_path):
    from advisor.scaffold import scaffold

    out = tmp_path / "svc"
    result = scaffold(NIGHTLY, out)
    tree = _tree(out)
    man = _manifest(out)
    assert man["complete"] is True and man["pattern"] == "scheduled-work" and man["template_set"] == "scheduler"
    assert set(man["files"]) == set(tree) - {MANIFEST} == set(result.written)
    assert all(man["files"][rel] == digest(data) for rel, data in tree.items() if rel != MANIFEST)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["svc"]          # no temporary left beside it


def test_files_follow_the_umask(tmp_path):
    from advisor.scaffold import scaffold

    old = os.umask(0o027)
    try:
        scaffold(NIGHTLY, tmp_path / "svc")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "svc" / "README.md").stat().st_mode) == 0o640
    assert stat.S_IMODE((tmp_path / "svc" / "infra").stat().st_mode) == 0o750
    assert stat.S_IMODE((tmp_path / "svc").stat().st_mode) == 0o750


def test_force_keeps_what_the_user_changed_and_replaces_only_the_scaffolds_own_files(tmp_path, cli):
    out = tmp_path / "svc"
    assert cli("scaffold", "-a", NIGHTLY, "-o", out)[0] == 0
    first = _manifest(out)["files"]
    readme = out / "README.md"
    readme.write_text("# our service\n\nWe rewrote this.\n")
    handler = out / "nightly_report_job" / "handler.py"
    handler.write_text(handler.read_text() + "\n# our change\n")
    (out / "notes.txt").write_text("ours")
    untouched = (out / "infra" / "template.yaml").read_bytes()

    code, stdout, err = cli("scaffold", "-a", NIGHTLY, "-o", out, "--force")   # the same design again
    assert code == 0, err
    assert readme.read_text() == "# our service\n\nWe rewrote this.\n" and "# our change" in handler.read_text()
    assert (out / "README.md.new").read_text().startswith("# ")                 # the scaffold's version, beside
    assert "kept README.md: you changed it; the scaffold's version is in README.md.new" in " ".join(err.split())
    assert (out / "notes.txt").read_text() == "ours" and (out / "infra" / "template.yaml").read_bytes() == untouched
    man = _manifest(out)
    assert man["files"]["README.md"] == first["README.md"] and "README.md.new" in man["files"]   # what it wrote

    before = _tree(out)
    code, _, err = cli("scaffold", "-a", NIGHTLY, "-o", out, "--force")        # and again: nothing moves
    assert code == 0, err
    assert _tree(out) == before and "kept README.md: you changed it" in " ".join(err.split())

    readme.write_bytes(_tree(out)["README.md.new"])       # the user takes the scaffold's version back
    assert cli("scaffold", "-a", NIGHTLY, "-o", out, "--force")[0] == 0
    assert not (out / "README.md.new").exists() and _manifest(out)["files"]["README.md"] == first["README.md"]


def test_another_design_removes_the_old_designs_unchanged_files_and_keeps_edited_ones(tmp_path, cli):
    out = tmp_path / "svc"
    assert cli("scaffold", "-a", NIGHTLY, "-o", out)[0] == 0
    edited = out / "nightly_report_job" / "handler.py"
    original = edited.read_bytes()
    edited.write_text(edited.read_text() + "\n# tuned by us\n")
    (out / "mine.md").write_text("ours")

    code, stdout, err = cli("scaffold", "-a", FANOUT, "-o", out, "--force")
    assert code == 0, err
    text = " ".join(err.split())
    assert "kept nightly_report_job/handler.py: you changed it, and this design does not use it" in text
    assert "removed nightly_report_job/producer.py (the previous design's, unchanged)" in text
    assert [p.name for p in (out / "nightly_report_job").iterdir()] == ["handler.py"]
    assert not (out / "tests" / "test_schedule.py").exists() and (out / "tests" / "test_fanout.py").is_file()
    assert (out / "mine.md").read_text() == "ours"
    man = _manifest(out)
    assert man["pattern"] == "sns-sqs-fanout"
    assert [r for r in man["files"] if r.startswith("nightly_report_job/")] == ["nightly_report_job/handler.py"]
    assert set(man["files"]) == {str(Path(p).relative_to(out.resolve())) for p in stdout.split()} | {
        "nightly_report_job/handler.py"}
    edited.write_bytes(original)   # put back as the scaffold wrote it: the next run removes it
    code, _, err = cli("scaffold", "-a", FANOUT, "-o", out, "--force")
    assert code == 0 and not (out / "nightly_report_job").exists()



def test_folders_the_old_design_leaves_empty_go_even_with_bytecode_in_them(tmp_path):
    from advisor.scaffold import scaffold

    out = tmp_path / "svc"
    scaffold(NIGHTLY, out)
    cache = out / "nightly_report_job" / "__pycache__"
    cache.mkdir()
    (cache / "aws.cpython-311.pyc").write_bytes(b"\0")
    scaffold(FANOUT, out, force=True)
    assert not (out / "nightly_report_job").exists()


def test_a_folder_from_before_manifests_keeps_every_existing_file(tmp_path):
    from advisor.scaffold import scaffold

    out = tmp_path / "svc"
    scaffold(NIGHTLY, out)
    (out / MANIFEST).unlink()
    (out / "README.md").write_text("ours")
    result = scaffold(NIGHTLY, out, force=True)
    assert (out / "README.md").read_text() == "ours"
    assert ("README.md", "it was not written by the scaffold") in result.kept
    assert result.beside["README.md"] == "README.md.new"


def test_links_folders_and_read_only_files_in_the_way_are_kept(tmp_path):
    from advisor.scaffold import scaffold

    out = tmp_path / "svc"
    scaffold(NIGHTLY, out)
    outside = tmp_path / "outside.yaml"
    outside.write_text("not yours")
    (out / "architecture.yaml").unlink()
    (out / "architecture.yaml").symlink_to(outside)
    (out / "pyproject.toml").unlink()
    (out / "pyproject.toml").mkdir()
    (out / "mqadvise.yaml").chmod(0o444)
    result = scaffold(FANOUT, out, force=True)
    kept = dict(result.kept)
    assert kept["architecture.yaml"] == "it is a symbolic link" and outside.read_text() == "not yours"
    assert kept["pyproject.toml"] == "a folder is in the way" and (out / "pyproject.toml.new").is_file()
    assert kept["mqadvise.yaml"] == "it is read-only"


def test_a_crafted_manifest_cannot_remove_or_replace_files_outside_the_folder(tmp_path):
    from advisor.scaffold import scaffold

    out = tmp_path / "svc"
    scaffold(NIGHTLY, out)
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"precious")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "handler.py").write_bytes(b"precious")
    (out / "linked").symlink_to(elsewhere)
    man = _manifest(out)
    man["files"].update({"../victim.txt": digest(b"precious"), str(victim): digest(b"precious"),
                         "linked/handler.py": digest(b"precious")})
    (out / MANIFEST).write_text(json.dumps(man))
    scaffold(FANOUT, out, force=True)
    assert victim.read_bytes() == b"precious" and (elsewhere / "handler.py").read_bytes() == b"precious"

    (out / MANIFEST).unlink()
    (out / MANIFEST).symlink_to(victim)                # never written through
    from advisor.errors import RefusedOverwrite

    with pytest.raises(RefusedOverwrite, match="not a regular file"):
        scaffold(FANOUT, out, force=True)
    assert victim.read_bytes() == b"precious"


@pytest.mark.parametrize("kind", ["dangling", "loop"])
def test_out_as_a_dangling_link_or_a_link_loop_is_a_clear_error(tmp_path, cli, kind):
    out = tmp_path / "svc"
    if kind == "dangling":
        out.symlink_to(tmp_path / "gone")
    else:
        (tmp_path / "other").symlink_to(out)
        out.symlink_to(tmp_path / "other")
    code, stdout, err = cli("scaffold", "-a", NIGHTLY, "-o", out)
    assert code == 2 and "Traceback" not in err and stdout == ""
    assert err.startswith(f"error: {out}: --out: is a symbolic link")
    assert ("does not exist" if kind == "dangling" else "loop") in err
    assert out.is_symlink() and not (tmp_path / "gone").exists()


def test_out_as_a_link_to_an_empty_folder_writes_into_that_folder(tmp_path):
    from advisor.scaffold import scaffold

    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "svc").symlink_to(real)
    result = scaffold(NIGHTLY, tmp_path / "svc")
    assert (tmp_path / "svc").is_symlink() and (real / "README.md").is_file()
    assert result.out_dir == real.resolve()


def _killed_run(tmp_path: Path, out: Path, answers: Path, *, force: bool, at: str, after: int = 0) -> None:
    """Run a scaffold in a child process that SIGKILLs itself at the ``after``-th call of os.<at>."""
    script = textwrap.dedent(f"""
        import os, signal, sys
        sys.path.insert(0, {str(ROOT)!r})
        real = getattr(os, {at!r})
        calls = []
        def dying(*args, **kwargs):
            calls.append(args)
            if len(calls) > {after}:
                os.kill(os.getpid(), signal.SIGKILL)
            return real(*args, **kwargs)
        setattr(os, {at!r}, dying)
        from advisor.scaffold import scaffold
        scaffold({str(answers)!r}, {str(out)!r}, force={force})
    """)
    proc = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr


def test_a_run_killed_before_the_rename_leaves_no_folder_and_the_next_run_cleans_up(tmp_path):
    from advisor.scaffold import scaffold

    out = tmp_path / "svc"
    _killed_run(tmp_path, out, NIGHTLY, force=False, at="rename")
    assert not out.exists()
    (stale,) = [p for p in tmp_path.iterdir() if p.name.startswith(".svc.")]
    assert (stale / "README.md").is_file()          # the whole project was staged there
    scaffold(NIGHTLY, out)                          # no --force needed: nothing was half-written into svc/
    assert not stale.exists() and (out / MANIFEST).is_file()


def test_a_force_run_killed_while_moving_files_is_recognised_as_the_scaffolds_own(tmp_path):
    from advisor.scaffold import scaffold

    out = tmp_path / "svc"
    scaffold(NIGHTLY, out)
    _killed_run(tmp_path, out, FANOUT, force=True, at="replace", after=8)
    man = _manifest(out)
    assert man["complete"] is False and man["pattern"] == "sns-sqs-fanout"
    assert any(p.name.startswith(".scaffold.") for p in out.iterdir())        # the staging folder
    result = scaffold(FANOUT, out, force=True)
    assert result.kept == [] and _manifest(out)["complete"] is True
    assert not any(p.name.endswith(".tmp") for p in out.rglob("*"))
    assert not (out / "nightly_report_job").exists()

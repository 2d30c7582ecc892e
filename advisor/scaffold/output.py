"""Writing a scaffold into its output folder without losing anything a user wrote.

* A new folder is written whole into a temporary folder beside it and renamed into place at the end: a
  process killed on the way leaves only a temporary, which the next run removes.
* The folder gets a manifest, ``.mqadvise-scaffold.json``: the SHA-256 of every file the scaffold wrote.
* ``--force`` into an existing folder replaces only files the scaffold wrote that still have the content it
  wrote. A file the user changed (or made, or turned into a link) stays as it is, and the scaffold's version
  goes beside it as ``NAME.new``. Files of the previous design that are unchanged are removed; edited ones
  stay. Files the manifest does not name are never touched.
* The new files are staged inside the folder first; the manifest names old and new contents while they
  are moved into place, so a run killed half-way is still recognised as the scaffold's own next time.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import stat
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from advisor.errors import InvalidInput, Location, RefusedOverwrite
from advisor.fsutil import atomic_write_text, clean_stale_temporaries, is_read_only, make_temporary_folder

MANIFEST = ".mqadvise-scaffold.json"
MANIFEST_FORMAT = "mqadvise-scaffold-manifest"
NEW_SUFFIX = ".new"
_MAX_MANIFEST_BYTES = 4 * 1024 * 1024       # design choice: far above any scaffold's manifest (~10 KB)
_STAGE = "scaffold"                          # the staging folder inside the output: .scaffold.PID.RANDOM.tmp
_WHY = {"link": "it is a symbolic link", "folder": "a folder is in the way", "read-only": "it is read-only",
        "blocked": "something that is not a plain file or folder is in the way"}


@dataclass
class WriteReport:
    out_dir: Path
    written: list[str] = field(default_factory=list)       # new or replaced (relative paths)
    unchanged: list[str] = field(default_factory=list)     # already had exactly this content
    kept: list[tuple[str, str]] = field(default_factory=list)      # (path, why) the user's file, left alone
    beside: dict[str, str] = field(default_factory=dict)   # kept path -> where the scaffold's version went
    removed: list[str] = field(default_factory=list)       # the previous design's unchanged files
    cleaned: list[Path] = field(default_factory=list)      # stale temporaries of a killed run
    notes: list[str] = field(default_factory=list)

    @property
    def files(self) -> list[Path]:
        """The scaffold's files now in the folder (written or already up to date)."""
        return [self.out_dir / rel for rel in sorted({*self.written, *self.unchanged})]


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ----- the output folder -------------------------------------------------------------------------
def check_out_dir(out_dir: Path, force: bool) -> tuple[Path, list[Path]]:
    """The real folder to write (links resolved) and the stale temporaries removed; refuses what cannot work."""
    out_dir = Path(out_dir)
    where = Location(str(out_dir), key="--out")
    try:
        real = Path(os.path.realpath(out_dir, strict=False))
        if out_dir.is_symlink():
            real = Path(os.path.realpath(out_dir, strict=True))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise InvalidInput("is a symbolic link loop", location=where,
                               hint="point --out at a folder, or remove the link") from None
        raise InvalidInput(f"is a symbolic link to {os.readlink(out_dir)!r}, which does not exist", location=where,
                           hint="create that folder first, remove the link, or choose another --out") from None
    try:
        st = real.stat()
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise InvalidInput(f"cannot be used: {exc.strerror}", location=where) from None
    if st is not None and not stat.S_ISDIR(st.st_mode):
        raise RefusedOverwrite("exists and is not a folder", location=where, hint="choose a folder for --out")
    cleaned = clean_stale_temporaries(real)
    if st is not None:
        cleaned += clean_stale_temporaries(real / _STAGE)
        cleaned += clean_stale_temporaries(real / MANIFEST)
        if not force and any(real.iterdir()):
            raise RefusedOverwrite(f"{out_dir} is not empty; refusing to write into it",
                                   hint="choose an empty folder, or pass --force: it replaces only the files "
                                        "an earlier scaffold wrote and you have not changed")
    return real, cleaned


def safe_relative(rel: str) -> PurePosixPath:
    """A path inside the output folder: relative, no '..', no empty or dot parts, forward slashes."""
    p = PurePosixPath(rel)
    if p.is_absolute() or not p.parts or any(part in ("", ".", "..") for part in p.parts) or "\\" in rel \
            or "\x00" in rel:
        raise InvalidInput(f"path {rel!r} escapes the output folder")
    return p


# ----- the manifest -------------------------------------------------------------------------------
def read_manifest(out_dir: Path) -> tuple[dict[str, set[str]], list[str]]:
    """{relative path: hashes the scaffold wrote there} from the folder's manifest, and notes on what was wrong."""
    path = out_dir / MANIFEST
    try:
        if path.is_symlink() or not path.is_file():
            return {}, []
        if path.stat().st_size > _MAX_MANIFEST_BYTES:
            return {}, [f"ignored {MANIFEST}: larger than {_MAX_MANIFEST_BYTES} bytes"]
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return {}, [f"ignored {MANIFEST}, which cannot be read ({exc}); every existing file is kept"]
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT or not isinstance(data.get("files"), dict):
        return {}, [f"ignored {MANIFEST}: not a scaffold manifest; every existing file is kept"]
    out: dict[str, set[str]] = {}
    for rel, hashes in data["files"].items():
        hashes = [hashes] if isinstance(hashes, str) else hashes
        try:
            safe_relative(rel)
        except InvalidInput:
            continue
        if isinstance(hashes, list):
            good = {h for h in hashes if isinstance(h, str) and len(h) == 64}
            if good:
                out[rel] = good
    return out, []


def _manifest_text(files: dict[str, set[str]], meta: dict[str, str], complete: bool) -> str:
    # one hash a path when complete; while files move, the old and the new
    data = {"format": MANIFEST_FORMAT, "version": 1, **meta, "complete": complete,
            "files": {rel: next(iter(files[rel])) if len(files[rel]) == 1 else sorted(files[rel])
                      for rel in sorted(files)}}
    return json.dumps(data, indent=1, ensure_ascii=True) + "\n"


# ----- writing ------------------------------------------------------------------------------------
def write_scaffold(out_dir: Path, files: dict[str, str], *, force: bool, meta: dict[str, str]) -> WriteReport:
    """Write ``files`` ({relative path: text}) into ``out_dir`` under the rules of the module docstring."""
    real, cleaned = check_out_dir(out_dir, force)
    blobs = {str(safe_relative(rel)): text.encode("utf-8", "replace") for rel, text in files.items()}
    if MANIFEST in blobs:
        raise InvalidInput(f"a template set may not write {MANIFEST}")
    report = WriteReport(real, cleaned=cleaned)
    if not real.exists():
        _write_new_folder(real, blobs, meta, report)
    else:
        _update_folder(real, blobs, meta, report)
    return report


def _write_new_folder(real: Path, blobs: dict[str, bytes], meta: dict[str, str], report: WriteReport) -> None:
    real.parent.mkdir(parents=True, exist_ok=True)
    stage = make_temporary_folder(real)
    try:
        for rel, data in blobs.items():
            _put(stage / rel, data)
        _put(stage / MANIFEST, _manifest_text({r: {digest(d)} for r, d in blobs.items()}, meta, True).encode())
        try:
            os.rename(stage, real)
        except OSError as exc:
            if exc.errno in (errno.EEXIST, errno.ENOTEMPTY):
                raise RefusedOverwrite(f"{real} appeared while the scaffold was being written; nothing was "
                                       "changed in it", hint="run again with --force to update it") from None
            raise
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    report.written = sorted(blobs)


def _update_folder(real: Path, blobs: dict[str, bytes], meta: dict[str, str], report: WriteReport) -> None:
    if _state(real, MANIFEST)[0] not in ("missing", "file"):
        raise RefusedOverwrite(f"{MANIFEST} is not a regular file (a link or a folder); refusing to write it",
                               location=Location(str(real / MANIFEST)), hint="remove it and run again")
    old, notes = read_manifest(real)
    report.notes += notes
    owned: dict[str, set[str]] = {}          # the final manifest
    place: dict[str, bytes] = {}             # relative path -> content to move into place
    for rel, data in sorted(blobs.items()):
        new = digest(data)
        state, current = _state(real, rel)
        if state == "file" and current == new:
            report.unchanged.append(rel)
            owned[rel] = {new}
        elif state == "missing" or (state == "file" and current in old.get(rel, ())):
            place[rel] = data
            owned[rel] = {new}
        else:
            why = ("you changed it" if rel in old else "it was not written by the scaffold") if state == "file" \
                else _WHY[state]
            report.kept.append((rel, why))
            if rel in old:
                owned[rel] = old[rel]        # still the scaffold's path: replaced once it is as the scaffold wrote it
            other = rel + NEW_SUFFIX
            o_state, o_current = _state(real, other)
            if o_state == "missing" or (o_state == "file" and (o_current in old.get(other, ()) or o_current == new)):
                place[other] = data
                owned[other] = {new}
                report.beside[rel] = other
    leaving = []
    for rel, hashes in sorted(old.items()):
        if rel in owned or rel in blobs:
            continue
        state, current = _state(real, rel)
        if state == "file" and current in hashes:
            leaving.append(rel)
        elif state != "missing":
            report.kept.append((rel, ("you changed it" if state == "file" else _WHY[state]) +
                                ", and this design does not use it"))
            owned[rel] = hashes              # removed by a later run once it is as the scaffold wrote it
    # while files move, the manifest accepts the old and the new content of each path
    pending = {rel: old.get(rel, set()) | owned.get(rel, set()) for rel in {*old, *owned}}
    stage = make_temporary_folder(real / _STAGE)
    try:
        for rel, data in place.items():
            _put(stage / rel, data)
        atomic_write_text(real / MANIFEST, _manifest_text(pending, meta, False))
        for rel in place:
            target = real / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            staged = stage / rel
            try:
                os.chmod(staged, stat.S_IMODE(target.lstat().st_mode))   # a replaced file keeps its mode
            except FileNotFoundError:
                pass
            os.replace(staged, target)
            report.written.append(rel)
        for rel in leaving:
            os.unlink(real / rel)
            report.removed.append(rel)
            _prune(real, (real / rel).parent)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    atomic_write_text(real / MANIFEST, _manifest_text(owned, meta, True))
    report.written.sort()


def _state(real: Path, rel: str) -> tuple[str, str | None]:
    """What is at ``rel`` now: missing, file (with its hash), read-only, link, folder, or blocked (a parent
    is not a folder, or it is a device or pipe)."""
    node = real
    for part in PurePosixPath(rel).parts[:-1]:
        node = node / part
        try:
            st = node.lstat()
        except FileNotFoundError:
            return "missing", None
        if not stat.S_ISDIR(st.st_mode):
            return "blocked", None
    path = real / rel
    try:
        st = path.lstat()
    except FileNotFoundError:
        return "missing", None
    if stat.S_ISLNK(st.st_mode):
        return "link", None
    if stat.S_ISDIR(st.st_mode):
        return "folder", None
    if not stat.S_ISREG(st.st_mode):
        return "blocked", None
    if is_read_only(path):
        return "read-only", None
    return "file", digest(path.read_bytes())


def _put(path: Path, data: bytes) -> None:
    """Write a file inside a staging folder (the whole folder is what becomes visible, so no rename here)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _prune(real: Path, folder: Path) -> None:
    """Remove folders the removed files leave empty (or holding only __pycache__), up to the output folder."""
    while folder != real and real in folder.parents:
        try:
            entries = list(folder.iterdir())
            if [e.name for e in entries] == ["__pycache__"] and all(
                    f.suffix == ".pyc" and f.is_file() and not f.is_symlink() for f in entries[0].iterdir()):
                shutil.rmtree(entries[0])
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent

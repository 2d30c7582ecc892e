"""File writing that never leaves a half-written file and never silently overwrites a user's work.

Every file mqadvise writes for a user (ADRs, saved answers, study progress and exports, scaffolds) goes
through :func:`atomic_write_bytes`:

* the data goes to a temporary file beside the target, then ``os.replace`` puts it in place, so a reader
  sees the old file or the new one, never half of one;
* a new file gets the user's umask (the temporary is created with mode 0666 and the kernel applies the
  umask), a replaced file keeps its own mode;
* writing to a symbolic link writes to the file it points to (the link stays a link); a dangling link or a
  link loop is refused;
* a read-only file (no write permission) is refused with a message instead of being replaced;
* temporaries left behind by a writer that was killed (``.NAME.PID.RANDOM.tmp``, files or folders) are
  removed by the next write to the same file.
"""

from __future__ import annotations

import errno
import os
import secrets
import shutil
import stat
import time
from pathlib import Path

from advisor.errors import InvalidInput, Location, RefusedOverwrite
from advisor.pids import pid_alive

TMP_SUFFIX = ".tmp"
STALE_AFTER = 24 * 3600        # seconds; a temporary this old is stale even if its PID now names a live process


class ReadOnlyFile(RefusedOverwrite, PermissionError):
    """The target exists and is read-only: mqadvise does not replace it (also an OSError for callers)."""


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (see the module docstring for the rules)."""
    target = resolve_target(Path(path))
    mode = _existing_mode(target)
    clean_stale_temporaries(target)
    fd, tmp = _create_temporary(target)
    try:
        with os.fdopen(fd, "wb") as fh:
            if mode is not None and hasattr(os, "fchmod"):
                os.fchmod(fh.fileno(), mode)     # a replaced file keeps its mode
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _fsync_folder(target.parent)


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def write_new_file(path: Path, text: str, *, force: bool = False) -> None:
    """Atomically write a file the user will own; refuse to replace an existing one without force."""
    path = Path(path)
    if (path.exists() or path.is_symlink()) and not force:
        raise RefusedOverwrite(
            "already exists; refusing to overwrite", location=Location(str(path)),
            hint="pass --force to replace it",
        )
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, text)


def resolve_target(path: Path) -> Path:
    """The file a write to ``path`` really changes: the path itself, or the file its symbolic link names."""
    if not path.is_symlink():
        return path
    try:
        real = Path(os.path.realpath(path, strict=True))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise InvalidInput("is a symbolic link loop; refusing to write through it",
                               location=Location(str(path))) from None
        raise InvalidInput(f"is a symbolic link to {os.readlink(path)!r}, which does not exist; refusing to "
                           "write through it", location=Location(str(path)),
                           hint="remove the link or create the file it points to") from None
    if real.is_dir():
        raise InvalidInput(f"is a symbolic link to the folder {str(real)!r}, not a file",
                           location=Location(str(path)))
    return real


def is_read_only(path: Path) -> bool:
    """True for an existing file the user cannot or did not mean to write (no write permission bit)."""
    try:
        st = path.stat()
    except OSError:
        return False
    # root may write anything, so the mode bits say what the owner meant (a 0444 file stays unchanged)
    return not (st.st_mode & 0o222) or not os.access(path, os.W_OK)


def clean_stale_temporaries(target: Path) -> list[Path]:
    """Remove ``.NAME.PID.RANDOM.tmp`` files beside ``target`` whose writer is gone; the removed paths."""
    prefix = f".{target.name}."
    removed = []
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return removed
    for entry in entries:
        if not (entry.name.startswith(prefix) and entry.name.endswith(TMP_SUFFIX)):
            continue
        middle = entry.name[len(prefix):-len(TMP_SUFFIX)]
        try:
            if entry.is_symlink() or not _is_stale(middle, entry.stat(follow_symlinks=False).st_mtime):
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)            # a temporary folder (a scaffold being written)
            else:
                os.unlink(entry.path)
            removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


def make_temporary_folder(target: Path) -> Path:
    """A new folder ``.NAME.PID.RANDOM.tmp`` beside ``target`` (mode 0777 less the umask), for writing a whole
    tree that is renamed into place at the end; :func:`clean_stale_temporaries` removes it if the writer dies."""
    for _ in range(100):
        tmp = target.parent / f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}{TMP_SUFFIX}"
        try:
            os.mkdir(tmp, 0o777)
            return tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(target))


def _is_stale(middle: str, mtime: float) -> bool:
    """``middle`` is ``PID.RANDOM`` (or an older writer's random name): stale if that process is gone."""
    if time.time() - mtime > STALE_AFTER:
        return True
    pid_text, _, rest = middle.partition(".")
    if not (pid_text.isdigit() and rest):
        return time.time() - mtime > 600      # a temporary without a PID: an older mqadvise, stale after 10 min
    return not pid_alive(int(pid_text))


def _existing_mode(target: Path) -> int | None:
    try:
        st = target.stat()
    except FileNotFoundError:
        return None
    if stat.S_ISDIR(st.st_mode):
        raise InvalidInput("is a folder, not a file", location=Location(str(target)))
    if is_read_only(target):
        raise ReadOnlyFile("is read-only; refusing to replace it", location=Location(str(target)),
                           hint=f"make it writable first (chmod u+w {target}) if mqadvise should update it")
    return stat.S_IMODE(st.st_mode)


def _create_temporary(target: Path) -> tuple[int, str]:
    """A new temporary file beside ``target``, mode 0666 less the umask, named after this process."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)
    for _ in range(100):
        tmp = target.parent / f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}{TMP_SUFFIX}"
        try:
            return os.open(tmp, flags, 0o666), str(tmp)
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(target))


def _fsync_folder(folder: Path) -> None:
    """Make the rename durable (POSIX); a no-op where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def inside(base: Path, candidate: Path) -> Path:
    """Resolve ``candidate`` under ``base`` and refuse paths that escape it."""
    base_r = base.resolve()
    target = (base_r / candidate).resolve()
    if target != base_r and base_r not in target.parents:
        raise InvalidInput(f"path {str(candidate)!r} escapes the output folder {str(base)!r}")
    return target

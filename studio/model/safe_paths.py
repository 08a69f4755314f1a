"""Where data may make the app read or write: inside the project folder (or the folder the creator chose), never
elsewhere; and temp names a crash can leave behind, so the next start can clean them.

A project file, a brief and a review zip come from other teams, so every path they hold is untrusted. `confine`
is the one check every read and write that follows such a path goes through: absolute paths, `..` and links that
lead out of the folder are refused with the field named.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path, PurePosixPath, PureWindowsPath

from studio.model.errors import ValidationFailed

#: Every temp file or folder this app makes carries `qmtmp-<pid>-`: a crash leaves names whose owner is gone.
TEMP_MARK = "qmtmp"
_TEMP_RE = re.compile(rf"{TEMP_MARK}-(\d+)-")
#: Names from before the mark existed: removed once they are older than this.
_LEGACY_RE = re.compile(r"^\.project\.json\.[A-Za-z0-9_]+\.tmp$|^\..+\.partial(-\d+-[0-9a-f]+)?(\.\w+)?$")
_LEGACY_AGE_S = 600.0
CUT_DIR_PREFIX = "qm-cut-"


class OutsideProject(ValidationFailed):
    """A path from a project file, brief or bundle points outside the folder it must stay in."""


def confine(root: Path, rel: str | os.PathLike[str], *, field: str, source: str = "project.json") -> Path:
    """`root/rel`, resolved, or OutsideProject when `rel` is absolute, climbs with `..` or a link leads out."""
    text = os.fspath(rel)
    fix = f"Give {field} relative to {root} (inside that folder), or fix or remove the entry in {source}."
    if not text or "\x00" in text:
        raise OutsideProject(f"{source}: {field} is empty or holds a NUL character.", fix)
    if (
        PurePosixPath(text).is_absolute()
        or PureWindowsPath(text).is_absolute()
        or PureWindowsPath(text).drive
        or text.startswith(("/", "\\", "~"))
    ):
        raise OutsideProject(
            f"{source}: {field} is an absolute path ({text!r}); only paths inside {root} are used.", fix
        )
    parts = re.split(r"[\\/]", text)
    if ".." in parts:
        raise OutsideProject(f"{source}: {field} climbs out of {root} with '..' ({text!r}).", fix)
    base = Path(root).resolve()
    path = (base / text).resolve()
    if not path.is_relative_to(base):
        raise OutsideProject(f"{source}: {field} ({text!r}) leads out of {root} through a link.", fix)
    return path


def is_inside(root: Path, path: Path) -> bool:
    """Whether `path` (absolute or relative to `root`) resolves inside `root`, links followed."""
    try:
        full = path if path.is_absolute() else Path(root) / path
        return full.resolve().is_relative_to(Path(root).resolve())
    except (OSError, ValueError):
        return False


# --- permissions ----------------------------------------------------------------------------------------------------


def current_umask() -> int:
    """The process umask, read without changing it where the OS allows (changing it races other threads)."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def honour_umask(path: str | os.PathLike[str]) -> None:
    """mkstemp creates 0600; a finished file gets the mode any other file would (0666 less the umask)."""
    if sys.platform != "win32":
        with contextlib.suppress(OSError):
            os.chmod(path, 0o666 & ~current_umask())


def honour_umask_dir(path: str | os.PathLike[str]) -> None:
    """mkdtemp creates 0700; a finished folder gets 0777 less the umask."""
    if sys.platform != "win32":
        with contextlib.suppress(OSError):
            os.chmod(path, 0o777 & ~current_umask())


# --- temp names and what a crash leaves ------------------------------------------------------------------------------


def temp_prefix(stem: str) -> str:
    """Prefix for `tempfile.mkstemp`/`mkdtemp`: hidden, marked with this process's id."""
    return f".{stem}.{TEMP_MARK}-{os.getpid()}-"


def cut_dir_prefix() -> str:
    return f"{CUT_DIR_PREFIX}{TEMP_MARK}-{os.getpid()}-"


def pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        import psutil

        try:
            return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE  # a killed, unreaped process is gone
        except psutil.NoSuchProcess:
            return False
        except psutil.Error:
            return True
    except ImportError:
        pass
    if sys.platform == "win32":
        return True  # no cheap check: the age rule below still cleans it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    with contextlib.suppress(OSError, IndexError):  # Linux: a zombie (killed, not yet reaped) is gone
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    return True


def _remove(path: Path) -> bool:
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
        return True
    except OSError:
        return False


def sweep_leftovers(folder: Path, *, max_age_s: float = 7 * 86400) -> list[Path]:
    """Remove temp files and folders in `folder` whose owning process is gone (or that are very old)."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        name = entry.name
        match = _TEMP_RE.search(name)
        try:
            age = now - entry.stat(follow_symlinks=False).st_mtime
        except OSError:
            continue
        if match:
            stale = not pid_alive(int(match.group(1))) or age > max_age_s
        else:
            stale = bool(_LEGACY_RE.match(name)) and age > _LEGACY_AGE_S
        if stale and _remove(Path(entry.path)):
            removed.append(Path(entry.path))
    return removed


def sweep_cut_dirs() -> list[Path]:
    """The renders' `qm-cut-*` work folders in TMPDIR whose render process is gone."""
    removed = []
    tmp = Path(tempfile.gettempdir())
    with contextlib.suppress(OSError):
        for entry in os.scandir(tmp):
            if not entry.name.startswith(CUT_DIR_PREFIX):
                continue
            match = _TEMP_RE.search(entry.name)
            try:
                age = time.time() - entry.stat(follow_symlinks=False).st_mtime
            except OSError:
                continue
            stale = (not pid_alive(int(match.group(1)))) if match else age > _LEGACY_AGE_S
            if stale and _remove(Path(entry.path)):
                removed.append(Path(entry.path))
    return removed


@contextlib.contextmanager
def writing(final: Path, *, needed_bytes: int | None = None) -> Iterator[Path]:
    """Yield a temp path beside `final`; on success it becomes `final` (umask honoured), on any failure it is
    removed, and a full disk is reported as such."""
    from studio.model.errors import disk_full, is_disk_full

    final.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=temp_prefix(final.stem), suffix=f".partial{final.suffix}", dir=final.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        honour_umask(tmp)
        os.replace(tmp, final)
    except BaseException as e:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if is_disk_full(e) or short_of_space(final.parent, needed_bytes):
            raise disk_full(final.parent, needed_bytes) from e
        raise


def short_of_space(folder: Path, needed_bytes: int | None) -> bool:
    """True when `folder`'s disk has less free space than a write needed (libraries that hide ENOSPC)."""
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return False
    return free < max(needed_bytes or 0, 1 << 20)

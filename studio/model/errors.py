"""Errors a creator can act on: every one says what went wrong and what to do next."""

from __future__ import annotations


class StudioError(Exception):
    """Base for errors shown to a creator. `hint` says what to do next."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n  → {self.hint}" if self.hint else self.message

    def __reduce__(self) -> tuple[object, ...]:
        """Pickle message and hint whatever the subclass's constructor takes (errors cross process boundaries)."""
        return (_rebuild, (type(self), self.message, self.hint))


def _rebuild(cls: type[StudioError], message: str, hint: str) -> StudioError:
    error = cls.__new__(cls)
    StudioError.__init__(error, message, hint)
    return error


class ValidationFailed(StudioError):
    """A brief or project file does not match the schema; names the file, the field and the fix."""


class ProjectError(StudioError):
    """A project folder is missing, unreadable or from a newer version of the app."""


class BackendError(StudioError):
    """A model, voice or font backend cannot do what was asked (missing files, unsupported format)."""


class Cancelled(StudioError):
    """A stage stopped because its job was cancelled; nothing half-written was left behind."""

    def __init__(self, message: str = "Cancelled.") -> None:
        super().__init__(message)


class DiskFull(ProjectError):
    """The disk ran out of space mid-write; the partial file was removed."""


def disk_full(path: object, needed_bytes: int | None = None) -> DiskFull:
    """'the disk is full: free N MB at PATH', N being what the write needed (or 100 MB when unknown)."""
    import shutil
    from pathlib import Path

    folder = Path(str(path))
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        free = 0
    need_mb = max(1, -(-(needed_bytes or 100 * 2**20) // 2**20))
    return DiskFull(
        f"The disk is full: free {need_mb} MB at {folder} (only {free / 2**20:.1f} MB are free now).",
        "Delete files or choose a folder on another disk, then run it again; no partial file was left behind.",
    )


def is_disk_full(error: BaseException) -> bool:
    import errno

    seen = 0
    current: BaseException | None = error
    while current is not None and seen < 5:
        if isinstance(current, OSError) and current.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if "No space left on device" in str(current) or "Disk quota exceeded" in str(current):
            return True
        current = current.__cause__ or current.__context__
        seen += 1
    return False

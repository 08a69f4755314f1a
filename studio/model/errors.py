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

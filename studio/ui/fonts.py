"""Give Qt the Noto fonts the studio ships, so Thai, Arabic, CJK… lines show in tables on any system.

The files are found and read by a quiet job (that needs Pillow and the font packages); the main thread only
registers the bytes, once per script. Every script is loaded right after the window first shows (a zero-timer, so the
first frame is not delayed): a market added to an open project then never shows boxes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtGui import QFontDatabase

_registered: set[str] = set()


@dataclass(frozen=True)
class FontFilesRequest:
    scripts: tuple[str, ...]


def read_font_files(request: FontFilesRequest, *, on_progress: Any = None, cancel: Any = None) -> dict[str, bytes]:
    """Worker side: the font file of each script, as bytes (missing packages are skipped; readiness reports them)."""
    from pipelines.fonts import font_path

    out = {}
    for script in request.scripts:
        try:
            out[script] = font_path(script).read_bytes()
        except Exception:
            continue
    return out


def scripts_for_languages(languages: set[str]) -> tuple[str, ...]:
    from pipelines.fonts import script_for_language

    return tuple(sorted({"latin", *(script_for_language(lang) for lang in languages)} - _registered))


def all_scripts() -> tuple[str, ...]:
    """Every script the studio ships a font for that is not registered yet."""
    from pipelines.fonts import SCRIPT_FONTS

    return tuple(s for s in SCRIPT_FONTS if s not in _registered)


def registered() -> frozenset[str]:
    return frozenset(_registered)


def register(fonts: dict[str, bytes]) -> list[str]:
    """Main thread: add each font as an application font; Qt's fallback then draws those scripts."""
    families: list[str] = []
    for script, data in fonts.items():
        if script in _registered:
            continue
        _registered.add(script)
        font_id = QFontDatabase.addApplicationFontFromData(data)
        if font_id >= 0:
            families.extend(QFontDatabase.applicationFontFamilies(font_id))
    return families


class FontLoader:
    """Reads fonts in a quiet job and registers them one script per event-loop turn (the UI never stalls on them).

    `load(scripts)` is called right after the window first shows (every script the studio ships) and when a project
    opens (its scripts first, in case the first load has not finished). `loaded()` runs after each batch.
    """

    def __init__(self, jobs: Any, context: Any, loaded: Any) -> None:
        self.jobs = jobs
        self.context = context
        self.loaded = loaded
        self.in_flight: set[str] = set()

    def load(self, scripts: tuple[str, ...]) -> None:
        from PySide6.QtCore import QTimer

        scripts = tuple(s for s in scripts if s not in self.in_flight)
        if not scripts:
            return
        self.in_flight.update(scripts)

        def done(job: Any) -> None:
            self.in_flight.difference_update(scripts)
            if job.state != "finished":
                return
            pending = dict(job.result)

            def register_next() -> None:
                if not pending:
                    self.loaded()
                    return
                script = next(iter(pending))
                register({script: pending.pop(script)})
                QTimer.singleShot(0, self.context, register_next)

            register_next()

        self.jobs.submit("Fonts", read_font_files, FontFilesRequest(scripts), on_done=done, quiet=True)

    def load_for_project(self, project: Any) -> None:
        languages = {project.brief.master_language, *(v.language for v in project.variants)}
        languages |= {m.language for m in project.brief.markets if m.language}
        self.load(scripts_for_languages(languages))

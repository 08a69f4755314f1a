"""Before anything runs: per market, is there a voice, a font and an image model ready? (Qt-free.)

Runs as a background job (listing voices and reading fonts takes a moment); each missing piece says what to do.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from studio.model import Brief, Project, StudioError
from studio.model.stage import CancelToken, ProgressFn, check, report
from studio.stages.settings import Settings


@dataclass(frozen=True)
class Check:
    ready: bool
    what: str
    hint: str = ""


@dataclass(frozen=True)
class MarketReadiness:
    market: str
    language: str
    voice: Check
    font: Check
    model: Check
    notes: tuple[str, ...] = ()
    """What is worth knowing but blocks nothing (a presenter line not lip-synced yet: the cut shows the still)."""

    @property
    def ready(self) -> bool:
        return self.voice.ready and self.font.ready and self.model.ready


@dataclass(frozen=True)
class ReadinessRequest:
    brief: Brief
    voices: dict[str, str]
    image_model: str
    model_folders: tuple[Path, ...] = ()
    voice_folders: tuple[Path, ...] = ()
    captions: dict[str, tuple[str, ...]] | None = None
    """Caption lines per language, checked glyph by glyph against the font."""
    notes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Per market code, notes that block nothing (`presenter_notes`)."""


def _language(brief: Brief, code: str, language: str | None) -> str:
    if language:
        return language
    try:
        from studio.planning import load_knowledge

        return load_knowledge().markets[code.lower()].languages[0].code
    except Exception:
        return brief.master_language


def _voice(language: str, wanted: str, folders: tuple[Path, ...]) -> Check:
    """Asks the voice registry, which knows each engine's language names (espeak calls Mandarin 'cmn')."""
    from pipelines.voice import voice_info
    from pipelines.voice.languages import GUIDE_VOICE_NOTE, is_guide_voice

    voice = wanted or "espeak"
    info = voice_info(voice, language, folders)
    if not info.ready:
        return Check(False, f"{voice}: {info.reason}", info.hint or "Pick another voice for this language in Settings.")
    if is_guide_voice(voice):  # speaks, so it is ready for drafts; the cell says it is not a voice to publish
        return Check(True, f"{info.engine} ({info.name or info.id}) · guide voice", GUIDE_VOICE_NOTE)
    return Check(True, f"{info.engine} ({info.name or info.id})")


def _voice_notes(language: str, wanted: str) -> tuple[str, ...]:
    """A voice that speaks the language, but not well enough to publish (espeak's Hebrew): said, not blocked."""
    from pipelines.voice.languages import voice_caveat

    caveat = voice_caveat(wanted or "espeak", language)
    return (
        (f"voice for {language}: {caveat}; record the voice-over or choose a better {language} voice",)
        if caveat
        else ()
    )


def _font(language: str, lines: tuple[str, ...]) -> Check:
    from pipelines.fonts import font_path, missing_glyphs, script_for_language

    script = script_for_language(language)
    try:
        path = font_path(script)
    except StudioError as e:
        return Check(False, e.message, e.hint)
    missing = sorted({ch for line in lines for ch in missing_glyphs(line, language)})
    if missing:
        return Check(False, f"{path.name} cannot draw {''.join(missing)!r}", "Install a font package for that script.")
    return Check(True, path.name)


def _model(image_model: str, folders: tuple[Path, ...]) -> Check:
    if image_model in ("", "procedural"):
        return Check(True, "procedural storyboard frames (built in)")
    candidate = Path(image_model).expanduser()
    if candidate.exists():
        return Check(True, candidate.name)
    try:
        from pipelines.image.registry import find_model

        info = find_model(image_model, list(folders), env={})  # the settings' folders, never the environment
        return Check(True, getattr(info, "id", image_model))
    except StudioError as e:
        return Check(False, e.message, e.hint)
    except ImportError:
        for folder in folders:
            if (folder / image_model).exists():
                return Check(True, image_model)
        return Check(False, f"model {image_model!r} not found", "Add its folder under Settings → Model folders.")


def check_readiness(
    request: ReadinessRequest, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None
) -> list[MarketReadiness]:
    out = []
    markets = request.brief.markets
    for i, m in enumerate(markets):
        check(cancel)
        language = _language(request.brief, m.code, m.language)
        lines = (request.captions or {}).get(language, ())
        voice = request.voices.get(language, "")
        out.append(
            MarketReadiness(
                market=m.code,
                language=language,
                voice=_voice(language, voice, request.voice_folders),
                font=_font(language, lines),
                model=_model(request.image_model, request.model_folders),
                notes=(*request.notes.get(m.code, ()), *_voice_notes(language, voice)),
            )
        )
        report(on_progress, (i + 1) / len(markets), f"{m.code} checked")
    return out


NOT_LIP_SYNCED = "presenter line not lip-synced yet"


def presenter_notes(project: Project) -> dict[str, tuple[str, ...]]:
    """Per market, each variant's presenter shot that has no presenter take playing: "presenter line not lip-synced
    yet" (not a block: the cut shows the shot's still; Presenter… on the Images page or `qianmian presenter` makes
    one)."""
    from studio.model.motion import picked_motion

    if project.storyboard is None:
        return {}
    shots = [s.id for s in project.storyboard.shots if s.presenter]
    out: dict[str, list[str]] = {}
    for v in project.variants:
        for shot in shots:
            playing = picked_motion(project, shot, v.id)
            if not any(t.info.get("lipsync") and t.variant_id == v.id for t in playing):
                line = f"{v.id} {shot}: {NOT_LIP_SYNCED}"
                out.setdefault(v.market.upper(), []).append(line)
    return {k: tuple(x) for k, x in out.items()}


def readiness_request(
    project: Project, voices: dict[str, str], image_model: str, **folders: tuple[Path, ...]
) -> ReadinessRequest:
    captions: dict[str, list[str]] = {}
    for v in project.variants:
        captions.setdefault(v.language, []).extend(s.caption for s in v.shots if s.caption)
    return ReadinessRequest(
        brief=project.brief,
        voices={**project.settings.voices, **voices},
        image_model=image_model or project.settings.image_model,
        captions={k: tuple(v) for k, v in captions.items()},
        notes=presenter_notes(project),
        **folders,
    )


def request_from_settings(project: Project, settings: Settings) -> ReadinessRequest:
    """The check for an open project with the machine's settings (model folders, voices, voice folders)."""
    return readiness_request(
        project,
        settings.voice_map(),
        settings.image_model,
        model_folders=settings.model_folders,
        voice_folders=settings.voice_folders,
    )

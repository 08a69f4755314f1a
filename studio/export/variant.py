"""`export_variant`: the hand-off files of one variant, in one folder an editor or reviewer can take away.

<out>/<variant>_storyboard.pdf, _shots.csv, _shots.xlsx, _contact.png, .otio, _fcp7.xml, _fcpx.fcpxml, and media/
(the stills, voice lines, caption titles and music the timelines point at). Every file is written under a temp
name and renamed, so a cancelled export leaves only finished files. Like `render_variant`, it does not save
project.json; `export_campaign` (or the caller) records the returned deliverables.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from studio.export.shots import VariantSheet, variant_sheet
from studio.model import ASPECT_SIZES, Deliverable, Project, ProjectStore
from studio.model.safe_paths import writing
from studio.model.stage import CancelToken, ProgressFn, check, report

#: Every kind `export_variant` can write, in the order it writes them.
EXPORT_KINDS = ("pdf", "png", "csv", "xlsx", "otio", "xml")


@dataclass(frozen=True)
class ExportRequest:
    project_dir: Path
    variant_id: str
    out_dir: Path | None = None
    """Default: PROJECT/renders/handoff/<variant>."""
    kinds: tuple[str, ...] = EXPORT_KINDS
    aspect: str | None = None
    """The aspect whose render and frame size the timelines follow; default: the brief's first."""
    fps: int | None = None
    """Timeline frame rate; default: the project's render fps."""
    project: Project | None = None
    """The project as the caller has it; None reads project.json."""


@dataclass
class ExportResult:
    variant_id: str
    out_dir: Path
    deliverables: list[Deliverable]
    media: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def default_out_dir(store: ProjectStore, variant_id: str) -> Path:
    return store.renders / "handoff" / variant_id


def _relative(store: ProjectStore, path: Path) -> str:
    try:
        return path.resolve().relative_to(store.root.resolve()).as_posix()
    except ValueError:
        return str(path.resolve())


def _copy(src: Path, dest: Path) -> Path:
    """Copy once: media keep their content-hash names, so an existing file of that name is the same file."""
    if dest.is_file() and dest.stat().st_size == src.stat().st_size:
        return dest
    with writing(dest, needed_bytes=src.stat().st_size) as tmp:
        shutil.copyfile(src, tmp)
    return dest


def _caption_cues(sheet: VariantSheet) -> list[tuple[float, float, str]]:
    """The burned-in captions: as the render cut them (its record), else as it would (with the voice line, else
    inside the shot)."""
    from studio.export.shots import VOICE_LEAD_S

    if sheet.cut is not None:
        return [(c.start_s, c.end_s, c.text) for c in sheet.cut.captions]

    cues = []
    for r in sheet.rows:
        text = r.on_screen_text or r.voiceover
        if not text:
            continue
        if r.voice is not None:
            cues.append((r.voice_start_s, r.voice_start_s + r.voice.duration_s, text))
        else:
            cues.append((r.start_s + VOICE_LEAD_S, r.end_s - VOICE_LEAD_S, text))
    return cues


def _gather_media(sheet: VariantSheet, media_dir: Path, cancel: CancelToken | None):
    from PIL import Image

    from studio.export.timeline import Media
    from studio.render.audio import generated_bed, write_wav
    from studio.render.captions import caption_overlay

    media_dir.mkdir(parents=True, exist_ok=True)
    stills = {r.shot_id: _copy(r.image, media_dir / f"{r.shot_id}_{r.image.name}") for r in sheet.rows if r.image}
    voice = {r.shot_id: _copy(r.voice_file, media_dir / r.voice_file.name) for r in sheet.rows if r.voice_file}
    check(cancel)
    width, height = ASPECT_SIZES.get(sheet.aspect, ASPECT_SIZES["9:16"])
    captions = []
    for n, (start, end, text) in enumerate(_caption_cues(sheet), start=1):
        overlay = caption_overlay(text, sheet.variant.language, width, height, aspect=sheet.aspect)
        frame = Image.new("RGBA", (width, height), (0, 0, 0, 0))
        frame.alpha_composite(overlay.image, (overlay.x, overlay.y))
        path = media_dir / f"caption_{n:02d}.png"
        with writing(path) as tmp:
            frame.save(tmp, format="PNG", optimize=True)
        captions.append((start, end, text, path))
        check(cancel)
    settings_music = sheet.project.settings.music
    music_file = None
    if settings_music:
        from studio.model.safe_paths import confine

        music_file = confine(sheet.project_root, settings_music, field="settings.music")
    if music_file is not None and music_file.is_file():
        music = _copy(music_file, media_dir / music_file.name)
    else:
        music = media_dir / "music_bed.wav"
        with writing(music) as tmp:
            write_wav(tmp, generated_bed(sheet.duration_s))
    return Media(stills=stills, voice=voice, captions=captions, music=music, video=sheet.video)


def export_variant(
    request: ExportRequest, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None
) -> ExportResult:
    """Storyboard PDF, contact sheet, shot lists and editor timelines of one variant."""
    from studio.model import ValidationFailed

    unknown = [k for k in request.kinds if k not in EXPORT_KINDS]
    if unknown:
        raise ValidationFailed(f"Unknown export kind(s): {', '.join(unknown)}.", f"Use {', '.join(EXPORT_KINDS)}.")
    store = ProjectStore(request.project_dir)
    project = request.project if request.project is not None else store.load()
    sheet = variant_sheet(project, store, request.variant_id, request.aspect)
    out_dir = request.out_dir or default_out_dir(store, sheet.variant.id)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = sheet.variant.id
    v = sheet.variant
    meta = {"variant_id": v.id, "market": v.market, "language": v.language, "segment": v.segment}
    result = ExportResult(variant_id=v.id, out_dir=out_dir, deliverables=[])
    missing = [r.shot_id for r in sheet.rows if r.image is None]
    if missing:
        result.warnings.append(f"{v.id}: no image yet for {', '.join(missing)} (generate takes or render first).")
    if sheet.video is None:
        result.warnings.append(f"{v.id}: not rendered yet; timings are the planned ones.")

    def add(kind: str, path: Path) -> None:
        result.deliverables.append(
            Deliverable(
                aspect=sheet.aspect, kind=kind, path=_relative(store, path), duration_s=sheet.duration_s, **meta
            )
        )

    steps: list[tuple[str, str, Callable[[], None]]] = []
    if "pdf" in request.kinds:
        from studio.export.pdf import write_storyboard_pdf

        steps.append(
            (
                "pdf",
                "Storyboard PDF",
                lambda: add("pdf", write_storyboard_pdf(sheet, out_dir / f"{stem}_storyboard.pdf")),
            )
        )
    if "png" in request.kinds:
        from studio.export.contact import write_contact_sheet

        steps.append(
            ("png", "Contact sheet", lambda: add("png", write_contact_sheet(sheet, out_dir / f"{stem}_contact.png")))
        )
    if "csv" in request.kinds:
        from studio.export.tables import write_csv

        steps.append(("csv", "Shot list CSV", lambda: add("csv", write_csv(sheet, out_dir / f"{stem}_shots.csv"))))
    if "xlsx" in request.kinds:
        from studio.export.tables import write_xlsx

        steps.append(("xlsx", "Shot list XLSX", lambda: add("xlsx", write_xlsx(sheet, out_dir / f"{stem}_shots.xlsx"))))
    if "otio" in request.kinds or "xml" in request.kinds:

        def timelines() -> None:
            from studio.export.timeline import XML_ADAPTERS, build_timeline, write_editor_xml, write_otio

            fps = request.fps or project.settings.fps
            media = _gather_media(sheet, out_dir / "media", cancel)
            result.media.extend(
                [*media.stills.values(), *media.voice.values(), *(c[3] for c in media.captions)]
                + ([media.music] if media.music else [])
            )
            if "otio" in request.kinds:
                add("otio", write_otio(build_timeline(sheet, media, fps, base=out_dir), out_dir / f"{stem}.otio"))
            if "xml" in request.kinds:
                absolute = build_timeline(sheet, media, fps)
                for adapter, (suffix, _package) in XML_ADAPTERS.items():
                    check(cancel)
                    add("xml", write_editor_xml(absolute, out_dir / f"{stem}{suffix}", adapter))

        steps.append(("otio", "Editor timelines", timelines))

    for n, (_kind, label, step) in enumerate(steps):
        check(cancel)
        report(on_progress, n / max(1, len(steps)), f"{v.id}: {label}")
        step()
    report(on_progress, 1.0, f"{v.id}: exported {len(result.deliverables)} files")
    return result

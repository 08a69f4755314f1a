"""Hand-off exports, each opened by its own reader: the PDF rendered to pixels and its text read back, the CSV and
XLSX read back, the OTIO file loaded by opentimelineio (and the FCP XML files by their adapters), the review bundle
unzipped and checked against its manifest.

One small project is planned and rendered for the module (Thai, one segment, 6 s brief, quarter-size frames);
the other scripts get hand-made projects (Pillow frames, no render) to check the PDF's fonts and shaping.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from studio.model import Cancelled, CancelToken, Project, ProjectStore, Take, load_brief
from studio.model.requests import ImageRequest

PDF_DPI_SCALE = 2.0  # pypdfium2 render scale: 72 dpi × 2
MM = 72 / 25.4 * PDF_DPI_SCALE  # pixels per millimetre at that scale


def _plan_tiny(brief_path: Path, language_market: int = 0) -> Project:
    from studio.planning import plan_project

    brief = load_brief(brief_path)
    brief = brief.model_copy(
        update={
            "markets": brief.markets[language_market : language_market + 1],
            "segments": brief.segments[:1],
            "duration_s": 6.0,
        }
    )
    return plan_project(brief, name="tiny")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A planned and rendered Thai project (procedural frames, espeak voice, quarter-size video)."""
    from studio import paths
    from studio.workflow import RenderRequest, render

    root = tmp_path_factory.mktemp("export-rendered")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("QIANMIAN_HOME", str(root / "home"))
        store = ProjectStore(root / "project")
        store.create(_plan_tiny(paths.sample_brief()))
        render(RenderRequest(project_dir=store.root, scale=0.25, draft=True))  # Thai runs long with espeak
    return store.root


@pytest.fixture(scope="module")
def campaign(rendered: Path):
    from studio.export import CampaignExportRequest, export_campaign

    return export_campaign(CampaignExportRequest(project_dir=rendered))


def _variant(project_dir: Path):
    project = ProjectStore(project_dir).load()
    return project, project.variants[0]


def _handoff(project_dir: Path, variant_id: str) -> Path:
    return project_dir / "renders" / "handoff" / variant_id


# --- PDF ------------------------------------------------------------------------------------------------------------


def _letters(text: str) -> str:
    """Base letters only: PDF text extraction may reorder combining marks and insert spaces or control codes."""
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")


def _pdf_pages(path: Path) -> tuple[list[Image.Image], list[str]]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        images = [doc[i].render(scale=PDF_DPI_SCALE).to_pil().convert("RGB") for i in range(len(doc))]
        texts = [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()
    return images, texts


def _frame_box(index: int) -> tuple[int, int, int, int]:
    """Pixel box of the n-th shot's frame on its page (layout constants of studio.export.pdf)."""
    from studio.export import pdf

    cell_w = (pdf.PAGE_W - 2 * pdf.MARGIN) / pdf.COLUMNS
    cell_h = (pdf.PAGE_H - 2 * pdf.MARGIN - pdf.HEADER_H) / pdf.ROWS
    i = index % (pdf.COLUMNS * pdf.ROWS)
    x = pdf.MARGIN + (i % pdf.COLUMNS) * cell_w
    y = pdf.MARGIN + pdf.HEADER_H + (i // pdf.COLUMNS) * cell_h
    w = pdf.FRAME_BOX[1] * 9 / 16  # a 9:16 take fitted to the box height
    return round(x * MM), round(y * MM), round((x + w) * MM), round((y + pdf.FRAME_BOX[1]) * MM)


def test_storyboard_pdf_shows_frames_timing_and_thai_lines(campaign, rendered: Path, test_output: Path) -> None:
    project, variant = _variant(rendered)
    path = _handoff(rendered, variant.id) / f"{variant.id}_storyboard.pdf"
    images, texts = _pdf_pages(path)
    images[0].save(test_output / "export_storyboard_th.png")
    per_page = 4
    assert len(images) == -(-len(variant.shots) // per_page) + 1  # the storyboard, then the scorecard page
    assert "Creative scorecard:" in texts[-1] and "Brand or product in the first 5 s" in texts[-1]

    store = ProjectStore(rendered)
    for n, shot in enumerate(variant.shots):
        page = images[n // per_page]
        box = page.crop(_frame_box(n))
        take = project.selected_take(shot.shot_id, variant.id)
        expected = Image.open(store.asset_path(take.asset)).convert("RGB").resize(box.size)
        diff = np.abs(np.asarray(box, dtype=np.int16) - np.asarray(expected, dtype=np.int16)).mean()
        assert diff < 25, f"shot {shot.shot_id}: the page does not show its take there (mean difference {diff:.1f})"
        _, y0, x1, _ = _frame_box(n)
        text_area = np.asarray(page.crop((x1 + 10, y0, x1 + 400, y0 + 200)).convert("L"))
        assert (text_area < 128).mean() > 0.01, "no ink beside the frame where the shot's text goes"

    text = "\n".join(texts)
    assert "Shot 1 · s1 · HOOK" in text
    assert f"{variant.shots[0].duration_s:.2f} s" in text
    for shot in variant.shots:
        assert _letters(shot.voiceover) in _letters(text), f"the Thai line of {shot.shot_id} is not in the PDF text"
        assert _letters(shot.caption) in _letters(text)
    assert project.storyboard.shots[0].framing in text and project.storyboard.shots[0].camera in text


def _handmade_project(root: Path, brief_path: Path, language: str, lines: list[str], back: str) -> ProjectStore:
    """A planned project whose only variant is rewritten into `language`, with Pillow-drawn frames as its takes."""
    project = _plan_tiny(brief_path)
    variant = project.variants[0]
    variant.language = language
    store = ProjectStore(root)
    store.create(project)
    for n, shot in enumerate(variant.shots):
        shot.voiceover = lines[n % len(lines)]
        shot.caption = lines[n % len(lines)][:8]
        shot.back_translation = back
        image = Image.new("RGB", (108, 192), (40 + 60 * n, 90, 200 - 50 * n))
        buf = io.BytesIO()
        image.save(buf, format="PNG")
        asset = store.put_asset(buf.getvalue(), "png")
        request = ImageRequest(shot_id=shot.shot_id, variant_id=variant.id, prompt=shot.prompt, width=108, height=192)
        project.takes.append(
            Take(id=f"t{n}", shot_id=shot.shot_id, variant_id=variant.id, request=request, asset=asset, backend="test")
        )
    store.save(project)
    return store


SCRIPTS = {
    "ar": ["حفلة طوال الليل، وجهك يبقى متألقًا", "العرق يتحول إلى ضوء النجوم"],
    "hi": ["पूरी रात पार्टी, चेहरा चमकता रहे", "पसीना तारों की रोशनी बन जाता है"],
    "zh": ["整夜派对，妆容不掉", "汗水化作星光"],
    "ja": ["一晩中パーティー、顔はそのまま", "汗が星の光に変わる"],
}


@pytest.mark.parametrize("language", sorted(SCRIPTS))
def test_storyboard_pdf_sets_every_script(
    language: str, tmp_path: Path, sample_brief_path: Path, test_output: Path
) -> None:
    from studio.export import ExportRequest, export_variant

    store = _handmade_project(tmp_path / "p", sample_brief_path, language, SCRIPTS[language], "Party all night")
    result = export_variant(ExportRequest(project_dir=store.root, variant_id="th-night-owls", kinds=("pdf",)))
    (pdf,) = [store.root / d.path for d in result.deliverables]
    images, texts = _pdf_pages(pdf)
    images[0].save(test_output / f"export_storyboard_{language}.png")
    text = texts[0]
    assert "Party all night" in text
    extracted = _letters(text)
    for line in SCRIPTS[language]:
        if language == "ar":
            # Arabic is drawn joined, right to left; extraction returns its letters but not in reading order.
            assert set(_letters(line)) <= set(extracted)
        else:
            assert _letters(line) in extracted
    # Ink where the first shot's spoken line is set (right of the frame, below the shot heading).
    page = np.asarray(images[0].convert("L"))
    _, y0, x1, _ = _frame_box(0)
    assert (page[y0 + 60 : y0 + 130, x1 + 10 : x1 + 500] < 128).mean() > 0.01


def test_storyboard_pdf_without_takes_marks_the_frames(tmp_path: Path, sample_brief_path: Path) -> None:
    from studio.export import ExportRequest, export_variant

    store = ProjectStore(tmp_path / "p")
    store.create(_plan_tiny(sample_brief_path))
    result = export_variant(ExportRequest(project_dir=store.root, variant_id="th-night-owls", kinds=("pdf", "csv")))
    assert any("no image yet" in w for w in result.warnings)
    assert any("not rendered yet" in w for w in result.warnings)
    _, texts = _pdf_pages(store.root / result.deliverables[0].path)
    assert "no take yet" in texts[0]


# --- contact sheet, CSV, XLSX ---------------------------------------------------------------------------------------


def test_contact_sheet_shows_every_selected_take(campaign, rendered: Path) -> None:
    project, variant = _variant(rendered)
    sheet = Image.open(_handoff(rendered, variant.id) / f"{variant.id}_contact.png").convert("RGB")
    from studio.export import contact

    store = ProjectStore(rendered)
    for n, shot in enumerate(variant.shots):
        take = Image.open(store.asset_path(project.selected_take(shot.shot_id, variant.id).asset)).convert("RGB")
        take.thumbnail((contact.THUMB_H * 4, contact.THUMB_H))
        x = contact.GAP + n * (take.width + contact.GAP)
        crop = sheet.crop((x, 90, x + take.width, 90 + take.height))
        diff = np.abs(np.asarray(crop, dtype=np.int16) - np.asarray(take, dtype=np.int16)).mean()
        assert diff < 8, f"shot {shot.shot_id} is not on the contact sheet where expected ({diff:.1f})"


def test_csv_is_utf8_with_bom_and_reads_back(campaign, rendered: Path) -> None:
    _, variant = _variant(rendered)
    path = _handoff(rendered, variant.id) / f"{variant.id}_shots.csv"
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [r["shot_id"] for r in rows] == [s.shot_id for s in variant.shots]
    assert [r["voiceover"] for r in rows] == [s.voiceover for s in variant.shots]
    assert [float(r["duration_s"]) for r in rows] == pytest.approx([s.duration_s for s in variant.shots])
    assert all(r["image"].endswith(".png") for r in rows)


def test_xlsx_reads_back(campaign, rendered: Path) -> None:
    from openpyxl import load_workbook

    _, variant = _variant(rendered)
    wb = load_workbook(_handoff(rendered, variant.id) / f"{variant.id}_shots.xlsx", read_only=True)
    rows = list(wb["Shots"].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert header[:3] == ("shot", "shot_id", "beat")
    col = {name: i for i, name in enumerate(header)}
    assert [r[col["voiceover"]] for r in body] == [s.voiceover for s in variant.shots]
    assert [r[col["duration_s"]] for r in body] == pytest.approx([s.duration_s for s in variant.shots])
    info = dict(wb["Variant"].iter_rows(values_only=True))
    assert info["language"] == "th" and info["variant"] == variant.id


# --- timelines ------------------------------------------------------------------------------------------------------


def test_otio_timeline_has_the_cut(campaign, rendered: Path) -> None:
    import opentimelineio as otio

    project, variant = _variant(rendered)
    folder = _handoff(rendered, variant.id)
    timeline = otio.adapters.read_from_file(str(folder / f"{variant.id}.otio"))
    tracks = {t.name: t for t in timeline.tracks}
    assert list(tracks) == ["V1 Pictures", "V2 Captions", "V3 Reference render", "A1 Voice", "A2 Music"]
    fps = project.settings.fps

    pictures = tracks["V1 Pictures"].find_clips()
    assert [c.name for c in pictures] == [
        f"{n:02d} {s.shot_id} {project.storyboard.shot(s.shot_id).beat}" for n, s in enumerate(variant.shots, 1)
    ]
    for clip, shot in zip(pictures, variant.shots, strict=True):
        assert clip.source_range.duration.to_seconds() == pytest.approx(shot.duration_s, abs=1.5 / fps)
        assert (folder / clip.media_reference.target_url).is_file()
    voices = [v for v in project.voice_lines if v.variant_id == variant.id]
    voice_clips = tracks["A1 Voice"].find_clips()
    assert len(voice_clips) == len(voices)
    for clip in voice_clips:
        assert (folder / clip.media_reference.target_url).suffix == ".wav"
    # The caption titles are what the render burned in (its cut record: the spoken line, cue for cue), not the
    # shots' planned supers, which the video does not show.
    cut = project.cut(variant.id, project.brief.aspect_ratios[0])
    assert cut is not None and cut.captions
    assert [c.name for c in tracks["V2 Captions"].find_clips()] == [c.text for c in cut.captions]
    assert [m.name for m in timeline.tracks.markers] == [c.text for c in cut.captions]
    assert tracks["V3 Reference render"].enabled is False

    video = next(d for d in project.deliverables if d.variant_id == variant.id and d.kind == "video")
    assert timeline.duration().to_seconds() == pytest.approx(video.duration_s, abs=1.5 / fps)
    # Every clip's start on its track matches the shot's start in the render.
    starts = [tracks["V1 Pictures"].range_of_child(c).start_time.to_seconds() for c in pictures]
    assert starts == pytest.approx(np.cumsum([0] + [s.duration_s for s in variant.shots[:-1]]), abs=1.5 / fps)
    # Caption titles are transparent frames at the delivery size with the text drawn in the lower safe area.
    title = Image.open(folder / tracks["V2 Captions"].find_clips()[0].media_reference.target_url)
    assert title.size == (1080, 1920) and title.mode == "RGBA"
    alpha = np.asarray(title)[..., 3]
    assert alpha[:900].max() == 0 and alpha[900:].max() == 255


@pytest.mark.parametrize(("adapter", "suffix"), [("fcp_xml", "_fcp7.xml"), ("fcpx_xml", "_fcpx.fcpxml")])
def test_editor_xml_reads_back_through_its_adapter(campaign, rendered: Path, adapter: str, suffix: str) -> None:
    import opentimelineio as otio

    _, variant = _variant(rendered)
    result = otio.adapters.read_from_file(str(_handoff(rendered, variant.id) / f"{variant.id}{suffix}"), adapter)
    timeline = result if isinstance(result, otio.schema.Timeline) else next(iter(result))
    video = [t for t in timeline.tracks if t.kind == otio.schema.TrackKind.Video]
    audio = [t for t in timeline.tracks if t.kind == otio.schema.TrackKind.Audio]
    assert sorted(len(t.find_clips()) for t in video) == sorted([len(variant.shots), len(variant.shots), 1])
    assert len(audio) == 2
    if adapter == "fcp_xml":  # the sequence is set up vertical, at the delivery size
        xml = (_handoff(rendered, variant.id) / f"{variant.id}{suffix}").read_text("utf-8")
        assert "<width>1080</width>" in xml and "<height>1920</height>" in xml
    names = {c.name for t in video for c in t.find_clips()}
    assert f"01 {variant.shots[0].shot_id} hook" in names
    for t in video:
        for clip in t.find_clips():
            assert Path(clip.media_reference.target_url.removeprefix("file://")).is_file()


# --- review bundle --------------------------------------------------------------------------------------------------


def test_review_bundle_holds_everything_listed_and_imports_back(campaign, rendered: Path, tmp_path: Path) -> None:
    from studio.export import ImportRequest, import_bundle

    with zipfile.ZipFile(campaign.zip_path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        names = set(zf.namelist()) - {"manifest.json"}
        assert names == {f["path"] for f in manifest["files"]}
        for f in manifest["files"]:
            assert hashlib.sha256(zf.read(f["path"])).hexdigest() == f["sha256"]
    kinds = {f["kind"] for f in manifest["files"]}
    assert {"video", "srt", "vtt", "pdf", "png", "csv", "xlsx", "otio", "xml", "media"} <= kinds
    assert manifest["variants"][0]["language"] == "th"

    report = import_bundle(ImportRequest(campaign.zip_path, tmp_path / "review"))
    assert report.ok, report.summary()
    assert len(report.extracted) == len(manifest["files"])
    # The imported OTIO still finds its media and the reference render through its relative links.
    import opentimelineio as otio

    otio_file = next(p for p in report.extracted if p.suffix == ".otio")
    timeline = otio.adapters.read_from_file(str(otio_file))
    for clip in timeline.find_clips():
        assert (otio_file.parent / clip.media_reference.target_url).resolve().is_file(), clip.name

    project = ProjectStore(rendered).load()
    recorded = {d.kind for d in project.deliverables}
    assert {"video", "pdf", "csv", "xlsx", "otio", "xml", "png"} <= recorded
    assert all((rendered / d.path).is_file() for d in project.deliverables)


def test_cancelled_export_leaves_no_partial_files(tmp_path: Path, sample_brief_path: Path) -> None:
    from studio.export import ExportRequest, export_variant

    store = _handmade_project(tmp_path / "p", sample_brief_path, "th", ["ทั้งคืน"], "")
    cancel = CancelToken()
    seen = []

    def on_progress(p) -> None:
        seen.append(p.message)
        if len(seen) == 1:
            cancel.cancel()

    out = tmp_path / "out"
    with pytest.raises(Cancelled):
        export_variant(
            ExportRequest(project_dir=store.root, variant_id="th-night-owls", out_dir=out),
            on_progress=on_progress,
            cancel=cancel,
        )
    files = [p.name for p in out.rglob("*") if p.is_file()]
    assert files == ["th-night-owls_storyboard.pdf"]
    assert not [n for n in files if "partial" in n or n.endswith(".tmp")]


def test_export_package_imports_without_qt_or_torch() -> None:
    code = (
        "import sys, studio.export, studio.selftest\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('torch', 'PySide6', 'diffusers', 'transformers', 'fpdf', 'openpyxl', 'opentimelineio'))\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parent.parent)


def test_contact_sheet_of_small_takes_scales_them_to_the_sheet(tmp_path: Path) -> None:
    """Takes smaller than the sheet's row (quick previews, 90×160) are scaled up, not left in a cell too narrow for
    their label (which crashed the sheet)."""
    from render_project import build_project, take_image

    from studio.export.contact import GAP, THUMB_H, contact_sheet
    from studio.export.shots import variant_sheet

    store = build_project(tmp_path / "p")
    project = store.load()
    for take in project.takes:
        buf = io.BytesIO()
        take_image((200, 40, 40), size=(90, 160)).save(buf, format="PNG")
        take.asset = store.put_asset(buf.getvalue(), "png")
    store.save(project)
    variant = project.variants[0]
    sheet = contact_sheet(variant_sheet(project, store, variant.id))
    cell = np.asarray(sheet.convert("RGB"))[90 + 10 : 90 + THUMB_H - 10, GAP + 10 : GAP + THUMB_H * 9 // 16 - 10]
    assert cell.reshape(-1, 3).mean(axis=0)[0] > 120, "the first take fills its cell at the sheet's height"

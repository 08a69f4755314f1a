"""`qianmian --self-test`: plan, render and export one tiny variant headless, so a built bundle proves it works.

It uses the embedded backends only (procedural frames, espeak-ng voice, bundled fonts and ffmpeg), touches no model
hub and no display, and checks the files it made: an MP4 with frames, subtitles, and every hand-off export
(storyboard PDF, contact sheet, CSV, XLSX, OTIO, FCP7 and FCPX XML), which proves the bundle carries their parts.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

SELF_TEST_SECONDS = 6.0
SELF_TEST_SCALE = 0.25


def _check_file(path: Path, what: str, min_bytes: int = 1) -> None:
    if not path.is_file() or path.stat().st_size < min_bytes:
        raise RuntimeError(f"{what} is missing or empty: {path}")


def _check_video(path: Path) -> float:
    """Decode the MP4 header with the bundled ffmpeg; returns its duration."""
    import imageio_ffmpeg

    _check_file(path, "the rendered video", 1024)
    frames, seconds = imageio_ffmpeg.count_frames_and_secs(str(path))
    if frames < 1 or seconds <= 0:
        raise RuntimeError(f"the rendered video has no frames: {path}")
    return seconds


def self_test(work_dir: Path, *, log: Callable[[str], object] = print) -> Path:
    """Plan the sample brief (one market, one segment, 6 s), render it small, export its hand-off files."""
    from studio import paths
    from studio.export import EXPORT_KINDS, ExportRequest, export_variant
    from studio.model import ProjectStore, load_brief
    from studio.planning import plan_project
    from studio.workflow import RenderRequest, render

    started = time.perf_counter()
    brief = load_brief(paths.sample_brief())
    brief = brief.model_copy(
        update={"markets": brief.markets[:1], "segments": brief.segments[:1], "duration_s": SELF_TEST_SECONDS}
    )
    project = plan_project(brief, name="self-test")
    store = ProjectStore(work_dir / "project")
    store.create(project)
    variant = project.variants[0]
    log(f"planned {variant.id}: {len(variant.shots)} shots ({time.perf_counter() - started:.1f} s)")

    # A technical check: a cut that may run long for espeak's Thai voice still renders (as a marked draft).
    request = RenderRequest(project_dir=store.root, variant_ids=(variant.id,), scale=SELF_TEST_SCALE, draft=True)
    result = render(request)
    videos = [d for d in result.deliverables if d.kind == "video"]
    if not videos:
        raise RuntimeError("the render returned no video")
    video = store.root / videos[0].path
    seconds = _check_video(video)
    for d in result.deliverables:
        _check_file(store.root / d.path, f"the {d.kind} file")
    log(f"rendered {video.name}: {seconds:.1f} s of video ({time.perf_counter() - started:.1f} s)")

    exported = export_variant(ExportRequest(project_dir=store.root, variant_id=variant.id))
    for d in exported.deliverables:
        _check_file(store.root / d.path, f"the {d.kind} export")
    kinds = sorted({d.kind for d in exported.deliverables})
    if kinds != sorted(EXPORT_KINDS) or sum(d.kind == "xml" for d in exported.deliverables) != 2:
        raise RuntimeError(f"the hand-off export is incomplete: made {kinds}, expected {sorted(EXPORT_KINDS)}")
    log(f"exported {', '.join(Path(d.path).name for d in exported.deliverables)}")
    return video


def run(argv: list[str] | None = None) -> int:
    """Exit code 0 when every step worked; 1 with the reason on stderr otherwise."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    argv = list(sys.argv[1:] if argv is None else argv)
    keep = "--keep" in argv
    work = Path(tempfile.mkdtemp(prefix="qianmian-self-test-"))
    try:
        video = self_test(work)
    except Exception as e:  # the self-test reports every failure the same way
        print(f"SELF-TEST FAILED: {type(e).__name__}: {e}", file=sys.stderr)
        print(f"  work folder kept for inspection: {work}", file=sys.stderr)
        return 1
    if keep:
        print(f"SELF-TEST OK: {video}")
    else:
        import shutil

        size = video.stat().st_size
        shutil.rmtree(work, ignore_errors=True)
        print(f"SELF-TEST OK: rendered {video.name} ({size} bytes); work folder removed (--keep keeps it)")
    return 0


if __name__ == "__main__":
    sys.exit(run())

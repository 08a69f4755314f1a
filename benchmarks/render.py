"""How close the cut runs to the encoder's own limit.

Method: a 30 s 1080×1920 variant (8 procedural storyboard frames, a different camera move per shot, crossfades,
burned-in captions, espeak voice, generated music bed, end card) is rendered with `render_variant`, timed from the
call to the finished MP4 (voice synthesis, timing, mixing and mastering included; a small preview render first
warms imports and font caches). Then the very same frames are generated again (untimed) into a raw rgb24 file, and
ffmpeg encodes that file from a rawvideo pipe with the same command line (same preset, CRF, threads and the same
mixed WAV) in the same process: that is the reference, the time the encoder alone needs. Render and reference
runs alternate (`--repeat`, default 2) and the best of each is compared, so both see the same background load.
Peak memory: ru_maxrss of this process after the render (the render streams frames; the frame dump comes later)
and of the largest child (ffmpeg).

    .venv/bin/python benchmarks/render.py [--preset veryfast] [--seconds 30] [--parallel]

`--parallel` also times two variants rendered one after the other versus at the same time (two threads,
x264 limited to one thread each), the way `studio.workflow.render` runs variants.
Last line: render_vs_ffmpeg=<render seconds / encoder seconds>.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from studio import paths
from studio.model import (
    ImageRequest,
    LocalizedShot,
    Project,
    ProjectStore,
    Shot,
    Storyboard,
    Take,
    Variant,
    load_brief,
)
from studio.render.encode import DEFAULT_PRESET, EncodeSettings, ffmpeg_command
from studio.render.frames import FrameSource
from studio.render.variant import RenderVariantRequest, prepare_cut, render_variant, soundtrack

CAMERAS = ["push-in", "pan-right", "pull-out", "static", "pan-left", "tilt-up", "push-in", "pull-out"]
BEATS = ["hook", "problem", "problem", "solution", "solution", "proof", "proof", "cta"]
LINES = [
    "Party all night. Your face stays on.",
    "Humid nights leave skin dull.",
    "Late hours show by morning.",
    "Lumi Night Repair Serum works while you sleep.",
    "A light gel that stays fresh in the heat.",
    "Sweat turns to starlight.",
    "Dermatologically tested.",
    "Glow all night. Shop now.",
]
CAPTIONS = [
    "All night. Still glowing.",
    "Dull skin?",
    "",
    "Brightens while you sleep",
    "",
    "Sweat turns to starlight",
    "",
    "",
]


def build(root: Path, seconds: float, variants: int = 1) -> ProjectStore:
    from pipelines.image import generate_image

    brief = load_brief(paths.sample_brief()).model_copy(update={"duration_s": seconds})
    per = seconds / len(LINES)
    shots = [
        Shot(id=f"s{i + 1}", beat=BEATS[i], duration_s=per, visual=BEATS[i], camera=CAMERAS[i], voiceover=LINES[i])
        for i in range(len(LINES))
    ]
    store = ProjectStore(root)
    project = Project(
        name="bench",
        brief=brief,
        storyboard=Storyboard(concept="night glow", theme="t", shots=shots),
        variants=[
            Variant(
                id=f"en-bench-{n}",
                market="TH",
                language="en",
                segment="night-owls",
                name="bench",
                palette=["#0a1f44", "#ff3366", "#39ff14"],
                call_to_action="Glow all night. Shop now.",
                legal="Dermatologically tested. Individual results vary.",
                shots=[
                    LocalizedShot(shot_id=s.id, duration_s=per, prompt=s.visual, voiceover=s.voiceover, caption=c)
                    for s, c in zip(shots, CAPTIONS, strict=True)
                ],
            )
            for n in range(variants)
        ],
    )
    store.create(project)
    for i, s in enumerate(shots):
        request = ImageRequest(
            shot_id=s.id,
            prompt=f"{s.beat}: young woman at a rooftop party, humid night, palm trees",
            seed=i,
            camera=s.camera,
            framing=["close-up", "medium", "wide", "product"][i % 4],
            palette=("#0a1f44", "#ff3366", "#39ff14"),
            motifs=("palm trees", "beach", "stars"),
            label=f"{s.id} · {s.beat}",
        )
        image = generate_image(request).image
        tmp = root / f"take-{i}.png"
        image.save(tmp)
        asset = store.put_asset_file(tmp, "png")
        project.takes.append(Take(id=f"t{i}", shot_id=s.id, request=request, asset=asset, backend="procedural"))
    store.save(project)
    return store


def peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def reference_encode(raw: Path, settings: EncodeSettings, wav: Path, out: Path) -> float:
    """ffmpeg alone: the dumped frames fed from a pipe, same command line."""
    frame_bytes = settings.width * settings.height * 3
    start = time.perf_counter()
    proc = subprocess.Popen(ffmpeg_command(settings, wav, out), stdin=subprocess.PIPE)
    assert proc.stdin is not None
    with open(raw, "rb") as f:
        while chunk := f.read(frame_bytes):
            proc.stdin.write(chunk)
    proc.stdin.close()
    if proc.wait() != 0:
        raise SystemExit("reference encode failed")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--preset", default=DEFAULT_PRESET)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--parallel", action="store_true")
    parser.add_argument("--repeat", type=int, default=2, help="render and reference runs, interleaved; best of each")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="qm-bench-render-"))
    os.environ.setdefault("QIANMIAN_HOME", str(work / "home"))
    try:
        store = build(work / "project", args.seconds, variants=2 if args.parallel else 1)

        def request(variant: str, scale: float = 1.0, threads: int = args.threads) -> RenderVariantRequest:
            return RenderVariantRequest(
                project_dir=store.root,
                variant_id=variant,
                aspects=("9:16",),
                out_dir=work / "out",
                scale=scale,
                preset=args.preset,
                threads=threads,
            )

        render_variant(request("en-bench-0", scale=0.1))  # warm imports, fonts, scipy filters

        def timed_render() -> float:
            start = time.perf_counter()
            render_variant(request("en-bench-0"))
            return time.perf_counter() - start

        render_times = [timed_render()]
        self_mb, child_mb = peak_mb(resource.RUSAGE_SELF), peak_mb(resource.RUSAGE_CHILDREN)
        video = work / "out" / "en-bench-0_9x16.mp4"

        cut = prepare_cut(request("en-bench-0"))
        settings = EncodeSettings(1080, 1920, 30, args.preset, threads=args.threads)
        source = FrameSource(cut.timeline, 1080, 1920, 30, "9:16")
        raw = work / "frames.rgb"
        wav = work / "mix.wav"
        soundtrack(cut.timeline, wav, music=None, loudness_lufs=-14.0)
        with open(raw, "wb") as f:
            for frame in source:
                f.write(memoryview(frame).cast("B"))
        ffmpeg_times = []
        for r in range(args.repeat):  # interleaved, so both see the same background load
            ffmpeg_times.append(reference_encode(raw, settings, wav, work / "reference.mp4"))
            if r + 1 < args.repeat:
                render_times.append(timed_render())
        raw.unlink()
        render_s, ffmpeg_s = min(render_times), min(ffmpeg_times)

        n = source.n_frames
        print(f"frames={n} size=1080x1920 preset={args.preset} threads={args.threads or 'auto'} cores={os.cpu_count()}")
        print(f"video={video.name} bytes={video.stat().st_size} duration_s={cut.timeline.duration_s:.3f}")
        print(f"render_s={render_s:.2f} ({n / render_s:.1f} fps) runs={[round(t, 2) for t in render_times]}")
        print(f"ffmpeg_only_s={ffmpeg_s:.2f} ({n / ffmpeg_s:.1f} fps) runs={[round(t, 2) for t in ffmpeg_times]}")
        print(f"peak_rss_render_process_mb={self_mb:.0f} peak_rss_ffmpeg_child_mb={child_mb:.0f}")

        if args.parallel:
            start = time.perf_counter()
            for v in ("en-bench-0", "en-bench-1"):
                render_variant(request(v))
            serial_s = time.perf_counter() - start
            start = time.perf_counter()
            with ThreadPoolExecutor(max_workers=2) as pool:
                list(pool.map(lambda v: render_variant(request(v, threads=1)), ("en-bench-0", "en-bench-1")))
            parallel_s = time.perf_counter() - start
            print(f"two_variants_serial_s={serial_s:.2f}")
            print(f"two_variants_parallel_s={parallel_s:.2f} (two threads, x264 threads=1 each)")
        print(f"render_vs_ffmpeg={render_s / ffmpeg_s:.3f}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

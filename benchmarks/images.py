"""CPU image overhead: our generate_image vs a bare diffusers call on the same request, same pipeline, same run.

Method: a tiny random SD 1.5 pipeline (tests' architecture) is saved as a diffusers folder and loaded through our
registry. Its resident pipeline object is then called bare (`pipe(prompt, steps, guidance, size, generator)`) and
through `generate_image` with the identical request, alternating, after a warm-up of each; medians are compared.
Also reports torch CPU threads 1 vs 2 (bare calls) and the procedural frame time at 1080×1920.
Final line: overhead_vs_diffusers=<median ours ÷ median bare> (goal ≤ 1.05).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> float:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=12)
    ap.add_argument("--size", type=int, default=128)
    ap.add_argument("--steps", type=int, default=4)
    args = ap.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="qm-img-bench-"))
    os.environ.update(
        QIANMIAN_HOME=str(work / "home"),
        QIANMIAN_IMAGE_MODELS=str(work / "models"),
        HF_HUB_CACHE=str(work / "hf"),
        QIANMIAN_DEVICE="cpu",
    )
    import torch

    from benchmarks._arch import build_pipeline
    from pipelines.image import generate_image
    from pipelines.image.device import configure_cpu_threads
    from pipelines.image.generator import generator
    from studio.model.requests import ImageRequest

    build_pipeline("sd15", "tiny", work / "build").save_pretrained(
        str(work / "models" / "tiny"), safe_serialization=True
    )
    request = ImageRequest(
        shot_id="s1",
        prompt="a palm tree on a beach at night",
        model="tiny",
        width=args.size,
        height=args.size,
        steps=args.steps,
        guidance=5.0,
        seed=3,
    )
    generate_image(request)
    pipe = generator().resident.t2i

    def bare() -> None:
        pipe(
            prompt=[request.prompt],
            num_inference_steps=request.steps,
            guidance_scale=request.guidance,
            width=request.width,
            height=request.height,
            generator=[torch.Generator("cpu").manual_seed(request.seed)],
        )

    def timed(fn: object) -> float:
        t = time.perf_counter()
        fn()  # type: ignore[operator]
        return time.perf_counter() - t

    threads = {}
    for n in (1, 2):
        configure_cpu_threads(n)
        bare()
        threads[n] = statistics.median(timed(bare) for _ in range(max(3, args.n // 3)))
    configure_cpu_threads(1)
    bare()
    ours_t, bare_t = [], []
    for _ in range(args.n):
        ours_t.append(timed(lambda: generate_image(request)))
        bare_t.append(timed(bare))
    ours, plain = statistics.median(ours_t), statistics.median(bare_t)

    from pipelines.image.procedural import draw_frame

    frame = request.model_copy(
        update={
            "model": "procedural",
            "width": 1080,
            "height": 1920,
            "framing": "wide",
            "motifs": ("palm trees", "surf", "stars"),
            "label": "S1 · HOOK",
        }
    )
    draw_frame(frame)
    proc = statistics.median(timed(lambda: draw_frame(frame)) for _ in range(10))

    print(f"tiny SD 1.5, {args.size}x{args.size}, {args.steps} steps, CPU, torch threads 1")
    print(f"bare diffusers call:   {plain * 1000:8.1f} ms")
    print(f"our generate_image:    {ours * 1000:8.1f} ms")
    print(f"torch threads 1 vs 2:  {threads[1] * 1000:8.1f} ms vs {threads[2] * 1000:.1f} ms (bare)")
    print(f"procedural 1080x1920:  {proc * 1000:8.1f} ms")
    print(f"overhead_vs_diffusers={ours / plain:.3f}")
    return ours / plain


if __name__ == "__main__":
    main()

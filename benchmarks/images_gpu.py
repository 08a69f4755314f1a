"""GPU image throughput: our generator vs a bare diffusers loop, and one batched call vs one call per shot.

Method: SD 1.5- and SDXL-size architectures are built from configs with random weights (real compute, nothing
downloaded), saved as fp16 diffusers folders and loaded back through our registry, as a creator's model would be.
For each family and size, N single images go through `pipelines.image.generate_image` and N through a bare
`pipe(...)` call on the very same resident pipeline object (alternating, after one warm-up each), so the ratio
isolates our wrapper (registry lookup, request handling, per-step progress/cancel callback, PIL conversion).
Then a batch of B shots in one `generate_images` call is timed against B single calls.
Needs only torch, diffusers, transformers (+ this repo). `--tiny --device cpu` checks the code path on any machine.
Final line: gpu_ours_vs_bare=<time ours ÷ time bare, geometric mean over the rows>.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _sync(device: str) -> None:
    import torch

    if device.startswith("cuda"):
        torch.cuda.synchronize()


def main(argv: list[str] | None = None) -> float:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tiny", action="store_true", help="tiny architectures (code-path check)")
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--families", default="sd15,sdxl")
    ap.add_argument("--sizes", default=None, help="comma-separated square sizes (default 512,1024; tiny 64,128)")
    ap.add_argument("--steps", type=int, default=None)
    ap.add_argument("--n", type=int, default=4, help="single images per measurement")
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--oom-check", action="store_true", help="then cap GPU memory and watch the OOM ladder recover")
    ap.add_argument("--cap-gb", type=float, default=10.0)
    args = ap.parse_args(argv)

    import torch

    from benchmarks._arch import build_pipeline
    from pipelines.image import generate_image, generate_images
    from pipelines.image.generator import generator
    from studio.model.requests import ImageRequest

    scale = "tiny" if args.tiny else "full"
    sizes = [int(s) for s in (args.sizes or ("64,128" if args.tiny else "512,1024")).split(",")]
    steps = args.steps or (2 if args.tiny else 20)
    work = Path(tempfile.mkdtemp(prefix="qm-gpu-bench-"))
    os.environ["QIANMIAN_HOME"] = str(work / "home")
    os.environ["QIANMIAN_IMAGE_MODELS"] = str(work / "models")
    os.environ["HF_HUB_CACHE"] = str(work / "hf")
    os.environ["QIANMIAN_DEVICE"] = args.device
    dtype = torch.float16 if args.device.startswith("cuda") else torch.float32
    if args.device.startswith("cuda"):
        print(f"device: {torch.cuda.get_device_name(0)}, torch {torch.__version__}", flush=True)

    ratios = []
    print(
        f"{'model':8} {'size':>5} {'ours img/s':>10} {'bare img/s':>10} {'ours/bare':>9} "
        f"{'batch img/s':>11} {'single img/s':>12} {'batch gain':>10}",
        flush=True,
    )
    for family in args.families.split(","):
        started = time.perf_counter()
        pipe = build_pipeline(family, scale, work / "build" / family, device=args.device)  # type: ignore[arg-type]
        pipe.to(dtype=dtype)
        pipe.save_pretrained(str(work / "models" / f"random-{family}"), safe_serialization=True)
        params = sum(p.numel() for p in pipe.unet.parameters()) / 1e6
        del pipe
        generator().unload()
        built = time.perf_counter() - started
        load_started = time.perf_counter()
        model = f"random-{family}"

        def request(seed: int, size: int, model: str = model) -> ImageRequest:
            return ImageRequest(
                shot_id=f"s{seed}",
                prompt=f"shot {seed}: a palm tree on a beach at night",
                model=model,
                width=size,
                height=size,
                steps=steps,
                guidance=5.0,
                seed=seed,
            )

        generate_image(request(0, sizes[0]))
        print(
            f"# {family}: UNet {params:.0f}M params, built+saved {built:.1f}s, "
            f"loaded via registry {time.perf_counter() - load_started:.1f}s",
            flush=True,
        )
        for size in sizes:
            pipe = generator().resident.t2i

            def bare(seed: int, size: int = size, pipe: object = pipe) -> None:
                pipe(
                    prompt=[request(seed, size).prompt],
                    num_inference_steps=steps,
                    guidance_scale=5.0,  # type: ignore[operator]
                    width=size,
                    height=size,
                    generator=[torch.Generator("cpu").manual_seed(seed)],
                )

            generate_image(request(0, size))
            bare(0)
            ours_t, bare_t = [], []
            for i in range(args.n):
                _sync(args.device)
                t = time.perf_counter()
                generate_image(request(i + 1, size))
                _sync(args.device)
                ours_t.append(time.perf_counter() - t)
                t = time.perf_counter()
                bare(i + 1)
                _sync(args.device)
                bare_t.append(time.perf_counter() - t)
            t = time.perf_counter()
            generate_images([request(100 + i, size) for i in range(args.batch)])
            _sync(args.device)
            batch_t = time.perf_counter() - t
            ours, plain = statistics.median(ours_t), statistics.median(bare_t)
            ratios.append(ours / plain)
            print(
                f"{family:8} {size:5d} {1 / ours:10.3f} {1 / plain:10.3f} {ours / plain:9.3f} "
                f"{args.batch / batch_t:11.3f} {1 / ours:12.3f} {ours * args.batch / batch_t:10.2f}",
                flush=True,
            )
        generator().unload()
    if args.oom_check:
        oom_check(args, sizes[-1], steps)
    ratio = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
    print(f"gpu_ours_vs_bare={ratio:.3f}")
    return ratio


def oom_check(args: argparse.Namespace, size: int, steps: int) -> None:
    """A real out-of-memory: this process may use only --cap-gb, so a batch that fits 80 GB does not fit."""
    import torch

    from pipelines.image import generate_images
    from pipelines.image.generator import generator
    from studio.model.requests import ImageRequest
    from studio.model.stage import Progress

    if not args.device.startswith("cuda"):
        print("# oom-check needs CUDA; skipped")
        return
    family = args.families.split(",")[-1]
    generator().unload()
    total = torch.cuda.get_device_properties(0).total_memory
    torch.cuda.set_per_process_memory_fraction(min(1.0, args.cap_gb * 2**30 / total))
    messages: list[str] = []

    def on_progress(p: Progress) -> None:
        if not p.message.startswith("Step") and p.message not in messages:
            messages.append(p.message)

    reqs = [
        ImageRequest(
            shot_id=f"s{i}",
            prompt="oom check",
            model=f"random-{family}",
            width=size,
            height=size,
            steps=steps,
            guidance=5.0,
            seed=i,
        )
        for i in range(args.batch)
    ]
    t = time.perf_counter()
    try:
        out = generate_images(reqs, on_progress=on_progress)
        result = f"recovered: {len(out)} images, offload={out[0].info['offload']}"
    except Exception as e:  # the report line is the point here
        result = f"failed: {type(e).__name__}: {str(e).splitlines()[0]}"
    print(
        f"# oom-check {family} {size}px batch {args.batch} under {args.cap_gb:.0f} GiB: {result} "
        f"in {time.perf_counter() - t:.1f}s; ladder: {' | '.join(messages)}",
        flush=True,
    )
    torch.cuda.set_per_process_memory_fraction(1.0)
    generator().unload()


if __name__ == "__main__":
    main()

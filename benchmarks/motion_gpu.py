"""GPU image-to-video: our generator vs bare diffusers on the same clip, seconds per 5 s clip and peak memory.

Method: Wan 2.2 TI2V-5B and LTX-Video (2B) architectures are built from their published configs with random weights
(real compute, nothing downloaded; the tokenizer is a small word-level one written here, so only the prompt's token
count differs from a real run), on the GPU in bfloat16, saved as safetensors diffusers folders and loaded back through
the product's video registry and loader, as a creator's model would be. For each model and size (480p and 720p,
portrait 9:16 as the studio cuts) one warm-up clip is made, then the same 5 s clip (121 frames at 24 fps, Wan's
4k+1 / LTX's 8k+1) is timed `--repeats` times through `pipelines.video.generator.VideoGenerator.run` (registry
object, request handling, per-step progress/cancel callback, uint8 conversion) and through a bare `pipe(...)` call on
the very same resident pipeline object, alternating, with CUDA synchronised around each. Peak memory is
`torch.cuda.max_memory_allocated` over each timed call. Steps default to 8 (the per-step cost is what differs;
a real run uses the model's 40-50); seconds per clip at the model's own step count are extrapolated in the table.
Without CUDA it prints that it skipped and why, and exits 0. `--tiny --device cpu` checks the code path anywhere.
Final line: gpu_motion_ours_vs_bare=<bare time ÷ our time, geometric mean over the rows> (goal ≥ 0.95).
A CUDA run is kept in benchmarks/results/motion_gpu_<gpu>.txt. Run: `python benchmarks/motion_gpu.py` (about
10 minutes on an H100: building and saving the 5 B and 2 B models with their XXL text encoders is most of it).
"""

from __future__ import annotations

import argparse
import functools
import math
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

#: 9:16 sizes (width, height) per model family: Wan 2.2 TI2V-5B takes multiples of 32, LTX of 32.
SIZES = {"480p": (480, 832), "720p": (704, 1280)}
TINY_SIZES = {"480p": (32, 64), "720p": (64, 128)}


def wan22_ti2v_full() -> dict[str, Any]:
    """Wan-AI/Wan2.2-TI2V-5B-Diffusers: transformer, VAE (z 48) and UMT5-XXL encoder configs, random weights."""
    from diffusers import AutoencoderKLWan, UniPCMultistepScheduler, WanTransformer3DModel
    from tiny_video_models import tiny_tokenizer
    from transformers import UMT5Config, UMT5EncoderModel

    transformer = WanTransformer3DModel(
        patch_size=(1, 2, 2),
        num_attention_heads=24,
        attention_head_dim=128,
        in_channels=48,
        out_channels=48,
        text_dim=4096,
        freq_dim=256,
        ffn_dim=14336,
        num_layers=30,
        cross_attn_norm=True,
        qk_norm="rms_norm_across_heads",
        eps=1e-6,
        rope_max_seq_len=1024,
    )
    vae = AutoencoderKLWan(
        base_dim=160,
        decoder_base_dim=256,
        z_dim=48,
        dim_mult=[1, 2, 4, 4],
        num_res_blocks=2,
        temperal_downsample=[False, True, True],
        in_channels=12,
        out_channels=12,
        is_residual=True,
        patch_size=2,
        scale_factor_spatial=16,
        scale_factor_temporal=4,
        latents_mean=[0.0] * 48,
        latents_std=[1.0] * 48,
    )
    text = UMT5EncoderModel(
        UMT5Config(vocab_size=256384, d_model=4096, d_kv=64, d_ff=10240, num_layers=24, num_heads=64,
                   feed_forward_proj="gated-gelu", relative_attention_num_buckets=32)
    )  # fmt: skip
    return {
        "transformer": transformer,
        "vae": vae,
        "scheduler": UniPCMultistepScheduler(prediction_type="flow_prediction", use_flow_sigmas=True, flow_shift=5.0),
        "text_encoder": text,
        "tokenizer": tiny_tokenizer(),
        "transformer_2": None,
        "image_encoder": None,
        "image_processor": None,
        "boundary_ratio": None,
        "expand_timesteps": True,
    }


def ltx_full() -> dict[str, Any]:
    """Lightricks/LTX-Video (0.9.x 2B): transformer and VAE at diffusers' defaults, T5-XXL encoder, random weights."""
    from diffusers import AutoencoderKLLTXVideo, FlowMatchEulerDiscreteScheduler, LTXVideoTransformer3DModel
    from tiny_video_models import tiny_tokenizer
    from transformers import T5Config, T5EncoderModel

    text = T5EncoderModel(
        T5Config(vocab_size=32128, d_model=4096, d_kv=64, d_ff=10240, num_layers=24, num_heads=64,
                 feed_forward_proj="gated-gelu")
    )  # fmt: skip
    return {
        "transformer": LTXVideoTransformer3DModel(),
        "vae": AutoencoderKLLTXVideo(),
        "scheduler": FlowMatchEulerDiscreteScheduler(),
        "text_encoder": text,
        "tokenizer": tiny_tokenizer(),
    }


def build(kind: str, tiny: bool, device: str, folder: Path) -> None:
    import torch
    from tiny_video_models import ltx_components, save_pipeline, wan22_ti2v_components

    cls = "WanImageToVideoPipeline" if kind == "wan" else "LTXImageToVideoPipeline"
    dtype = torch.bfloat16 if device.startswith("cuda") else torch.float32
    # Built in float32 straight on the device (seconds; CPU init of 11 B parameters would take an hour), then cast.
    with torch.device(device if not tiny else "cpu"):
        if tiny:
            comps = wan22_ti2v_components() if kind == "wan" else ltx_components()
        else:
            comps = wan22_ti2v_full() if kind == "wan" else ltx_full()
    for name, comp in comps.items():
        if hasattr(comp, "to") and hasattr(comp, "parameters"):
            comps[name] = comp.to(dtype=torch.float32 if name == "vae" else dtype)
    save_pipeline(cls, comps, folder)
    del comps


def bare_call(pipe: Any, request: Any, image: Any, kind: str) -> None:
    """The same clip straight through diffusers: what a script without the studio would run."""
    import torch

    kw: dict[str, Any] = {"frame_rate": request.fps} if kind == "ltx" else {}
    with torch.inference_mode():
        pipe(image=image, prompt=request.prompt, negative_prompt=None, height=request.height, width=request.width,
             num_frames=request.num_frames, num_inference_steps=request.steps, guidance_scale=request.guidance,
             generator=torch.Generator("cpu").manual_seed(0), output_type="np", **kw)  # fmt: skip


LINES: list[str] = []


def say(line: str) -> None:
    """Print and keep: a CUDA run is written to benchmarks/results/ at the end."""
    print(line, flush=True)
    LINES.append(line)


def _sync(device: str) -> None:
    import torch

    if device.startswith("cuda"):
        torch.cuda.synchronize()


def main(argv: list[str] | None = None) -> float | None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--tiny", action="store_true", help="tiny architectures (code-path check)")
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--models", default="wan,ltx")
    ap.add_argument("--sizes", default="480p,720p")
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--steps", type=int, default=None, help="denoising steps per clip (default 8; tiny 2)")
    ap.add_argument("--repeats", type=int, default=1)
    args = ap.parse_args(argv)

    import torch

    if args.device.startswith("cuda") and not torch.cuda.is_available():
        print(f"motion_gpu: skipped — torch {torch.__version__} sees no CUDA device (this benchmark needs one).")
        return None

    from PIL import Image

    from pipelines.resident import free_memory
    from pipelines.video import licence
    from pipelines.video.generator import VideoGenerator, snap_frames
    from pipelines.video.registry import inspect_folder
    from studio.model.motion import MotionRequest

    work = Path(tempfile.mkdtemp(prefix="qm-motion-bench-"))
    os.environ["QIANMIAN_HOME"] = str(work / "home")
    os.environ["QIANMIAN_DEVICE"] = args.device
    os.environ["HF_HUB_CACHE"] = str(work / "hf")
    licence.acknowledge()  # the benchmark's own temporary home: LTX may run here
    steps = args.steps or (2 if args.tiny else 8)
    sizes = TINY_SIZES if args.tiny else SIZES
    if args.device.startswith("cuda"):
        say(f"device: {torch.cuda.get_device_name(0)}, torch {torch.__version__}")
    say(
        f"{'model':5} {'size':>5} {'frames':>6} {'ours s':>8} {'bare s':>8} {'bare/ours':>9} "
        f"{'peak GiB':>8} {'s/clip@model steps':>18}"
    )
    ratios = []
    gen = VideoGenerator()
    for kind in args.models.split(","):
        folder = work / f"random-{kind}"
        started = time.perf_counter()
        build(kind, args.tiny, args.device, folder)
        free_memory()
        built = time.perf_counter() - started
        info = inspect_folder(folder)
        assert info.ready, info.problems
        started = time.perf_counter()
        resident = gen.load(info)
        pipe = resident.pipe
        params = sum(p.numel() for p in pipe.transformer.parameters()) / 1e6
        loaded = time.perf_counter() - started
        say(
            f"# {kind}: transformer {params:.0f}M params, built+saved {built:.1f}s, "
            f"loaded via registry {loaded:.1f}s, offload={resident.offloaded}, steps {steps}"
        )
        rules = info.rules
        frames = snap_frames(round(args.seconds * rules.fps) + 1, rules)
        for size_name in args.sizes.split(","):
            w, h = sizes[size_name]
            image = Image.new("RGB", (w, h), (180, 120, 90))
            request = MotionRequest(
                shot_id="s1", source_image="x.png", prompt="the camera orbits slowly around the product",
                steps=steps, guidance=rules.guidance, width=w, height=h, num_frames=frames, fps=rules.fps,
                model=info.id,
            )  # fmt: skip

            ours = functools.partial(gen.run, request, image, info=info)
            bare = functools.partial(bare_call, pipe, request, image, kind)
            ours()  # warm-up: kernels, allocator
            bare()
            times: dict[str, list[float]] = {"ours": [], "bare": []}
            peak = 0.0
            for _ in range(args.repeats):
                for name, fn in (("ours", ours), ("bare", bare)):
                    if args.device.startswith("cuda"):
                        torch.cuda.reset_peak_memory_stats()
                    _sync(args.device)
                    t0 = time.perf_counter()
                    fn()
                    _sync(args.device)
                    times[name].append(time.perf_counter() - t0)
                    if args.device.startswith("cuda"):
                        peak = max(peak, torch.cuda.max_memory_allocated() / 2**30)
            t_ours, t_bare = statistics.median(times["ours"]), statistics.median(times["bare"])
            ratio = t_bare / t_ours
            ratios.append(ratio)
            full = t_ours * rules.steps / steps  # denoising dominates; the VAE decode is counted once more
            row = f"{kind:5} {size_name:>5} {frames:>6} {t_ours:8.2f} {t_bare:8.2f} {ratio:9.3f} {peak:8.1f}"
            say(f"{row} {full:18.1f}")
        gen.unload()
        del pipe, resident
    score = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
    say(f"gpu_motion_ours_vs_bare={score:.3f}")
    if args.device.startswith("cuda"):
        name = torch.cuda.get_device_name(0).lower().replace("nvidia", "").strip().split()[0]
        out = ROOT / "benchmarks" / "results" / f"motion_gpu_{name}.txt"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text("\n".join(LINES) + "\n", "utf-8")
        print(f"kept in {out}")
    return score


if __name__ == "__main__":
    main()

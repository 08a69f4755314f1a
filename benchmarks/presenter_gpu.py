"""GPU lip-sync: our presenter runner vs a bare loop over the same modules, frames per second at the face crop size.

Method: MuseTalk-shaped models with random weights (real compute, nothing downloaded): the UNet2DConditionModel of
MuseTalk's config (320/640/1280/1280 channels, 8 input channels, cross-attention 384), the sd-vae-ft-mse
AutoencoderKL (128/256/512/512) and a whisper-tiny encoder (d_model 384, 4 layers), built in float32, saved as a
safetensors folder (unet/, vae/, whisper/) and loaded back through `pipelines.presenter.registry` and
`pipelines.presenter.lipsync` in float16 on CUDA, as a creator's model would be. The source is a drawn presenter at
720×1280; the crop is 256×256 (latents 32×32). Ours: `LipSync.run` over `--frames` frames of a spoken line (face
detection, Whisper features, VAE encode of the face, one UNet pass and a VAE decode per frame, blend back, progress
and cancel checks). Bare: the same resident modules, the same batch size, a loop of `unet(...)` + `vae.decode(...)`
on precomputed latents and audio windows (the floor our runner cannot beat). One warm-up each, then `--repeats`
alternating timed runs, CUDA synchronised. Without CUDA it prints that it skipped and exits 0; `--tiny --device cpu`
checks the code path anywhere. Last line: presenter_ours_vs_bare=<our frames/s ÷ bare frames/s>.
Run: `python benchmarks/presenter_gpu.py` (a minute or two on an H100/H200).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


def build_full(root: Path) -> Path:
    """MuseTalk's UNet, sd-vae-ft-mse and whisper-tiny architectures, random weights, saved as safetensors."""
    import torch
    from diffusers import AutoencoderKL, UNet2DConditionModel
    from transformers import WhisperConfig, WhisperFeatureExtractor, WhisperModel

    torch.manual_seed(0)
    UNet2DConditionModel(
        sample_size=32,
        in_channels=8,
        out_channels=4,
        layers_per_block=2,
        block_out_channels=(320, 640, 1280, 1280),
        down_block_types=("CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"),
        up_block_types=("UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"),
        cross_attention_dim=384,
        attention_head_dim=8,
        norm_num_groups=32,
    ).save_pretrained(root / "unet", safe_serialization=True)
    AutoencoderKL(
        in_channels=3,
        out_channels=3,
        down_block_types=("DownEncoderBlock2D",) * 4,
        up_block_types=("UpDecoderBlock2D",) * 4,
        block_out_channels=(128, 256, 512, 512),
        layers_per_block=2,
        latent_channels=4,
        sample_size=256,
    ).save_pretrained(root / "vae", safe_serialization=True)
    WhisperModel(
        WhisperConfig(
            num_mel_bins=80,
            encoder_layers=4,
            decoder_layers=4,
            d_model=384,
            encoder_attention_heads=6,
            decoder_attention_heads=6,
            encoder_ffn_dim=1536,
            decoder_ffn_dim=1536,
        )
    ).save_pretrained(root / "whisper", safe_serialization=True)
    WhisperFeatureExtractor(feature_size=80).save_pretrained(root / "whisper")
    return root


def bare_loop(r: Any, latents: Any, audio: Any, batch: int) -> None:
    import torch

    with torch.inference_mode():
        for start in range(0, len(latents), batch):
            pred = r.unet(latents[start : start + batch], 0, encoder_hidden_states=audio[start : start + batch]).sample
            r.vae.decode(pred / r.vae.config.scaling_factor).sample.float().cpu()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--frames", type=int, default=120, help="frames per run (4 s at 30 fps)")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--tiny", action="store_true", help="tiny random models (checks the code path, e.g. on CPU)")
    args = ap.parse_args()

    import numpy as np
    import torch

    if args.device.startswith("cuda") and not torch.cuda.is_available():
        print("presenter_gpu: skipped (no CUDA device; run with --tiny --device cpu to check the code path)")
        return 0
    from pipelines.image.device import DeviceChoice
    from pipelines.presenter import lipsync
    from pipelines.presenter.portrait import draw_portrait
    from pipelines.presenter.registry import inspect_folder
    from studio.model.requests import CastMember

    dtype = "float16" if args.device.startswith("cuda") else "float32"
    device = DeviceChoice(args.device, dtype)
    fps = 30
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        if args.tiny:
            from tiny_presenter_models import build_tiny_lipsync

            folder = inspect_folder(build_tiny_lipsync(Path(tmp) / "m"))
        else:
            folder = inspect_folder(build_full(Path(tmp) / "m"))
        print(f"built and saved in {time.perf_counter() - started:.1f} s")
        src = np.asarray(draw_portrait(CastMember(gender="woman"), 720, 1280, seed=1).image)
        t = np.arange(int(args.frames / fps * 16000)) / 16000
        audio = (0.3 * np.sin(2 * np.pi * 190 * t) * (0.5 + 0.5 * np.sin(2 * np.pi * 3 * t))).astype(np.float32)
        runner = lipsync.LipSync()
        order = [0] * args.frames

        def ours() -> float:
            if device.kind == "cuda":
                torch.cuda.synchronize()
            t0 = time.perf_counter()
            runner.run(folder, [src], order, audio, fps, batch=args.batch, device=device)
            if device.kind == "cuda":
                torch.cuda.synchronize()
            return args.frames / (time.perf_counter() - t0)

        ours()  # loads and warms up
        r = runner.resident
        assert r is not None
        feats = lipsync.audio_features(r, audio)
        face = lipsync.detect_face(src)
        assert face is not None, "the drawn presenter has a face"
        source = lipsync._prepare(r, src, face)
        latents = source.latents[None].repeat(args.frames, 1, 1, 1)
        windows = torch.stack(
            [feats[torch.from_numpy(lipsync.window_indices(i, fps, len(feats))).to(feats.device)] for i in order]
        )

        def bare() -> float:
            if device.kind == "cuda":
                torch.cuda.synchronize()
            t0 = time.perf_counter()
            bare_loop(r, latents, windows, args.batch)
            if device.kind == "cuda":
                torch.cuda.synchronize()
            return args.frames / (time.perf_counter() - t0)

        bare()
        a, b = [], []
        for _ in range(args.repeats):
            a.append(ours())
            b.append(bare())
        name = torch.cuda.get_device_name() if device.kind == "cuda" else "cpu"
        print(f"device {name}, {dtype}, crop {r.crop_size}, batch {args.batch}, {args.frames} frames")
        print(f"ours: {statistics.median(a):.1f} frames/s  bare: {statistics.median(b):.1f} frames/s")
        print(f"presenter_ours_vs_bare={statistics.median(a) / statistics.median(b):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

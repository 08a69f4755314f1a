"""Tiny random lip-sync models in the MuseTalk layout (unet/, vae/, whisper/), built in code and saved as safetensors,
so tests load them through the product's loader (pipelines/presenter/lipsync.py) like a real folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

#: Whisper d_model = the UNet's cross-attention width (MuseTalk: whisper-tiny, 384).
D_MODEL = 16


def build_tiny_lipsync(root: Path, *, sample_size: int = 16) -> Path:
    import torch
    from diffusers import AutoencoderKL, UNet2DConditionModel
    from transformers import WhisperConfig, WhisperFeatureExtractor, WhisperModel

    torch.manual_seed(0)
    root.mkdir(parents=True, exist_ok=True)
    UNet2DConditionModel(
        sample_size=sample_size,
        in_channels=8,
        out_channels=4,
        layers_per_block=1,
        block_out_channels=(8, 16),
        down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"),
        up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"),
        cross_attention_dim=D_MODEL,
        attention_head_dim=2,
        norm_num_groups=8,
    ).save_pretrained(root / "unet", safe_serialization=True)
    AutoencoderKL(
        in_channels=3,
        out_channels=3,
        down_block_types=("DownEncoderBlock2D", "DownEncoderBlock2D"),
        up_block_types=("UpDecoderBlock2D", "UpDecoderBlock2D"),
        block_out_channels=(8, 16),
        layers_per_block=1,
        latent_channels=4,
        norm_num_groups=8,
        sample_size=sample_size * 2,
    ).save_pretrained(root / "vae", safe_serialization=True)
    WhisperModel(
        WhisperConfig(
            vocab_size=64,
            num_mel_bins=80,
            encoder_layers=1,
            decoder_layers=1,
            d_model=D_MODEL,
            encoder_attention_heads=2,
            decoder_attention_heads=2,
            encoder_ffn_dim=32,
            decoder_ffn_dim=32,
            max_source_positions=1500,
            max_target_positions=16,
            pad_token_id=0,
            bos_token_id=1,
            eos_token_id=2,
            decoder_start_token_id=1,
        )
    ).save_pretrained(root / "whisper", safe_serialization=True)
    WhisperFeatureExtractor(feature_size=80).save_pretrained(root / "whisper")
    return root


def build_s2v_folder(root: Path) -> Path:
    """A Wan 2.2 S2V folder as far as the studio reads it (model_index.json); diffusers 0.42.1 has no S2V classes
    to build its transformer with."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "model_index.json").write_text(
        json.dumps({"_class_name": "WanSpeechToVideoPipeline", "_diffusers_version": "0.35.0"}), encoding="utf-8"
    )
    return root


def add_presenter_take(project: Any, variant: Any, shot_id: str, model: str) -> None:
    """A lip-synced presenter clip in `project` for the variant's shot, made from its picked picture (what the
    label and provenance read; no model is run)."""
    from studio.model import Take
    from studio.model.motion import MotionRequest

    picture = project.selected_take(shot_id, variant.id)
    assert picture is not None
    motion = MotionRequest(
        shot_id=shot_id,
        variant_id=variant.id,
        source_image=picture.asset,
        prompt="presenter to camera",
        width=64,
        height=112,
        num_frames=25,
        model=model,
    )
    project.motion_takes.append(
        Take(
            id="take-presenter",
            shot_id=shot_id,
            variant_id=variant.id,
            request=picture.request,
            asset=picture.asset,
            backend=model,
            kind="video",
            motion=motion,
            info={"synthetic_presenter": True, "lipsync": True},
        )
    )

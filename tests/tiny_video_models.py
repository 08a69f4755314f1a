"""Tiny random image-to-video pipelines saved as creators keep them: diffusers folders, safetensors only.

Shapes follow diffusers' own fast tests (tests/pipelines/wan/test_wan_22_image_to_video.py, the TI2V-5B case:
48-channel latents, expand_timesteps, no image encoder; tests/pipelines/ltx/test_ltx_image2video.py). The text
encoders are random UMT5/T5 models and the tokenizer is built here from a small word list, so nothing is fetched.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

WORDS = [
    *[
        "a",
        "the",
        "and",
        "of",
        "with",
        "slow",
        "push",
        "in",
        "pull",
        "out",
        "pan",
        "left",
        "right",
        "tilt",
        "up",
        "down",
        "camera",
        "moves",
        "serum",
        "bottle",
        "night",
    ],
    *[
        "rooftop",
        "woman",
        "man",
        "smiles",
        "product",
        "turns",
        "orbit",
        "light",
        "sparkle",
        "face",
        "skin",
        "glow",
        "steady",
        "handheld",
        "shot",
        "close",
    ],
    *["wide", "motion", "phone", "screen", "glows", "app", "card"],
]


def tiny_tokenizer() -> Any:
    """A T5-style fast tokenizer over a few words (word level, lower case, `</s>` appended).

    PreTrainedTokenizerFast, because transformers 5 rebuilds a T5Tokenizer as a Unigram model from its vocab."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    vocab = {w: i for i, w in enumerate(["<pad>", "</s>", "<unk>", *WORDS])}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    tok.normalizer = normalizers.Lowercase()
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.post_processor = processors.TemplateProcessing(single="$A </s>", special_tokens=[("</s>", 1)])
    return PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<pad>", eos_token="</s>", unk_token="<unk>")


def _vocab_size() -> int:
    return len(WORDS) + 3


def wan22_ti2v_components() -> dict[str, Any]:
    """Wan 2.2 TI2V-5B shape: z_dim 48 VAE (patch 2, 16× spatial), one transformer, expand_timesteps."""
    import torch
    from diffusers import AutoencoderKLWan, UniPCMultistepScheduler, WanTransformer3DModel
    from transformers import UMT5Config, UMT5EncoderModel

    torch.manual_seed(0)
    vae = AutoencoderKLWan(
        base_dim=3,
        z_dim=48,
        in_channels=12,
        out_channels=12,
        is_residual=True,
        patch_size=2,
        latents_mean=[0.0] * 48,
        latents_std=[1.0] * 48,
        dim_mult=[1, 1, 1, 1],
        num_res_blocks=1,
        scale_factor_spatial=16,
        scale_factor_temporal=4,
        temperal_downsample=[False, True, True],
    )
    scheduler = UniPCMultistepScheduler(prediction_type="flow_prediction", use_flow_sigmas=True, flow_shift=3.0)
    torch.manual_seed(0)
    text_encoder = UMT5EncoderModel(
        UMT5Config(vocab_size=_vocab_size(), d_model=32, d_kv=8, d_ff=37, num_layers=2, num_heads=4)
    )
    torch.manual_seed(0)
    transformer = WanTransformer3DModel(
        patch_size=(1, 2, 2),
        num_attention_heads=2,
        attention_head_dim=12,
        in_channels=48,
        out_channels=48,
        text_dim=32,
        freq_dim=256,
        ffn_dim=32,
        num_layers=2,
        cross_attn_norm=True,
        qk_norm="rms_norm_across_heads",
        rope_max_seq_len=32,
    )
    return {
        "transformer": transformer,
        "vae": vae,
        "scheduler": scheduler,
        "text_encoder": text_encoder,
        "tokenizer": tiny_tokenizer(),
        "transformer_2": None,
        "image_encoder": None,
        "image_processor": None,
        "boundary_ratio": None,
        "expand_timesteps": True,
    }


def wan22_a14b_components() -> dict[str, Any]:
    """Wan 2.2 I2V-A14B shape: two transformers split at `boundary_ratio`, 16-channel latents, no image encoder."""
    import torch
    from diffusers import AutoencoderKLWan, UniPCMultistepScheduler, WanTransformer3DModel
    from transformers import UMT5Config, UMT5EncoderModel

    torch.manual_seed(0)
    vae = AutoencoderKLWan(
        base_dim=3, z_dim=16, dim_mult=[1, 1, 1, 1], num_res_blocks=1, temperal_downsample=[False, True, True]
    )
    torch.manual_seed(0)
    text_encoder = UMT5EncoderModel(
        UMT5Config(vocab_size=_vocab_size(), d_model=32, d_kv=8, d_ff=37, num_layers=2, num_heads=4)
    )

    def transformer() -> Any:
        torch.manual_seed(0)
        return WanTransformer3DModel(
            patch_size=(1, 2, 2),
            num_attention_heads=2,
            attention_head_dim=12,
            in_channels=36,
            out_channels=16,
            text_dim=32,
            freq_dim=256,
            ffn_dim=32,
            num_layers=2,
            cross_attn_norm=True,
            qk_norm="rms_norm_across_heads",
            rope_max_seq_len=32,
        )

    return {
        "transformer": transformer(),
        "vae": vae,
        "scheduler": UniPCMultistepScheduler(prediction_type="flow_prediction", use_flow_sigmas=True, flow_shift=3.0),
        "text_encoder": text_encoder,
        "tokenizer": tiny_tokenizer(),
        "transformer_2": transformer(),
        "image_encoder": None,
        "image_processor": None,
        "boundary_ratio": 0.875,
    }


def ltx_components() -> dict[str, Any]:
    import torch
    from diffusers import AutoencoderKLLTXVideo, FlowMatchEulerDiscreteScheduler, LTXVideoTransformer3DModel
    from transformers import T5Config, T5EncoderModel

    torch.manual_seed(0)
    transformer = LTXVideoTransformer3DModel(
        in_channels=8,
        out_channels=8,
        patch_size=1,
        patch_size_t=1,
        num_attention_heads=4,
        attention_head_dim=8,
        cross_attention_dim=32,
        num_layers=1,
        caption_channels=32,
    )
    torch.manual_seed(0)
    vae = AutoencoderKLLTXVideo(
        in_channels=3,
        out_channels=3,
        latent_channels=8,
        block_out_channels=(8, 8, 8, 8),
        decoder_block_out_channels=(8, 8, 8, 8),
        layers_per_block=(1, 1, 1, 1, 1),
        decoder_layers_per_block=(1, 1, 1, 1, 1),
        spatio_temporal_scaling=(True, True, False, False),
        decoder_spatio_temporal_scaling=(True, True, False, False),
        decoder_inject_noise=(False, False, False, False, False),
        upsample_residual=(False, False, False, False),
        upsample_factor=(1, 1, 1, 1),
        timestep_conditioning=False,
        patch_size=1,
        patch_size_t=1,
        encoder_causal=True,
        decoder_causal=False,
    )
    vae.use_framewise_encoding = False
    vae.use_framewise_decoding = False
    torch.manual_seed(0)
    text_encoder = T5EncoderModel(
        T5Config(vocab_size=_vocab_size(), d_model=32, d_kv=8, d_ff=37, num_layers=2, num_heads=4)
    )
    return {
        "transformer": transformer,
        "vae": vae,
        "scheduler": FlowMatchEulerDiscreteScheduler(),
        "text_encoder": text_encoder,
        "tokenizer": tiny_tokenizer(),
    }


def save_pipeline(cls_name: str, components: dict[str, Any], folder: Path) -> Path:
    import diffusers

    pipe = getattr(diffusers, cls_name)(**components)
    pipe.save_pretrained(str(folder), safe_serialization=True)
    return folder


@dataclass(frozen=True)
class TinyVideoModels:
    root: Path
    """The folder the video registry scans (QIANMIAN_VIDEO_MODELS)."""
    wan: Path
    ltx: Path
    wan_a14b: Path
    """Takes a last frame as well as the first."""
    ltx_condition: Path
    """LTXConditionPipeline: conditions at the first and the last frame."""


def build_tiny_video_models(root: Path) -> TinyVideoModels:
    root.mkdir(parents=True, exist_ok=True)
    wan = save_pipeline("WanImageToVideoPipeline", wan22_ti2v_components(), root / "tiny-wan22-ti2v")
    ltx = save_pipeline("LTXImageToVideoPipeline", ltx_components(), root / "tiny-ltx-i2v")
    a14b = save_pipeline("WanImageToVideoPipeline", wan22_a14b_components(), root / "tiny-wan22-a14b")
    cond = save_pipeline("LTXConditionPipeline", ltx_components(), root / "tiny-ltx-condition")
    return TinyVideoModels(root, wan, ltx, a14b, cond)


def model_index(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / "model_index.json").read_text("utf-8"))
    return data

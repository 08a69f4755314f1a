"""Random-weight Stable Diffusion pipelines built from configs: tiny ones for tests, real-size ones for GPU timing.

Dev tool shared by `tests/tiny_models.py` and the benchmarks; the product never imports it. Nothing is downloaded:
the CLIP tokenizer is a character-level BPE vocabulary written here (CLIP's byte alphabet, no merges), and the T5
tokenizer (SD3, FLUX) a character-level Unigram vocabulary. SD3 and FLUX exist at the tiny scale only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

Family = Literal["sd15", "sdxl", "sd3", "flux"]
Scale = Literal["tiny", "full"]


def _byte_alphabet() -> list[str]:
    """CLIP's byte→unicode table (the same as GPT-2's): every byte gets a printable character."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return [chr(c) for c in cs]


def clip_tokenizer(folder: Path, max_length: int = 77) -> Any:
    """A CLIPTokenizer with a character vocabulary (514 tokens), saved to and loaded from `folder`."""
    from transformers import CLIPTokenizer

    folder.mkdir(parents=True, exist_ok=True)
    chars = _byte_alphabet()
    vocab = {c: i for i, c in enumerate(chars)}
    vocab.update({c + "</w>": i + len(chars) for i, c in enumerate(chars)})
    vocab["<|startoftext|>"] = len(vocab)
    vocab["<|endoftext|>"] = len(vocab)
    tok = CLIPTokenizer(vocab=vocab, merges=[], model_max_length=max_length, pad_token="<|endoftext|>")
    tok.save_pretrained(str(folder))
    return tok


def t5_tokenizer(folder: Path, max_length: int = 512) -> Any:
    """A T5 tokenizer (Unigram, fast) over ASCII characters, with and without the word-start mark; saved to `folder`."""
    import string

    from transformers import T5TokenizerFast

    folder.mkdir(parents=True, exist_ok=True)
    chars = string.ascii_letters + string.digits + string.punctuation
    pieces = [("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0), ("\u2581", -2.0)]
    pieces += [(c, -3.0) for c in chars] + [("\u2581" + c, -2.5) for c in chars]
    tok = T5TokenizerFast(vocab=pieces, extra_ids=0, model_max_length=max_length)
    tok.save_pretrained(str(folder))
    return tok


def _t5(d_model: int) -> Any:
    from transformers import T5Config, T5EncoderModel

    cfg = T5Config(
        vocab_size=256,
        d_model=d_model,
        d_kv=8,
        d_ff=37,
        num_layers=2,
        num_heads=4,
        relative_attention_num_buckets=8,
        feed_forward_proj="gated-gelu",
        pad_token_id=0,
        eos_token_id=1,
        decoder_start_token_id=0,
    )
    return T5EncoderModel(cfg)


def _clip(scale: Scale, *, hidden: int, layers: int, heads: int, projection: bool, act: str = "quick_gelu") -> Any:
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection

    cfg = CLIPTextConfig(
        vocab_size=1000 if scale == "tiny" else 49408,
        hidden_size=hidden,
        intermediate_size=hidden * 4 if scale == "full" else 37,
        num_attention_heads=heads,
        num_hidden_layers=layers,
        max_position_embeddings=77,
        projection_dim=hidden if scale == "full" else 32,
        hidden_act=act,
        bos_token_id=512,
        eos_token_id=513,
        pad_token_id=513,
    )
    return (CLIPTextModelWithProjection if projection else CLIPTextModel)(cfg)


def _vae(scale: Scale, *, latent_channels: int = 4, shift: float | None = None, scaling: float = 0.18215) -> Any:
    """SD 1.5/SDXL: 4 latent channels with quant convs; SD3/FLUX: 16 channels, no quant convs, a shift factor."""
    from diffusers import AutoencoderKL

    if scale == "tiny":
        return AutoencoderKL(
            block_out_channels=(8, 16),
            in_channels=3,
            out_channels=3,
            down_block_types=("DownEncoderBlock2D",) * 2,
            up_block_types=("UpDecoderBlock2D",) * 2,
            latent_channels=latent_channels,
            norm_num_groups=4,
            layers_per_block=1,
            sample_size=64,
            scaling_factor=scaling,
            shift_factor=shift,
            use_quant_conv=shift is None,
            use_post_quant_conv=shift is None,
        )
    return AutoencoderKL(
        block_out_channels=(128, 256, 512, 512),
        in_channels=3,
        out_channels=3,
        down_block_types=("DownEncoderBlock2D",) * 4,
        up_block_types=("UpDecoderBlock2D",) * 4,
        latent_channels=4,
        layers_per_block=2,
        sample_size=512,
    )


def sd15_components(scale: Scale, tokenizer: Any) -> dict[str, Any]:
    from diffusers import PNDMScheduler, UNet2DConditionModel

    if scale == "tiny":
        unet = UNet2DConditionModel(
            block_out_channels=(8, 16),
            layers_per_block=1,
            sample_size=32,
            in_channels=4,
            out_channels=4,
            down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
            up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
            cross_attention_dim=32,
            attention_head_dim=4,
            norm_num_groups=4,
        )
        text = _clip(scale, hidden=32, layers=2, heads=4, projection=False)
    else:
        unet = UNet2DConditionModel(
            sample_size=64,
            block_out_channels=(320, 640, 1280, 1280),
            layers_per_block=2,
            down_block_types=("CrossAttnDownBlock2D",) * 3 + ("DownBlock2D",),
            up_block_types=("UpBlock2D",) + ("CrossAttnUpBlock2D",) * 3,
            cross_attention_dim=768,
            attention_head_dim=8,
        )
        text = _clip(scale, hidden=768, layers=12, heads=12, projection=False)
    scheduler = PNDMScheduler(
        beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", skip_prk_steps=True, steps_offset=1
    )
    return {
        "unet": unet,
        "vae": _vae(scale),
        "text_encoder": text,
        "tokenizer": tokenizer,
        "scheduler": scheduler,
        "safety_checker": None,
        "feature_extractor": None,
        "image_encoder": None,
    }


def sdxl_components(scale: Scale, tokenizer: Any) -> dict[str, Any]:
    from diffusers import EulerDiscreteScheduler, UNet2DConditionModel

    if scale == "tiny":
        unet = UNet2DConditionModel(
            block_out_channels=(8, 16),
            layers_per_block=1,
            sample_size=32,
            in_channels=4,
            out_channels=4,
            down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
            up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
            attention_head_dim=(2, 4),
            use_linear_projection=True,
            addition_embed_type="text_time",
            addition_time_embed_dim=8,
            transformer_layers_per_block=(1, 1),
            projection_class_embeddings_input_dim=80,  # 6 * 8 + 32
            cross_attention_dim=80,  # 32 (first encoder) + 48 (second)
            norm_num_groups=4,
        )
        te1 = _clip(scale, hidden=32, layers=2, heads=4, projection=False, act="gelu")
        te2 = _clip(scale, hidden=48, layers=2, heads=4, projection=True, act="gelu")
    else:
        unet = UNet2DConditionModel(
            sample_size=128,
            block_out_channels=(320, 640, 1280),
            layers_per_block=2,
            down_block_types=("DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"),
            up_block_types=("CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"),
            transformer_layers_per_block=(1, 2, 10),
            attention_head_dim=(5, 10, 20),
            cross_attention_dim=2048,
            use_linear_projection=True,
            addition_embed_type="text_time",
            addition_time_embed_dim=256,
            projection_class_embeddings_input_dim=2816,
        )
        te1 = _clip(scale, hidden=768, layers=12, heads=12, projection=False)
        te2 = _clip(scale, hidden=1280, layers=32, heads=20, projection=True, act="gelu")
    scheduler = EulerDiscreteScheduler(
        beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", steps_offset=1, timestep_spacing="leading"
    )
    return {
        "unet": unet,
        "vae": _vae(scale),
        "text_encoder": te1,
        "text_encoder_2": te2,
        "tokenizer": tokenizer,
        "tokenizer_2": tokenizer,
        "scheduler": scheduler,
        "image_encoder": None,
        "feature_extractor": None,
    }


def sd3_components(tokenizer: Any, t5_tok: Any) -> dict[str, Any]:
    """Tiny SD3: MMDiT over a 16-channel latent (patch 2), two projected CLIPs (pooled 32+32) and a T5 (width 64)."""
    from diffusers import FlowMatchEulerDiscreteScheduler, SD3Transformer2DModel

    transformer = SD3Transformer2DModel(
        sample_size=32,
        patch_size=2,
        in_channels=16,
        out_channels=16,
        num_layers=1,
        attention_head_dim=8,
        num_attention_heads=4,
        joint_attention_dim=64,  # the T5 width; the two CLIPs' 32+32 are padded to it
        caption_projection_dim=32,
        pooled_projection_dim=64,
        pos_embed_max_size=32,
    )
    return {
        "transformer": transformer,
        "vae": _vae("tiny", latent_channels=16, shift=0.0609, scaling=1.5035),
        "text_encoder": _clip("tiny", hidden=32, layers=2, heads=4, projection=True, act="gelu"),
        "text_encoder_2": _clip("tiny", hidden=32, layers=2, heads=4, projection=True, act="gelu"),
        "text_encoder_3": _t5(64),
        "tokenizer": tokenizer,
        "tokenizer_2": tokenizer,
        "tokenizer_3": t5_tok,
        "scheduler": FlowMatchEulerDiscreteScheduler(shift=3.0),
    }


def flux_components(tokenizer: Any, t5_tok: Any) -> dict[str, Any]:
    """Tiny FLUX.1-dev layout: 16-channel latent packed 2×2 (64 in), CLIP pooled (32), T5 (64), guidance embedding."""
    from diffusers import FlowMatchEulerDiscreteScheduler, FluxTransformer2DModel

    transformer = FluxTransformer2DModel(
        patch_size=1,
        in_channels=64,
        num_layers=1,
        num_single_layers=1,
        attention_head_dim=16,
        num_attention_heads=2,
        joint_attention_dim=64,
        pooled_projection_dim=32,
        guidance_embeds=True,
        axes_dims_rope=(4, 4, 8),
    )
    scheduler = FlowMatchEulerDiscreteScheduler(
        shift=3.0,
        use_dynamic_shifting=True,
        base_shift=0.5,
        max_shift=1.15,
        base_image_seq_len=256,
        max_image_seq_len=4096,
    )
    return {
        "transformer": transformer,
        "vae": _vae("tiny", latent_channels=16, shift=0.1159, scaling=0.3611),
        "text_encoder": _clip("tiny", hidden=32, layers=2, heads=4, projection=False, act="gelu"),
        "text_encoder_2": _t5(64),
        "tokenizer": tokenizer,
        "tokenizer_2": t5_tok,
        "scheduler": scheduler,
        "image_encoder": None,
        "feature_extractor": None,
    }


def build_pipeline(family: Family, scale: Scale, workdir: Path, *, seed: int = 0, device: str = "cpu") -> Any:
    """A random-weight pipeline (weights drawn on `device`, so real-size models build in seconds on a GPU)."""
    import torch
    from diffusers import FluxPipeline, StableDiffusion3Pipeline, StableDiffusionPipeline, StableDiffusionXLPipeline

    if family in ("sd3", "flux") and scale != "tiny":
        raise ValueError(f"{family} is built at the tiny scale only")
    tokenizer = clip_tokenizer(workdir / "tokenizer")
    t5_tok = t5_tokenizer(workdir / "tokenizer_t5") if family in ("sd3", "flux") else None
    torch.manual_seed(seed)
    with torch.device(device):
        if family == "sd15":
            parts = sd15_components(scale, tokenizer)
        elif family == "sdxl":
            parts = sdxl_components(scale, tokenizer)
        else:
            parts = (sd3_components if family == "sd3" else flux_components)(tokenizer, t5_tok)
    if family == "sd15":
        pipe = StableDiffusionPipeline(**parts, requires_safety_checker=False)
    else:
        cls = {"sdxl": StableDiffusionXLPipeline, "sd3": StableDiffusion3Pipeline, "flux": FluxPipeline}[family]
        pipe = cls(**parts)
    pipe.set_progress_bar_config(disable=True)
    return pipe

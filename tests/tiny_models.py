"""Tiny random SD 1.5 and SDXL pipelines saved the way creators keep models: diffusers folders and single files.

Built once per test session (a few seconds) into a temp folder; tests point the registry at it through
QIANMIAN_IMAGE_MODELS. The single-file checkpoint is written in the original (LDM) key layout that real `.safetensors`
checkpoints use, so it goes through diffusers' `from_single_file` conversion exactly like a downloaded model.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks._arch import build_pipeline  # noqa: E402

UNET_TOP = {
    "time_embedding.linear_1.": "time_embed.0.",
    "time_embedding.linear_2.": "time_embed.2.",
    "add_embedding.linear_1.": "label_emb.0.0.",
    "add_embedding.linear_2.": "label_emb.0.2.",
    "conv_in.": "input_blocks.0.0.",
    "conv_norm_out.": "out.0.",
    "conv_out.": "out.2.",
}
RESNET = {
    "norm1.": "in_layers.0.",
    "conv1.": "in_layers.2.",
    "time_emb_proj.": "emb_layers.1.",
    "norm2.": "out_layers.0.",
    "conv2.": "out_layers.3.",
    "conv_shortcut.": "skip_connection.",
}


def unet_to_ldm(state: dict[str, Any], config: Any) -> dict[str, Any]:
    """diffusers UNet2DConditionModel keys → `model.diffusion_model.*` (the inverse of diffusers' converter)."""
    per = config.layers_per_block + 1
    up_has_attn = ["CrossAttn" in t for t in config.up_block_types]
    out = {}
    for key, value in state.items():
        new = key
        for a, b in UNET_TOP.items():
            if key.startswith(a):
                new = b + key[len(a) :]
        if m := re.match(r"down_blocks\.(\d+)\.(resnets|attentions)\.(\d+)\.(.*)", key):
            i, kind, j, rest = int(m[1]), m[2], int(m[3]), m[4]
            rest = _resnet(rest) if kind == "resnets" else rest
            new = f"input_blocks.{per * i + j + 1}.{0 if kind == 'resnets' else 1}.{rest}"
        elif m := re.match(r"down_blocks\.(\d+)\.downsamplers\.0\.conv\.(.*)", key):
            new = f"input_blocks.{per * (int(m[1]) + 1)}.0.op.{m[2]}"
        elif m := re.match(r"up_blocks\.(\d+)\.(resnets|attentions)\.(\d+)\.(.*)", key):
            i, kind, j, rest = int(m[1]), m[2], int(m[3]), m[4]
            rest = _resnet(rest) if kind == "resnets" else rest
            new = f"output_blocks.{per * i + j}.{0 if kind == 'resnets' else 1}.{rest}"
        elif m := re.match(r"up_blocks\.(\d+)\.upsamplers\.0\.(.*)", key):
            i = int(m[1])
            new = f"output_blocks.{per * i + per - 1}.{2 if up_has_attn[i] else 1}.{m[2]}"
        elif m := re.match(r"mid_block\.attentions\.0\.(.*)", key):
            new = f"middle_block.1.{m[1]}"
        elif m := re.match(r"mid_block\.resnets\.(\d+)\.(.*)", key):
            new = f"middle_block.{2 * int(m[1])}.{_resnet(m[2])}"
        out["model.diffusion_model." + new] = value
    return out


def _resnet(rest: str) -> str:
    for a, b in RESNET.items():
        if rest.startswith(a):
            return b + rest[len(a) :]
    return rest


def vae_to_ldm(state: dict[str, Any], config: Any) -> dict[str, Any]:
    """diffusers AutoencoderKL keys → `first_stage_model.*` (decoder blocks reversed, attention as 1×1 convs)."""
    n = len(config.block_out_channels)
    attn = {"group_norm.": "norm.", "to_q.": "q.", "to_k.": "k.", "to_v.": "v.", "to_out.0.": "proj_out."}
    out = {}
    for key, value in state.items():
        new = key.replace("conv_norm_out.", "norm_out.").replace("conv_shortcut.", "nin_shortcut.")
        if m := re.match(r"encoder\.down_blocks\.(\d+)\.resnets\.(\d+)\.(.*)", new):
            new = f"encoder.down.{m[1]}.block.{m[2]}.{m[3]}"
        elif m := re.match(r"encoder\.down_blocks\.(\d+)\.downsamplers\.0\.(.*)", new):
            new = f"encoder.down.{m[1]}.downsample.{m[2]}"
        elif m := re.match(r"decoder\.up_blocks\.(\d+)\.resnets\.(\d+)\.(.*)", new):
            new = f"decoder.up.{n - 1 - int(m[1])}.block.{m[2]}.{m[3]}"
        elif m := re.match(r"decoder\.up_blocks\.(\d+)\.upsamplers\.0\.(.*)", new):
            new = f"decoder.up.{n - 1 - int(m[1])}.upsample.{m[2]}"
        elif m := re.match(r"(encoder|decoder)\.mid_block\.resnets\.(\d+)\.(.*)", new):
            new = f"{m[1]}.mid.block_{int(m[2]) + 1}.{m[3]}"
        elif m := re.match(r"(encoder|decoder)\.mid_block\.attentions\.0\.(.*)", new):
            rest = m[2]
            for a, b in attn.items():
                if rest.startswith(a):
                    rest = b + rest[len(a) :]
            if rest.endswith("weight") and value.ndim == 2:
                value = value[:, :, None, None]
            new = f"{m[1]}.mid.attn_1.{rest}"
        out["first_stage_model." + new] = value
    return out


def clip_to_ldm(state: dict[str, Any], prefix: str) -> dict[str, Any]:
    """transformers CLIPTextModel keys → `<prefix>text_model.*` as in original checkpoints."""
    return {prefix + ("" if k.startswith("text_model.") else "text_model.") + k: v for k, v in state.items()}


def save_sd15_single_file(pipe: Any, path: Path) -> Path:
    from safetensors.torch import save_file

    state = {}
    state.update(unet_to_ldm(pipe.unet.state_dict(), pipe.unet.config))
    state.update(vae_to_ldm(pipe.vae.state_dict(), pipe.vae.config))
    state.update(clip_to_ldm(pipe.text_encoder.state_dict(), "cond_stage_model.transformer."))
    save_file({k: v.contiguous() for k, v in state.items()}, str(path))
    return path


def open_clip_to_ldm(state: dict[str, Any], prefix: str) -> dict[str, Any]:
    """transformers CLIPTextModelWithProjection keys → OpenCLIP layout (fused q/k/v, transposed projection)."""
    import torch

    out: dict[str, Any] = {}
    qkv: dict[str, dict[str, Any]] = {}
    for key, value in state.items():
        k = key.removeprefix("text_model.")
        if k == "embeddings.position_embedding.weight":
            out[prefix + "positional_embedding"] = value
        elif k == "embeddings.token_embedding.weight":
            out[prefix + "token_embedding.weight"] = value
        elif k.startswith("final_layer_norm."):
            out[prefix + "ln_final." + k.split(".")[-1]] = value
        elif k == "text_projection.weight":
            out[prefix + "text_projection"] = value.T.contiguous()
        elif m := re.match(r"encoder\.layers\.(\d+)\.self_attn\.([qkv])_proj\.(weight|bias)", k):
            qkv.setdefault(f"{m[1]}.{m[3]}", {})[m[2]] = value
        elif m := re.match(r"encoder\.layers\.(\d+)\.(.*)", k):
            rest = (
                m[2]
                .replace("layer_norm1", "ln_1")
                .replace("layer_norm2", "ln_2")
                .replace("mlp.fc1", "mlp.c_fc")
                .replace("mlp.fc2", "mlp.c_proj")
                .replace("self_attn.out_proj", "attn.out_proj")
            )
            out[f"{prefix}transformer.resblocks.{m[1]}.{rest}"] = value
    for name, parts in qkv.items():
        layer, kind = name.split(".")
        fused = torch.cat([parts["q"], parts["k"], parts["v"]], dim=0)
        out[f"{prefix}transformer.resblocks.{layer}.attn.in_proj_{kind}"] = fused
    return out


def save_sdxl_single_file(pipe: Any, path: Path) -> Path:
    from safetensors.torch import save_file

    state = {}
    state.update(unet_to_ldm(pipe.unet.state_dict(), pipe.unet.config))
    state.update(vae_to_ldm(pipe.vae.state_dict(), pipe.vae.config))
    state.update(clip_to_ldm(pipe.text_encoder.state_dict(), "conditioner.embedders.0.transformer."))
    state.update(open_clip_to_ldm(pipe.text_encoder_2.state_dict(), "conditioner.embedders.1.model."))
    save_file({k: v.contiguous() for k, v in state.items()}, str(path))
    return path


def save_configs(pipe: Any, folder: Path) -> None:
    """The configs and tokenizers a single-file checkpoint needs beside it to load offline (no weights)."""
    pipe.save_config(str(folder))
    for name, component in pipe.components.items():
        if component is None:
            continue
        if name.startswith("tokenizer"):
            component.save_pretrained(str(folder / name))
        elif name.startswith("text_encoder"):
            component.config.save_pretrained(str(folder / name))
        elif hasattr(component, "save_config"):
            component.save_config(str(folder / name))


@dataclass(frozen=True)
class TinyModels:
    root: Path
    """Folder the registry scans (QIANMIAN_IMAGE_MODELS)."""
    sd15: Path
    sdxl: Path
    single: Path
    """Single-file SD 1.5 checkpoint; its configs sit beside it in `<stem>/`."""
    single_xl: Path
    lora: Path
    """A LoRA for the tiny SD 1.5 UNet (random, non-zero), in diffusers' .safetensors LoRA format."""
    ip_adapter: Path
    """IP-Adapter kit for the tiny SD 1.5 (h94 layout: models/image_encoder/, models/ip-adapter_sd15.safetensors)."""


def build_tiny_models(root: Path) -> TinyModels:
    root.mkdir(parents=True, exist_ok=True)
    work = root.parent / f"{root.name}-work"
    sd15 = build_pipeline("sd15", "tiny", work / "sd15", seed=1)
    sd15.save_pretrained(str(root / "tiny-sd15"), safe_serialization=True)
    sdxl = build_pipeline("sdxl", "tiny", work / "sdxl", seed=2)
    sdxl.save_pretrained(str(root / "tiny-sdxl"), safe_serialization=True)
    single = save_sd15_single_file(sd15, root / "tiny-sd15-single.safetensors")
    save_configs(sd15, root / "tiny-sd15-single")
    save_sdxl_single_file(sdxl, root / "tiny-sdxl-single.safetensors")
    save_configs(sdxl, root / "tiny-sdxl-single")
    ip_adapter = save_ip_adapter(sd15, root.parent / "ip-adapter-kit")
    lora = save_lora(sd15, root / "lora")
    return TinyModels(
        root=root,
        sd15=root / "tiny-sd15",
        sdxl=root / "tiny-sdxl",
        single=single,
        single_xl=root / "tiny-sdxl-single.safetensors",
        lora=lora,
        ip_adapter=ip_adapter,
    )


def save_ip_adapter(pipe: Any, folder: Path) -> Path:
    """A random IP-Adapter (image projection + per-cross-attention k/v) and a tiny CLIP image encoder."""
    import torch
    from safetensors.torch import save_file
    from transformers import CLIPVisionConfig, CLIPVisionModelWithProjection

    torch.manual_seed(6)
    models = folder / "models"
    encoder = CLIPVisionModelWithProjection(
        CLIPVisionConfig(
            hidden_size=32,
            intermediate_size=37,
            projection_dim=32,
            num_hidden_layers=2,
            num_attention_heads=4,
            image_size=32,
            patch_size=4,
        )
    )
    encoder.save_pretrained(str(models / "image_encoder"), safe_serialization=True)
    unet = pipe.unet
    cad = unet.config.cross_attention_dim
    state = {
        "image_proj.proj.weight": torch.randn(4 * cad, 32) * 0.2,
        "image_proj.proj.bias": torch.zeros(4 * cad),
        "image_proj.norm.weight": torch.ones(cad),
        "image_proj.norm.bias": torch.zeros(cad),
    }
    key = 1
    for name in unet.attn_processors:
        if name.endswith("attn1.processor"):
            continue
        hidden = unet.get_submodule(name.removesuffix(".processor")).to_q.out_features
        state[f"ip_adapter.{key}.to_k_ip.weight"] = torch.randn(hidden, cad) * 0.5
        state[f"ip_adapter.{key}.to_v_ip.weight"] = torch.randn(hidden, cad) * 0.5
        key += 2
    save_file(state, str(models / "ip-adapter_sd15.safetensors"))
    return folder


def save_lora(pipe: Any, folder: Path) -> Path:
    import torch
    from diffusers import StableDiffusionPipeline
    from diffusers.utils import convert_state_dict_to_diffusers
    from peft import LoraConfig
    from peft.utils import get_peft_model_state_dict

    torch.manual_seed(5)
    unet = pipe.unet
    unet.add_adapter(
        LoraConfig(r=4, lora_alpha=8, target_modules=["to_q", "to_k", "to_v", "to_out.0"], init_lora_weights=False)
    )
    state = convert_state_dict_to_diffusers(get_peft_model_state_dict(unet))
    StableDiffusionPipeline.save_lora_weights(
        str(folder), unet_lora_layers=state, safe_serialization=True, weight_name="tiny-style.safetensors"
    )
    unet.delete_adapters("default")
    return folder / "tiny-style.safetensors"


_BUILT: TinyModels | None = None


def tiny_models() -> TinyModels:
    """Build once per test process (tests in several files share it); removed when the process exits."""
    global _BUILT
    if _BUILT is None:
        import atexit
        import shutil
        import tempfile

        base = Path(tempfile.mkdtemp(prefix="qm-tiny-models-"))
        atexit.register(shutil.rmtree, base, ignore_errors=True)
        _BUILT = build_tiny_models(base / "models")
    return _BUILT


def use_tiny_models(monkeypatch: Any, tmp_path: Path) -> TinyModels:
    """Point the registry at the tiny models only (an empty HF cache, so the machine's own cache is not scanned)."""
    models = tiny_models()
    monkeypatch.setenv("QIANMIAN_IMAGE_MODELS", str(models.root))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf-cache"))
    monkeypatch.setenv("QIANMIAN_DEVICE", "cpu")
    return models


_FLOW: Path | None = None


def tiny_flow_models() -> Path:
    """Folder holding tiny-sd3/ and tiny-flux/ (flow-matching families), built apart from the SD 1.5/SDXL set so
    tests of one do not pay for the other; once per test process, removed when it exits."""
    global _FLOW
    if _FLOW is None:
        import atexit
        import shutil
        import tempfile

        base = Path(tempfile.mkdtemp(prefix="qm-tiny-flow-models-"))
        atexit.register(shutil.rmtree, base, ignore_errors=True)
        for seed, family in ((3, "sd3"), (4, "flux")):
            pipe = build_pipeline(family, "tiny", base / "work" / family, seed=seed)
            pipe.save_pretrained(str(base / "models" / f"tiny-{family}"), safe_serialization=True)
        _FLOW = base / "models"
    return _FLOW


def pixels(img: Any) -> Any:
    """An image as signed ints, so differences between two images do not wrap around."""
    import numpy as np

    return np.asarray(img, dtype=np.int16)


class StopAtFirstStep:
    """A progress listener that cancels on the first denoising step: cancel must take effect within one step."""

    def __init__(self) -> None:
        from studio.model import CancelToken

        self.token = CancelToken()
        self.steps: list[Any] = []

    def __call__(self, p: Any) -> None:
        if p.message.startswith("Step"):
            self.steps.append(p)
            self.token.cancel()

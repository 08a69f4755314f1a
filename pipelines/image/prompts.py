"""Prompts longer than CLIP's 77-token window reach the model whole: chunked encoding, and a record of what fits.

A localized shot prompt runs 100–150 tokens (subject, the market's look, palette, casting, style); SD 1.5 and SDXL
read 75 of them through CLIP and silently drop the rest. Here the prompt is split into 75-token windows (at a comma
near the end of a window when there is one, so a phrase is not cut in two), each window is encoded as its own
`<bos> … <eos> <pad>…` sequence and the hidden states are concatenated: the UNet's cross-attention takes any
length. The negative prompt is padded with empty windows to the same length. This is the technique of compel and
of the A1111 web UI, written here (about a hundred lines) because it must follow the pipeline's own `encode_prompt`
exactly (penultimate layer and pooled output for SDXL, zeroed negatives) across diffusers releases.

SD3 and FLUX read the prompt through T5, whose window is set with `max_sequence_length`; their CLIP encoders only
give the pooled vector, so nothing is chunked there. Torch is imported inside functions only.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

CLIP_WINDOW = 77
"""Tokens one CLIP pass reads, with its begin and end markers."""
CHUNK = CLIP_WINDOW - 2
COMMA_LOOKBACK = 20
"""A window ends after the last comma among its final tokens, so phrases stay whole."""
T5_DEFAULT = {"sd3": 256, "flux": 512}
T5_MAX = 512


@dataclass(frozen=True)
class PromptFit:
    """How a prompt fits the model's text encoders: what the generator records on the take."""

    tokens: int
    """Prompt tokens counted by the (first) CLIP tokenizer, markers excluded."""
    chunks: int = 1
    """CLIP windows encoded (1: the pipeline's own encoding)."""
    past_window: str = ""
    """The words a single 77-token CLIP window would have cut (reached the model only through chunking or T5)."""
    cut: str = ""
    """Words that did NOT reach the model at all (empty when the whole prompt was encoded)."""
    max_sequence_length: int | None = None
    """T5 window set for SD3/FLUX (None: the pipeline's default)."""

    def info(self) -> dict[str, str | int]:
        out: dict[str, str | int] = {"prompt_tokens": self.tokens, "prompt_chunks": self.chunks}
        if self.past_window:
            out["prompt_past_77"] = self.past_window
        if self.cut:
            out["prompt_cut"] = self.cut
        if self.max_sequence_length is not None:
            out["max_sequence_length"] = self.max_sequence_length
        return out


def _ids(tokenizer: Any, text: str) -> list[int]:
    """Token ids without begin/end markers and without truncation."""
    return list(tokenizer(text, add_special_tokens=False, truncation=False, verbose=False).input_ids)


def _commas(tokenizer: Any) -> set[int]:
    vocab = tokenizer.get_vocab()
    return {i for t, i in vocab.items() if t in (",", ",</w>")}


def split_windows(ids: list[int], commas: set[int], size: int = CHUNK) -> list[list[int]]:
    """Windows of at most `size` tokens; a window ends after a comma in its last COMMA_LOOKBACK tokens if any."""
    out: list[list[int]] = []
    rest = list(ids)
    while len(rest) > size:
        cut = size
        for j in range(size - 1, size - 1 - COMMA_LOOKBACK, -1):
            if rest[j] in commas:
                cut = j + 1
                break
        out.append(rest[:cut])
        rest = rest[cut:]
    out.append(rest)
    return out


def _window(tokenizer: Any, ids: list[int]) -> list[int]:
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    seq = [tokenizer.bos_token_id, *ids, tokenizer.eos_token_id]
    return seq + [pad] * (CLIP_WINDOW - len(seq))


def fit_prompt(pipe: Any, family: str, prompt: str) -> PromptFit:
    """What of `prompt` the model reads (torch-free: tokenizers only)."""
    tokenizer = getattr(pipe, "tokenizer", None)
    if tokenizer is None:
        return PromptFit(tokens=0)
    ids = _ids(tokenizer, prompt)
    past = tokenizer.decode(ids[CHUNK:]).strip() if len(ids) > CHUNK else ""
    if family in ("sd15", "sdxl"):
        windows = split_windows(ids, _commas(tokenizer)) if len(ids) > CHUNK else [ids]
        return PromptFit(tokens=len(ids), chunks=len(windows), past_window=past)
    t5 = getattr(pipe, "tokenizer_3" if family == "sd3" else "tokenizer_2", None)
    if t5 is None or family not in T5_DEFAULT:
        return PromptFit(tokens=len(ids), past_window=past, cut=past)
    t5_ids = list(t5(prompt, add_special_tokens=True, truncation=False, verbose=False).input_ids)
    length = None
    if len(t5_ids) > T5_DEFAULT[family]:
        length = T5_MAX
    window = length or T5_DEFAULT[family]
    cut = t5.decode(t5_ids[window:], skip_special_tokens=True).strip() if len(t5_ids) > window else ""
    return PromptFit(tokens=len(ids), past_window=past, cut=cut, max_sequence_length=length)


def _states(family: str, tokenizer: Any, encoder: Any, windows: list[list[int]]) -> tuple[Any, Any]:
    """One encoder over the windows: hidden states (1, windows·77, dim) and the first window's pooled output."""
    import torch
    from diffusers.utils.torch_utils import get_module_execution_device

    device = get_module_execution_device(encoder)  # the GPU even when the encoder is offloaded to the CPU
    states, pooled = [], None
    for n, ids in enumerate(windows):
        seq = torch.tensor([_window(tokenizer, ids)], device=device)
        if family == "sd15":  # as StableDiffusionPipeline.encode_prompt: the last layer, normed
            mask = None
            if getattr(encoder.config, "use_attention_mask", False):
                mask = torch.zeros_like(seq)
                mask[:, : len(ids) + 2] = 1
            states.append(encoder(seq, attention_mask=mask)[0])
            continue
        out = encoder(seq, output_hidden_states=True)  # as the SDXL pipeline: penultimate layer, pooled from the last
        if n == 0 and out[0].ndim == 2:
            pooled = out[0]
        states.append(out.hidden_states[-2])
    return torch.cat(states, dim=1), pooled


def _encode(pipe: Any, family: str, windows: list[list[int]], chunks: int) -> tuple[Any, Any]:
    """A prompt cut into windows of the first tokenizer's ids → (states, pooled) over `chunks` windows.

    SDXL's second tokenizer may differ from the first (the real one pads with "!"); each window's text is then
    tokenized again for it, so both encoders read the same words in the same window."""
    import torch

    windows = windows + [[]] * (chunks - len(windows))
    first = pipe.tokenizer
    pairs = [(first, pipe.text_encoder)]
    if family == "sdxl":
        pairs = [(t, e) for t, e in ((first, pipe.text_encoder), (pipe.tokenizer_2, pipe.text_encoder_2)) if e]
    parts, pooled = [], None
    for tokenizer, encoder in pairs:
        ids = windows
        if tokenizer is not first and tokenizer.get_vocab() != first.get_vocab():
            ids = [_ids(tokenizer, first.decode(w))[:CHUNK] if w else [] for w in windows]
        states, p = _states(family, tokenizer, encoder, ids)
        parts.append(states)
        pooled = p if p is not None else pooled
    return torch.cat(parts, dim=-1), pooled


def encode_long(pipe: Any, family: str, prompts: list[str], negatives: list[str]) -> dict[str, Any]:
    """Pipeline keyword arguments carrying the whole prompts as embeddings; empty when every prompt fits one window
    (the pipeline then encodes as it always did, so short prompts give the very same images as before)."""
    import torch

    if family not in ("sd15", "sdxl") or getattr(pipe, "text_encoder", None) is None:
        return {}
    tokenizer = pipe.tokenizer
    commas = _commas(tokenizer)
    split = [split_windows(_ids(tokenizer, p), commas) for p in prompts]
    if all(len(s) == 1 for s in split):
        return {}
    neg_split = [split_windows(_ids(tokenizer, n), commas) for n in negatives]
    chunks = max(len(s) for s in [*split, *neg_split])
    embeds, pooled = [], []
    with torch.inference_mode():
        for windows in split:
            e, p = _encode(pipe, family, windows, chunks)
            embeds.append(e)
            pooled.append(p)
        kwargs: dict[str, Any] = {"prompt_embeds": torch.cat(embeds)}
        zero = family == "sdxl" and not any(negatives) and bool(getattr(pipe.config, "force_zeros_for_empty_prompt", 0))
        if zero:
            kwargs["negative_prompt_embeds"] = torch.zeros_like(kwargs["prompt_embeds"])
        else:
            neg = [_encode(pipe, family, w, chunks) for w in neg_split]
            kwargs["negative_prompt_embeds"] = torch.cat([e for e, _ in neg])
        if family == "sdxl":
            kwargs["pooled_prompt_embeds"] = torch.cat(pooled)
            kwargs["negative_pooled_prompt_embeds"] = (
                torch.zeros_like(kwargs["pooled_prompt_embeds"]) if zero else torch.cat([p for _, p in neg])
            )
    log.info("Long prompt encoded in %d CLIP windows of %d tokens", chunks, CHUNK)
    return kwargs

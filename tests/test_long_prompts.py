"""Prompts past CLIP's 77 tokens reach the model (tiny random SD 1.5 / SDXL saved to disk and loaded back), and the
planner puts the market's look, palette and casting before the boilerplate."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tiny_models import TinyModels, pixels, use_tiny_models

from pipelines.image import generate_image
from pipelines.image.generator import generator
from pipelines.image.prompts import encode_long, fit_prompt
from pipelines.image.registry import find_model
from studio.model import ImageRequest, load_brief

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::UserWarning")

# The tiny tokenizer reads one token per character: the head alone fills CLIP's window, so only the tail differs
# past token 77 (a Vietnamese snack brand's localized prompt, shortened to the tiny model's alphabet).
HEAD = (
    "product hero shot, banh trang snack pack in the hands of a young Vietnamese woman, "
    "set in a Hanoi street at golden hour"
)
TAIL_A = ", colour palette: turmeric yellow and chili red, lacquer gloss"
TAIL_B = ", colour palette: jade green and ink blue, matte rice paper"


@pytest.fixture
def models(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> TinyModels:
    return use_tiny_models(monkeypatch, tmp_path)


def req(model: str, prompt: str, **kw: Any) -> ImageRequest:
    base: dict[str, Any] = {"shot_id": "s1", "prompt": prompt, "model": model, "width": 64, "height": 64}
    base |= {"steps": 2, "seed": 11, "guidance": 5.0, "negative_prompt": "blurry"}
    return ImageRequest(**(base | kw))


def loaded(model: str) -> Any:
    return generator().load(find_model(model)).t2i


@pytest.mark.parametrize("model", ["tiny-sd15", "tiny-sdxl"])
def test_a_long_prompt_is_encoded_past_77_tokens(models: TinyModels, model: str) -> None:
    prompt = HEAD + TAIL_A
    pipe = loaded(model)
    family = find_model(model).family
    assert len(pipe.tokenizer(prompt, add_special_tokens=False).input_ids) > 140
    kw = encode_long(pipe, family, [prompt], ["blurry"])
    windows = kw["prompt_embeds"].shape[1] // 77
    assert windows >= 2 and kw["prompt_embeds"].shape[1] == windows * 77 == kw["negative_prompt_embeds"].shape[1]
    if family == "sdxl":
        pooled = (1, pipe.text_encoder_2.config.projection_dim)
        assert kw["pooled_prompt_embeds"].shape == kw["negative_pooled_prompt_embeds"].shape == pooled
        assert kw["prompt_embeds"].shape[2] == 32 + 48, "both SDXL encoders, side by side"
    assert encode_long(pipe, family, [HEAD[:60]], [""]) == {}, "a prompt that fits is left to the pipeline"


@pytest.mark.parametrize("model", ["tiny-sd15", "tiny-sdxl"])
def test_words_past_77_tokens_change_the_picture(models: TinyModels, model: str) -> None:
    a = generate_image(req(model, HEAD + TAIL_A))
    b = generate_image(req(model, HEAD + TAIL_B))
    assert np.abs(pixels(a.image) - pixels(b.image)).mean() > 0.05, "the tail reaches the model"
    assert a.info["prompt_chunks"] >= 2 and "turmeric" in str(a.info["prompt_past_77"]).replace(" ", "")
    assert "prompt_cut" not in a.info, "nothing was cut"

    # The control: the pipeline's own encoding cuts at 77 tokens, so the same two prompts give the same picture.
    import torch

    pipe = loaded(model)
    same = [
        pipe(prompt=HEAD + tail, num_inference_steps=2, guidance_scale=5.0, width=64, height=64,
             generator=torch.Generator("cpu").manual_seed(11), negative_prompt="blurry").images[0]
        for tail in (TAIL_A, TAIL_B)
    ]  # fmt: skip
    assert np.array_equal(pixels(same[0]), pixels(same[1])), "without chunking the tail never reached the model"


def test_short_prompts_give_the_same_image_as_before(models: TinyModels) -> None:
    import torch

    short = "a durian stall at night, neon"
    made = generate_image(req("tiny-sd15", short))
    pipe = loaded("tiny-sd15")
    own = pipe(prompt=short, negative_prompt="blurry", num_inference_steps=2, guidance_scale=5.0, width=64, height=64,
               generator=torch.Generator("cpu").manual_seed(11)).images[0]  # fmt: skip
    assert np.array_equal(pixels(made.image), pixels(own)) and made.info["prompt_chunks"] == 1


def test_localized_words_of_a_150_token_prompt_reach_the_text_encoder(models: TinyModels) -> None:
    palette = "colour palette: turmeric yellow and chili red"
    prompt = HEAD + ", " + "a lantern-lit night market stall with steam rising" + ", " + palette
    seen: list[str] = []
    pipe = loaded("tiny-sd15")

    def spy(_module: Any, args: tuple[Any, ...]) -> None:
        seen.append(pipe.tokenizer.decode(args[0][0], skip_special_tokens=True))

    handle = pipe.text_encoder.register_forward_pre_hook(spy)
    try:
        generate_image(req("tiny-sd15", prompt))
    finally:
        handle.remove()
    read = "".join(seen).replace(" ", "")
    assert len(pipe.tokenizer(prompt, add_special_tokens=False).input_ids) >= 150
    assert palette.replace(" ", "") in read and "turmericyellow" in read


def test_t5_families_set_their_window_and_report_cuts() -> None:
    class Tok:
        def __init__(self, n: int) -> None:
            self.n = n

        def __call__(self, text: str, **_: Any) -> Any:
            return type("T", (), {"input_ids": list(range(len(text.split()) * self.n))})()

        def decode(self, ids: list[int], **_: Any) -> str:
            return f"{len(ids)} tokens"

        def get_vocab(self) -> dict[str, int]:
            return {}

    pipe = type("P", (), {"tokenizer": Tok(1), "tokenizer_3": Tok(3), "tokenizer_2": Tok(3)})()
    words = " ".join(["word"] * 100)  # 300 T5 tokens: past SD3's default 256, inside 512
    sd3 = fit_prompt(pipe, "sd3", words)
    assert sd3.max_sequence_length == 512 and sd3.cut == "" and sd3.past_window == "25 tokens"
    flux = fit_prompt(pipe, "flux", " ".join(["word"] * 200))
    assert flux.max_sequence_length == 512 and flux.cut == "88 tokens"


def test_planned_prompts_put_the_markets_look_before_the_boilerplate(tmp_path: Path) -> None:
    from studio.planning.planner import plan_project

    brief = load_brief(Path(__file__).parent / "briefs" / "halal-noodles.toml")
    project = plan_project(brief, llm=None)
    for variant in project.variants[:2]:
        for shot in variant.shots:
            p = shot.prompt
            assert p.index("set in") < p.index("short-video ad")
            if "colour palette:" in p:
                assert p.index("colour palette:") < p.index("short-video ad")
                assert p.index("wearing") < p.index("colour palette:") < p.index("props:") if "props:" in p else True


def test_sd3_reads_past_its_default_t5_window(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SD3's T5 reads 256 tokens by default: a longer prompt gets a 512-token window and its tail changes the image."""
    from tiny_models import tiny_flow_models

    monkeypatch.setenv("QIANMIAN_IMAGE_MODELS", str(tiny_flow_models()))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf-cache"))
    monkeypatch.setenv("QIANMIAN_DEVICE", "cpu")
    head = ", ".join([HEAD, HEAD.replace("Hanoi", "Saigon"), HEAD.replace("street", "market")])
    assert len(head) > 256
    a = generate_image(req("tiny-sd3", head + TAIL_A, guidance=4.0))
    b = generate_image(req("tiny-sd3", head + TAIL_B, guidance=4.0))
    assert a.info["max_sequence_length"] == 512 and "prompt_cut" not in a.info
    assert np.abs(pixels(a.image) - pixels(b.image)).mean() > 0.05, "the words past T5's 256 tokens reach the model"

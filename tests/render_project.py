"""A small hand-built project for render tests: the sample brief, a few shots, one variant, Pillow-made takes."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

from studio import paths
from studio.model import (
    ImageRequest,
    LocalizedShot,
    Project,
    ProjectStore,
    Shot,
    Storyboard,
    Take,
    Variant,
    load_brief,
)

#: (id, beat, seconds, camera, voice-over, caption, flat colour of the take)
SHOTS = [
    ("s1", "hook", 2.0, "push-in", "Party all night.", "All night", (40, 60, 120)),
    ("s2", "solution", 2.0, "pan-right", "Lumi glows.", "", (120, 50, 70)),
    ("s3", "cta", 2.0, "static", "Shop now.", "Shop now", (50, 110, 60)),
]


def take_image(color: tuple[int, int, int], size: tuple[int, int] = (288, 512)) -> Image.Image:
    """A flat colour with a darker band: camera moves show, captions (white) stand out."""
    img = Image.new("RGB", size, color)
    draw = ImageDraw.Draw(img)
    w, h = size
    draw.rectangle((0, h // 3, w, h // 3 + h // 10), fill=tuple(c // 2 for c in color))
    draw.ellipse((w // 4, h // 2, w // 2, h // 2 + w // 4), fill=(200, 180, 40))
    return img


def build_project(
    root: Path,
    *,
    duration_s: float = 7.0,
    shots: list | None = None,
    language: str = "en",
    variant_id: str = "en-night-owls",
    aspects: tuple[str, ...] = ("9:16",),
) -> ProjectStore:
    shots = shots or SHOTS
    brief = load_brief(paths.sample_brief()).model_copy(update={"duration_s": duration_s})
    brief.aspect_ratios = list(aspects)
    store = ProjectStore(root)
    project = Project(
        name="render-test",
        brief=brief,
        storyboard=Storyboard(
            concept="c",
            theme="t",
            shots=[
                Shot(id=i, beat=b, duration_s=d, visual=b, camera=cam, voiceover=vo) for i, b, d, cam, vo, *_ in shots
            ],
        ),
        variants=[
            Variant(
                id=variant_id,
                market="TH",
                language=language,
                segment="night-owls",
                name="Night owls",
                palette=["#e85d75", "#1b1f3b"],
                call_to_action="Glow all night. Shop now.",
                legal="Dermatologically tested. Individual results vary.",
                shots=[
                    LocalizedShot(shot_id=i, duration_s=d, prompt=b, voiceover=vo, caption=cap)
                    for i, b, d, _cam, vo, cap, _c in shots
                ],
            )
        ],
    )
    store.create(project)
    import io

    for i, b, _d, cam, _vo, _cap, color in shots:
        buf = io.BytesIO()
        take_image(color).save(buf, "PNG")
        asset = store.put_asset(buf.getvalue(), "png")
        project.takes.append(
            Take(
                id=f"t-{i}",
                shot_id=i,
                variant_id=None,
                request=ImageRequest(shot_id=i, prompt=b, camera=cam, width=288, height=512),
                asset=asset,
                backend="test",
                selected=True,
            )
        )
    store.save(project)
    return store

"""Motion takes: the request a clip is made from, and which clip a shot plays.

A motion take is a `Take` of kind "video" kept in `Project.motion_takes`: its `request` is the picture it starts from
(the image take's own request, for provenance) and its `motion` the `MotionRequest` below, whose `key()` addresses the
stored clip like an image request addresses its picture. Motion takes live apart from image takes so that everything
reading `Project.takes` (restyles, contact sheets, the images step) keeps seeing pictures only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from studio.model.ids import AssetName, SafeId
from studio.model.requests import Request

if TYPE_CHECKING:
    from studio.model.project import Project, Take

#: The shot's camera move, said as a motion model understands it.
CAMERA_PHRASES: dict[str, str] = {
    "static": "steady locked-off camera, subtle natural motion",
    "push-in": "slow push-in, the camera moves closer",
    "pull-out": "slow pull-out, the camera moves back",
    "pan-left": "the camera pans left",
    "pan-right": "the camera pans right",
    "tilt-up": "the camera tilts up",
    "tilt-down": "the camera tilts down",
    "orbit": "the camera orbits slowly around the product, which turns in place",
}


class MotionRequest(Request):
    """Everything one image-to-video generation needs; stored with the clip, it explains and reproduces it."""

    shot_id: SafeId
    variant_id: SafeId | None = None
    source_image: AssetName = Field(description="Asset name of the first frame (the shot's picked image take).")
    last_image: AssetName | None = Field(
        default=None, description="Asset name of the last frame, where the model takes one."
    )
    prompt: str
    negative_prompt: str = ""
    camera: str = "static"
    seed: int = 0
    steps: int = 30
    guidance: float = 5.0
    width: int
    height: int
    aspect: str = "9:16"
    num_frames: int = Field(gt=0)
    fps: int = Field(default=24, gt=0)
    model: str

    @property
    def duration_s(self) -> float:
        return self.num_frames / self.fps


def motion_prompt(visual: str, camera: str, action: str = "") -> str:
    """The shot's picture, its action and its camera move as one motion prompt ("…, slow push-in")."""
    parts = [
        visual.strip().rstrip("."),
        action.strip().rstrip("."),
        CAMERA_PHRASES.get(camera, camera.replace("-", " ")),
    ]
    return ", ".join(p for p in parts if p)


def made_from_picture(project: Project, take: Take, variant_id: str | None) -> bool:
    """Whether a clip starts from the shot's picked picture (a supplied packshot always counts): after another picture
    is picked, clips of the old one are kept but no longer played."""
    if take.motion is None:
        return False
    if take.request.model == "packshot" or take.info.get("lipsync"):  # a presenter starts from its portrait
        return True
    picture = project.selected_take(take.shot_id, variant_id)
    return picture is None or picture.asset == take.motion.source_image


def picked_motion(project: Project, shot_id: str, variant_id: str | None) -> list[Take]:
    """The motion takes a shot plays, one per aspect (picked, else newest), the variant's own first.

    A variant with its own picture but no clip of it plays its still: the master's clip shows another picture.
    Clips of a picture that is no longer the shot's pick are skipped (`made_from_picture`).
    """
    for vid in (variant_id, None) if variant_id else (None,):
        takes = [
            t
            for t in project.motion_takes
            if t.shot_id == shot_id and t.variant_id == vid and made_from_picture(project, t, variant_id)
        ]
        if not takes:
            if vid is not None and project.own_take(shot_id, vid) is not None:
                return []
            continue
        by_aspect: dict[str, list[Take]] = {}
        for t in takes:
            by_aspect.setdefault(t.motion.aspect if t.motion else "", []).append(t)
        out = []
        for group in by_aspect.values():
            chosen = [t for t in group if t.selected]
            out.append((chosen or group)[-1])
        return out
    return []

"""Default frames redrawn for each aspect ratio the brief delivers, so 1:1 and 16:9 are composed for their shape.

The picked take of each shot is drawn again at the other aspects' delivery sizes from the same request (same seed,
cast, product and palette), and stored as a take marked `info.aspect_of = <picked take id>`: the cut shows it at
that aspect (`studio.render.reframe.take_for_aspect`), while the Images page and the 9:16 cut keep the picked one.
Diffusion takes are not regenerated here (GPU time is the creator's call): a take made at that aspect is used when
one exists, otherwise the cut crops the picked take around its subject.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from studio.model import ASPECT_SIZES, Project, ProjectStore, Take
from studio.model.ids import new_id
from studio.model.stage import CancelToken, ProgressFn, check, report
from studio.render.reframe import same_aspect

PROCEDURAL = "procedural"


def native_aspect_takes(
    store: ProjectStore,
    project: Project,
    variant_ids: Iterable[str],
    aspects: Iterable[str],
    *,
    on_progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> list[Take]:
    """New takes (not yet in `project`) drawing each variant's picked default frames at the other aspects."""
    from pipelines.image import generate_image

    if project.storyboard is None:
        return []
    by_key = {t.request.key(): t for t in project.takes if store.asset_path(t.asset).is_file()}
    wanted = [a for a in dict.fromkeys(aspects) if a in ASPECT_SIZES]
    jobs = []
    seen: set[tuple[str, str]] = set()
    for vid in variant_ids:
        for shot in project.storyboard.shots:
            base = project.selected_take(shot.id, vid)
            if base is None or base.request.model != PROCEDURAL:
                continue
            for aspect in wanted:
                if same_aspect(base.request, aspect) or (base.id, aspect) in seen:
                    continue
                seen.add((base.id, aspect))
                w, h = ASPECT_SIZES[aspect]
                request = base.request.model_copy(update={"width": w, "height": h})
                done = by_key.get(request.key())
                if done is None or done.info.get("aspect_of") != base.id:
                    jobs.append((base, aspect, request, done))
    made: list[Take] = []
    for n, (base, aspect, request, done) in enumerate(jobs):
        check(cancel)
        report(on_progress, n / max(1, len(jobs)), f"{aspect} frame of {base.variant_id or 'master'}/{base.shot_id}")
        if done is not None:
            asset, info = done.asset, dict(done.info)
        else:
            result = generate_image(request, assets=store.assets)
            buf = io.BytesIO()
            result.image.save(buf, format="PNG", compress_level=3)
            asset, info = store.put_asset(buf.getvalue(), "png"), dict(result.info)
        made.append(
            Take(
                id=new_id("take"),
                shot_id=base.shot_id,
                variant_id=base.variant_id,
                request=request,
                asset=asset,
                backend=PROCEDURAL,
                info={**info, "aspect_of": base.id, "aspect": aspect},
            )
        )
    report(on_progress, 1.0, f"{len(made)} frame(s) drawn for other aspects")
    return made


def redraw_labelled_frames(
    store: ProjectStore,
    project: Project,
    *,
    variant_id: str | None = None,
    cancel: CancelToken | None = None,
) -> list[Take]:
    """Default frames drawn before deliverables went without storyboard chrome had the shot label and camera
    arrows burned in: each is redrawn clean from its own request, in place (same take, same pick). With
    `variant_id`, only that variant's and the master's takes. Returns the takes redrawn."""
    from pipelines.image import generate_image

    stale = [
        t
        for t in project.takes
        if t.backend == PROCEDURAL
        and "chrome" not in t.info
        and (variant_id is None or t.variant_id in (None, variant_id))
    ]
    for take in stale:
        check(cancel)
        result = generate_image(take.request, assets=store.assets)
        buf = io.BytesIO()
        result.image.save(buf, format="PNG", compress_level=3)
        take.asset = store.put_asset(buf.getvalue(), "png")
        take.info = {**take.info, **result.info}
    return stale

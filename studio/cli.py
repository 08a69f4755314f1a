"""Headless entry point: `qianmian demo | plan | render | export ...`; `qianmian` alone opens the app.

Every command is load → run → apply → save with the stages of `studio.stages` (they never save themselves), run
through the same JobQueue as in the app, each stage on the lane it declares. A tqdm bar shows progress and Ctrl-C
stops the jobs cleanly. Settings (model folders, device, LLM...) come from --config, the QIANMIAN_* environment and
the flags, in that order (`studio.stages.settings.Settings.from_environment`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from studio.model.errors import Cancelled, StudioError, disk_full, is_disk_full
from studio.model.secrets import redact


def _bar(title: str, quiet: bool) -> Any:
    from tqdm import tqdm

    return tqdm(
        total=1000, desc=title, unit="‰", disable=quiet, dynamic_ncols=True, bar_format="{l_bar}{bar}| {postfix}"
    )


def _run_job(
    title: str, stage: Callable[..., Any], request: Any, *, quiet: bool = False, kind: str = "", lane: Any = "cpu"
) -> Any:
    """Run one stage as a job with a terminal progress bar; Ctrl-C stops it and nothing half-written remains."""
    from studio.jobs import JobQueue

    bar = _bar(title, quiet)
    settings = getattr(request, "settings", None)  # a stage's request carries the Compute setting
    executor = settings.executor(1, notice=bar.write) if settings is not None else None
    queue = JobQueue(cpu_workers=1, executor=executor)

    def on_change(job: Any) -> None:
        bar.n = int(job.fraction * 1000)
        # One line only: a failed job's message is the multi-line error, printed in full below the bar.
        first = (job.message or "").strip().splitlines()
        bar.set_postfix_str(first[0][:60] if first else "", refresh=True)

    queue.changed.connect(on_change)
    job = queue.submit(title, stage, request, lane=lane, kind=kind)
    try:
        while True:
            try:
                return job.wait(timeout=0.2)
            except TimeoutError:
                continue
    except KeyboardInterrupt:
        queue.stop(job)
        bar.set_postfix_str("stopping…", refresh=True)
        _wait_stopped(job)
        raise Cancelled(STOP_MESSAGE) from None
    finally:
        bar.close()
        queue.shutdown(wait=False)


STOP_MESSAGE = "Stopped by Ctrl-C; finished files are kept, nothing half-written was left."


def _wait_stopped(job: Any, limit_s: float = 60.0) -> None:
    """Wait for a stopped job to clean up; more Ctrl-C presses are absorbed, its own failure is not shown."""
    import time

    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        try:
            job.wait(timeout=0.2)
            return
        except TimeoutError:
            continue
        except KeyboardInterrupt:
            continue
        except BaseException:
            return


def _run_stage(title: str, name: str, request: Any, *, quiet: bool = False) -> Any:
    """One stage of `studio.stages.STAGES`, on its declared lane, as a job of that kind."""
    from studio.stages import stage

    spec = stage(name)
    return _run_job(title, spec.run, request, quiet=quiet, kind=spec.name, lane=spec.lane)


def _run_render(title: str, project: Any, store: Any, request: Any, *, quiet: bool = False) -> Any:
    """The render chain (images on the GPU lane, a cut per variant on the process lane) with one progress bar;
    each outcome is applied to the project and saved as it lands. Ctrl-C stops every job cleanly."""
    from studio.model.stage import CancelToken, Progress
    from studio.stages.render import run_render

    bar = _bar(title, quiet)

    told: set[str] = set()

    def on_progress(p: Progress) -> None:
        bar.n = int(p.fraction * 1000)
        if "cluster" in p.message.lower() and p.message not in told:  # where jobs run, when that is news
            told.add(p.message)
            bar.write(p.message)
        first = (p.message or "").strip().splitlines()
        bar.set_postfix_str(first[0][:60] if first else "", refresh=True)

    cancel = CancelToken()
    try:
        _, result = run_render(project, request, on_progress=on_progress, cancel=cancel, on_applied=store.save)
        return result
    except KeyboardInterrupt:
        cancel.cancel()
        raise Cancelled(STOP_MESSAGE) from None
    finally:
        bar.close()


def settings_from(args: argparse.Namespace) -> Any:
    """The settings for this command: --config, then the environment, then the flags."""
    from studio.stages.settings import Settings

    folders = getattr(args, "image_models", None)
    return Settings.from_environment(
        config_file=Path(args.config) if getattr(args, "config", None) else None,
        device=getattr(args, "device", None),
        model_folders=tuple(folders) if folders else None,
        llm_endpoint=getattr(args, "llm_endpoint", None),
        llm_model=getattr(args, "llm_model", None),
        compute=getattr(args, "cluster", None),
        shared_root=getattr(args, "shared_root", None),
    )


def _print_deliverables(result: Any) -> None:
    """List each file from deliverables.json with its absolute path, so a creator can open it."""
    import json

    manifest = result.manifest_path
    entries = json.loads(manifest.read_text("utf-8"))["deliverables"]
    print(f"\n{len(entries)} files, listed in {manifest.resolve()}:")
    for e in entries:
        dur = f"{e['duration_s']:6.2f}s" if e.get("duration_s") else " " * 7
        status = {"draft": "DRAFT", "preview": "PREVIEW"}.get(e.get("quality") or e.get("status"), "")
        print(
            f"  {e['variant']:<22} {e['aspect']:<5} {e['kind']:<5} {dur} {status:<7} "
            f"{(manifest.parent / e['path']).resolve()}"
        )
    voices = {e["variant"]: e["voice"] for e in entries if e.get("voice")}
    if voices:  # which voice read each variant: a guide voice (espeak) is not one to publish
        from studio.stages.quality import voice_label

        print("\nVoices:")
        for variant, voice in voices.items():
            print(f"  {variant:<22} {voice_label(voice)}")
        for note in dict.fromkeys(v["note"] for v in voices.values() if v.get("guide")):
            print(f"  GUIDE VOICE: {note}")
    for variant, messages in result.flags.items():
        for m in messages:
            print(f"  ! {variant}: {m}")
    for variant, reasons in getattr(result, "drafts", {}).items():
        print(f"\n{variant} is a DRAFT (not for publishing) until this is fixed:")
        for r in reasons:
            print(f"  - {r}")
    if any(e.get("quality") == "preview" for e in entries):
        print("\nPREVIEW files are small quick looks, not deliverables: render without --scale for the finals.")
    if getattr(result, "refused", None):
        print(f"\nNot rendered:\n{result.refusal}", file=sys.stderr)


def cmd_demo(args: argparse.Namespace) -> int:
    import shutil

    from studio import paths
    from studio.model import ProjectStore
    from studio.stages import plan as plan_stage
    from studio.stages.render import RenderRequest

    settings = settings_from(args)
    out = Path(args.out)
    store = ProjectStore(out / "project")
    if store.project_file.exists():
        shutil.rmtree(store.autosave_dir, ignore_errors=True)
    request = plan_stage.PlanRequest(name="demo", brief_path=paths.sample_brief(), settings=settings)
    project = plan_stage.apply(None, _run_stage("Plan the demo", "plan", request, quiet=args.quiet))
    store.create(project)
    # Every variant renders: one that can't be final yet (a line to translate, a cut longer than the brief) comes
    # out as a marked draft with its reasons, so the demo shows the whole campaign and what is left to do.
    render = RenderRequest(project_dir=store.root, out_dir=out, draft=True, settings=settings)
    result = _run_render("Demo", project, store, render, quiet=args.quiet)
    _print_deliverables(result)
    return 0


def cmd_plan(args: argparse.Namespace) -> int:
    from studio.model import ProjectError, ProjectStore
    from studio.planning.script import is_script_file
    from studio.stages import plan as plan_stage

    source, out = Path(args.brief), Path(args.out)
    store = ProjectStore(out)
    if store.exists() and not args.force:
        raise ProjectError(
            f"{out} already holds a project.",
            "Choose another folder, or pass --force to replace its plan (images and renders are kept).",
        )
    name = plan_stage.project_name(None, out)
    if is_script_file(source):  # a script, with an optional brief beside it
        brief = Path(args.with_brief) if args.with_brief else None
        request = plan_stage.PlanRequest(
            name, brief_path=brief, script_path=source, settings=settings_from(args), project_dir=out
        )
    else:
        request = plan_stage.PlanRequest(name, brief_path=source, settings=settings_from(args), project_dir=out)
    project = plan_stage.apply(None, _run_stage("Plan", "plan", request, quiet=args.quiet))
    store.create(project)
    print(
        f"Planned {project.name}: {len(project.storyboard.shots) if project.storyboard else 0} shots, "
        f"{len(project.variants)} variants → {out.resolve()}"
    )
    from studio.planning.language_check import check_variant

    for v in project.variants:
        flagged = sum(len(s.flags) for s in v.shots)
        problems = check_variant(project, v)
        line = f"  {v.id:<24} {v.language:<6} {len(v.shots)} shots" + (f", {flagged} flags" if flagged else "")
        if problems:
            line += f", {len(problems)} lines not in {v.language} yet (a draft until translated)"
        print(line)
    if any(check_variant(project, v) for v in project.variants):
        print(f"Hand them to translators: qianmian translations export {out} --out {out / 'translations'}")
    return 0


def cmd_render(args: argparse.Namespace) -> int:
    from studio.model import ProjectStore
    from studio.stages.render import RenderRequest

    store = ProjectStore(Path(args.project))
    project = store.load()
    request = RenderRequest(
        project_dir=store.root,
        variant_ids=tuple(args.variant) if args.variant else None,
        aspects=tuple(args.aspect) if args.aspect else None,
        out_dir=Path(args.out) if args.out else None,
        ab=args.ab,
        draft=args.draft,
        scale=args.scale,
        chrome=args.chrome,
        settings=settings_from(args),
    )
    result = _run_render("Render", project, store, request, quiet=args.quiet)
    _print_deliverables(result)
    if args.ab:
        print(f"A/B matrix for the ads manager: {(result.manifest_path.parent / 'ab_matrix.csv').resolve()}")
    if result.refused:
        hint = "" if args.draft else " (or pass --draft for drafts marked DRAFT, not for publishing)"
        print(f"\n{len(result.refused)} variant(s) refused: fix the lines listed above{hint}.", file=sys.stderr)
        return 4
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from studio.model import ProjectStore
    from studio.stages import export as export_stage

    store = ProjectStore(Path(args.project))
    request = export_stage.ExportRequest(
        store.root,
        out=Path(args.out) if args.out else None,
        variant_ids=tuple(args.variant) if args.variant else None,
        include_videos=not args.no_videos,
        include_media=not args.no_media,
        project=store.load(),
        settings=settings_from(args),
    )
    result = _run_stage("Export", "export", request, quiet=args.quiet)
    store.save(export_stage.apply(store.load(), result))
    print(f"Review bundle: {result.zip_path.resolve()} ({len(result.manifest['files'])} files)")
    for d in result.deliverables:
        print(f"  {d.variant_id:<22} {d.kind:<5} {(Path(args.project) / d.path).resolve()}")
    for warning in result.warnings:
        print(f"  ! {warning}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from studio.export import ImportRequest, import_bundle

    report = _run_job("Import", import_bundle, ImportRequest(Path(args.bundle), Path(args.out)), quiet=args.quiet)
    print(report.summary())
    return 0 if report.ok else 3


def cmd_translations_export(args: argparse.Namespace) -> int:
    from studio.export.translations import TranslationsExportRequest, export_translations

    request = TranslationsExportRequest(Path(args.project), Path(args.out), format=args.format)
    paths = _run_job("Translations", export_translations, request, quiet=args.quiet)
    print(f"{len(paths)} files for translators:")
    for path in paths:
        print(f"  {path.resolve()}")
    return 0


def cmd_translations_import(args: argparse.Namespace) -> int:
    """Load → check every unit → apply the valid ones → save; the rejected ones are listed with why."""
    from studio.export.translations import apply_translations, read_translations
    from studio.model import ProjectStore

    store = ProjectStore(Path(args.project))
    project = store.load()
    report = read_translations(project, Path(args.file))
    if apply_translations(project, report):
        store.save(project)
    print(report.summary())
    return 0 if report.ok else 3


def cmd_check(args: argparse.Namespace) -> int:
    """Pre-flight report (exit 1 on a block finding nobody overrode); with --override: load → record → save."""
    from studio.check.report import build_report
    from studio.model import ProjectStore
    from studio.preflight.compliance import record_override

    store = ProjectStore(Path(args.project))
    project = store.load()
    if args.override:
        if not args.variant or len(args.variant) != 1 or not args.reason:
            print('Error: --override needs one --variant and a --reason "why it may be published".', file=sys.stderr)
            return 2
        result = record_override(project, args.override, args.variant[0], args.reason, shot_id=args.shot or "")
        store.save(project)
        o = result.override
        print(f"Override recorded: {o.rule_id} on {o.variant_id} {o.shot_id or '(every line)'} by {o.by or '?'}")
        print(f"  words: {', '.join(o.words)}; reason: {o.reason}")
        return 0
    report = build_report(project, variant_ids=args.variant, project_dir=store.root, scorecards=not args.no_score)
    print(report.to_json() if args.json else report.text())
    return 1 if report.blocked else 0


def cmd_animate(args: argparse.Namespace) -> int:
    from studio.motion_takes import run_cli

    return run_cli(args, _run_job)


def cmd_try_on(args: argparse.Namespace) -> int:
    """`qianmian try-on`: the brand's garment inpainted on the talent of a shot (apparel briefs); load → run →
    apply → save, on the GPU lane like every take."""
    from studio.model import ProjectStore
    from studio.stages import takes as takes_stage
    from studio.tryon_takes import STRENGTH, TryOn

    store = ProjectStore(Path(args.project))
    try_on = TryOn(
        angle=args.garment,
        mask=Path(args.mask).resolve() if args.mask else None,
        strength=STRENGTH if args.strength is None else args.strength,
        pick=not args.no_pick,
    )
    options: dict[str, Any] = {"try_on": try_on, **({"model": args.model} if args.model else {})}
    request = takes_stage.TakesRequest(
        project_dir=store.root,
        variant_ids=(args.variant,),
        shot_ids=tuple(args.shot),
        seed=args.seed,
        options={**options, **({"steps": args.steps} if args.steps else {})},
        settings=settings_from(args),
    )
    outcome = _run_stage("Try-on", "takes", request, quiet=args.quiet)
    store.save(takes_stage.apply(store.load(), outcome))
    for take in outcome.takes:
        if "try_on" not in take.info:
            continue
        mask = take.request.tryon_mask or ""
        if "aspect_of" in take.info:  # the same try-on on the talent's picture composed for another aspect
            print(f"  at {take.info.get('aspect')}: {store.asset_path(take.asset)} (region {store.asset_path(mask)})")
            continue
        print(f"{take.variant_id or 'master'}/{take.shot_id}: {store.asset_path(take.asset)} ({take.info['try_on']})")
        print(f"  garment region: {store.asset_path(mask)} ({take.info.get('mask_source')}); to change it, paint")
        print("  over that file (white = garment) and run this again, or give your own with --mask FILE")
    print("`qianmian render` now shows the try-on in its shot." if try_on.pick else "Pick it in Images to use it.")
    return 0


def cmd_presenter(args: argparse.Namespace) -> int:
    """`qianmian presenter`: the presenter stage on the GPU lane (load → run → apply → save); says where takes are."""
    from studio.model import ProjectError, ProjectStore
    from studio.presenter_takes import portrait_for
    from studio.stages.presenter import PresenterTakesRequest, apply, presenter_shots

    store = ProjectStore(Path(args.project))
    project = store.load()
    try:
        variant = project.variant(args.variant)
    except KeyError as e:
        known = ", ".join(v.id for v in project.variants) or "none"
        raise ProjectError(f"The project has no variant {args.variant!r}.", f"Known variants: {known}.") from e
    request = PresenterTakesRequest(
        project_dir=store.root,
        variant_id=variant.id,
        shot_ids=presenter_shots(project, tuple(args.shot or ())),
        aspect=args.aspect or "",
        model=args.model,
        portrait=portrait_for(args.portrait, variant.market),
        consent=args.consent,
        use_motion=not args.still,
        settings=settings_from(args),
    )
    outcome = _run_stage(f"Presenter {variant.id}", "presenter", request, quiet=args.quiet)
    store.save(apply(store.load(), outcome))
    for take in outcome.takes:
        print(f"{variant.id}/{take.shot_id}: {store.asset_path(take.asset)} ({take.info.get('duration_s')} s)")
    print("`qianmian render` now plays the presenter in those shots.")
    return 0


def _settings_flags() -> argparse.ArgumentParser:
    """Flags every stage command takes; they override --config and the QIANMIAN_* environment."""
    common = argparse.ArgumentParser(add_help=False)
    g = common.add_argument_group("settings (override --config and the QIANMIAN_* environment)")
    g.add_argument("--config", metavar="TOML", help="a settings file (keys as in studio/stages/settings.py)")
    g.add_argument("--device", help="where diffusion runs: auto, cpu, cuda, cuda:1, mps")
    g.add_argument("--image-models", action="append", metavar="FOLDER", help="a folder of image models (repeatable)")
    g.add_argument("--llm-endpoint", metavar="URL", help="an OpenAI-compatible endpoint for planning")
    g.add_argument("--llm-model", metavar="NAME", help="the endpoint's model")
    g.add_argument("--cluster", metavar="ADDRESS", help="run jobs on a Ray cluster (auto, host:6379, ray://host:10001)")
    g.add_argument("--shared-root", metavar="DIR", help="a folder every cluster node sees at this same path")
    return common


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="qianmian", description="Qianmian Studio (千面): localized ad variants.")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    sub = parser.add_subparsers(dest="command")
    common = _settings_flags()

    p = sub.add_parser("demo", parents=[common], help="render the sample brief to finished videos")
    p.add_argument("--out", default="out/demo", help="output folder (default: out/demo)")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser(
        "plan", parents=[common], help="plan a brief (.toml/.json) or a script (.fountain/.txt) into a project folder"
    )
    p.add_argument("brief", help="a brief, or a script (Fountain or plain text, Chinese too)")
    p.add_argument(
        "--brief", dest="with_brief", help="with a script: a brief giving brand, product, markets... it lacks"
    )
    p.add_argument("--out", required=True, help="project folder to create")
    p.add_argument("--force", action="store_true", help="replace an existing plan in that folder")
    p.set_defaults(func=cmd_plan)

    p = sub.add_parser("render", parents=[common], help="render a project's variants to MP4 + SRT + VTT")
    p.add_argument("project")
    p.add_argument("--variant", action="append", help="only this variant id (repeatable)")
    p.add_argument("--aspect", action="append", choices=["9:16", "1:1", "16:9"], help="aspect ratio (repeatable)")
    p.add_argument("--out", help="output folder (default: PROJECT/renders)")
    p.add_argument(
        "--ab",
        metavar="NxM",
        help="A/B test: N hooks x M calls to action per variant and aspect, e.g. 2x2 (files named _H1-C2)",
    )
    p.add_argument(
        "--draft",
        action="store_true",
        help="render variants whose lines are not all in their language as drafts (DRAFT band) instead of refusing",
    )
    p.add_argument("--scale", type=float, default=1.0, help="below 1: a smaller preview (e.g. 0.25); default 1")
    p.add_argument(
        "--chrome", action="store_true", help="animatic preview: shot labels and camera arrows drawn (marked DRAFT)"
    )
    p.set_defaults(func=cmd_render)

    p = sub.add_parser(
        "export", parents=[common], help="storyboard PDFs, shot lists, editor timelines and a review zip"
    )
    p.add_argument("project")
    p.add_argument("--out", help="zip to write (default: PROJECT/renders/<name>_review.zip)")
    p.add_argument("--variant", action="append", help="only this variant id (repeatable)")
    p.add_argument("--no-videos", action="store_true", help="leave the rendered videos out of the zip")
    p.add_argument("--no-media", action="store_true", help="leave the stills and audio out of the zip")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("translations", help="export lines for translators (XLIFF 2.0 or CSV) and import them back")
    tsub = p.add_subparsers(dest="translations_command", required=True)
    t = tsub.add_parser("export", help="one file per target language, every line with its context and limits")
    t.add_argument("project")
    t.add_argument("--out", required=True, help="folder to write the files into")
    t.add_argument("--format", choices=["xliff", "csv"], default="xliff")
    t.set_defaults(func=cmd_translations_export)
    t = tsub.add_parser("import", help="check a translated file unit by unit and apply the valid units")
    t.add_argument("project")
    t.add_argument("file", help="an .xlf/.xliff (XLIFF 2.0) or .csv file from `translations export`")
    t.set_defaults(func=cmd_translations_import)

    p = sub.add_parser("check", help="pre-flight: market compliance (every line, every language) and more")
    p.add_argument("project")
    p.add_argument("--variant", action="append", help="only this variant id (repeatable)")
    p.add_argument("--json", action="store_true", help="the report as JSON")
    p.add_argument("--no-score", action="store_true", help="skip the scorecards (they decode each rendered video)")
    p.add_argument("--override", metavar="RULE", help="record an override of RULE for --variant (needs --reason)")
    p.add_argument("--reason", help="why the overridden finding may be published (kept in the project)")
    p.add_argument("--shot", help="with --override: only this shot or line ('end card', 'legal'); default every line")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("animate", help="motion takes: make shots' pictures move with a local image-to-video model")
    from studio.motion_takes import add_arguments

    add_arguments(p)
    p.set_defaults(func=cmd_animate)
    p = sub.add_parser("presenter", help="a presenter to camera lip-synced to a variant's voice-over (local model)")
    from studio.presenter_takes import add_arguments as presenter_arguments

    presenter_arguments(p)
    p.set_defaults(func=cmd_presenter)
    p = sub.add_parser(
        "try-on", parents=[common], help="the brand's garment on the cast talent of a shot (apparel, diffusion)"
    )
    p.add_argument("project")
    p.add_argument("--variant", help="variant id (default: the master storyboard)")
    p.add_argument("--shot", action="append", required=True, help="shot id of the talent (repeatable)")
    p.add_argument("--garment", metavar="ANGLE", help="which product photo (front, back...; default: the hero)")
    p.add_argument("--mask", metavar="PNG", help="your mask over the talent's picture, white = garment region")
    p.add_argument("--model", help="diffusion model id (default: the project's image model)")
    p.add_argument("--strength", type=float, help="how much of the region is redrawn, 0.05-1 (default 0.6)")
    p.add_argument("--steps", type=int, help="denoising steps (default: the model's)")
    p.add_argument("--seed", type=int, help="default: the talent picture's seed")
    p.add_argument("--no-pick", action="store_true", help="keep the shot's current pick")
    p.set_defaults(func=cmd_try_on)
    p = sub.add_parser("import-bundle", help="unpack a review zip safely (refused members are listed)")
    p.add_argument("bundle")
    p.add_argument("--out", required=True, help="an empty or new folder")
    p.set_defaults(func=cmd_import)

    from studio.brand_cli import add_brand_parser

    add_brand_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    if argv[:1] == ["--self-test"]:
        from studio.selftest import run  # what an installed bundle runs to prove it works, headless

        return run(argv[1:])
    commands = {
        "demo",
        "plan",
        "render",
        "export",
        "translations",
        "import-bundle",
        "check",
        "brand",
        "animate",
        "presenter",
        "try-on",
        "-h",
        "--help",
        "--quiet",
    }
    if not argv or argv[0] not in commands:
        from studio.app import main as app_main  # `qianmian` or `qianmian PROJECT_FOLDER` opens the app

        return app_main(argv)
    args = parser.parse_args(argv)
    from studio.model.safe_paths import sweep_cut_dirs

    sweep_cut_dirs()  # render work folders a crash or kill left in TMPDIR (project folders are swept on load)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return int(args.func(args))
    except Cancelled as e:
        print(f"\n{e.message}", file=sys.stderr)
        return 130
    except KeyboardInterrupt:
        print(f"\n{STOP_MESSAGE}", file=sys.stderr)
        return 130
    except StudioError as e:
        print(f"\nError: {redact(str(e))}", file=sys.stderr)
        return 2
    except OSError as e:
        if not is_disk_full(e):
            raise
        print(f"\nError: {disk_full(e.filename or Path.cwd())}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

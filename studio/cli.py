"""Headless entry point: `qianmian demo | plan | render`; `qianmian` alone opens the app.

Stages run through the same JobQueue as in the app; a tqdm bar shows progress and Ctrl-C stops the job cleanly.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from studio.model.errors import Cancelled, StudioError, disk_full, is_disk_full
from studio.model.secrets import redact


def _run_job(title: str, stage: Callable[..., Any], request: Any, *, quiet: bool = False, lane: str = "cpu") -> Any:
    """Run one stage as a job with a terminal progress bar; Ctrl-C stops it and nothing half-written remains."""
    from tqdm import tqdm

    from studio.jobs import JobQueue

    queue = JobQueue(cpu_workers=1)
    bar = tqdm(
        total=1000, desc=title, unit="‰", disable=quiet, dynamic_ncols=True, bar_format="{l_bar}{bar}| {postfix}"
    )

    def on_change(job: Any) -> None:
        bar.n = int(job.fraction * 1000)
        # One line only: a failed job's message is the multi-line error, printed in full below the bar.
        first = (job.message or "").strip().splitlines()
        bar.set_postfix_str(first[0][:60] if first else "", refresh=True)

    queue.changed.connect(on_change)
    job = queue.submit(title, stage, request, lane=lane)  # type: ignore[arg-type]
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


def _print_deliverables(result: Any) -> None:
    """List each file from deliverables.json with its absolute path, so a creator can open it."""
    import json

    manifest = result.manifest_path
    entries = json.loads(manifest.read_text("utf-8"))["deliverables"]
    print(f"\n{len(entries)} files, listed in {manifest.resolve()}:")
    for e in entries:
        dur = f"{e['duration_s']:6.2f}s" if e.get("duration_s") else " " * 7
        status = "DRAFT" if e.get("status") == "draft" else ""
        print(
            f"  {e['variant']:<22} {e['aspect']:<5} {e['kind']:<5} {dur} {status:<5} "
            f"{(manifest.parent / e['path']).resolve()}"
        )
    for variant, messages in result.flags.items():
        for m in messages:
            print(f"  ! {variant}: {m}")
    for variant, reasons in getattr(result, "drafts", {}).items():
        print(f"\n{variant} is a DRAFT (not for publishing) until this is fixed:")
        for r in reasons:
            print(f"  - {r}")
    if getattr(result, "refused", None):
        print(f"\nNot rendered:\n{result.refusal}", file=sys.stderr)


def cmd_demo(args: argparse.Namespace) -> int:
    from studio.workflow import DemoRequest, demo

    result = _run_job("Demo", demo, DemoRequest(out_dir=Path(args.out)), quiet=args.quiet)
    _print_deliverables(result)
    return 0


def cmd_plan(args: argparse.Namespace) -> int:
    from studio.model import ProjectStore
    from studio.planning.script import is_script_file
    from studio.workflow import PlanRequest, plan

    source = Path(args.brief)
    if is_script_file(source):  # a script, with an optional brief beside it
        request = PlanRequest(
            Path(args.with_brief) if args.with_brief else None, Path(args.out), overwrite=args.force, script_path=source
        )
    else:
        request = PlanRequest(source, Path(args.out), overwrite=args.force)
    out = _run_job("Plan", plan, request, quiet=args.quiet)
    project = ProjectStore(out).load()
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
    from studio.workflow import RenderRequest, render

    request = RenderRequest(
        project_dir=Path(args.project),
        variant_ids=tuple(args.variant) if args.variant else None,
        aspects=tuple(args.aspect) if args.aspect else None,
        out_dir=Path(args.out) if args.out else None,
        ab=args.ab,
        draft=args.draft,
        scale=args.scale,
    )
    result = _run_job("Render", render, request, quiet=args.quiet)
    _print_deliverables(result)
    if args.ab:
        print(f"A/B matrix for the ads manager: {(result.manifest_path.parent / 'ab_matrix.csv').resolve()}")
    if result.refused:
        hint = "" if args.draft else " (or pass --draft for drafts marked DRAFT, not for publishing)"
        print(f"\n{len(result.refused)} variant(s) refused: fix the lines listed above{hint}.", file=sys.stderr)
        return 4
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from studio.export import CampaignExportRequest, export_campaign

    request = CampaignExportRequest(
        Path(args.project),
        out=Path(args.out) if args.out else None,
        variant_ids=tuple(args.variant) if args.variant else None,
        include_videos=not args.no_videos,
        include_media=not args.no_media,
    )
    result = _run_job("Export", export_campaign, request, quiet=args.quiet)
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


def cmd_animate(args: argparse.Namespace) -> int:
    from studio.motion_takes import run_cli

    return run_cli(args, _run_job)


def cmd_presenter(args: argparse.Namespace) -> int:
    from studio.presenter_takes import run_cli

    return run_cli(args, _run_job)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="qianmian", description="Qianmian Studio (千面): localized ad variants.")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    sub = parser.add_subparsers(dest="command")

    p = sub.add_parser("demo", help="render the sample brief to finished videos")
    p.add_argument("--out", default="out/demo", help="output folder (default: out/demo)")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("plan", help="plan a brief (.toml/.json) or a script (.fountain/.txt) into a project folder")
    p.add_argument("brief", help="a brief, or a script (Fountain or plain text, Chinese too)")
    p.add_argument(
        "--brief", dest="with_brief", help="with a script: a brief giving brand, product, markets... it lacks"
    )
    p.add_argument("--out", required=True, help="project folder to create")
    p.add_argument("--force", action="store_true", help="replace an existing plan in that folder")
    p.set_defaults(func=cmd_plan)

    p = sub.add_parser("render", help="render a project's variants to MP4 + SRT + VTT")
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
    p.set_defaults(func=cmd_render)

    p = sub.add_parser("export", help="storyboard PDFs, shot lists, editor timelines and a review zip")
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

    p = sub.add_parser("animate", help="motion takes: make shots' pictures move with a local image-to-video model")
    from studio.motion_takes import add_arguments

    add_arguments(p)
    p.set_defaults(func=cmd_animate)
    p = sub.add_parser("presenter", help="a presenter to camera lip-synced to a variant's voice-over (local model)")
    from studio.presenter_takes import add_arguments as presenter_arguments

    presenter_arguments(p)
    p.set_defaults(func=cmd_presenter)
    p = sub.add_parser("import-bundle", help="unpack a review zip safely (refused members are listed)")
    p.add_argument("bundle")
    p.add_argument("--out", required=True, help="an empty or new folder")
    p.set_defaults(func=cmd_import)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    if argv[:1] == ["--self-test"]:
        from studio.selftest import run  # what an installed bundle runs to prove it works, headless

        return run(argv[1:])
    commands = {"demo", "plan", "render", "export", "translations", "import-bundle", "-h", "--help", "--quiet"}
    commands.add("animate")
    commands.add("presenter")
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

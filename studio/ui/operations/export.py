"""Export actions: every hand-off file `qianmian export` and `qianmian translations` write, from the app.

The job (`export_files`, Qt-free) runs the same functions the CLI does (`studio.stages.export` for the review zip,
`studio.export.export_variant` for a chosen set of files, `export_translations`), on the project as it is in the app
(unsaved edits included), and never saves; the files it wrote are recorded in the current project as one undo step.
Importing a translator's file checks it in a job and applies the valid lines as one undo step.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from studio.ui.operations.base import OpsBase, Shell

if TYPE_CHECKING:  # the schema loads when the first export runs, not with the window
    from studio.export.translations import TranslationReport
    from studio.jobs import Job
    from studio.model import Deliverable, Project
    from studio.model.stage import CancelToken, ProgressFn
    from studio.stages.settings import Settings
    from studio.ui.operations.project import ProjectOps
    from studio.ui.operations.settings import SettingsOps

FILE_KINDS = {
    "pdf": "Storyboard &PDF",
    "png": "Contact &sheet (PNG)",
    "csv": "Shot list (&CSV)",
    "xlsx": "Shot list (E&xcel XLSX)",
    "otio": "Editor timeline (&OpenTimelineIO)",
    "xml": "Editor timelines (FCP 7 XML, FCP&XML)",
}
"""The per-variant files (`studio.export.EXPORT_KINDS`), as the dialog names them."""


@dataclass(frozen=True)
class ExportChoice:
    """What the creator asked for in the Export dialog."""

    kinds: tuple[str, ...] = tuple(FILE_KINDS)
    variant_ids: tuple[str, ...] | None = None
    """None: every variant."""
    review_zip: bool = False
    """The review bundle (every hand-off file of the variants, the renders, a manifest with checksums)."""
    include_videos: bool = True
    include_media: bool = True
    translations: str = ""
    """"xliff" or "csv": one file per target language for translators; "" for none."""
    out_dir: Path | None = None
    """Where the files go (a folder per variant); None: PROJECT/renders/handoff and PROJECT/renders."""

    def problem(self) -> str:
        if not (self.kinds or self.review_zip or self.translations):
            return "Choose at least one file to export."
        if self.variant_ids is not None and not self.variant_ids and (self.kinds or self.review_zip):
            return "Choose at least one variant."
        return ""


@dataclass(frozen=True)
class ExportFilesRequest:
    project_dir: Path
    project: Project
    choice: ExportChoice
    settings: Settings


@dataclass
class ExportDone:
    """What an export wrote: every file (to list), the deliverables to record, warnings, the folder to show."""

    folder: Path
    files: list[Path] = field(default_factory=list)
    deliverables: list[Deliverable] = field(default_factory=list)
    variant_ids: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    zip_path: Path | None = None


def export_files(
    request: ExportFilesRequest, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None
) -> ExportDone:
    """The chosen exports, one after the other; each file is written under a temporary name and renamed."""
    from studio.model import ProjectStore
    from studio.model.stage import check, report, sub_progress

    choice, project = request.choice, request.project
    store = ProjectStore(request.project_dir)
    variant_ids = list(choice.variant_ids if choice.variant_ids is not None else [v.id for v in project.variants])
    done = ExportDone(folder=choice.out_dir or store.renders / "handoff", variant_ids=variant_ids)
    parts = [p for p in ("zip" if choice.review_zip else "files", "translations" if choice.translations else "") if p]
    share = 1 / max(1, len(parts))
    n = 0

    def part() -> ProgressFn | None:
        nonlocal n
        n += 1
        return sub_progress(on_progress, (n - 1) * share, n * share)

    if choice.review_zip and variant_ids:
        from studio.stages import export

        zip_path = choice.out_dir / f"{project.name}_review.zip" if choice.out_dir else None
        outcome = export.run(
            export.ExportRequest(
                request.project_dir,
                out=zip_path,
                variant_ids=tuple(variant_ids),
                include_videos=choice.include_videos,
                include_media=choice.include_media,
                project=project,
                settings=request.settings,
            ),
            on_progress=part(),
            cancel=cancel,
        )
        done.zip_path, done.folder = outcome.zip_path, outcome.zip_path.parent
        done.deliverables += outcome.deliverables
        done.warnings += outcome.warnings
        done.files.append(outcome.zip_path)
    elif choice.kinds and variant_ids:
        from studio.export import ExportRequest, export_variant

        progress = part()
        for i, vid in enumerate(variant_ids):
            check(cancel)
            result = export_variant(
                ExportRequest(
                    request.project_dir,
                    vid,
                    out_dir=choice.out_dir / vid if choice.out_dir else None,
                    kinds=choice.kinds,
                    project=project,
                ),
                on_progress=sub_progress(progress, i / len(variant_ids), (i + 1) / len(variant_ids)),
                cancel=cancel,
            )
            done.deliverables += result.deliverables
            done.warnings += result.warnings
    if choice.translations:
        from studio.export.translations import TranslationsExportRequest, export_translations

        folder = choice.out_dir or store.renders / "translations"
        paths = export_translations(
            TranslationsExportRequest(
                request.project_dir,
                folder,
                format="csv" if choice.translations == "csv" else "xliff",
                project=project,  # as it is in the app, unsaved edits included (as the other exports)
            ),
            on_progress=part(),
            cancel=cancel,
        )
        done.files += paths
        if not (choice.review_zip or choice.kinds):
            done.folder = folder
    files = [Path(d.path) if Path(d.path).is_absolute() else store.root / d.path for d in done.deliverables]
    done.files = [*files, *done.files]
    report(on_progress, 1.0, f"Exported {len(done.files)} files")
    return done


def record(project: Project, done: ExportDone) -> Project:
    """The exported files into the current project: each (variant, kind) replaces its earlier file."""
    from studio.export.bundle import record_exports

    return record_exports(project, done.deliverables, done.variant_ids)


@dataclass(frozen=True)
class TranslationsImportRequest:
    project: Project
    path: Path


def check_translations(
    request: TranslationsImportRequest, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None
) -> TranslationReport:
    """Check a translator's file unit by unit against the project (nothing is applied here)."""
    from studio.export.translations import read_translations
    from studio.model.stage import report

    report(on_progress, 0.0, f"Checking {request.path.name}")
    return read_translations(request.project, request.path)


class ExportOps(OpsBase):
    def __init__(self, shell: Shell, settings: SettingsOps, project: ProjectOps) -> None:
        super().__init__(shell)
        self.settings = settings
        self.project_ops = project

    def default_folder(self) -> Path:
        doc = self.doc
        return doc.store.renders / "handoff" if doc is not None else Path.home()

    def export(self, choice: ExportChoice, on_done: Callable[[ExportDone], None] | None = None) -> Job | None:
        """Write the chosen files in the background; they are recorded in the project, listed, and announced."""
        doc = self.doc
        if doc is None:
            return None
        problem = choice.problem()
        if problem:
            self.notify("Nothing to export", problem)
            return None
        from studio.stages import export

        request = ExportFilesRequest(doc.root, doc.project.model_copy(deep=True), choice, self.settings.current())

        def exported(done: ExportDone) -> None:
            if done.deliverables and self.apply("Export", record, done):
                self.project_ops.save()
            if on_done is not None:
                on_done(done)
            self.shell.show_status(f"Exported {len(done.files)} files into {done.folder}", 8000)

        return self.run_job(
            "Export",
            export_files,
            request,
            lane=export.LANE,
            kind="export",
            on_success=self.for_this_document(exported),
        )

    def import_translations(self, path: Path, on_done: Callable[[str], None] | None = None) -> Job | None:
        """Check a translated XLIFF or CSV file; the valid lines are applied as one undo step, the others listed."""
        doc = self.doc
        if doc is None:
            return None

        def checked(result: TranslationReport) -> None:
            from studio.export.translations import apply_translations

            def apply(project: Project, r: TranslationReport) -> Project:
                r.applied = apply_translations(project, r)
                return project

            self.apply(f"Import translations from {path.name}", apply, result)
            summary = result.summary()
            if on_done is not None:
                on_done(summary)
            self.notify(f"Translations from {path.name}", summary)

        request = TranslationsImportRequest(doc.project.model_copy(deep=True), Path(path))
        return self.run_job(
            f"Check {Path(path).name}",
            check_translations,
            request,
            kind="translations",
            on_success=self.for_this_document(checked),
        )

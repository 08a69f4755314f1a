"""Plan: a brief (or a script) → personas, insights, storyboard and variants. Never saves project.json.

`run` returns the planned project as an outcome; `apply` puts its plan into the current project (a new folder: the
CLI creates it; the open project in the app: one undo step). Images, voice lines and renders already there stay.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from studio.model import Brief, Project, ProjectError, ValidationFailed, load_brief
from studio.model.stage import CancelToken, Lane, ProgressFn, check, report, sub_progress
from studio.stages.settings import Settings

LANE: Lane = "cpu"


@dataclass(frozen=True)
class PlanRequest:
    """What to plan from: a brief (a file or an open project's `Brief`), or a script (+ a brief for what it lacks)."""

    name: str
    brief: Brief | None = None
    brief_path: Path | None = None
    script_path: Path | None = None
    """A Fountain or plain-text script; the brief (optional then) fills what its title page lacks."""
    settings: Settings = field(default_factory=Settings)
    """The LLM (endpoint, model, key reference) the planner may use; offline when none is set."""
    project_dir: Path | None = None
    """Where the project will live: the brief's brand kit files are copied into its assets (project.json is the
    caller's to write). None leaves the kit's paths as the brief gives them."""


@dataclass(frozen=True)
class PlanOutcome:
    project: Project
    """The planned project (a fresh one: brief, personas, insights, storyboard, variants)."""
    from_script: bool = False


def _brief(request: PlanRequest) -> Brief | None:
    if request.brief is not None:
        return request.brief
    return load_brief(request.brief_path) if request.brief_path is not None else None


def run(
    request: PlanRequest, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None
) -> PlanOutcome:
    """Plan with the offline planner, or the LLM the settings name (it falls back to offline on failure)."""
    report(on_progress, 0.0, "Reading the script" if request.script_path else "Reading the brief")
    llm = request.settings.llm_settings()
    try:
        if request.script_path is not None:
            from studio.planning.script import plan_script, read_brief_fields, read_script

            # A brief beside a script may leave out what the title page gives: read as fields, not validated.
            fields = read_brief_fields(request.brief_path) if request.brief_path is not None else None
            project = plan_script(
                read_script(request.script_path),
                request.brief if request.brief is not None else fields,
                filename=str(request.script_path),
                name=request.name,
                llm=llm,
                on_progress=sub_progress(on_progress, 0.05, 0.95),
                cancel=cancel,
            )
        elif (brief := _brief(request)) is None:
            raise ProjectError("Nothing to plan from.", "Give a brief (.toml/.json) or a script (.fountain/.txt).")
        else:
            from studio.planning import plan_project

            project = plan_project(
                brief,
                name=request.name,
                llm=llm,
                on_progress=sub_progress(on_progress, 0.05, 0.95),
                cancel=cancel,
            )
    except ValidationFailed as e:  # name the file: the planner only sees the brief's fields
        source = request.brief_path or request.script_path
        if source is not None and str(source) not in e.message:
            e.message = f"{source}: {e.message}"
            e.args = (e.message,)
        raise
    check(cancel)
    if request.project_dir is not None and project.brief.brand_kit is not None:
        from studio.model import ProjectStore
        from studio.planning.brand import attach_brand_kit

        attach_brand_kit(
            project,
            ProjectStore(request.project_dir),
            request.brief_path,
            on_progress=sub_progress(on_progress, 0.95, 0.99),
            cancel=cancel,
        )
    if project.brief.presenter is not None and project.brief.presenter.portraits:
        from studio.planning.presenter import attach_presenter_portraits

        attach_presenter_portraits(project, request.project_dir, request.brief_path, cancel=cancel)
    report(on_progress, 1.0, f"Planned {len(project.variants)} variants")
    return PlanOutcome(project=project, from_script=request.script_path is not None)


def apply(project: Project | None, outcome: PlanOutcome) -> Project:
    """The plan into the current project: brief (from a script), personas, insights, storyboard and variants are
    replaced; takes, voice lines, deliverables, cuts and settings stay. Without a project, the planned one."""
    planned = outcome.project
    if project is None:
        return planned
    if outcome.from_script:
        project.brief = planned.brief
    project.personas, project.insights = planned.personas, planned.insights
    project.storyboard, project.variants = planned.storyboard, planned.variants
    return project


def project_name(name: str | None, out_dir: Path) -> str:
    """The folder's name when it can name files, else its slug (the review zip is named after the project)."""
    from studio.model.ids import file_safe_name

    return file_safe_name(name or out_dir.resolve().name)

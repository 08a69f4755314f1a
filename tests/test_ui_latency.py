"""What kept the window's event loop busy while it generated and rendered (benchmarks/ui_latency.py measures it),
held to account without timing: each test fails if the slow path comes back.

- the project-wide text check walked every nested model's repr at each assignment (~7 ms a time, 5 per cut merge);
- a merged job result copied the project's parts three times for its undo step;
- saves at a chain's end encoded and fsynced project.json on the UI thread;
- new thumbnails rebuilt the board and the wall while another page showed;
- Generate checked every line against every market rule on the UI thread;
- the collector's full passes walked the whole window and project (gc.freeze after a project opens).
"""

from __future__ import annotations

import functools
import gc
import re
import threading
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from studio import paths
from studio.model import Deliverable, Project, ProjectStore, load_brief
from studio.model.secrets import redact
from studio.model.store import dump_json


@functools.cache
def _planned() -> Project:
    from studio.planning import plan_project

    return plan_project(load_brief(paths.sample_brief()), name="bepnha")


def planned() -> Project:
    return _planned().model_copy(deep=True)


def deliverable(variant_id: str, n: int, name: str = "") -> Deliverable:
    return Deliverable(
        variant_id=variant_id,
        market="VN",
        language="vi",
        segment="s",
        aspect="9:16",
        kind="video",
        path=f"renders/{name or variant_id}_{n}.mp4",
    )


def test_assigning_a_part_does_not_walk_nested_models_reprs(monkeypatch):
    project = planned()

    def no_repr(self: BaseModel) -> Any:
        raise AssertionError("the project's text check rendered a nested model as text")

    monkeypatch.setattr(Deliverable, "__repr_args__", no_repr)
    project.deliverables = [deliverable(v.id, 1) for v in project.variants]  # validated, nested reprs never built
    assert len(project.deliverables) == len(project.variants)
    with pytest.raises(ValueError, match="control character"):  # plain text in a list is still checked
        project.personas[0].needs = ["fine", "bad\x00text"]
    with pytest.raises(ValueError, match="control character"):  # and a nested model's own text when it is built
        deliverable("v1", 2, name="bad\x01")


OLD_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@\"']*@")
OLD_QUERY = re.compile(
    r"(?i)([?&](?:api[-_]?key|key|token|access[-_]?token|secret|password|pass|auth|sig|signature)=)[^&\s#]*"
)
OLD_BEARER = re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=-]{8,}")


def old_redact(text: str) -> str:
    return OLD_BEARER.sub(r"\1***", OLD_QUERY.sub(r"\1***", OLD_USERINFO.sub(r"\1***@", text)))


@pytest.mark.parametrize(
    "text",
    [
        "see https://user:pass@llm.example/v1 and http://x@y",
        "HTTPS://U:P@H/ and ftp://a b@c and ://no-scheme@host",
        'a "url": "https://host/path?api_key=abc&x=1" in JSON',
        "Authorization: BEARER abcdefghijklmnop, bearer short, Bearer\tabcdefgh1234",
        "plain text with an @ sign and // slashes: mail@example.com",
        "",
    ],
)
def test_redact_guards_change_nothing_it_finds(text):
    assert redact(text) == old_redact(text)


def test_redact_of_a_saved_project_matches_the_full_patterns():
    text = dump_json(planned())
    assert redact(text) == old_redact(text)


def _mutables(value: Any, found: dict[int, Any]) -> dict[int, Any]:
    if isinstance(value, BaseModel):
        found[id(value)] = value
        for v in value.__dict__.values():
            _mutables(v, found)
    elif isinstance(value, list | dict):
        found[id(value)] = value
        for v in value.values() if isinstance(value, dict) else value:
            _mutables(v, found)
    return found


def test_deep_copy_equals_the_project_and_shares_nothing_mutable():
    from studio.ui.document import deep_copy

    project = planned()
    copied = deep_copy(project)
    assert copied == project and copied.model_dump() == project.model_dump()
    assert not set(_mutables(project, {})) & set(_mutables(copied, {}))
    copied.variants[0].shots[0].voiceover = "changed in the copy"
    assert project.variants[0].shots[0].voiceover != "changed in the copy"


@pytest.fixture
def doc(qapp, tmp_path: Path):
    from studio.ui.document import ProjectDocument

    ProjectStore(tmp_path / "p").create(planned())
    document = ProjectDocument.open(tmp_path / "p")
    yield document
    document.undo_stack.setClean()


def test_a_merged_result_is_one_undo_step_without_aliasing(doc):
    """`replace` keeps the replaced parts as the undo state and takes the after state at undo time."""
    vid = doc.project.variants[0].id
    first = [deliverable(vid, 1)]
    doc.replace("Render", {"deliverables": first}, merge_key="render-1")
    doc.replace("Render", {"deliverables": [deliverable(vid, 1), deliverable(vid, 2)]}, merge_key="render-1")
    assert doc.undo_stack.count() == 1  # the chain's steps fold into one
    doc.edit("Rename", ("name",), lambda p: setattr(p, "name", "renamed"))
    doc.undo_stack.undo()
    doc.undo_stack.undo()
    assert doc.project.deliverables == [] and doc.project.name == "bepnha"
    doc.undo_stack.redo()
    after = [d.path for d in doc.project.deliverables]
    assert after == [f"renders/{vid}_1.mp4", f"renders/{vid}_2.mp4"]
    doc.project.deliverables[0].path = "renders/mutated.mp4"  # the live project is never the stored state
    doc.undo_stack.undo()
    doc.undo_stack.redo()
    assert [d.path for d in doc.project.deliverables] == after
    doc.undo_stack.redo()
    assert doc.project.name == "renamed"


def test_snapshots_land_in_the_order_they_were_taken(doc):
    from studio.ui.document import write_snapshot

    older = doc.snapshot()
    doc.edit("Rename", ("name",), lambda p: setattr(p, "name", "newer"))
    newer = doc.snapshot()
    assert not doc.dirty
    write_snapshot(newer)
    write_snapshot(older)  # a slow job with the older snapshot never lands over the newer
    assert ProjectStore(doc.root).load().name == "newer"
    doc.edit("Rename", ("name",), lambda p: setattr(p, "name", "pending"))
    doc.snapshot()  # taken for a job that has not run when the window closes
    doc.flush()
    assert ProjectStore(doc.root).load().name == "pending"


@pytest.fixture
def window(qtbot, tmp_path: Path):
    from studio.ui.main_window import MainWindow

    ProjectStore(tmp_path / "bepnha").create(planned())
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    assert win.ops.project.open_project(tmp_path / "bepnha")
    yield win
    win.doc.undo_stack.setClean()
    win.jobs.shutdown()


def test_chain_end_saves_are_written_by_a_job_off_the_ui_thread(window, qtbot, monkeypatch):
    from studio.ui import document

    threads: list[bool] = []
    real = document.atomic_write_text

    def spy(path: Path, text: str) -> None:
        threads.append(threading.current_thread() is threading.main_thread())
        real(path, text)

    monkeypatch.setattr(document, "atomic_write_text", spy)
    window.doc.edit("Rename", ("name",), lambda p: setattr(p, "name", "saved-later"))
    assert window.ops.project.save(background=True)
    assert not window.doc.dirty
    qtbot.waitUntil(window.jobs.settled, timeout=20_000)
    assert threads == [False]
    assert ProjectStore(window.doc.root).load().name == "saved-later"
    assert window.ops.project.save()  # Save itself writes at once
    assert threads == [False, True]


def test_new_pictures_redraw_only_the_page_on_screen(window, qtbot):
    board = window.page("storyboard")
    refreshed: list[frozenset[str]] = []
    board.refresh = lambda parts=frozenset(): refreshed.append(frozenset(parts))  # type: ignore[method-assign]
    window.go_to(5)  # Voice & Cut shows; the board is hidden
    window._thumbnails_ready()
    assert refreshed == []
    window.go_to(2)
    assert any("thumbnails" in parts for parts in refreshed)


def test_generate_checks_the_rules_and_draws_procedural_frames_in_worker_processes(window, qtbot):
    """Neither the rule check nor the drawing of procedural frames runs on a thread of the window's process, where
    their Python held the GIL the window needs as it switches pages (a model's takes stay on the GPU lane)."""
    project = window.doc.project
    job = window.ops.takes.generate(
        variant_ids=(project.variants[0].id,), shot_ids=(project.variants[0].shots[0].shot_id,)
    )
    assert job is not None and job.lane == "process"
    preflight = next(j for j in window.jobs.jobs if j.kind == "preflight")
    assert preflight.lane == "process"
    qtbot.waitUntil(window.jobs.settled, timeout=60_000)
    assert preflight.state.value == "finished" and preflight.result == {}, preflight.error
    assert job.state.value == "finished", job.error
    assert any(t.shot_id == project.variants[0].shots[0].shot_id for t in window.doc.project.takes)


def test_the_collector_skips_what_is_loaded_for_good(window):
    assert gc.get_freeze_count() > 1000

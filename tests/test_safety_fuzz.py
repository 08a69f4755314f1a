"""Fuzzed briefs and project files (issue 11): whatever a stranger's file holds, the app answers with one of its
typed errors (file, field, fix) or accepts something that is right, never a traceback and never something wrong.

Each example mutates a real brief or planned project in 1-3 places (a value replaced by hostile text, a number,
NaN, a list...; a key removed or added; a list entry repeated), writes it to disk and loads it as the app does.
The fast tier runs a few hundred examples; the slow tier runs ≥ 10,000 briefs and ≥ 5,000 project files.
"""

from __future__ import annotations

import copy
import json
import math
import os
import pickle
import random
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studio import paths
from studio.model import SCHEMA_VERSION, Brief, Project, ProjectStore, StudioError, load_brief
from studio.model.ids import check_asset_name, check_file_name, check_id, text_problems
from studio.model.store import dump_json

FAST_BRIEFS, FAST_PROJECTS = 200, 100
SLOW_BRIEFS, SLOW_PROJECTS = 10_000, 5_000

HOSTILE_TEXT = [
    "",
    " ",
    "../../escaped",
    "..",
    "/etc/passwd",
    "/tmp/qm-fuzz/abs",
    "C:\\Windows\\x",
    "\\\\server\\share",
    "~/x",
    "a/b",
    "\ud800",
    "ok\udfffok",
    "line\x00cut",
    "bell\x07",
    "x" * 300,
    "ZZ",
    "zz",
    "jp",
    "Night-Owls",
    "NIGHT-OWLS",
    "９:16",
    "NaN",
    "s1",
    "th-night-owls",
    "a" * 101,
    "con",
    "e\u0301",
    "🙂",
    "https://user:pass@host/v1",
]

_text = st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(max_size=12))
_scalar = st.one_of(
    _text,
    st.integers(min_value=-(2**63), max_value=2**63),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
)
_value = st.one_of(_scalar, st.lists(_scalar, max_size=3), st.dictionaries(_text, _scalar, max_size=3))


def _paths(doc: Any, prefix: tuple = ()) -> list[tuple]:
    """Every place in a JSON document (dict keys and list indexes), the document itself first."""
    found = [prefix]
    if isinstance(doc, dict):
        for k, v in doc.items():
            found += _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            found += _paths(v, (*prefix, i))
    return found


def _get(doc: Any, path: tuple) -> Any:
    for p in path:
        doc = doc[p]
    return doc


class _Hypothesis:
    """Draws through hypothesis (fast tier: shrinking gives a minimal failing document)."""

    def __init__(self, data: st.DataObject) -> None:
        self.data = data

    def integer(self, lo: int, hi: int) -> int:
        return self.data.draw(st.integers(lo, hi))

    def choice(self, seq: list) -> Any:
        return seq[self.data.draw(st.integers(0, len(seq) - 1))]

    def value(self) -> Any:
        return self.data.draw(_value)

    def scalar(self) -> Any:
        return self.data.draw(_scalar)

    def text(self) -> str:
        return self.data.draw(_text)


class _Seeded:
    """The same mutations from a seeded generator (slow tier: thousands of examples without the engine's cost)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def integer(self, lo: int, hi: int) -> int:
        return self.rng.randint(lo, hi)

    def choice(self, seq: list) -> Any:
        return seq[self.rng.randrange(len(seq))]

    def text(self) -> str:
        if self.rng.random() < 0.6:
            return self.choice(HOSTILE_TEXT)
        return "".join(
            chr(self.rng.choice([self.rng.randint(32, 126), self.rng.randint(0, 0x10FFFF)]))
            for _ in range(self.rng.randint(0, 12))
        )

    def scalar(self) -> Any:
        kind = self.rng.randrange(6)
        if kind == 0:
            return self.rng.choice([0, -1, 1, 2**63, -(2**63), 999, self.rng.randint(-1000, 1000)])
        if kind == 1:
            return self.rng.choice(
                [float("nan"), float("inf"), -float("inf"), 0.0, -0.5, 1e308, self.rng.uniform(-1e3, 1e3)]
            )
        if kind == 2:
            return self.rng.random() < 0.5
        if kind == 3:
            return None
        return self.text()

    def value(self) -> Any:
        kind = self.rng.randrange(8)
        if kind == 0:
            return [self.scalar() for _ in range(self.rng.randint(0, 3))]
        if kind == 1:
            return {self.text(): self.scalar() for _ in range(self.rng.randint(0, 3))}
        return self.scalar()


def _mutate(doc: Any, pick: _Hypothesis | _Seeded, places: list[tuple]) -> Any:
    doc = pickle.loads(pickle.dumps(doc))  # a deep copy, several times faster than copy.deepcopy
    for _ in range(pick.integer(1, 3)):
        path = pick.choice(places[1:])
        try:
            parent = _get(doc, path[:-1])
            key = path[-1]
            parent[key]  # an earlier mutation may have removed or replaced it
        except (KeyError, IndexError, TypeError):
            continue
        if not isinstance(parent, dict | list):
            continue
        op = pick.choice(["replace", "replace", "replace", "delete", "add-key", "repeat"])
        if op == "replace":
            parent[key] = pick.value()
        elif op == "delete":
            del parent[key]
        elif op == "add-key" and isinstance(parent[key], dict):
            parent[key][pick.text()] = pick.scalar()
        elif op == "repeat" and isinstance(parent[key], list) and parent[key]:
            item = copy.deepcopy(parent[key][0])
            if isinstance(item, dict) and pick.integer(0, 1):
                for field in ("id", "shot_id"):
                    if isinstance(item.get(field), str):
                        item[field] = item[field].swapcase()
            parent[key].append(item)
        else:
            parent[key] = pick.value()
    return doc


def _write(path: Path, doc: Any) -> None:
    # ensure_ascii: lone surrogates become \\ud800 escapes, as a stranger's JSON may hold them; NaN is written too
    path.write_text(json.dumps(doc, ensure_ascii=True), "utf-8")


# --- briefs ---------------------------------------------------------------------------------------------------------


@cache
def _brief_doc() -> dict:
    return load_brief(paths.sample_brief()).model_dump(mode="json", by_alias=True)


@cache
def _brief_places() -> list[tuple]:
    return _paths(_brief_doc())


def _assert_right_brief(brief: Brief) -> None:
    """What 'accepted' must mean: nothing the app would later choke on or write wrongly."""
    assert brief.brand.strip() and brief.product.strip() and brief.category.strip()
    assert brief.selling_points and all(p.strip() for p in brief.selling_points)
    ids = [s.id for s in brief.segments]
    for i in ids:
        check_id(i)
    assert len({i.casefold() for i in ids}) == len(ids)
    assert not text_problems(brief.model_dump(mode="json", by_alias=True))
    assert math.isfinite(brief.duration_s)
    dump_json(brief).encode("utf-8")  # saving can never fail on the text


_planned = {"n": 0}


def _check_brief(tmp: Path, doc: Any, *, plan_every: int) -> str:
    path = tmp / "brief.json"
    _write(path, doc)
    try:
        brief = load_brief(path)
    except StudioError:
        return "refused"
    _assert_right_brief(brief)
    _planned["n"] += 1
    if plan_every and _planned["n"] % plan_every == 0:
        from studio.planning import plan_project

        try:
            project = plan_project(brief, name="fuzz")
        except StudioError:
            return "refused by the planner"
        Project.model_validate_json(dump_json(project))  # what it planned is a valid, savable project
    return "accepted"


def _run_briefs(tmp: Path, n: int, plan_every: int, *, seeded: bool = False) -> dict[str, int]:
    outcomes: dict[str, int] = {}
    if seeded:
        rng = random.Random(1111)
        for _ in range(n):
            outcome = _check_brief(tmp, _mutate(_brief_doc(), _Seeded(rng), _brief_places()), plan_every=plan_every)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        return outcomes

    @settings(
        max_examples=n,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )
    @given(st.data())
    def one(data: st.DataObject) -> None:
        outcome = _check_brief(tmp, _mutate(_brief_doc(), _Hypothesis(data), _brief_places()), plan_every=plan_every)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1

    one()
    return outcomes


def test_fuzzed_briefs_fast(tmp_path: Path) -> None:
    outcomes = _run_briefs(tmp_path, FAST_BRIEFS, plan_every=10)
    assert sum(outcomes.values()) >= FAST_BRIEFS and outcomes.get("refused", 0) > 0


@pytest.fixture
def fast_tmp(tmp_path: Path):
    """A folder in memory where there is one (/dev/shm): thousands of small writes cost nothing on a busy disk."""
    import shutil
    import tempfile

    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        folder = Path(tempfile.mkdtemp(prefix="qm-fuzz-", dir=shm))
        yield folder
        shutil.rmtree(folder, ignore_errors=True)
    else:
        yield tmp_path


@pytest.mark.slow
def test_fuzzed_briefs_slow(fast_tmp: Path) -> None:
    outcomes = _run_briefs(fast_tmp, SLOW_BRIEFS, plan_every=40, seeded=True)
    assert sum(outcomes.values()) >= SLOW_BRIEFS


# --- project files --------------------------------------------------------------------------------------------------


@cache
def _project_doc() -> dict:
    from studio.planning import plan_project

    project = plan_project(load_brief(paths.sample_brief()), name="fuzz-project")
    project.variants = project.variants[:2]
    project.personas = project.personas[:2]
    project.insights = project.insights[:12]
    doc = json.loads(dump_json(project))
    v = doc["variants"][0]
    request = {"shot_id": v["shots"][0]["shot_id"], "prompt": "p", "width": 64, "height": 64}
    asset = "0" * 32 + ".png"
    doc["takes"] = [
        {"id": "take-1", "shot_id": request["shot_id"], "variant_id": v["id"], "request": request, "asset": asset,
         "backend": "procedural", "selected": True}
    ]  # fmt: skip
    doc["voice_lines"] = [
        {"shot_id": request["shot_id"], "variant_id": v["id"], "request": {"text": "hi", "language": "th"},
         "asset": "1" * 32 + ".wav", "duration_s": 1.0, "backend": "espeak"}
    ]  # fmt: skip
    doc["deliverables"] = [
        {"variant_id": v["id"], "market": v["market"], "language": v["language"], "segment": v["segment"],
         "aspect": "9:16", "kind": kind, "path": f"renders/{v['id']}_9x16.{kind}", "duration_s": 15.0}
        for kind in ("video", "srt")
    ]  # fmt: skip
    doc["settings"]["music"] = "music/bed.wav"
    return doc


@cache
def _project_places() -> list[tuple]:
    return _paths(_project_doc())


def _assert_right_project(project: Project, store: ProjectStore) -> None:
    from studio.export.bundle import _file
    from studio.export.shots import variant_sheet
    from studio.model.safe_paths import confine, is_inside

    assert isinstance(project.schema_version, int) and 0 <= project.schema_version <= SCHEMA_VERSION
    check_file_name(project.name)
    ids = [v.id for v in project.variants]
    assert len({i.casefold() for i in ids}) == len(ids)
    for v in project.variants:
        check_id(v.id)
        for s in v.shots:
            check_id(s.shot_id)
    for t in project.takes:
        check_id(t.id)
        check_asset_name(t.asset)
        assert is_inside(store.assets, store.asset_path(t.asset))
    for line in project.voice_lines:
        check_asset_name(line.asset)
    for d in project.deliverables:
        file = _file(store, d.path)
        assert file is None or is_inside(store.root, file)
    saved = dump_json(project)
    saved.encode("utf-8")
    assert not text_problems(json.loads(saved))
    for value in (project.settings.loudness_lufs, project.settings.fps):
        assert math.isfinite(value)
    assert project.settings.fps >= 1
    assert dump_json(Project.model_validate_json(saved)) == saved  # what the app saves loads back the same
    assert "user:pass@" not in saved  # credentials never reach the file
    for v in project.variants:  # what export and render resolve first: takes, voice files, the music bed
        try:
            variant_sheet(project, store, v.id, None)
            if project.settings.music:
                confine(store.root, project.settings.music, field="settings.music")
        except StudioError:
            pass


def _check_project(root: Path, doc: Any) -> str:
    root.mkdir(exist_ok=True)
    _write(root / "project.json", doc)
    store = ProjectStore(root)
    try:
        project = store.load()
    except StudioError:
        return "refused"
    _assert_right_project(project, store)
    return "accepted"


def _run_projects(tmp: Path, n: int, *, seeded: bool = False) -> dict[str, int]:
    outcomes: dict[str, int] = {}
    if seeded:
        rng = random.Random(2222)
        for _ in range(n):
            outcome = _check_project(tmp / "p", _mutate(_project_doc(), _Seeded(rng), _project_places()))
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        return outcomes

    @settings(
        max_examples=n,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )
    @given(st.data())
    def one(data: st.DataObject) -> None:
        outcome = _check_project(tmp / "p", _mutate(_project_doc(), _Hypothesis(data), _project_places()))
        outcomes[outcome] = outcomes.get(outcome, 0) + 1

    one()
    return outcomes


def test_fuzzed_project_files_fast(tmp_path: Path) -> None:
    outcomes = _run_projects(tmp_path, FAST_PROJECTS)
    assert sum(outcomes.values()) >= FAST_PROJECTS and outcomes.get("refused", 0) > 0


@pytest.mark.slow
def test_fuzzed_project_files_slow(fast_tmp: Path) -> None:
    outcomes = _run_projects(fast_tmp, SLOW_PROJECTS, seeded=True)
    assert sum(outcomes.values()) >= SLOW_PROJECTS


def test_the_unmutated_documents_are_accepted(tmp_path: Path) -> None:
    """The fuzz starts from documents the app accepts, so every refusal is caused by a mutation."""
    assert _check_brief(tmp_path, _brief_doc(), plan_every=1) == "accepted"
    assert _check_project(tmp_path / "p", _project_doc()) == "accepted"

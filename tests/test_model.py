"""Schema round trip, clear errors for malformed briefs and projects, atomic store writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from studio.model import (
    ImageRequest,
    Project,
    ProjectError,
    ProjectStore,
    Shot,
    Storyboard,
    ValidationFailed,
    load_brief,
)


def test_sample_brief_loads(sample_brief_path: Path) -> None:
    brief = load_brief(sample_brief_path)
    assert [m.code for m in brief.markets] == ["TH", "ID"]
    assert len(brief.segments) == 2
    assert brief.copy_by_language["th"].lines["proof"] == "เหงื่อกลายเป็นแสงดาว"


def test_project_round_trip(tmp_path: Path, sample_brief_path: Path) -> None:
    brief = load_brief(sample_brief_path)
    project = Project(
        name="demo",
        brief=brief,
        storyboard=Storyboard(
            concept="c",
            theme="t",
            shots=[Shot(id="s1", beat="hook", duration_s=2, visual="v", camera="push-in")],
        ),
    )
    store = ProjectStore(tmp_path / "p")
    store.create(project)
    loaded = store.load()
    assert loaded == project
    assert json.loads(store.project_file.read_text("utf-8"))["schema_version"] == 1


def test_malformed_brief_names_file_field_and_fix(tmp_path: Path) -> None:
    bad = tmp_path / "brief.toml"
    bad.write_text('brand = "X"\nproduct = "Y"\ncategory = "skincare"\nselling_points = []\nmarkts = []\n', "utf-8")
    with pytest.raises(ValidationFailed) as info:
        load_brief(bad)
    text = str(info.value)
    assert str(bad) in text
    assert "selling_points" in text and "markts: unknown field" in text and "markets: required" in text
    assert bad.read_text("utf-8").startswith('brand = "X"')


def test_syntax_error_points_at_position(tmp_path: Path) -> None:
    bad = tmp_path / "brief.json"
    bad.write_text('{"brand": "X",,}', "utf-8")
    with pytest.raises(ValidationFailed, match="cannot be read"):
        load_brief(bad)


def test_newer_project_is_refused_untouched(tmp_path: Path) -> None:
    store = ProjectStore(tmp_path)
    store.project_file.write_text('{"schema_version": 99}', "utf-8")
    with pytest.raises(ProjectError, match="newer"):
        store.load()
    assert store.project_file.read_text("utf-8") == '{"schema_version": 99}'


def test_missing_project_folder_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="qianmian plan"):
        ProjectStore(tmp_path / "nope").load()


def test_assets_are_content_addressed(tmp_path: Path) -> None:
    store = ProjectStore(tmp_path)
    a = store.put_asset(b"abc", "png")
    assert store.put_asset(b"abc", "png") == a
    assert store.put_asset(b"abd", "png") != a
    assert store.asset_path(a).read_bytes() == b"abc"


def test_failed_write_keeps_previous_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from studio.model import store as store_mod

    target = tmp_path / "project.json"
    target.write_text("old", "utf-8")

    def full_disk(*_a: object, **_k: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(ProjectError, match="disk is full"):
        store_mod.atomic_write_text(target, "new")
    assert target.read_text("utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["project.json"]


def test_requests_are_immutable_and_keyed() -> None:
    a = ImageRequest(shot_id="s1", prompt="beach at night", seed=1)
    b = ImageRequest(shot_id="s1", prompt="beach at night", seed=1)
    assert a.key() == b.key()
    assert a.key() != a.model_copy(update={"seed": 2}).key()
    with pytest.raises(ValidationError):
        a.seed = 3  # type: ignore[misc]

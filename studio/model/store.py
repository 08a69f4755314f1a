"""A project on disk: project.json, content-addressed assets/, renders/, autosave/. Every write is atomic."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from studio.model.brief import Brief
from studio.model.errors import ProjectError, ValidationFailed
from studio.model.migrations import migrate
from studio.model.project import SCHEMA_VERSION, Project

PROJECT_FILE = "project.json"


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to a temp file beside `path`, fsync, then rename: a crash or full disk never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise ProjectError(
            f"Could not write {path}: {e.strerror or e}",
            "Free some disk space or choose another folder; the previous version of the file is untouched.",
        ) from e
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def temp_path_for(final: Path) -> Path:
    """A temp name beside `final` (same filesystem, so `os.replace` is atomic)."""
    final.parent.mkdir(parents=True, exist_ok=True)
    return final.with_name(f".{final.stem}.partial-{os.getpid()}-{id(final):x}{final.suffix}")


def format_validation_error(source: str, err: ValidationError) -> str:
    """One line per problem: the file, the field path, what is wrong."""
    lines = [f"{source} is not valid:"]
    for e in err.errors():
        loc = ".".join(str(p) for p in e["loc"]) or "(top level)"
        msg = e["msg"]
        if e["type"] == "extra_forbidden":
            msg = "unknown field (check the spelling; see the sample brief for the known fields)"
        elif e["type"] == "missing":
            msg = "required field is missing"
        # A validator's own message says what to write (often a TOML snippet): keep it readable, indented.
        msg = msg.removeprefix("Value error, ").replace("\n", "\n      ")
        lines.append(f"  • {loc}: {msg}")
    return "\n".join(lines)


def _read_document(path: Path) -> Any:
    try:
        raw = path.read_bytes()
    except FileNotFoundError as e:
        raise ProjectError(f"{path} does not exist.", "Check the path, or create it with `qianmian plan`.") from e
    try:
        if path.suffix == ".toml":
            return tomllib.loads(raw.decode("utf-8"))
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, tomllib.TOMLDecodeError) as e:
        raise ValidationFailed(
            f"{path} cannot be read: {e}",
            "Fix the syntax at that position (a missing comma or quote is the usual cause); the file was not changed.",
        ) from e


def validate(model: type[BaseModel], data: Any, source: str) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise ValidationFailed(
            format_validation_error(source, e), "Fix the fields listed above and load the file again."
        ) from e


def load_brief(path: str | Path) -> Brief:
    """Read a brief from .toml or .json; errors name the file and each bad field."""
    path = Path(path)
    return validate(Brief, _read_document(path), str(path))


def dump_json(model: BaseModel) -> str:
    return json.dumps(model.model_dump(mode="json", by_alias=True), ensure_ascii=False, indent=2) + "\n"


class ProjectStore:
    """The folder a project lives in. Assets are named by content hash and never overwritten."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    @property
    def project_file(self) -> Path:
        return self.root / PROJECT_FILE

    @property
    def assets(self) -> Path:
        return self.root / "assets"

    @property
    def renders(self) -> Path:
        return self.root / "renders"

    @property
    def autosave_dir(self) -> Path:
        return self.root / "autosave"

    def exists(self) -> bool:
        return self.project_file.is_file()

    def create(self, project: Project) -> None:
        for d in (self.root, self.assets, self.renders, self.autosave_dir):
            d.mkdir(parents=True, exist_ok=True)
        self.save(project)

    def load(self) -> Project:
        if not self.project_file.is_file():
            raise ProjectError(
                f"{self.root} is not a Qianmian project (no {PROJECT_FILE}).",
                "Open the folder that holds project.json, or create one with `qianmian plan BRIEF --out FOLDER`.",
            )
        data = _read_document(self.project_file)
        if not isinstance(data, dict):
            raise ValidationFailed(f"{self.project_file} does not hold a project object.", "Restore it from autosave/.")
        version = data.get("schema_version", 0)
        if isinstance(version, int) and version > SCHEMA_VERSION:
            raise ProjectError(
                f"{self.project_file} is from a newer Qianmian (schema {version}; this app reads {SCHEMA_VERSION}).",
                "Update Qianmian Studio to open it; the file was not changed.",
            )
        return validate(Project, migrate(data), str(self.project_file))

    def save(self, project: Project) -> None:
        atomic_write_text(self.project_file, dump_json(project))

    def autosave(self, project: Project) -> Path:
        path = self.autosave_dir / PROJECT_FILE
        atomic_write_text(path, dump_json(project))
        return path

    def put_asset(self, data: bytes, ext: str) -> str:
        """Store bytes under their hash; returns the asset name (e.g. 'a1b2….png')."""
        name = f"{hashlib.sha256(data).hexdigest()[:32]}.{ext.lstrip('.')}"
        path = self.assets / name
        if not path.exists():
            atomic_write_bytes(path, data)
        return name

    def put_asset_file(self, src: Path, ext: str | None = None) -> str:
        """Move a finished temp file into the asset store under its content hash."""
        h = hashlib.sha256()
        with open(src, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
        name = f"{h.hexdigest()[:32]}.{(ext or src.suffix).lstrip('.')}"
        dest = self.assets / name
        self.assets.mkdir(parents=True, exist_ok=True)
        if dest.exists():
            src.unlink(missing_ok=True)
        else:
            shutil.move(str(src), dest)
        return name

    def asset_path(self, name: str) -> Path:
        return self.assets / name

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
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from studio.model.brief import Brief
from studio.model.errors import ProjectError, ValidationFailed, disk_full, is_disk_full
from studio.model.ids import TEXT_PRECHECKED, check_asset_name, text_problems
from studio.model.migrations import migrate
from studio.model.project import SCHEMA_VERSION, Project
from studio.model.safe_paths import confine, honour_umask, sweep_leftovers, temp_prefix
from studio.model.secrets import redact

PROJECT_FILE = "project.json"
M = TypeVar("M", bound=BaseModel)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to a temp file beside `path`, fsync, then rename: a crash or full disk never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=temp_prefix(path.name), suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        honour_umask(tmp)
        os.replace(tmp, path)
    except OSError as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if is_disk_full(e):
            raise disk_full(path.parent, len(data)) from e
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
    return final.with_name(f"{temp_prefix(final.stem)}{id(final):x}.partial{final.suffix}")


def _known_fields(model: type[BaseModel] | None, loc: tuple[Any, ...]) -> list[str]:
    """The field names of the model at `loc` (the parent of an unknown key), following lists, dicts and unions."""
    import typing

    def models_in(tp: Any) -> list[type[BaseModel]]:
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            return [tp]
        return [m for arg in typing.get_args(tp) for m in models_in(arg)]

    current: list[type[BaseModel]] = [model] if model is not None else []
    for part in loc:
        nxt: list[type[BaseModel]] = []
        for m in current:
            if isinstance(part, str):
                fields = {f.alias or n: f for n, f in m.model_fields.items()} | dict(m.model_fields)
                if part in fields:
                    nxt += models_in(fields[part].annotation)
                    continue
            nxt.append(m)  # a list index or dict key: stay on the container's item model
        current = nxt
        if not current:
            return []
    if not current:
        return []
    m = current[0]
    return sorted({f.alias or n for n, f in m.model_fields.items()})


def format_validation_error(source: str, err: ValidationError, model: type[BaseModel] | None = None) -> str:
    """One line per problem: the file, the field path, what is wrong."""
    lines = [f"{source} is not valid:"]
    for e in err.errors():
        loc = ".".join(str(p) for p in e["loc"]) or "(top level)"
        msg = e["msg"]
        if e["type"] == "extra_forbidden":
            known = _known_fields(model, tuple(e["loc"][:-1]))
            msg = "unknown field (check the spelling"
            msg += f"; the known fields here are: {', '.join(known)})" if known else ")"
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
    except OSError as e:
        raise ProjectError(f"{path} cannot be read: {e.strerror or e}.", "Check the file and its permissions.") from e
    try:
        if path.suffix == ".toml":
            return tomllib.loads(raw.decode("utf-8"))
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, tomllib.TOMLDecodeError, RecursionError) as e:
        raise ValidationFailed(
            f"{path} cannot be read: {e}",
            "Fix the syntax at that position (a missing comma or quote is the usual cause); the file was not changed.",
        ) from e


def validate(model: type[M], data: Any, source: str) -> M:
    problems = text_problems(data)
    if problems:
        listed = "\n".join(f"  • {where}: {what}" for where, what in problems[:10])
        more = f"\n  … and {len(problems) - 10} more" if len(problems) > 10 else ""
        raise ValidationFailed(
            f"{source} is not valid:\n{listed}{more}", "Fix the text in the fields listed above and load it again."
        )
    token = TEXT_PRECHECKED.set(True)
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise ValidationFailed(
            format_validation_error(source, e, model), "Fix the fields listed above and load the file again."
        ) from e
    finally:
        TEXT_PRECHECKED.reset(token)


def load_brief(path: str | Path) -> Brief:
    """Read a brief from .toml or .json; errors name the file and each bad field."""
    path = Path(path)
    return validate(Brief, _read_document(path), str(path))


def dump_json(model: BaseModel) -> str:
    """The document as saved: credentials in any URL (an LLM's base URL in an insight's source) are removed."""
    return dump_data(model.model_dump(mode="json", by_alias=True))


def dump_data(data: Any) -> str:
    """`dump_json` of a model already dumped (`model_dump(mode="json", by_alias=True)`), e.g. on another thread."""
    return redact(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"


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

    def sweep(self) -> None:
        """Remove temp files a crashed save, render or export left here (their process is gone)."""
        for folder in (self.root, self.autosave_dir, self.assets, self.renders):
            sweep_leftovers(folder)
        handoff = self.renders / "handoff"
        if handoff.is_dir():
            for variant_dir in (p for p in handoff.iterdir() if p.is_dir()):
                sweep_leftovers(variant_dir)
                sweep_leftovers(variant_dir / "media")

    def load(self) -> Project:
        self.sweep()
        if not self.project_file.is_file():
            raise ProjectError(
                f"{self.root} is not a Qianmian project (no {PROJECT_FILE}).",
                "Open the folder that holds project.json, or create one with `qianmian plan BRIEF --out FOLDER`.",
            )
        data = _read_document(self.project_file)
        if not isinstance(data, dict):
            raise ValidationFailed(f"{self.project_file} does not hold a project object.", "Restore it from autosave/.")
        version = data.get("schema_version", 0)
        if not isinstance(version, int) or isinstance(version, bool) or version < 0:
            raise ValidationFailed(
                f"{self.project_file} is not valid: schema_version is {version!r}, not a whole number ≥ 0.",
                f"Set schema_version to {SCHEMA_VERSION} if the file was made by this version, or restore it "
                "from autosave/; the file was not changed.",
            )
        if version > SCHEMA_VERSION:
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

    def asset_path(self, name: str, field: str = "asset") -> Path:
        """The file of an asset named in project.json; refused when the name leaves assets/."""
        try:
            check_asset_name(name)
        except ValueError:
            confine(self.assets, name, field=field, source=str(self.project_file))  # says why, names the field
            raise ValidationFailed(
                f"{self.project_file}: {field} {name!r} is not an asset file name.",
                "Assets are plain file names inside the project's assets/ folder; fix or remove that entry.",
            ) from None
        return confine(self.assets, name, field=field, source=str(self.project_file))

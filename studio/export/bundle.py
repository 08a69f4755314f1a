"""Review bundles: one zip per campaign (videos, subtitles, storyboards, shot lists, timelines, manifest.json).

Import treats the zip as untrusted: members with absolute paths, `..`, drive letters, links, special files or
encryption are refused, and so are members over the size limit, members that would push the total over its limit,
members that inflate suspiciously (zip bombs), files missing from the manifest or not matching its hash. The rest is
extracted into a temp folder beside the destination and renamed into place, and the report lists every refusal.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import stat
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from studio.model import Deliverable, Project, ProjectError, ProjectStore, ValidationFailed
from studio.model.errors import disk_full, is_disk_full
from studio.model.safe_paths import confine, honour_umask_dir, is_inside, temp_prefix
from studio.model.stage import CancelToken, ProgressFn, check, report, sub_progress
from studio.model.store import temp_path_for

MANIFEST = "manifest.json"
BUNDLE_FORMAT = "qianmian-review-bundle"
BUNDLE_VERSION = 1
#: Already-compressed formats are stored, not deflated again.
STORED_SUFFIXES = frozenset({".mp4", ".png", ".jpg", ".jpeg", ".xlsx", ".zip", ".m4a", ".mp3"})
EXPORTED_KINDS = frozenset({"pdf", "png", "csv", "xlsx", "otio", "xml"})


@dataclass(frozen=True)
class CampaignExportRequest:
    project_dir: Path
    out: Path | None = None
    """The zip to write; default PROJECT/renders/<project name>_review.zip."""
    variant_ids: tuple[str, ...] | None = None
    include_videos: bool = True
    include_media: bool = True
    """Put the timelines' media (stills, voice, caption titles, music) in the zip too."""
    project: Project | None = None
    """The project as the caller has it; None reads project.json."""
    save: bool = True
    """Record the exported files in project.json here (older callers); the export stage passes False and merges
    them with `record_exports` into the current project instead."""


@dataclass
class CampaignExport:
    zip_path: Path
    manifest: dict
    deliverables: list[Deliverable]
    warnings: list[str] = field(default_factory=list)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _file(store: ProjectStore, rel: str) -> Path | None:
    """The file of a deliverable, or None when its path leads outside the project (never packed)."""
    p = Path(rel)
    full = p if p.is_absolute() else store.root / p
    return full if is_inside(store.root, full) else None


def _arcname(store: ProjectStore, path: Path, fallback: str) -> str:
    """Paths inside the zip mirror PROJECT/renders, so the timelines' relative links still resolve."""
    try:
        return path.resolve().relative_to(store.renders.resolve()).as_posix()
    except ValueError:
        return fallback


def export_campaign(
    request: CampaignExportRequest, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None
) -> CampaignExport:
    """Export every variant's hand-off files, zip them with the renders and a manifest, record them in the project."""
    from studio.export.variant import ExportRequest, default_out_dir, export_variant

    store = ProjectStore(request.project_dir)
    project = request.project if request.project is not None else store.load()
    known = [v.id for v in project.variants]
    if not known:
        raise ProjectError("The project has no variants yet.", "Plan the storyboard and variants first.")
    variant_ids = list(request.variant_ids or known)
    unknown = [v for v in variant_ids if v not in known]
    if unknown:
        raise ProjectError(f"Unknown variant(s): {', '.join(unknown)}.", f"Known variants: {', '.join(known)}.")

    from studio.planning.language_check import check_variant

    members: list[tuple[str, Path, str, str]] = []  # (arcname, file, kind, variant)
    rendered_status: dict[str, Deliverable] = {}  # arcname → the rendered deliverable (final or draft, reasons)
    exported: list[Deliverable] = []
    warnings: list[str] = []
    problems = {vid: check_variant(project, project.variant(vid)) for vid in variant_ids}
    for vid in variant_ids:
        warnings += [f"Not in the variant's language: {p.describe()}" for p in problems[vid]]
    for n, vid in enumerate(variant_ids):
        check(cancel)
        part = sub_progress(on_progress, 0.8 * n / len(variant_ids), 0.8 * (n + 1) / len(variant_ids))
        result = export_variant(
            ExportRequest(project_dir=store.root, variant_id=vid, out_dir=default_out_dir(store, vid), project=project),
            on_progress=part,
            cancel=cancel,
        )
        exported.extend(result.deliverables)
        warnings.extend(result.warnings)
        for d in result.deliverables:
            path = _file(store, d.path)
            if path is None:
                warnings.append(f"{vid}: {d.path} lies outside the project folder; left out of the bundle.")
                continue
            members.append((_arcname(store, path, f"{vid}/{path.name}"), path, d.kind, vid))
        if request.include_media:
            for path in result.media:
                if not is_inside(store.root, path) and not is_inside(result.out_dir, path):
                    warnings.append(f"{vid}: {path} lies outside the project folder; left out of the bundle.")
                    continue
                members.append((_arcname(store, path, f"{vid}/media/{path.name}"), path, "media", vid))
        if request.include_videos:
            rendered = [d for d in project.deliverables if d.variant_id == vid and d.kind in ("video", "srt", "vtt")]
            if not rendered:
                warnings.append(f"{vid}: no rendered video yet (run `qianmian render` first).")
            for d in rendered:
                path = _file(store, d.path)
                if path is None:
                    warnings.append(
                        f"{vid}: deliverables[{d.kind} {d.aspect}].path {d.path!r} lies outside the project folder; "
                        "left out of the bundle (render into the project to include it)."
                    )
                elif path.is_file():
                    arcname = _arcname(store, path, f"{vid}/render/{path.name}")
                    members.append((arcname, path, d.kind, vid))
                    rendered_status[arcname] = d
                    if d.status == "draft" and d.kind == "video":
                        warnings.append(f"{vid}: {path.name} is a DRAFT (not for publishing).")
                else:
                    warnings.append(f"{vid}: {d.path} is listed but missing on disk; left out.")

    report(on_progress, 0.8, "Checksums")
    variants = {v.id: v for v in project.variants}
    files = []
    for arcname, path, kind, vid in members:
        check(cancel)
        entry = {"path": arcname, "kind": kind, "variant": vid, "bytes": path.stat().st_size, "sha256": _sha256(path)}
        if arcname in rendered_status:
            entry |= {"status": rendered_status[arcname].status, "reasons": list(rendered_status[arcname].reasons)}
        files.append(entry)
    manifest = {
        "format": BUNDLE_FORMAT,
        "version": BUNDLE_VERSION,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "project": project.name,
        "brand": project.brief.brand,
        "product": project.brief.product,
        "variants": [
            {
                "id": vid,
                "name": variants[vid].name,
                "market": variants[vid].market,
                "language": variants[vid].language,
                "segment": variants[vid].segment,
                "duration_s": next((d.duration_s for d in exported if d.variant_id == vid), None),
                "status": "draft" if problems[vid] else "final",
                "reasons": [p.describe() for p in problems[vid]],
            }
            for vid in variant_ids
        ],
        "files": files,
        "warnings": warnings,
    }
    zip_path = request.out or confine(store.renders, f"{project.name}_review.zip", field="name")
    tmp = temp_path_for(zip_path)
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
            zf.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
            for n, (arcname, path, _kind, _vid) in enumerate(members):
                check(cancel)
                report(on_progress, 0.82 + 0.17 * n / max(1, len(members)), f"Zipping {arcname}")
                compress = zipfile.ZIP_STORED if path.suffix.lower() in STORED_SUFFIXES else zipfile.ZIP_DEFLATED
                zf.write(path, arcname, compress_type=compress)
        os.replace(tmp, zip_path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()

    if request.save:
        project = store.load()
        record_exports(project, exported, variant_ids)
        store.save(project)
    report(on_progress, 1.0, f"Review bundle: {zip_path.name} ({len(members)} files)")
    return CampaignExport(zip_path=zip_path, manifest=manifest, deliverables=exported, warnings=warnings)


def record_exports(project: Project, exported: list[Deliverable], variant_ids: list[str]) -> Project:
    """The exported files into the project: each (variant, kind) replaces the earlier file of that kind."""
    replaced = {(d.variant_id, d.kind) for d in exported}
    project.deliverables = [
        d
        for d in project.deliverables
        if not (d.kind in EXPORTED_KINDS and (d.variant_id, d.kind) in replaced and d.variant_id in variant_ids)
    ]
    project.deliverables.extend(exported)
    return project


# --- import -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BundleLimits:
    max_members: int = 2000
    max_member_bytes: int = 2 << 30
    max_total_bytes: int = 8 << 30
    max_ratio: float = 200.0
    """Largest uncompressed/compressed size ratio accepted for members above `ratio_floor_bytes`, and for the
    bundle as a whole once it holds more than `total_ratio_floor_bytes` (many small bombs add up)."""
    ratio_floor_bytes: int = 64 << 10
    total_ratio_floor_bytes: int = 32 << 20
    max_name_bytes: int = 255
    """Longest file or folder name (one path part) in bytes; longer ones fail on every common filesystem."""


@dataclass(frozen=True)
class ImportRequest:
    zip_path: Path
    dest_dir: Path
    """Created by the import; must not exist yet (or be an empty folder)."""
    limits: BundleLimits = BundleLimits()
    require_manifest: bool = True


@dataclass(frozen=True)
class Refusal:
    name: str
    reason: str


@dataclass
class ImportReport:
    dest_dir: Path
    extracted: list[Path]
    refused: list[Refusal]
    manifest: dict | None

    @property
    def ok(self) -> bool:
        return not self.refused

    def summary(self) -> str:
        lines = [f"Imported {len(self.extracted)} files into {self.dest_dir}."]
        if self.refused:
            lines.append(f"Refused {len(self.refused)}:")
            lines += [f"  • {r.name!r}: {r.reason}" for r in self.refused]
        return "\n".join(lines)


def _unsafe_name(name: str) -> str | None:
    """Why a member name cannot be extracted safely, or None."""
    if not name or "\x00" in name or any(ord(c) < 32 for c in name):
        return "the name holds control characters"
    if "\\" in name:
        return "the name uses backslashes (a Windows path trick)"
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return "absolute path"
    parts = PurePosixPath(name).parts
    if len(name.encode("utf-8", "surrogatepass")) > 1024 or any(
        len(p.encode("utf-8", "surrogatepass")) > 255 for p in parts
    ):
        return "the name is too long (a folder or file name over 255 bytes, or a path over 1024)"
    if any(0xD800 <= ord(c) <= 0xDFFF for c in name):
        return "the name is not valid Unicode"
    if any(p == ".." for p in parts):
        return "the path climbs out of the bundle with '..'"
    if any(p.endswith((" ", ".")) and p not in (".",) for p in parts):
        return "a path part ends in a space or dot (unsafe on Windows)"
    return None


def _member_kind_problem(info: zipfile.ZipInfo) -> str | None:
    kind = stat.S_IFMT(info.external_attr >> 16)  # 0: written without Unix file type (a plain file)
    if info.flag_bits & 0x1:
        return "encrypted member"
    if kind == stat.S_IFLNK:
        return "symbolic link"
    if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
        return "not a regular file (device, pipe or socket)"
    return None


def _read_manifest(zf: zipfile.ZipFile, limits: BundleLimits) -> dict | None:
    try:
        info = zf.getinfo(MANIFEST)
    except KeyError:
        return None
    if info.file_size > 16 << 20:
        raise ValidationFailed("The bundle's manifest.json is implausibly large.", "This is not a Qianmian bundle.")
    try:
        data = json.loads(zf.read(info).decode("utf-8"))
    except (ValueError, zipfile.BadZipFile, RecursionError, RuntimeError, NotImplementedError, EOFError, OSError) as e:
        raise ValidationFailed(f"The bundle's manifest.json cannot be read: {e}", "Export the bundle again.") from e
    if not isinstance(data, dict) or not isinstance(data.get("files"), list):
        raise ValidationFailed("The bundle's manifest.json has no file list.", "Export the bundle again.")
    return data


def _listed_files(manifest: dict | None) -> dict[str, dict]:
    """The manifest's file entries by path; entries that are not objects with a string path are ignored."""
    if not manifest:
        return {}
    return {f["path"]: f for f in manifest["files"] if isinstance(f, dict) and isinstance(f.get("path"), str)}


def _parents(name: str) -> list[str]:
    parts = name.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts))]


def _why(error: BaseException) -> str:
    import errno

    if isinstance(error, OSError) and error.errno == errno.ENAMETOOLONG:
        return "the name is too long for this filesystem"
    if isinstance(error, FileExistsError | NotADirectoryError | IsADirectoryError):
        return "a file and a folder in the bundle have the same name"
    return f"{type(error).__name__}: {error}"


def _copy_limited(src, dest: Path, limit: int) -> tuple[int, str]:
    """Stream a member out; stops at `limit` bytes so a lying header cannot fill the disk."""
    h = hashlib.sha256()
    written = 0
    with open(dest, "xb") as out:
        while chunk := src.read(1 << 20):
            written += len(chunk)
            if written > limit:
                raise ValueError("it inflates beyond its declared size")
            h.update(chunk)
            out.write(chunk)
    return written, h.hexdigest()


def import_bundle(
    request: ImportRequest, *, on_progress: ProgressFn | None = None, cancel: CancelToken | None = None
) -> ImportReport:
    """Extract a review bundle safely; returns what was extracted and what was refused, with reasons."""
    limits = request.limits
    dest = request.dest_dir
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise ProjectError(f"{dest} already exists and is not empty.", "Choose a new folder to import the bundle into.")
    try:
        zf = zipfile.ZipFile(request.zip_path)
    except FileNotFoundError as e:
        raise ProjectError(f"{request.zip_path} does not exist.", "Check the path of the bundle.") from e
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError, RuntimeError) as e:
        raise ValidationFailed(f"{request.zip_path} is not a zip file: {e}", "Ask for the bundle again.") from e
    with zf:
        infos = zf.infolist()
        if len(infos) > limits.max_members:
            raise ValidationFailed(
                f"The bundle holds {len(infos)} members; at most {limits.max_members} are accepted.",
                "Nothing was extracted. Split the bundle, or raise the limit if you trust its source.",
            )
        manifest = _read_manifest(zf, limits)
        if manifest is None and request.require_manifest:
            raise ValidationFailed(
                f"{request.zip_path.name} has no {MANIFEST}; it is not a Qianmian review bundle.",
                "Nothing was extracted. Export the bundle with `qianmian export`.",
            )
        listed = _listed_files(manifest)

        refused: list[Refusal] = []
        accepted: list[zipfile.ZipInfo] = []
        seen: set[str] = set()
        folders: set[str] = set()
        total = 0
        total_compressed = 0
        for info in infos:
            name = info.filename
            if info.is_dir() or name == MANIFEST:
                continue
            reason = _unsafe_name(name) or _member_kind_problem(info)
            key = name.casefold()
            if reason is None and key in seen:
                reason = "duplicate name"
            if reason is None and info.file_size > limits.max_member_bytes:
                reason = f"{info.file_size} bytes is over the {limits.max_member_bytes}-byte member limit"
            if reason is None and (key in folders or any(p in seen for p in _parents(key))):
                reason = "a file and a folder in the bundle have the same name"
            if (
                reason is None
                and info.file_size > limits.ratio_floor_bytes
                and info.file_size > limits.max_ratio * max(1, info.compress_size)
            ):
                reason = (
                    f"compression ratio {info.file_size / max(1, info.compress_size):.0f}:1 "
                    f"is over {limits.max_ratio:.0f}:1 (zip bomb)"
                )
            if reason is None and manifest is not None and name not in listed:
                reason = "not listed in manifest.json"
            if reason is None and manifest is not None and listed[name].get("bytes") not in (None, info.file_size):
                reason = "its size differs from manifest.json"
            if reason is None and total + info.file_size > limits.max_total_bytes:
                reason = f"the bundle would exceed the {limits.max_total_bytes}-byte total limit"
            if (
                reason is None
                and total + info.file_size > limits.total_ratio_floor_bytes
                and total + info.file_size > limits.max_ratio * max(1, total_compressed + info.compress_size)
            ):
                reason = f"the bundle as a whole inflates over {limits.max_ratio:.0f}:1 (zip bomb)"
            if reason is not None:
                refused.append(Refusal(name, reason))
                continue
            seen.add(key)
            folders.update(_parents(key))
            total += info.file_size
            total_compressed += info.compress_size
            accepted.append(info)

        dest.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=temp_prefix("import"), dir=dest.parent))
        extracted: list[str] = []
        try:
            for n, info in enumerate(accepted):
                check(cancel)
                report(on_progress, n / max(1, len(accepted)), f"Extracting {info.filename}")
                target = staging.joinpath(*PurePosixPath(info.filename).parts)
                try:
                    if not target.resolve().is_relative_to(staging.resolve()):
                        refused.append(Refusal(info.filename, "resolves outside the destination"))
                        continue
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with zf.open(info) as src:
                        _size, digest = _copy_limited(src, target, min(info.file_size, limits.max_member_bytes))
                except Exception as e:  # every odd member is a refusal, never a traceback
                    with contextlib.suppress(OSError):
                        target.unlink(missing_ok=True)
                    if is_disk_full(e):
                        raise disk_full(dest.parent, total) from e
                    refused.append(Refusal(info.filename, f"could not be extracted: {_why(e)}"))
                    continue
                expected = listed.get(info.filename, {}).get("sha256") if manifest else None
                if isinstance(expected, str) and expected and expected != digest:
                    target.unlink()
                    refused.append(
                        Refusal(info.filename, "its SHA-256 differs from manifest.json (damaged or altered)")
                    )
                    continue
                extracted.append(info.filename)
            if manifest is not None:
                (staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=True, indent=2) + "\n", "utf-8")
            check(cancel)
            if dest.exists():
                dest.rmdir()
            honour_umask_dir(staging)  # mkdtemp makes 0700; the imported folder gets the usual mode
            os.replace(staging, dest)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    missing = sorted(set(listed) - {i.filename for i in infos})
    refused.extend(Refusal(name, "listed in manifest.json but absent from the zip") for name in missing)
    report(on_progress, 1.0, f"Imported {len(extracted)} files, refused {len(refused)}")
    return ImportReport(
        dest_dir=dest,
        extracted=[dest.joinpath(*PurePosixPath(n).parts) for n in extracted],
        refused=refused,
        manifest=manifest,
    )

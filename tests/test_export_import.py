"""Importing a review bundle treats it as untrusted: each hostile member is refused with a reason, nothing lands
outside the destination, the good members still arrive, and a cancelled or failed import leaves no folder behind."""

from __future__ import annotations

import hashlib
import json
import stat
import zipfile
from pathlib import Path

import pytest

from studio.export import BundleLimits, ImportRequest, import_bundle
from studio.model import Cancelled, CancelToken, ProjectError, ValidationFailed


def _entry(name: str, data: bytes) -> dict:
    return {"path": name, "kind": "pdf", "variant": "v", "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def _bundle(
    path: Path, members: list[tuple[str | zipfile.ZipInfo, bytes]], *, listed: list[dict] | None = None
) -> Path:
    """A zip with a manifest listing every member (unless `listed` says otherwise)."""
    entries = listed if listed is not None else [_entry(getattr(n, "filename", n), d) for n, d in members]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", json.dumps({"format": "qianmian-review-bundle", "files": entries}))
        for name, data in members:
            zf.writestr(name, data)
    return path


def _reasons(report) -> dict[str, str]:
    return {r.name: r.reason for r in report.refused}


def test_good_members_arrive_and_hostile_ones_are_refused(tmp_path: Path) -> None:
    link = zipfile.ZipInfo("th/link-to-passwd")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    fifo = zipfile.ZipInfo("th/pipe")
    fifo.external_attr = (stat.S_IFIFO | 0o644) << 16
    members: list[tuple[str | zipfile.ZipInfo, bytes]] = [
        ("th/storyboard.pdf", b"%PDF-1.7 good"),
        ("th/ไทย_shots.csv", "\ufeffshot,voiceover\n1,ทั้งคืน\n".encode()),
        ("/etc/evil.txt", b"absolute"),
        ("../escape.txt", b"dotdot"),
        ("th/../../escape2.txt", b"dotdot inside"),
        ("C:/Windows/evil.txt", b"drive letter"),
        ("th\\..\\win.txt", b"backslashes"),
        (link, b"/etc/passwd"),
        (fifo, b""),
    ]
    zip_path = _bundle(tmp_path / "b.zip", members)
    dest = tmp_path / "in" / "review"
    report = import_bundle(ImportRequest(zip_path, dest))

    assert sorted(p.relative_to(dest).as_posix() for p in report.extracted) == ["th/storyboard.pdf", "th/ไทย_shots.csv"]
    assert (dest / "th/storyboard.pdf").read_bytes() == b"%PDF-1.7 good"
    reasons = _reasons(report)
    assert reasons["/etc/evil.txt"] == "absolute path"
    assert "'..'" in reasons["../escape.txt"] and "'..'" in reasons["th/../../escape2.txt"]
    assert reasons["C:/Windows/evil.txt"] == "absolute path"
    assert "backslash" in reasons["th\\..\\win.txt"]
    assert reasons["th/link-to-passwd"] == "symbolic link"
    assert "not a regular file" in reasons["th/pipe"]
    assert not report.ok and "Refused 7" in report.summary()
    # Nothing escaped: the only files outside dest are the bundle itself.
    outside = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file() and dest not in p.parents}
    assert outside == {"b.zip"}
    assert not [p for p in dest.parent.iterdir() if p.name.startswith(".review.import-")]


def test_size_limits_and_zip_bombs_are_refused(tmp_path: Path) -> None:
    bomb = bytes(8 << 20)  # 8 MiB of zeros deflates about 1000:1
    members: list[tuple[str | zipfile.ZipInfo, bytes]] = [
        ("a.bin", b"x" * 1000),
        ("big.bin", b"y" * 5000),
        ("bomb.bin", bomb),
        ("b.bin", b"z" * 3000),
        ("c.bin", b"w" * 3000),
    ]
    limits = BundleLimits(max_member_bytes=4000, max_total_bytes=5000, max_ratio=100, ratio_floor_bytes=1 << 20)
    report = import_bundle(ImportRequest(_bundle(tmp_path / "b.zip", members), tmp_path / "d", limits=limits))
    reasons = _reasons(report)
    assert "member limit" in reasons["big.bin"]
    assert "member limit" in reasons["bomb.bin"] or "zip bomb" in reasons["bomb.bin"]
    assert "total limit" in reasons["c.bin"]
    assert sorted(p.name for p in report.extracted) == ["a.bin", "b.bin"]

    ratio_only = BundleLimits(max_member_bytes=1 << 30, max_ratio=100)
    report = import_bundle(
        ImportRequest(_bundle(tmp_path / "c.zip", [("bomb.bin", bomb)]), tmp_path / "e", limits=ratio_only)
    )
    assert "zip bomb" in _reasons(report)["bomb.bin"]
    assert report.extracted == []


def test_a_lying_size_header_cannot_fill_the_disk(tmp_path: Path) -> None:
    """A member whose header claims 10 bytes but inflates to 1 MiB stops at the claimed size."""
    zip_path = tmp_path / "b.zip"
    with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("liar.bin", b"A" * (1 << 20))
    raw = bytearray(zip_path.read_bytes())
    # Patch the uncompressed size in the central directory entry of liar.bin to 10 bytes.
    with zipfile.ZipFile(zip_path) as zf:
        info = zf.getinfo("liar.bin")
    cd = raw.rfind(b"PK\x01\x02")
    assert raw[cd + 46 : cd + 46 + len("liar.bin")] == b"liar.bin"
    raw[cd + 24 : cd + 28] = (10).to_bytes(4, "little")
    zip_path.write_bytes(bytes(raw))
    report = import_bundle(ImportRequest(zip_path, tmp_path / "d", require_manifest=False))
    assert info.file_size == 1 << 20
    assert report.extracted == []
    assert "could not be extracted" in _reasons(report)["liar.bin"]
    assert not (tmp_path / "d" / "liar.bin").exists()


def test_manifest_mismatches_are_refused(tmp_path: Path) -> None:
    good, altered = b"original bytes", b"altered bytes!"
    listed = [_entry("v/a.pdf", good), _entry("v/b.pdf", good), _entry("v/missing.pdf", good)]
    zip_path = _bundle(
        tmp_path / "b.zip", [("v/a.pdf", good), ("v/b.pdf", altered), ("v/extra.txt", b"?")], listed=listed
    )
    report = import_bundle(ImportRequest(zip_path, tmp_path / "d"))
    reasons = _reasons(report)
    assert [p.name for p in report.extracted] == ["a.pdf"]
    assert "SHA-256 differs" in reasons["v/b.pdf"]
    assert reasons["v/extra.txt"] == "not listed in manifest.json"
    assert "absent from the zip" in reasons["v/missing.pdf"]
    assert json.loads((tmp_path / "d" / "manifest.json").read_text())["files"] == listed


def test_whole_bundle_refusals_extract_nothing(tmp_path: Path) -> None:
    many = [(f"f{i}.txt", b"x") for i in range(20)]
    with pytest.raises(ValidationFailed, match="at most 10"):
        import_bundle(
            ImportRequest(_bundle(tmp_path / "many.zip", many), tmp_path / "d", limits=BundleLimits(max_members=10))
        )
    assert not (tmp_path / "d").exists()

    plain = tmp_path / "plain.zip"
    with zipfile.ZipFile(plain, "w") as zf:
        zf.writestr("a.txt", b"no manifest")
    with pytest.raises(ValidationFailed, match="not a Qianmian review bundle"):
        import_bundle(ImportRequest(plain, tmp_path / "d"))
    (tmp_path / "notzip.zip").write_bytes(b"hello")
    with pytest.raises(ValidationFailed, match="not a zip"):
        import_bundle(ImportRequest(tmp_path / "notzip.zip", tmp_path / "d"))

    occupied = tmp_path / "occupied"
    occupied.mkdir()
    (occupied / "keep.txt").write_text("mine")
    with pytest.raises(ProjectError, match="not empty"):
        import_bundle(ImportRequest(_bundle(tmp_path / "ok.zip", [("a.txt", b"1")]), occupied))
    assert (occupied / "keep.txt").read_text() == "mine"


def test_cancelled_import_leaves_no_folder(tmp_path: Path) -> None:
    zip_path = _bundle(tmp_path / "b.zip", [(f"v/{i}.txt", b"data") for i in range(5)])
    cancel = CancelToken()

    def on_progress(p) -> None:
        if p.fraction > 0.3:
            cancel.cancel()

    with pytest.raises(Cancelled):
        import_bundle(ImportRequest(zip_path, tmp_path / "d"), on_progress=on_progress, cancel=cancel)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.zip"]

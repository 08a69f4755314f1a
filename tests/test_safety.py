"""Projects, briefs and review bundles from strangers: what they can and cannot make the app do (issue 11).

One test (or a few) per finding; each failed on main before the fix. Process-level checks (killing the app,
Ctrl-C to the process group, full disks on a real small filesystem) are in test_safety_processes.py.
"""

from __future__ import annotations

import errno
import io
import json
import os
import pickle
import stat
import struct
import subprocess
import sys
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from render_project import build_project

from studio import paths
from studio.model import BackendError, Project, ProjectStore, StudioError, ValidationFailed, load_brief

ROOT = Path(__file__).resolve().parent.parent


def _sample_brief_data() -> dict:
    brief = load_brief(paths.sample_brief())
    return brief.model_dump(mode="json", by_alias=True)


def _write_json(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return path


def _edit_project(store: ProjectStore, edit) -> None:
    data = json.loads(store.project_file.read_text("utf-8"))
    edit(data)
    store.project_file.write_text(json.dumps(data, ensure_ascii=False), "utf-8")


# --- 1. writes outside the project ------------------------------------------------------------------------------------


def test_absolute_variant_id_is_refused_before_anything_renders(tmp_path: Path) -> None:
    from studio.workflow import RenderRequest, render

    store = build_project(tmp_path / "p")
    target = tmp_path / "elsewhere" / "evil"

    def edit(d: dict) -> None:
        d["variants"][0]["id"] = str(target)
        for t in d["takes"]:
            t["variant_id"] = None

    _edit_project(store, edit)
    with pytest.raises(ValidationFailed) as err:
        render(RenderRequest(project_dir=store.root, scale=0.25))
    assert "variants.0.id" in str(err.value) and "project.json" in str(err.value)
    assert not (tmp_path / "elsewhere").exists()


def test_brief_segment_id_climbing_out_is_refused(tmp_path: Path) -> None:
    from studio.workflow import PlanRequest, plan

    data = _sample_brief_data()
    data["segments"][0]["id"] = "../../escaped"
    brief = _write_json(tmp_path / "brief.json", data)
    with pytest.raises(ValidationFailed) as err:
        plan(PlanRequest(brief, tmp_path / "p"))
    assert "segments.0.id" in str(err.value) and str(brief) in str(err.value)
    assert not (tmp_path / "p").exists()


@pytest.mark.parametrize(
    ("where", "value"),
    [("shot", "../../escaped"), ("name", "../../escaped"), ("name", "/tmp/escaped"), ("take", "../x")],
)
def test_shot_ids_and_project_names_that_leave_the_folder_are_refused(tmp_path: Path, where: str, value: str) -> None:
    store = build_project(tmp_path / "p")

    def edit(d: dict) -> None:
        if where == "shot":
            d["storyboard"]["shots"][0]["id"] = value
            d["variants"][0]["shots"][0]["shot_id"] = value
        elif where == "take":
            d["takes"][0]["id"] = value
        else:
            d["name"] = value

    _edit_project(store, edit)
    with pytest.raises(ValidationFailed) as err:
        store.load()
    assert ("name" if where == "name" else "id") in str(err.value)


def test_confine_refuses_absolute_climbing_and_linked_paths(tmp_path: Path) -> None:
    from studio.model.safe_paths import OutsideProject, confine

    root = tmp_path / "p"
    root.mkdir()
    (tmp_path / "secret.txt").write_text("s")
    (root / "link").symlink_to(tmp_path)
    assert confine(root, "renders/a.mp4", field="x") == (root / "renders" / "a.mp4").resolve()
    for bad in ("/etc/passwd", "../secret.txt", "a/../../secret.txt", "link/secret.txt", "C:\\x", "\\\\srv\\s", ""):
        with pytest.raises(OutsideProject) as err:
            confine(root, bad, field="deliverables[0].path")
        assert "deliverables[0].path" in str(err.value)


# --- 2. reads outside the project -------------------------------------------------------------------------------------


def test_take_asset_pointing_at_another_file_is_refused(tmp_path: Path) -> None:
    store = build_project(tmp_path / "p")
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"secret")
    for bad in (str(secret), "../../secret.png", "sub/../../../secret.png"):
        _edit_project(store, lambda d, bad=bad: d["takes"][0].__setitem__("asset", bad))
        with pytest.raises(ValidationFailed) as err:
            store.load()
        assert "takes.0.asset" in str(err.value)


def test_settings_music_outside_the_project_is_refused(tmp_path: Path) -> None:
    from studio.export.shots import variant_sheet
    from studio.export.variant import _gather_media
    from studio.model.safe_paths import OutsideProject

    store = build_project(tmp_path / "p")
    secret = tmp_path / "private.wav"
    secret.write_bytes(b"RIFF....")
    _edit_project(store, lambda d: d["settings"].__setitem__("music", str(secret)))
    project = store.load()
    sheet = variant_sheet(project, store, project.variants[0].id, None)
    with pytest.raises(OutsideProject) as err:
        _gather_media(sheet, store.renders / "handoff" / "v" / "media", None)
    assert "settings.music" in str(err.value)


def test_deliverables_outside_the_project_are_never_packed(tmp_path: Path) -> None:
    from studio.export.bundle import _file

    store = build_project(tmp_path / "p")
    (tmp_path / "secret.mp4").write_bytes(b"x")
    (store.renders / "ok.mp4").write_bytes(b"x")
    (store.root / "link").symlink_to(tmp_path)
    assert _file(store, "renders/ok.mp4") == store.root / "renders/ok.mp4"
    for outside in (str(tmp_path / "secret.mp4"), "link/secret.mp4"):
        assert _file(store, outside) is None


@pytest.mark.slow
def test_export_packs_only_files_inside_the_project(tmp_path: Path) -> None:
    from studio.export import CampaignExportRequest, ImportRequest, export_campaign, import_bundle

    store = build_project(tmp_path / "p")
    secret = tmp_path / "id_rsa.mp4"
    secret.write_bytes(b"PRIVATE KEY")
    project = store.load()
    v = project.variants[0]
    from studio.model import Deliverable

    project.deliverables.append(
        Deliverable(
            variant_id=v.id, market=v.market, language=v.language, segment=v.segment, aspect="9:16", kind="video",
            path=str(secret),
        )
    )  # fmt: skip
    store.save(project)
    result = export_campaign(CampaignExportRequest(store.root, include_media=False))
    with zipfile.ZipFile(result.zip_path) as zf:
        assert all(b"PRIVATE KEY" not in zf.read(n) for n in zf.namelist())
        assert not any("id_rsa" in n for n in zf.namelist())
    assert any("outside the project folder" in w for w in result.warnings)
    report = import_bundle(ImportRequest(result.zip_path, tmp_path / "in"))
    assert not any("id_rsa" in p.name for p in report.extracted)


# --- 3. zip bombs, 4. odd zips --------------------------------------------------------------------------------------


def _zip(path: Path, members: list[tuple[str, bytes]], manifest: object | None = None) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        if manifest is not None:
            zf.writestr("manifest.json", json.dumps(manifest))
        for name, data in members:
            zf.writestr(name, data)
    return path


def test_many_small_bombs_are_refused(tmp_path: Path) -> None:
    from studio.export import ImportRequest, import_bundle
    from studio.export.bundle import BundleLimits

    zeros = bytes(1 << 20)  # 1 MiB members: on main only members over 1 MiB had their ratio checked
    bomb = _zip(tmp_path / "bomb.zip", [(f"m{i:04d}.bin", zeros) for i in range(24)])
    assert bomb.stat().st_size < 200_000
    report = import_bundle(ImportRequest(bomb, tmp_path / "out", require_manifest=False))
    assert report.extracted == [] and len(report.refused) == 24
    assert all("zip bomb" in r.reason for r in report.refused)
    small = bytes(60 << 10)  # under the per-member floor: the bundle's total ratio catches them
    many = _zip(tmp_path / "many.zip", [(f"s{i:04d}.bin", small) for i in range(120)])
    limits = BundleLimits(total_ratio_floor_bytes=2 << 20)
    report = import_bundle(ImportRequest(many, tmp_path / "out2", limits=limits, require_manifest=False))
    extracted = sum(p.stat().st_size for p in report.extracted)
    assert extracted <= 3 << 20 and any("as a whole" in r.reason for r in report.refused)


def test_odd_zips_give_refusals_not_tracebacks(tmp_path: Path) -> None:
    from studio.export import ImportRequest, import_bundle

    long_dir, long_file = "d" * 300, "f" * 300 + ".txt"
    odd = _zip(
        tmp_path / "odd.zip",
        [("a", b"file"), ("a/b.txt", b"in folder"), (f"{long_dir}/x.txt", b"x"), (long_file, b"y"), ("ok.txt", b"ok")],
    )
    report = import_bundle(ImportRequest(odd, tmp_path / "out", require_manifest=False))
    reasons = {r.name: r.reason for r in report.refused}
    assert "same name" in reasons["a/b.txt"] and "too long" in reasons[long_file]
    assert "too long" in reasons[f"{long_dir}/x.txt"]
    assert {p.name for p in report.extracted} == {"a", "ok.txt"}

    listed = _zip(
        tmp_path / "listed.zip",
        [("x.txt", b"x")],
        manifest={"files": [{"path": ["x.txt"], "sha256": 5}, {"path": "x.txt", "sha256": ["no"], "bytes": 1}, 7]},
    )
    report = import_bundle(ImportRequest(listed, tmp_path / "out2"))
    assert [p.name for p in report.extracted] == ["x.txt"]

    garbage = tmp_path / "garbage.zip"
    garbage.write_bytes(b"PK\x05\x06" + b"\xff" * 18)
    with pytest.raises(StudioError):
        import_bundle(ImportRequest(garbage, tmp_path / "out3"))


# --- 5. leftovers ---------------------------------------------------------------------------------------------------


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_crashed_save_leaves_nothing_the_next_load_keeps(tmp_path: Path) -> None:
    store = build_project(tmp_path / "p")
    dead = _dead_pid()
    stale = store.root / f".project.json.qmtmp-{dead}-abc123.tmp"
    stale.write_text("{half")
    live = store.root / f".project.json.qmtmp-{os.getpid()}-def456.tmp"
    live.write_text("{being written")
    legacy = store.root / ".project.json.k2j3h4.tmp"  # from a version before the pid mark
    legacy.write_text("{")
    os.utime(legacy, (0, 0))
    partial = store.renders / f".v_9x16.qmtmp-{dead}-xyz.partial.mp4"
    partial.write_bytes(b"\0" * 10)
    store.load()
    assert not stale.exists() and not legacy.exists() and not partial.exists()
    assert live.exists()


def test_stale_cut_folders_are_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    from studio.model.safe_paths import cut_dir_prefix, sweep_cut_dirs

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = _dead_pid()
    stale = tmp_path / f"qm-cut-qmtmp-{dead}-abc"
    stale.mkdir()
    (stale / "picture.mp4").write_bytes(b"\0")
    mine = Path(tempfile.mkdtemp(prefix=cut_dir_prefix()))
    sweep_cut_dirs()
    assert not stale.exists() and mine.exists()


def test_saves_write_temp_names_that_carry_the_pid(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from studio.model import store as store_mod

    seen: list[str] = []
    real = os.replace

    def spy(src: str, dst: str) -> None:
        seen.append(Path(src).name)
        real(src, dst)

    monkeypatch.setattr(store_mod.os, "replace", spy)
    store_mod.atomic_write_text(tmp_path / "project.json", "{}")
    assert seen and f"qmtmp-{os.getpid()}-" in seen[0]


# --- 6. pickle ------------------------------------------------------------------------------------------------------


class _Boom:
    def __reduce__(self):  # what a malicious checkpoint does when unpickled
        return (Path.touch, (Path(os.environ["QM_PICKLE_MARKER"]),))


def test_pickle_in_an_ip_adapter_image_encoder_is_refused_before_loading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipelines.image import generator

    marker = tmp_path / "pwned"
    monkeypatch.setenv("QM_PICKLE_MARKER", str(marker))
    folder = tmp_path / "ip-adapter"
    (folder / "models" / "image_encoder").mkdir(parents=True)
    (folder / "models" / "ip-adapter_sd15.safetensors").write_bytes(_safetensors({"image_proj.w": 1}))
    (folder / "models" / "image_encoder" / "config.json").write_text("{}")
    (folder / "models" / "image_encoder" / "pytorch_model.bin").write_bytes(pickle.dumps(_Boom()))
    calls: list[object] = []
    encoder_bin = folder / "models" / "image_encoder" / "pytorch_model.bin"
    # What transformers would do with the encoder's pytorch_model.bin (it has no .safetensors twin): unpickle it.
    t2i = SimpleNamespace(load_ip_adapter=lambda *a, **k: calls.append(pickle.loads(encoder_bin.read_bytes())))
    resident = SimpleNamespace(ip_adapter=False, info=SimpleNamespace(ip_adapter=folder, family="sd15"), t2i=t2i)
    with pytest.raises(BackendError) as err:
        generator._ip_adapter(resident)
    assert "pytorch_model.bin" in str(err.value) and "safetensors" in str(err.value)
    assert not calls and not marker.exists()


def test_pickle_disguised_as_safetensors_is_refused_by_content(tmp_path: Path) -> None:
    from pipelines.image.registry import lora_files, pickle_reason, refuse_pickle, scan

    fake = tmp_path / "models" / "style.safetensors"
    fake.parent.mkdir()
    fake.write_bytes(pickle.dumps({"a": 1}, protocol=4))
    zipped = tmp_path / "models" / "zipped.safetensors"
    with zipfile.ZipFile(zipped, "w") as zf:
        zf.writestr("archive/data.pkl", pickle.dumps({"a": 1}))
    assert pickle_reason(fake) and pickle_reason(zipped)
    with pytest.raises(BackendError, match=r"style\.safetensors"):
        refuse_pickle(fake, "LoRA")
    assert lora_files([fake.parent]) == []
    infos = {m.id: m for m in scan([fake.parent], include_hf_cache=False)}
    assert not infos["style"].ready and "pickle" in infos["style"].problems[0]


# --- 7. project loader ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["abc", None, [], "999", 1.5, True, -1, {"v": 1}])
def test_odd_schema_versions_are_refused_and_the_file_is_untouched(tmp_path: Path, version: object) -> None:
    store = build_project(tmp_path / "p")
    _edit_project(store, lambda d: d.__setitem__("schema_version", version))
    before = store.project_file.read_bytes()
    with pytest.raises(ValidationFailed) as err:
        store.load()
    assert "schema_version" in str(err.value) and str(store.project_file) in str(err.value)
    assert store.project_file.read_bytes() == before


def test_newer_schema_is_still_refused(tmp_path: Path) -> None:
    from studio.model import ProjectError

    store = build_project(tmp_path / "p")
    _edit_project(store, lambda d: d.__setitem__("schema_version", 999))
    with pytest.raises(ProjectError, match="newer"):
        store.load()


@pytest.mark.parametrize(
    "edit",
    [
        lambda d: d["variants"].append(dict(d["variants"][0], id=d["variants"][0]["id"].upper())),
        lambda d: d["storyboard"]["shots"].append(dict(d["storyboard"]["shots"][0])),
        lambda d: d["settings"].__setitem__("fps", 0),
        lambda d: d["settings"].__setitem__("image_steps", -3),
        lambda d: d["settings"].__setitem__("loudness_lufs", float("nan")),
        lambda d: d["deliverables"].append(
            {"variant_id": "x", "market": "TH", "language": "th", "segment": "s", "aspect": "9:16", "kind": "video",
             "path": "../../etc/passwd"}
        ),
        lambda d: d["voice_lines"].append(
            {"shot_id": "s1", "variant_id": "x", "request": {"text": "a", "language": "en"}, "asset": "/etc/passwd",
             "duration_s": 1, "backend": "espeak"}
        ),
    ],
)  # fmt: skip
def test_wrong_projects_are_refused(tmp_path: Path, edit) -> None:
    store = build_project(tmp_path / "p")
    _edit_project(store, edit)
    with pytest.raises(ValidationFailed):
        store.load()


# --- 8. text --------------------------------------------------------------------------------------------------------


def test_lone_surrogate_in_a_brief_is_refused_and_leaves_no_folder(tmp_path: Path) -> None:
    from studio.workflow import PlanRequest, plan

    data = _sample_brief_data()
    data["selling_points"][0] = "glow \ud800 all night"
    brief = tmp_path / "brief.json"
    brief.write_text(json.dumps(data), "utf-8")  # ensure_ascii: the file itself is valid, its text is not
    with pytest.raises(ValidationFailed) as err:
        plan(PlanRequest(brief, tmp_path / "p"))
    assert "selling_points[0]" in str(err.value) and "surrogate" in str(err.value)
    assert not (tmp_path / "p").exists()


def test_nul_in_a_line_is_refused_in_briefs_and_projects(tmp_path: Path) -> None:
    data = _sample_brief_data()
    data["copy"]["id"]["lines"]["hook"] = "Glow\x00 all night"
    with pytest.raises(ValidationFailed, match=r"copy\.id\.lines\.hook"):
        load_brief(_write_json(tmp_path / "brief.json", data))
    store = build_project(tmp_path / "p")
    _edit_project(store, lambda d: d["variants"][0]["shots"][0].__setitem__("voiceover", "Party\x00 all night"))
    with pytest.raises(ValidationFailed, match=r"variants\[0\]\.shots\[0\]\.voiceover"):
        store.load()
    fresh = build_project(tmp_path / "q").load()  # the UI edits documents in place: assignment is checked too
    with pytest.raises(ValueError):
        fresh.variants[0].shots[0].voiceover = "a\x00b"


# --- 10. full disk --------------------------------------------------------------------------------------------------


def test_full_disk_during_export_copy_leaves_no_partial_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    from studio.export import variant as export_variant

    src = tmp_path / "voice.wav"
    src.write_bytes(b"\1" * 50_000)
    dest_dir = tmp_path / "media"
    dest_dir.mkdir()

    def half_copy(a: Path, b: Path) -> None:
        Path(b).write_bytes(Path(a).read_bytes()[:1000])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(shutil, "copyfile", half_copy)
    from studio.model.errors import DiskFull

    with pytest.raises(DiskFull, match=r"disk is full: free \d+ MB at"):
        export_variant._copy(src, dest_dir / "voice.wav")
    assert list(dest_dir.iterdir()) == []


def test_libsndfile_system_error_on_a_full_disk_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np
    import soundfile

    from studio.model import safe_paths
    from studio.render import audio

    def fail(path: str, *_a: object, **_k: object) -> None:
        Path(path).write_bytes(b"RIFF")
        raise soundfile.LibsndfileError(2, "System error.")

    monkeypatch.setattr(soundfile, "write", fail)
    monkeypatch.setattr(safe_paths, "short_of_space", lambda folder, needed: True)
    from studio.model.errors import DiskFull

    with pytest.raises(DiskFull, match="disk is full"):
        audio.write_wav(tmp_path / "mix.wav", np.zeros((48000, 2), dtype=np.float32))
    assert list(tmp_path.iterdir()) == []


def test_cli_reports_a_full_disk_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from studio import cli

    def full(args: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "x.wav"))

    monkeypatch.setattr(cli, "cmd_export", full)
    assert cli.main(["--quiet", "export", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "disk is full" in err and "Traceback" not in err


# --- 11. model library ----------------------------------------------------------------------------------------------


def _safetensors(keys: dict[str, int]) -> bytes:
    header = {k: {"dtype": "F32", "shape": [1], "data_offsets": [4 * i, 4 * i + 4]} for i, k in enumerate(keys)}
    blob = json.dumps(header).encode()
    return struct.pack("<Q", len(blob)) + blob + b"\0" * (4 * len(keys))


def _diffusers_folder(folder: Path, *, vocab: bool = True) -> Path:
    folder.mkdir(parents=True)
    index = {"_class_name": "StableDiffusionPipeline", "unet": ["diffusers", "UNet2DConditionModel"]}
    index |= {"tokenizer": ["transformers", "CLIPTokenizer"], "vae": ["diffusers", "AutoencoderKL"]}
    (folder / "model_index.json").write_text(json.dumps(index))
    for sub in ("unet", "vae"):
        (folder / sub).mkdir()
        (folder / sub / "config.json").write_text("{}")
        (folder / sub / "diffusion_pytorch_model.safetensors").write_bytes(_safetensors({"w": 1}))
    (folder / "tokenizer").mkdir()
    (folder / "tokenizer" / "tokenizer_config.json").write_text("{}")
    if vocab:
        (folder / "tokenizer" / "vocab.json").write_text("{}")
        (folder / "tokenizer" / "merges.txt").write_text("#version: 0.2\n")
    return folder


def test_one_corrupt_safetensors_marks_only_itself(tmp_path: Path) -> None:
    from pipelines.image.registry import scan

    lib = tmp_path / "image"
    _diffusers_folder(lib / "good-sd15")
    (lib / "broken.safetensors").write_bytes(b"\xff" * 64)
    (lib / "truncated.safetensors").write_bytes(struct.pack("<Q", 1000) + b"{")
    infos = {m.id: m for m in scan([lib], include_hf_cache=False)}
    assert infos["good-sd15"].ready
    assert not infos["broken"].ready and "broken.safetensors" in infos["broken"].problems[0]
    assert not infos["truncated"].ready


def test_a_tokenizer_without_vocabulary_is_not_ready(tmp_path: Path) -> None:
    from pipelines.image.registry import scan

    lib = tmp_path / "image"
    _diffusers_folder(lib / "no-vocab", vocab=False)
    info = {m.id: m for m in scan([lib], include_hf_cache=False)}["no-vocab"]
    assert not info.ready
    assert any("tokenizer/" in p and "vocab" in p for p in info.problems)


# --- 12. accepted but wrong -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        (lambda d: d.__setitem__("brand", "  "), "brand"),
        (lambda d: d["selling_points"].append(""), "is empty"),
        (lambda d: d["segments"][0].__setitem__("id", ""), "segments.0.id"),
        (lambda d: d["segments"][1].__setitem__("id", d["segments"][0]["id"].upper()), "segment ids"),
        (lambda d: d.__setitem__("product", ""), "product"),
    ],
)
def test_empty_or_case_twin_fields_are_refused(tmp_path: Path, edit, field: str) -> None:
    data = _sample_brief_data()
    edit(data)
    with pytest.raises(ValidationFailed) as err:
        load_brief(_write_json(tmp_path / "brief.json", data))
    assert field in str(err.value)


# --- 13. secrets ----------------------------------------------------------------------------------------------------


def test_credentials_in_the_llm_url_are_never_stored_or_printed(tmp_path: Path) -> None:
    import httpx

    from pipelines.text.openai_compat import OpenAICompatClient
    from studio.model.secrets import redact, strip_credentials

    url = "https://alice:s3cr3t-pw@llm.example.com/v1?api_key=k3y-123&x=1"
    assert strip_credentials(url) == "https://llm.example.com/v1?x=1"
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(500, text="boom")

    client = OpenAICompatClient(url, "m", transport=httpx.MockTransport(answer))
    assert "s3cr3t" not in client.name and "k3y-123" not in client.name
    with pytest.raises(BackendError) as err:
        client.chat([{"role": "user", "content": "hi"}])
    assert "s3cr3t" not in str(err.value) and "k3y-123" not in str(err.value)
    assert seen and seen[0].headers.get("authorization", "").startswith("Basic ")  # still sent, as auth
    store = build_project(tmp_path / "p")
    project = store.load()
    project.insights[:0] = []
    from studio.model import Insight

    project.insights.append(Insight(id="i-1", kind="need", text="t", source=f"llm:{url} (need)"))
    store.save(project)
    saved = store.project_file.read_text("utf-8")
    assert "s3cr3t" not in saved and "k3y-123" not in saved
    assert "s3cr3t" not in redact(f"Cannot reach {url}: refused")


# --- 14. permissions ------------------------------------------------------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")
def test_saved_and_rendered_files_honour_the_umask(tmp_path: Path) -> None:
    import numpy as np

    from studio.render.encode import EncodeSettings, encode

    old = os.umask(0o022)
    try:
        store = build_project(tmp_path / "p")
        assert stat.S_IMODE(store.project_file.stat().st_mode) == 0o644
        frames = [np.zeros((64, 64, 3), dtype=np.uint8)] * 3
        out = encode(frames, 3, EncodeSettings(64, 64, 30), tmp_path / "v.mp4")
        assert stat.S_IMODE(out.stat().st_mode) == 0o644
        os.umask(0o027)
        store.save(store.load())
        assert stat.S_IMODE(store.project_file.stat().st_mode) == 0o640
    finally:
        os.umask(old)


# --- 15. error text -------------------------------------------------------------------------------------------------


def test_unknown_field_lists_the_known_fields(tmp_path: Path) -> None:
    data = _sample_brief_data()
    data["segments"][0]["desciption"] = "typo"
    with pytest.raises(ValidationFailed) as err:
        load_brief(_write_json(tmp_path / "brief.json", data))
    text = str(err.value)
    assert "segments.0.desciption" in text and "description" in text and "markets" in text.split("desciption")[1]


def test_unknown_market_names_the_file_and_field(tmp_path: Path) -> None:
    from studio.workflow import PlanRequest, plan

    data = _sample_brief_data()
    data["markets"][1]["code"] = "ZZ"
    data["markets"][1].pop("language", None)
    brief = _write_json(tmp_path / "brief.json", data)
    with pytest.raises(ValidationFailed) as err:
        plan(PlanRequest(brief, tmp_path / "p"))
    assert str(brief) in str(err.value) and "markets[1].code" in str(err.value) and "'ZZ'" in str(err.value)
    data = _sample_brief_data()
    data["category"] = "spaceships"
    with pytest.raises(ValidationFailed) as err:
        plan(PlanRequest(_write_json(tmp_path / "b2.json", data), tmp_path / "p2"))
    assert "Known categories" in str(err.value) and "categorys" not in str(err.value)


def test_project_json_written_by_the_app_is_loadable_text(tmp_path: Path) -> None:
    """Everything saved is UTF-8 JSON that loads back unchanged (the fuzz suites rely on it)."""
    store = build_project(tmp_path / "p")
    project = store.load()
    store.save(project)
    assert Project.model_validate_json(store.project_file.read_bytes()) == store.load()
    assert io.BytesIO(store.project_file.read_bytes()).read().decode("utf-8")

"""The installer's parts: the headless self-test, the licence list, the icon and .desktop entry, the spec; and (slow)
`make bundle` for real, then the built app's `--self-test`."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
sys.path.insert(0, str(PACKAGING))


#: Run in a child process where torch and the diffusion stack cannot be imported, as in the lite bundle.
_WITHOUT_TORCH = """
import sys
BLOCKED = ("torch", "diffusers", "transformers", "accelerate", "peft", "safetensors", "tokenizers")

class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)

sys.meta_path.insert(0, Block())
from studio.selftest import run
code = run(["--keep"])
assert not [m for m in sys.modules if m.split(".")[0] in BLOCKED]
sys.exit(code)
"""


def test_self_test_renders_a_small_project_without_torch(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QIANMIAN_HOME": str(tmp_path / "home")}
    done = subprocess.run(
        [sys.executable, "-c", _WITHOUT_TORCH], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout + done.stderr
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("SELF-TEST OK: ")
    video = Path(last.removeprefix("SELF-TEST OK: "))
    try:
        assert video.suffix == ".mp4" and video.stat().st_size > 1024
        pdf = next((video.parent / "handoff").rglob("*_storyboard.pdf"))
        assert pdf.read_bytes().startswith(b"%PDF")
    finally:
        shutil.rmtree(video.parent.parent.parent, ignore_errors=True)


def test_self_test_reports_failure_with_nonzero_exit(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from studio import selftest

    def broken(work_dir: Path, *, log=print) -> Path:
        raise RuntimeError("the rendered video is missing or empty: x.mp4")

    monkeypatch.setattr(selftest, "self_test", broken)
    assert selftest.run([]) == 1
    err = capsys.readouterr().err
    assert "SELF-TEST FAILED: RuntimeError: the rendered video is missing" in err


def test_licence_list_names_each_distribution_with_its_licence_text(tmp_path: Path) -> None:
    import licenses

    names = licenses.distributions_for_modules(["PIL", "numpy", "fpdf", "opentimelineio", "studio"])
    assert {"pillow", "numpy", "fpdf2", "opentimelineio"} <= names
    text = licenses.write(tmp_path / "THIRD_PARTY_LICENSES.txt", names).read_text("utf-8")
    assert "espeak-ng" in text and "GPL-3.0" in text and "Open Font License" in text  # the non-Python components
    block = text.split("\nfpdf2 ", 1)[1].split("\n\n", 1)[0]
    assert "License: LGPL" in block
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in text.split("\nfpdf2 ", 1)[1].split("\nnumpy ", 1)[0]
    assert "qianmian-studio" not in text.split("Python distributions", 1)[1]

    required = licenses.required_distributions()
    assert {"pydantic", "fpdf2", "opentimelineio", "pyside6"} <= required


def test_icon_and_desktop_entry() -> None:
    png = Image.open(PACKAGING / "qianmian.png")
    assert png.size == (512, 512) and png.mode == "RGBA"
    assert png.getpixel((0, 0))[3] == 0 and png.getpixel((256, 256))[3] == 255  # rounded corners, solid middle
    ico = Image.open(PACKAGING / "qianmian.ico")
    assert (256, 256) in ico.info["sizes"]
    assert Image.open(PACKAGING / "qianmian.icns").format == "ICNS"

    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # keys are case-sensitive
    entry.read(PACKAGING / "qianmian.desktop", encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Type"] == "Application" and section["Exec"].startswith("qianmian")
    assert section["Icon"] == "qianmian" and section["Categories"].endswith(";")
    if shutil.which("desktop-file-validate"):
        subprocess.run(["desktop-file-validate", str(PACKAGING / "qianmian.desktop")], check=True)


def test_spec_compiles_and_names_what_it_must_carry() -> None:
    source = (PACKAGING / "qianmian.spec").read_text("utf-8")
    compile(source, "qianmian.spec", "exec")
    for needed in ("manimgx_fonts_cjk", "espeakng_loader", "otio_fcp_adapter", "THIRD_PARTY_LICENSES.txt", "assets"):
        assert needed in source
    assert '"diffusers", "transformers", recursive=True' in source


def test_bundle_entry_dispatches_self_test(monkeypatch: pytest.MonkeyPatch) -> None:
    import qianmian_entry

    from studio import selftest

    seen: list[list[str]] = []
    monkeypatch.setattr(selftest, "run", lambda argv: seen.append(argv) or 0)
    monkeypatch.setattr(sys, "argv", ["qianmian", "--self-test", "--keep"])
    assert qianmian_entry.main() == 0
    assert seen == [["--keep"]]


@pytest.mark.slow
def test_make_bundle_builds_an_app_that_passes_its_self_test(request: pytest.FixtureRequest) -> None:
    """Builds the one-folder app: about 20 minutes on 2 cores. Runs only when asked for (`pytest -m slow`, or
    QIANMIAN_BUNDLE_TEST=1), since it rewrites build/ and dist/; QIANMIAN_BUNDLE_LITE=1 builds the smaller app."""
    expr = request.config.getoption("markexpr") or ""
    if ("slow" not in expr or "not slow" in expr) and not os.environ.get("QIANMIAN_BUNDLE_TEST"):
        pytest.skip("builds the installer for ~20 min; run with -m slow or QIANMIAN_BUNDLE_TEST=1")
    pytest.importorskip("PyInstaller")
    started = time.perf_counter()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    subprocess.run(["make", "bundle"], cwd=ROOT, check=True, env=env, timeout=3 * 3600)
    app = ROOT / "dist" / "qianmian" / ("qianmian.exe" if sys.platform == "win32" else "qianmian")
    assert app.is_file()
    done = subprocess.run([str(app), "--self-test"], capture_output=True, text=True, env=env, timeout=900, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SELF-TEST OK" in done.stdout
    internal = app.parent / "_internal"
    assert (internal / "THIRD_PARTY_LICENSES.txt").is_file()
    assert (internal / "assets" / "briefs").is_dir()
    size = sum(p.stat().st_size for p in app.parent.rglob("*") if p.is_file())
    print(f"bundle: {size / 2**20:.0f} MiB, built and self-tested in {time.perf_counter() - started:.0f} s")

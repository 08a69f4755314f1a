"""The core imports neither Qt nor torch: the window opens fast and the core runs headless."""

from __future__ import annotations

import subprocess
import sys

CORE = [
    "studio.model",
    "studio.planning",
    "studio.render",
    "studio.jobs",
    "studio.stages",
    "studio.takes",
    "studio.workflow",
    "studio.cli",
    "pipelines",
]

PROBE = """
import importlib, pkgutil, sys
blocked = ("PySide6", "torch", "diffusers", "transformers")

class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in blocked:
            raise ImportError(f"{{name}} imported by the core")
        return None

sys.meta_path.insert(0, Block())
for root in {roots!r}:
    module = importlib.import_module(root)
    for info in pkgutil.walk_packages(getattr(module, "__path__", []), root + "."):
        if ".ui" in info.name or info.name.endswith(".app"):
            continue
        importlib.import_module(info.name)
print("ok")
"""


def test_core_imports_without_qt_or_torch() -> None:
    out = subprocess.run([sys.executable, "-c", PROBE.format(roots=CORE)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip().endswith("ok")


def test_ui_is_the_only_qt_layer() -> None:
    import pathlib

    root = pathlib.Path(__file__).resolve().parent.parent
    offenders = []
    for path in [*root.glob("studio/**/*.py"), *root.glob("pipelines/**/*.py")]:
        rel = path.relative_to(root).as_posix()
        if rel.startswith("studio/ui/") or rel == "studio/app.py":
            continue
        text = path.read_text("utf-8")
        if "import PySide6" in text or "from PySide6" in text:
            offenders.append(rel)
    assert offenders == []

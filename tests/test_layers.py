"""The house's floors hold: the import contracts in pyproject.toml, and a core that imports without Qt or torch.

import-linter checks who imports whom (every import, also those inside functions). What it cannot see is *when*
a module is imported: torch inside a function is the rule, torch at module level is the bug. So the core is also
imported here for real with Qt and the model libraries blocked.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Outside the window, none of these may be imported when a module is loaded.
BLOCKED = ("PySide6", "shiboken6", "torch", "diffusers", "transformers", "accelerate", "peft")

PROBE = """
import importlib, pkgutil, sys
blocked = {blocked!r}

class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in blocked:
            raise ImportError(f"{{name}} imported at module level by the core")
        return None

def walk(name):
    # Every module of the package except the window's; packages are walked without importing studio.ui at all.
    if name == "studio.ui" or name == "studio.app":
        return
    module = importlib.import_module(name)
    yield name
    for info in pkgutil.iter_modules(getattr(module, "__path__", [])):
        yield from walk(f"{{name}}.{{info.name}}")

sys.meta_path.insert(0, Block())
seen = [m for root in ("studio", "pipelines") for m in walk(root)]
print(len(seen), "ok")
"""


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}


def test_core_imports_without_qt_or_torch() -> None:
    """Every module of studio (but studio.ui and studio.app) and pipelines, new packages included by the walk."""
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(blocked=BLOCKED)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=_env(),
    )
    assert out.returncode == 0, out.stderr[-3000:]
    count, word = out.stdout.split()[-2:]
    assert word == "ok" and int(count) > 80  # the walk reached the whole core, not one package


LINT = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(no_cache=True, no_logo=True))"


def _lint_imports(cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", LINT], capture_output=True, text=True, timeout=120, cwd=cwd, env=env)


def test_import_contracts_are_kept() -> None:
    """`lint-imports` over the repository: what `make lint` runs, so the suite fails on a broken floor too."""
    out = _lint_imports(ROOT, _env())
    assert out.returncode == 0, (out.stdout + out.stderr)[-4000:]
    assert "0 broken" in out.stdout


def test_the_contracts_name_the_house_rules() -> None:
    """Nobody drops a rule quietly: Qt, the model libraries, the model floor, the layers and the loop check."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["importlinter"]
    contracts = config["contracts"]
    by_type: dict[str, list[dict[str, object]]] = {}
    for contract in contracts:
        by_type.setdefault(contract["type"], []).append(contract)
    qt = next(c for c in by_type["protected"] if "PySide6" in c["protected_modules"])
    assert sorted(qt["allowed_importers"]) == ["studio.app", "studio.ui"]
    heavy = next(c for c in by_type["forbidden"] if "torch" in c["forbidden_modules"])
    assert {"torch", "diffusers", "transformers"} <= set(heavy["forbidden_modules"]) and heavy["source_modules"] == [
        "studio.*"
    ]
    model = next(c for c in by_type["forbidden"] if c["source_modules"] == ["studio.model"])
    assert set(model["forbidden_modules"]) == {"studio.*", "pipelines"}
    layers = " ".join(by_type["layers"][0]["layers"])
    for floor in ("studio.ui", "studio.stages", "studio.takes", "studio.jobs", "pipelines", "studio.model"):
        assert floor in layers
    assert by_type["acyclic_siblings"][0]["ancestors"] == ["studio", "pipelines"]
    assert config["include_external_packages"] is True


def test_the_loop_contract_catches_a_loop_through_a_function_level_import(tmp_path: Path) -> None:
    """The loop contract as configured, over a two-module package whose loop closes inside a function."""
    package = tmp_path / "loopy"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "client.py").write_text("def make():\n    from loopy.backend import Backend\n\n    return Backend()\n")
    (package / "backend.py").write_text("from loopy.client import make\n\n\nclass Backend:\n    pass\n")
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["importlinter"]
    loop = next(c for c in config["contracts"] if c["type"] == "acyclic_siblings")
    (tmp_path / ".importlinter").write_text(
        textwrap.dedent(
            f"""\
            [importlinter]
            root_package = loopy

            [importlinter:contract:loops]
            name = {loop["name"]}
            type = acyclic_siblings
            ancestors = loopy
            """
        )
    )
    out = _lint_imports(tmp_path, {**os.environ, "PYTHONPATH": str(tmp_path)})
    assert out.returncode != 0, out.stdout
    assert "No cycles are allowed in loopy" in out.stdout
    assert ".backend -> .client" in out.stdout or ".client -> .backend" in out.stdout

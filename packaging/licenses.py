"""THIRD_PARTY_LICENSES.txt for the installer, from the metadata of the distributions actually shipped.

The spec passes the top-level module names PyInstaller collected; they map to installed distributions through
`importlib.metadata.packages_distributions()`. Each entry gives the name, version, licence, home page and the full
text of every licence file the distribution carries. Components that are not Python distributions (the ffmpeg
binary, espeak-ng, the Noto fonts, Qt, ICU) are listed by hand below, since their terms matter most.

Run standalone (`python packaging/licenses.py OUT`) it lists every distribution qianmian-studio requires, recursively.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

PROJECT = "qianmian-studio"

NON_PYTHON = """\
Components bundled as files rather than Python distributions
--------------------------------------------------------------
* FFmpeg (the binary shipped inside imageio-ffmpeg): GPL-3.0-or-later build (includes x264). Source: https://ffmpeg.org
* espeak-ng (libespeak-ng and its data, shipped inside espeakng-loader): GPL-3.0-or-later.
  Source: https://github.com/espeak-ng/espeak-ng
* Noto Sans fonts (manimgx-fonts, manimgx-fonts-cjk): SIL Open Font License 1.1. https://notofonts.github.io
* Qt 6 (inside PySide6): LGPL-3.0-only; PySide6 itself LGPL-3.0. Source: https://code.qt.io
* ICU (inside icu4py): Unicode License v3. https://icu.unicode.org
* HarfBuzz (inside uharfbuzz): MIT ("Old MIT"). https://harfbuzz.github.io
* Python: PSF License 2.0. https://www.python.org
* PyInstaller bootloader: GPL-2.0-or-later with the bootloader exception (the built app is not covered by it).

Qianmian Studio itself is GPL-3.0-or-later; every component above is compatible with distributing it under
those terms. Neural voices (Piper, GPL-3.0) and their voice models are not bundled; users add them from a folder.
"""

_LICENSE_FILE = re.compile(r"(^|/)(licen[cs]e|copying|notice|authors)[^/]*$", re.IGNORECASE)


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def distributions_for_modules(modules: Iterable[str]) -> set[str]:
    """Installed distribution names owning any of these top-level modules."""
    owners = metadata.packages_distributions()
    names: set[str] = set()
    for module in modules:
        top = module.split(".")[0]
        names.update(owners.get(top, ()))
    return {_canonical(n) for n in names}


def required_distributions(root: str = PROJECT, extras: Iterable[str] = ()) -> set[str]:
    """`root` and everything it requires, recursively (environment markers honoured)."""
    from packaging.requirements import Requirement

    seen: set[str] = set()
    todo = [(root, tuple(extras))]
    while todo:
        name, wanted = todo.pop()
        key = _canonical(name)
        if key in seen:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        seen.add(key)
        for line in dist.requires or ():
            req = Requirement(line)
            envs = [{"extra": e} for e in wanted] or [{"extra": ""}]
            if req.marker is None or any(req.marker.evaluate(env) for env in envs):
                todo.append((req.name, tuple(req.extras)))
    return seen


def _license_of(dist: metadata.Distribution) -> str:
    meta = dist.metadata
    expression = meta.get("License-Expression")
    if expression:
        return expression
    text = (meta.get("License") or "").strip()
    classifiers = [c.split(" :: ")[-1] for c in meta.get_all("Classifier") or () if c.startswith("License ::")]
    if text and len(text) < 120 and "\n" not in text:
        return text + (f" ({', '.join(classifiers)})" if classifiers else "")
    return ", ".join(classifiers) or (text.splitlines()[0][:120] if text else "UNKNOWN (see the files below)")


def _license_texts(dist: metadata.Distribution) -> list[tuple[str, str]]:
    texts = []
    for f in dist.files or ():
        if _LICENSE_FILE.search(str(f)) and not str(f).endswith((".py", ".pyc")):
            try:
                texts.append((str(f), Path(f.locate()).read_text(encoding="utf-8", errors="replace")))
            except (OSError, FileNotFoundError):
                continue
    return texts


def render(names: Iterable[str], *, include_texts: bool = True) -> str:
    out = [
        "Qianmian Studio — third-party licences",
        "=" * 40,
        "",
        NON_PYTHON,
        "",
        "Python distributions",
        "--------------------",
        "",
    ]
    for name in sorted({_canonical(n) for n in names} - {_canonical(PROJECT)}):
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        meta = dist.metadata
        home = meta.get("Home-page") or next(
            (u.split(",", 1)[1].strip() for u in meta.get_all("Project-URL") or () if "," in u), ""
        )
        out.append(f"{meta['Name']} {dist.version}")
        out.append(f"  License: {_license_of(dist)}")
        if home:
            out.append(f"  Home: {home}")
        if include_texts:
            for path, text in _license_texts(dist):
                out += [f"  --- {path} ---", *("    " + line for line in text.strip().splitlines()), ""]
        out.append("")
    return "\n".join(out) + "\n"


def write(path: Path, names: Iterable[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(names), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0]) if argv else Path("THIRD_PARTY_LICENSES.txt")
    names = required_distributions()
    write(out, names)
    print(f"{out}: {len(names) - 1} distributions")
    return 0


if __name__ == "__main__":
    sys.exit(main())

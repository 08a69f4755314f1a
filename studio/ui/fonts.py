"""Give Qt the Noto fonts the studio ships, so Thai, Arabic, CJK… lines show in tables on any system."""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase

_done = False


def register_bundled_fonts() -> list[str]:
    """Add every script's Noto file as an application font (Qt's fallback then finds them); returns the families.

    Called once, after the window is shown: reading the font files must not delay the first frame.
    """
    global _done
    if _done:
        return []
    _done = True
    try:
        from pipelines.fonts import SCRIPT_FONTS, font_path
    except ImportError:
        return []
    families: list[str] = []
    for script in SCRIPT_FONTS:
        try:
            path = font_path(script)
        except Exception:  # a missing font package is reported by the readiness check, not here
            continue
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id >= 0:
            families.extend(QFontDatabase.applicationFontFamilies(font_id))
    return families

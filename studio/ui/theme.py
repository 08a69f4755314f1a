"""Follow the system's light or dark appearance, also where the platform style would not."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication


def dark_palette() -> QPalette:
    p = QPalette()
    base, window, text, mid = QColor("#1e1f22"), QColor("#2b2d31"), QColor("#e6e6e6"), QColor("#3c3f45")
    for role, color in (
        (QPalette.ColorRole.Window, window),
        (QPalette.ColorRole.WindowText, text),
        (QPalette.ColorRole.Base, base),
        (QPalette.ColorRole.AlternateBase, window),
        (QPalette.ColorRole.ToolTipBase, window),
        (QPalette.ColorRole.ToolTipText, text),
        (QPalette.ColorRole.Text, text),
        (QPalette.ColorRole.Button, mid),
        (QPalette.ColorRole.ButtonText, text),
        (QPalette.ColorRole.Highlight, QColor("#3d7eff")),
        (QPalette.ColorRole.HighlightedText, QColor("#ffffff")),
        (QPalette.ColorRole.Link, QColor("#7aa7ff")),
        (QPalette.ColorRole.PlaceholderText, QColor("#9a9a9a")),
    ):
        p.setColor(role, color)
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#777777"))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#777777"))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText, QColor("#777777"))
    return p


#: Fusion draws an unchecked box's border from the dark window colour, so it all but vanishes: give it a light edge.
DARK_INDICATORS = """
QCheckBox::indicator:unchecked, QAbstractItemView::indicator:unchecked {
    border: 1px solid #9aa0a6; border-radius: 2px; background: #1e1f22; width: 12px; height: 12px;
}
QCheckBox::indicator:unchecked:hover, QAbstractItemView::indicator:unchecked:hover { border-color: #7aa7ff; }
QCheckBox::indicator:unchecked:disabled { border-color: #5a5d63; }
"""


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def apply_theme(app: QApplication, scheme: Qt.ColorScheme | None = None) -> None:
    """Use the platform's own palette; if the system asks for dark and the style stayed light, use Fusion dark."""
    hints = QGuiApplication.styleHints()
    scheme = hints.colorScheme() if scheme is None else scheme
    if scheme == Qt.ColorScheme.Dark and not is_dark(app.palette()):
        app.setStyle("Fusion")
        app.setPalette(dark_palette())
        app.setStyleSheet(DARK_INDICATORS)
    elif scheme == Qt.ColorScheme.Light and is_dark(app.palette()):
        ours = app.styleSheet() == DARK_INDICATORS
        if ours:
            app.setStyleSheet("")  # the style-sheet style hides Fusion's name: drop it first
        if ours or app.style().name().lower() == "fusion":
            app.setPalette(app.style().standardPalette())


def follow_system_theme(app: QApplication) -> None:
    apply_theme(app)
    QGuiApplication.styleHints().colorSchemeChanged.connect(lambda scheme: apply_theme(app, scheme))

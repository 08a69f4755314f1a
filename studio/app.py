"""Start the desktop app: the window first (fast), everything heavy later and off the UI thread."""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence

_T0 = time.perf_counter()


def configure_runtime() -> None:
    """Worker threads hand the GIL back every millisecond (Python's default is 5 ms), so the UI thread, which
    needs it after each Qt call, waits less while images and videos are being made."""
    sys.setswitchinterval(0.001)


def main(argv: Sequence[str] | None = None) -> int:
    """`qianmian [PROJECT_FOLDER]`: open the studio, and the project folder if one is given."""
    argv = list(sys.argv if argv is None else [sys.argv[0] if sys.argv else "qianmian", *argv])
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    configure_runtime()
    from studio.model.safe_paths import sweep_cut_dirs

    sweep_cut_dirs()  # render work folders a crash or kill left in TMPDIR
    app = QApplication.instance() or QApplication(argv)
    assert isinstance(app, QApplication)  # the studio is a widgets app; nothing here makes a bare core app
    app.setOrganizationName("Qianmian")
    app.setApplicationName("Studio")
    app.setApplicationDisplayName("Qianmian Studio")
    app.setDesktopFileName("qianmian-studio")

    from studio.ui.main_window import MainWindow
    from studio.ui.theme import follow_system_theme

    follow_system_theme(app)

    window = MainWindow()
    window.show()
    folder = next((a for a in argv[1:] if not a.startswith("-")), None)
    if folder:
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, lambda: window.ops.project.open_project(folder))  # after the first frame is on screen
    return int(app.exec())


if __name__ == "__main__":
    raise SystemExit(main())

"""The brief: what is sold, to whom, where, and under which rules."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

from studio.ui.page import Page, heading


class BriefPage(Page):
    step = "brief"
    parts = frozenset({"brief", "name"})

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QTextBrowser()
        self.summary.setObjectName("briefSummary")
        self.summary.setAccessibleName("Brief summary")
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Brief"))
        layout.addWidget(self.summary, 1)

    def refresh(self, parts: frozenset[str]) -> None:
        if not self.wants(parts):
            return
        if self.doc is None:
            self.summary.setHtml("<p>Open a project folder (File → Open) or start a new brief.</p>")
            return
        b = self.doc.project.brief
        e = html.escape
        markets = ", ".join(f"{m.code} ({m.language or 'default'})" for m in b.markets)
        segments = "".join(f"<li><b>{e(s.name)}</b> — {e(s.description)}</li>" for s in b.segments)
        points = "".join(f"<li>{e(p)}</li>" for p in b.selling_points)
        self.summary.setHtml(
            f"<h3>{e(b.brand)} — {e(b.product)}</h3><p>Category: {e(b.category)} · {b.duration_s:g} s · "
            f"{', '.join(b.aspect_ratios)} · tone: {e(b.tone)}</p><p>Markets: {e(markets)}</p>"
            f"<p>Segments:</p><ul>{segments}</ul><p>Selling points:</p><ul>{points}</ul>"
            f"<p>Call to action: {e(b.call_to_action)}</p><p>{e(b.notes)}</p>"
        )

"""A label that shows as much of a line as fits: wrapped at words (between grapheme clusters in scripts without
spaces), at most a few lines, the last elided, the whole line kept as text, tooltip and accessible name. Used by the
board's cards and the variant wall's hook lines."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTextBoundaryFinder
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from studio.ui.page import escape
from studio.ui.text_direction import RLM, apply_to_label, is_rtl


def elide_lines(text: str, metrics: QFontMetrics, width: int, lines: int, indent: int = 0) -> list[str]:
    """`text` wrapped at words into at most `lines` lines of `width` px (the first `indent` px shorter), the last
    elided with "…" when the rest does not fit (a word longer than a line, or a script written without spaces such
    as Thai, breaks between characters: whole grapheme clusters, never a vowel or tone mark from its consonant)."""
    out: list[str] = []
    rest = " ".join(text.split())
    while rest and len(out) < lines - 1:
        room = max(8, width - (indent if not out else 0))
        if metrics.horizontalAdvance(rest) <= room:
            break
        cut = len(rest)
        while cut > 1 and metrics.horizontalAdvance(rest[:cut]) > room:
            space = rest.rfind(" ", 0, cut)
            cut = space if space > 0 else _previous_grapheme(rest, cut)
        out.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest or not out:
        room = max(8, width - (indent if not out else 0))
        out.append(metrics.elidedText(rest, Qt.TextElideMode.ElideRight, room))
    return out


def _previous_grapheme(text: str, at: int) -> int:
    """The grapheme boundary before `at` (at least 1): where a line may break in a word without spaces."""
    finder = QTextBoundaryFinder(QTextBoundaryFinder.BoundaryType.Grapheme, text)
    finder.setPosition(at)
    before = finder.toPreviousBoundary()
    return max(1, before) if before >= 0 else max(1, at - 1)


class ElidedLabel(QLabel):
    """A label that keeps its whole text (text(), tooltip, accessible name) and paints what fits its width: at most
    `lines` lines, the last elided. A `prefix` (VO, CC) is drawn grey before the text."""

    def __init__(self, lines: int = 1, bold_prefix: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lines = lines
        self.bold_prefix = bold_prefix
        self.prefix = ""
        self.full = ""
        self.language: str | None = None
        """The line's language (a right-to-left line is laid out right to left, at the right, its tag first)."""
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._fit_height()

    def set_lines(self, lines: int) -> None:
        if lines != self.lines:
            self.lines = lines
            self._fit_height()
            self._relayout()

    def _fit_height(self) -> None:
        self.setFixedHeight(self.fontMetrics().lineSpacing() * self.lines + 2)

    def set_content(self, prefix: str, text: str, language: str | None = None) -> None:
        self.prefix, self.full, self.language = prefix, text, language
        apply_to_label(self, text, language)
        whole = f"{prefix} {text}".strip()
        self.setToolTip(whole)
        self.setAccessibleName(whole)
        self._relayout()

    def text(self) -> str:
        """The whole line, not what fits the card (tests and screen readers read this)."""
        return f"{self.prefix} {self.full}".strip()

    def _relayout(self) -> None:
        metrics = self.fontMetrics()
        head = f"{self.prefix} " if self.prefix else ""
        if self.bold_prefix and head:
            bold = QFont(self.font())
            bold.setBold(True)
            head_w = QFontMetrics(bold).horizontalAdvance(head)
        else:
            head_w = metrics.horizontalAdvance(head)
        width = self.width() - 2
        lines = elide_lines(self.full, metrics, width, self.lines, head_w) if width > 0 else [self.full]
        first = lines[0]
        body = "<br>".join([escape(first), *(escape(line) for line in lines[1:])])
        # a right-to-left line is one right-to-left paragraph, its tag first (at the right) and kept apart from a
        # Latin brand name the line may open with: marks, as Qt takes a label's direction from its text
        mark = RLM if is_rtl(self.full, self.language) else ""
        if not head:
            shown = f"{mark}{body}"
        elif self.bold_prefix:
            shown = f"{mark}<b>{escape(self.prefix)}</b>{mark} {body}"
        else:
            shown = f"{mark}<span style='color:#9aa0a6'>{escape(self.prefix)}</span>{mark} {body}"
        super().setText(shown)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._relayout()

"""Which way a line of copy runs, and how each kind of widget is told: one rule for the whole window.

A line is right-to-left when its first strong character is (Arabic, Hebrew, Urdu letters: Unicode bidi class R or
AL), or when it is written in a right-to-left language but opens with a Latin brand name ("Dentara: مينا أقوى…"): an
Arabic-language line with any Arabic letter in it, or a line with more right-to-left letters than left-to-right ones.
A line with no right-to-left letter at all (an untranslated English line in an Arabic variant) stays left to right.

Each widget then lays the line out as a paragraph in that direction, aligned at its own side: Qt's bidi keeps the
glyph order (digits and Latin names inside an Arabic line read left to right, the question mark ends the line on
its left) and elides the logical end of the line, which is the left for a right-to-left line. In a list, each row
is aligned by its own direction: an Arabic row at the right, the English row under it at the left.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QTextOption
from PySide6.QtWidgets import QLabel, QLineEdit, QStyledItemDelegate, QStyleOptionViewItem, QTableWidgetItem, QWidget

#: Languages written right to left (BCP-47 primary subtags).
RTL_LANGUAGES = frozenset({"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ps", "sd", "syr", "ug", "ur", "yi"})
RTL_CLASSES = frozenset({"R", "AL"})
LANGUAGE_ROLE = Qt.ItemDataRole.UserRole + 40
"""Item data role: the language of a cell's line (a table whose columns are different variants' copies)."""
RLI, PDI = "\u2067", "\u2069"
"""Right-to-left isolate and its end: a line quoted inside a left-to-right sentence keeps to itself."""
RLM = "\u200f"
"""Right-to-left mark: put before a right-to-left line that opens with a Latin name, it makes Qt's first-strong
detection agree (a QLabel and Qt 6's QLineEdit take the paragraph direction from the text, not the widget)."""


def rtl_language(language: str | None) -> bool:
    return bool(language) and str(language).replace("_", "-").split("-")[0].lower() in RTL_LANGUAGES


@lru_cache(maxsize=8192)
def is_rtl(text: str, language: str | None = None) -> bool:
    """Whether `text` is a right-to-left paragraph (see the module's rule); `language` is the line's own, if known.

    Remembered: table delegates ask for every cell at every paint and size hint (~2,500 calls per Voice & Cut fill)."""
    first: str | None = None
    rtl = ltr = 0
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in RTL_CLASSES:
            rtl += 1
        elif kind == "L":
            ltr += 1
        else:
            continue
        if first is None:
            first = kind
    if first is None or rtl == 0:
        return False
    return first in RTL_CLASSES or rtl_language(language) or rtl > ltr


def direction(text: str, language: str | None = None) -> Qt.LayoutDirection:
    return Qt.LayoutDirection.RightToLeft if is_rtl(text, language) else Qt.LayoutDirection.LeftToRight


def alignment(
    text: str, language: str | None = None, vertical: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignVCenter
) -> Qt.AlignmentFlag:
    """Right for a right-to-left line, left otherwise: absolute (a mirrored widget does not flip it again)."""
    side = Qt.AlignmentFlag.AlignRight if is_rtl(text, language) else Qt.AlignmentFlag.AlignLeft
    return side | Qt.AlignmentFlag.AlignAbsolute | vertical


def text_option(
    text: str, language: str | None = None, vertical: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignVCenter
) -> QTextOption:
    """For QPainter.drawText: the line's direction and its side, one line (no wrap)."""
    option = QTextOption(alignment(text, language, vertical))
    option.setTextDirection(direction(text, language))
    option.setWrapMode(QTextOption.WrapMode.NoWrap)
    return option


def _vertical(flags: Any, default: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignVCenter) -> Qt.AlignmentFlag:
    vertical = Qt.AlignmentFlag(int(flags)) & Qt.AlignmentFlag.AlignVertical_Mask
    return vertical if vertical else default


def apply_to_label(label: QLabel, text: str, language: str | None = None) -> None:
    """A label showing one line: laid out in the line's direction, at its side (its vertical alignment kept)."""
    label.setLayoutDirection(direction(text, language))
    label.setAlignment(alignment(text, language, _vertical(label.alignment())))


def marked(text: str, language: str | None = None) -> str:
    """`text` as shown by a widget that finds the direction in the text itself: a right-to-left mark in front when
    the line is right to left but its first strong character is not (else `text` unchanged)."""
    if not is_rtl(text, language):
        return text
    first = next((k for k in map(unicodedata.bidirectional, text) if k in ("L", "R", "AL")), None)
    return text if first in RTL_CLASSES else RLM + text


class BidiLineEdit(QLineEdit):
    """A one-line editor that lays its line out in the line's direction and aligns it at that side as it is typed;
    `text()` is the line exactly as written (the mark a brand-first Arabic line needs to show right to left is
    the editor's, never the line's). `language` is the line's, used while the field is empty."""

    def __init__(self, parent: QWidget | None = None, language: str | None = None) -> None:
        super().__init__(parent)
        self.language = language
        self._mark = False
        """The editor put a mark in front of the line (removed again by `text()`, wherever the cursor moved it)."""
        self._marks = 0
        self.textChanged.connect(self._follow)
        self._follow()

    def set_language(self, language: str | None) -> None:
        self.language = language
        self._follow()

    def setText(self, text: str) -> None:  # type: ignore[override]
        shown = marked(text, self.language)
        self._mark, self._marks = shown != text, shown.count(RLM)
        super().setText(shown)

    def text(self) -> str:
        raw = super().text()
        at = raw.find(RLM) if self._mark else -1
        return raw[:at] + raw[at + 1 :] if at >= 0 else raw

    def _follow(self, *_: Any) -> None:
        if self._mark and super().text().count(RLM) < self._marks:
            self._mark = False  # the creator deleted it: the line is what is left
        text = self.text()
        strong = any(unicodedata.bidirectional(ch) in ("L", "R", "AL") for ch in text)
        rtl = is_rtl(text, self.language) if strong else rtl_language(self.language)
        want = Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight
        if self.layoutDirection() != want:
            self.setLayoutDirection(want)  # the cursor keys and the context menu follow the line too
        side = Qt.AlignmentFlag.AlignRight if rtl else Qt.AlignmentFlag.AlignLeft
        self.setAlignment(side | Qt.AlignmentFlag.AlignAbsolute | Qt.AlignmentFlag.AlignVCenter)


def apply_to_item(item: QTableWidgetItem, language: str | None = None) -> None:
    """A table item: at its line's side (pair with `BidiDelegate` on the view for the paragraph direction)."""
    item.setTextAlignment(alignment(item.text(), language))


def isolate(text: str, language: str | None = None) -> str:
    """A right-to-left `text` quoted inside a left-to-right sentence: isolated, so neither reorders the other (the
    quote marks and the dot after an Arabic call to action stay where the sentence puts them)."""
    return f"{RLI}{text}{PDI}" if is_rtl(text, language) else text


class BidiDelegate(QStyledItemDelegate):
    """A view's cells laid out in their own direction (an Arabic cell right to left at the right, an English one
    beside it left to right at the left) and their text edited that way. A cell's language is its LANGUAGE_ROLE,
    else `language` (the rows' language, if one)."""

    def __init__(self, parent: QObject | None = None, language: str | None = None) -> None:
        super().__init__(parent)
        self.language = language

    def language_of(self, index: QModelIndex | QPersistentModelIndex) -> str | None:
        own = index.data(LANGUAGE_ROLE)
        return str(own) if own else self.language

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        text = option.text
        if not text:
            return
        language = self.language_of(index)
        option.direction = direction(text, language)
        option.displayAlignment = alignment(text, language, _vertical(option.displayAlignment))

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QWidget:
        if not isinstance(index.data(Qt.ItemDataRole.EditRole), str):
            return super().createEditor(parent, option, index)  # a number keeps its spin box
        return BidiLineEdit(parent, self.language_of(index))

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        if isinstance(editor, BidiLineEdit):
            editor.set_language(self.language_of(index))
            editor.setText(str(index.data(Qt.ItemDataRole.EditRole) or ""))
            return
        super().setEditorData(editor, index)

    def setModelData(
        self, editor: QWidget, model: QAbstractItemModel, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        if isinstance(editor, BidiLineEdit):
            model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)
            return
        super().setModelData(editor, model, index)

"""The brand kit on the Brief page: logo, colours, fonts, product photos by angle (cut out), end card, corner logo.

Files are imported in the background (a product photo is cut out, which takes a second or two); the kit that comes
back is applied as one undo step. Colours and switches are applied the same way, so every change goes through the
same checks as `qianmian brand`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.model.brand import ANGLES, COLOUR_ROLES, BrandKit

IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.webp);;All files (*)"
LOGO_FILTER = "Logos (*.png *.jpg *.jpeg *.webp *.svg);;All files (*)"
FONT_FILTER = "Fonts (*.ttf *.otf);;All files (*)"


class BrandPanel(QGroupBox):
    """Shows a project's brand kit and turns each change into a `BrandEdits` (emitted as `edited`)."""

    edited = Signal(object)
    """A `studio.planning.brand.BrandEdits` to import and apply."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Brand kit", parent)
        self.setObjectName("brandPanel")
        self._filling = False
        self._assets: Path | None = None
        form = QFormLayout(self)

        logo_row = QHBoxLayout()
        self.logo_preview = QLabel("No logo")
        self.logo_preview.setObjectName("brandLogoPreview")
        self.logo_preview.setMinimumHeight(48)
        self.logo_button = QPushButton("Choose &logo…")
        self.logo_button.setAccessibleName("Choose the brand's logo (PNG or SVG)")
        self.logo_button.clicked.connect(lambda: self._pick_file("Logo", LOGO_FILTER, lambda p: self._emit(logo=p)))
        logo_row.addWidget(self.logo_preview, 1)
        logo_row.addWidget(self.logo_button)
        form.addRow("Logo:", logo_row)

        colours = QHBoxLayout()
        self.colours: dict[str, QLineEdit] = {}
        for role in COLOUR_ROLES:
            edit = QLineEdit()
            edit.setObjectName(f"brandColour_{role}")
            edit.setPlaceholderText(f"{role} #RRGGBB")
            edit.setAccessibleName(f"Brand colour: {role}")
            edit.setMaximumWidth(120)
            edit.editingFinished.connect(lambda r=role: self._colour_changed(r))
            colours.addWidget(edit)
            self.colours[role] = edit
        colours.addStretch(1)
        form.addRow("Colours:", colours)

        fonts = QHBoxLayout()
        self.fonts = QLabel("None")
        self.fonts.setObjectName("brandFonts")
        add_font = QPushButton("Add &font…")
        add_font.setAccessibleName("Add a brand font (TTF or OTF)")
        add_font.clicked.connect(lambda: self._pick_file("Font", FONT_FILTER, lambda p: self._emit(fonts=[p])))
        fonts.addWidget(self.fonts, 1)
        fonts.addWidget(add_font)
        form.addRow("Fonts:", fonts)

        self.photos = QTableWidget(0, 3)
        self.photos.setObjectName("brandPhotos")
        self.photos.setAccessibleName("Product photos")
        self.photos.setHorizontalHeaderLabels(["Angle", "Photo", "Cutout"])
        self.photos.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.photos.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.photos.setMaximumHeight(150)
        photo_buttons = QHBoxLayout()
        self.angle = QComboBox()
        self.angle.setObjectName("brandPhotoAngle")
        self.angle.setAccessibleName("Angle of the photo to add")
        self.angle.addItems(list(ANGLES))
        self.angle.setCurrentText("front")
        add_photo = QPushButton("Add &photo…")
        add_photo.setAccessibleName("Add a product photo at the chosen angle")
        add_photo.clicked.connect(self._add_photo)
        mask = QPushButton("Replace &mask…")
        mask.setToolTip("Give your own mask for the selected photo (white = product); it replaces the automatic one.")
        mask.clicked.connect(self._replace_mask)
        remove = QPushButton("Remove")
        remove.setAccessibleName("Remove the selected product photo")
        remove.clicked.connect(self._remove_photo)
        for w in (self.angle, add_photo, mask, remove):
            photo_buttons.addWidget(w)
        photo_buttons.addStretch(1)
        photos = QVBoxLayout()
        photos.addWidget(self.photos)
        photos.addLayout(photo_buttons)
        form.addRow("Product photos:", photos)

        end = QHBoxLayout()
        self.logo_position = QComboBox()
        self.logo_position.setObjectName("brandLogoPosition")
        self.logo_position.setAccessibleName("End card: logo position")
        self.logo_position.addItems(["top", "center", "bottom"])
        self.logo_position.activated.connect(lambda _i: self._emit(logo_position=self.logo_position.currentText()))
        self.cta_style = QComboBox()
        self.cta_style.setObjectName("brandCtaStyle")
        self.cta_style.setAccessibleName("End card: call-to-action style")
        self.cta_style.addItems(["pill", "outline", "text"])
        self.cta_style.activated.connect(lambda _i: self._emit(cta_style=self.cta_style.currentText()))
        self.corner_logo = QCheckBox("Corner &logo on every shot")
        self.corner_logo.setObjectName("brandCornerLogo")
        self.corner_logo.toggled.connect(lambda on: self._emit(corner_logo=on))
        for label, w in (("Logo", self.logo_position), ("Button", self.cta_style)):
            end.addWidget(QLabel(label))
            end.addWidget(w)
        end.addWidget(self.corner_logo)
        end.addStretch(1)
        form.addRow("End card:", end)

    # --- project -> widgets ------------------------------------------------------------------------------------

    def show_kit(self, kit: BrandKit | None, assets: Path | None) -> None:
        self._assets = assets
        kit = kit or BrandKit()
        self._filling = True
        try:
            self._logo(kit)
            for role, edit in self.colours.items():
                value = getattr(kit.colours, role) or ""
                edit.setText(value)
                edit.setStyleSheet(f"border-left: 14px solid {value};" if value else "")
            self.fonts.setText(", ".join(Path(f.path).name or str(f.asset) for f in kit.fonts) or "None")
            self.photos.setRowCount(0)
            for photo in kit.photos():
                row = self.photos.rowCount()
                self.photos.insertRow(row)
                self.photos.setItem(row, 0, QTableWidgetItem(photo.angle))
                self.photos.setItem(row, 1, QTableWidgetItem(Path(photo.path).name or str(photo.asset)))
                self.photos.setItem(row, 2, QTableWidgetItem(photo.mask_source or "—"))
            self.logo_position.setCurrentText(kit.end_card.logo_position)
            self.cta_style.setCurrentText(kit.end_card.cta_style)
            self.corner_logo.setChecked(kit.corner_logo)
        finally:
            self._filling = False

    def _logo(self, kit: BrandKit) -> None:
        if kit.logo is not None and kit.logo.asset and self._assets is not None:
            pixmap = QPixmap(str(self._assets / kit.logo.asset))
            if not pixmap.isNull():
                self.logo_preview.setPixmap(pixmap.scaledToHeight(48))
                return
        self.logo_preview.setText("No logo")

    # --- widgets -> edits --------------------------------------------------------------------------------------

    def _emit(self, **changes: Any) -> None:
        if self._filling:
            return
        from studio.planning.brand import BrandEdits

        self.edited.emit(BrandEdits(**changes))

    def _pick_file(self, what: str, pattern: str, use: Callable[[Path], None]) -> None:
        path, _ = QFileDialog.getOpenFileName(self, f"Choose the brand's {what.lower()}", str(Path.home()), pattern)
        if path:
            use(Path(path))

    def _colour_changed(self, role: str) -> None:
        value = self.colours[role].text().strip()
        if value and not QColor.isValidColorName(value):
            self.colours[role].setToolTip(f"{value!r} is not a colour; write #RRGGBB")
            return
        self._emit(colours={role: value})

    def _add_photo(self) -> None:
        angle = self.angle.currentText()
        if angle == "packshot":
            self._pick_file("Packshot", IMAGE_FILTER, lambda p: self._emit(packshot=p))
        else:
            self._pick_file(f"{angle} photo", IMAGE_FILTER, lambda p: self._emit(photos=[(angle, p)]))

    def _selected_angle(self) -> str | None:
        row = self.photos.currentRow()
        item = self.photos.item(row, 0) if row >= 0 else None
        return item.text() if item is not None else None

    def _replace_mask(self) -> None:
        angle = self._selected_angle()
        if angle is not None:
            self._pick_file(f"{angle} mask", IMAGE_FILTER, lambda p: self._emit(masks={angle: p}))

    def _remove_photo(self) -> None:
        angle = self._selected_angle()
        if angle is not None and angle != "packshot":
            self._emit(remove_angles=[angle])

"""Try on…: the small dialog that asks how the brand's garment is put on the talent of a shot (which variant, which
garment photo, which diffusion model, how strongly the region is redrawn, and the garment region's mask).

It only collects the choice; the Images page hands it to `ops.tryon.make`, which queues the stage on the GPU lane.
The mask the last try-on of this shot stored is a grey PNG in the project's assets: "Edit mask…" shows it in its
folder to paint over (the next try-on uses it), or takes another mask file instead (white = garment).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QWidget,
)

from studio.model import Project
from studio.ui.widgets import lay_out_action_dialog


class TryOnDialog(QDialog):
    def __init__(
        self,
        project: Project,
        root: Path,
        shot_id: str,
        variant_id: str | None,
        models: list[str],
        parent: QWidget | None = None,
    ) -> None:
        from studio.tryon_takes import STRENGTH

        super().__init__(parent)
        self.setObjectName("tryOnDialog")
        self.setWindowTitle(f"Try on for shot {shot_id}")
        self.project, self.root, self.shot_id = project, root, shot_id
        intro = QLabel(
            f"The brand's garment is drawn on the talent of shot {shot_id} by a local diffusion model; only the "
            "garment region (the lead's torso, or your mask) changes."
        )
        intro.setWordWrap(True)
        self.variant = QComboBox()
        self.variant.setObjectName("tryOnVariant")
        self.variant.setAccessibleName("Variant")
        self.variant.addItem("Master storyboard", None)
        for v in project.variants:
            self.variant.addItem(f"{v.name} ({v.language})", v.id)
        self.variant.setCurrentIndex(max(0, self.variant.findData(variant_id)))
        self.variant.currentIndexChanged.connect(lambda _i: self._explain())
        self.garment = QComboBox()
        self.garment.setObjectName("tryOnGarment")
        self.garment.setAccessibleName("Garment photo")
        kit = project.brief.brand_kit
        for photo in [p for p in (kit.photos() if kit is not None else []) if p.cutout]:
            self.garment.addItem(photo.angle, photo.angle)
        self.model = QComboBox()
        self.model.setObjectName("tryOnModel")
        self.model.setAccessibleName("Image model")
        self.model.setEditable(True)  # a model id or folder the scan did not list
        self.model.addItems(models)
        self.model.editTextChanged.connect(lambda _t: self._explain())
        self.strength = QDoubleSpinBox()
        self.strength.setObjectName("tryOnStrength")
        self.strength.setAccessibleName("Strength")
        self.strength.setRange(0.05, 1.0)
        self.strength.setSingleStep(0.05)
        self.strength.setValue(STRENGTH)
        self.strength.setToolTip("How much of the region is redrawn: low keeps the garment's cut, high its look")
        self.mask_file = QLineEdit()
        self.mask_file.setObjectName("tryOnMask")
        self.mask_file.setAccessibleName("Mask file")
        self.mask_file.setPlaceholderText("the lead's torso from the frame plan (or the stored mask you painted over)")
        self.mask_file.textChanged.connect(lambda _t: self._explain())
        self.edit_mask = QPushButton("Edit mask…")
        self.edit_mask.setObjectName("tryOnEditMask")
        menu = QMenu(self.edit_mask)
        self.show_stored = menu.addAction("Show the stored mask in its folder (paint over it, white = garment)")
        self.show_stored.triggered.connect(self.open_stored_mask)
        menu.addAction("Use another mask file…").triggered.connect(self._browse_mask)
        self.edit_mask.setMenu(menu)
        self.pick = QCheckBox("Use the try-on in the cut (pick it)")
        self.pick.setObjectName("tryOnPick")
        self.pick.setChecked(True)
        self.note = QLabel()
        self.note.setObjectName("tryOnNote")
        self.note.setWordWrap(True)

        form = QFormLayout()
        form.addRow("&Variant:", self.variant)
        form.addRow("&Garment:", self.garment)
        form.addRow("Image &model:", self.model)
        form.addRow("&Strength:", self.strength)
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.mask_file, 1)
        row.addWidget(self.edit_mask)
        form.addRow("M&ask:", box)
        form.addRow("", self.pick)
        self.buttons, self.ok = lay_out_action_dialog(self, intro, form, self.note, "Try on")
        self._explain()

    # --- what the choice means -----------------------------------------------------------------------------------

    def stored_mask(self) -> Path | None:
        """The mask the latest try-on of this shot (for the chosen variant) stored, when it is still on disk."""
        vid = self.variant.currentData()
        for take in reversed(self.project.takes):
            name = take.request.tryon_mask
            if name and take.shot_id == self.shot_id and take.variant_id == vid:
                path = self.root / "assets" / name
                if path.is_file():
                    return path
        return None

    def problem(self) -> str:
        """Why the dialog cannot be accepted yet, "" when it can."""
        if self.garment.count() == 0:
            return "The brand kit has no garment photo: add one in Brand."
        model = self.model.currentText().strip()
        if not model or model == "procedural":
            return (
                "Choose a diffusion model (SD 1.5, SDXL, SD3 or FLUX): add its folder under Settings → Model folders, "
                "or type its id or folder here."
            )
        text = self.mask_file.text().strip()
        if text and not Path(text).expanduser().is_file():
            return f"The mask {text} does not exist: choose a grey PNG (white = garment)."
        return ""

    def _explain(self) -> None:
        problem = self.problem()
        self.ok.setEnabled(not problem)
        stored = self.stored_mask()
        self.show_stored.setEnabled(stored is not None)
        if problem:
            self.note.setText(problem)
        elif self.mask_file.text().strip():
            self.note.setText("Your mask marks the garment region (white = garment).")
        elif stored is not None:
            self.note.setText(f"The last try-on's mask is {stored.name}; painted over, the next try-on uses it.")
        else:
            self.note.setText("The garment region is the lead's torso where the frame plan puts them.")

    def values(self) -> dict[str, Any]:
        """What `ops.tryon.make` takes."""
        text = self.mask_file.text().strip()
        return {
            "variant_id": self.variant.currentData(),
            "shot_id": self.shot_id,
            "angle": self.garment.currentData(),
            "model": self.model.currentText().strip(),
            "strength": round(self.strength.value(), 2),
            "mask": Path(text).expanduser().resolve() if text else None,
            "pick": self.pick.isChecked(),
        }

    # --- the mask ------------------------------------------------------------------------------------------------

    def open_stored_mask(self) -> None:
        stored = self.stored_mask()
        if stored is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(stored.parent)))
            self.note.setText(f"Paint over {stored.name} (white = garment), save it, then Try on again.")

    def _browse_mask(self) -> None:
        start = self.stored_mask()
        path, _ = QFileDialog.getOpenFileName(
            self, "Garment mask (white = garment)", str(start.parent if start else ""), "Images (*.png)"
        )
        if path:
            self.mask_file.setText(path)

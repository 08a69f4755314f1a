"""Presenter…: the small dialog that asks how a presenter shot is lip-synced for a variant (which variant, the
lip-sync model folder found through Settings → Model folders, an optional portrait with its consent note).

It only collects the choice; the Images page hands it to `ops.presenter.make`, which queues the stage on the GPU lane.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from studio.model import Project
from studio.model.brief import MIN_CONSENT_CHARS
from studio.ui.widgets import lay_out_action_dialog


class PresenterDialog(QDialog):
    def __init__(
        self,
        project: Project,
        shot_id: str,
        variant_id: str | None,
        models: list[Path],
        aspect: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("presenterDialog")
        self.setWindowTitle(f"Presenter for shot {shot_id}")
        self.project, self.shot_id = project, shot_id
        intro = QLabel(
            f"A presenter says shot {shot_id}'s line to camera in the variant's own language and voice, lip-synced "
            "by a local model. Without a portrait, the market's photo from the brief is used, else a presenter is "
            "drawn from the shot's cast."
        )
        intro.setWordWrap(True)
        self.variant = QComboBox()
        self.variant.setObjectName("presenterVariant")
        self.variant.setAccessibleName("Variant")
        for v in project.variants:
            self.variant.addItem(f"{v.name} ({v.language})", v.id)
        index = self.variant.findData(variant_id) if variant_id else -1
        self.variant.setCurrentIndex(max(0, index))
        self.variant.currentIndexChanged.connect(lambda _i: self._explain())
        self.aspect = QComboBox()
        self.aspect.setAccessibleName("Aspect ratio")
        self.aspect.addItems(project.brief.aspect_ratios)
        if aspect:
            self.aspect.setCurrentText(aspect)
        self.model = QComboBox()
        self.model.setObjectName("presenterModel")
        self.model.setAccessibleName("Lip-sync model folder")
        for folder in models:
            self.model.addItem(folder.name, str(folder))
        browse_model = QPushButton("Folder…")
        browse_model.clicked.connect(self._browse_model)
        self.portrait = QLineEdit()
        self.portrait.setObjectName("presenterPortrait")
        self.portrait.setAccessibleName("Portrait photo")
        self.portrait.setPlaceholderText("optional: a photo of the presenter (PNG, JPEG or WebP)")
        self.portrait.textChanged.connect(lambda _t: self._explain())
        browse_portrait = QPushButton("Photo…")
        browse_portrait.clicked.connect(self._browse_portrait)
        self.consent = QLineEdit()
        self.consent.setObjectName("presenterConsent")
        self.consent.setAccessibleName("Consent note")
        self.consent.setPlaceholderText("with a photo: who agreed to their likeness being used, to what, when")
        self.consent.textChanged.connect(lambda _t: self._explain())
        self.note = QLabel()
        self.note.setObjectName("presenterNote")
        self.note.setWordWrap(True)

        form = QFormLayout()
        form.addRow("&Variant:", self.variant)
        form.addRow("As&pect:", self.aspect)
        form.addRow("Lip-sync &model:", _row(self.model, browse_model))
        form.addRow("P&ortrait:", _row(self.portrait, browse_portrait))
        form.addRow("&Consent:", self.consent)
        self.buttons, self.ok = lay_out_action_dialog(self, intro, form, self.note, "Make presenter")
        self._explain()

    # --- what the choice means -----------------------------------------------------------------------------------

    def problem(self) -> str:
        """Why the dialog cannot be accepted yet, "" when it can."""
        if self.variant.count() == 0:
            return "Plan variants first: each variant's presenter says its own line."
        if self.model.count() == 0:
            return (
                "No lip-sync model folder (unet/, vae/, whisper/) was found: add its folder under Settings → Model "
                "folders, or choose it with Folder…."
            )
        text = self.portrait.text().strip()
        if text and not Path(text).expanduser().is_file():
            return f"The portrait {text} does not exist."
        if text and len(self.consent.text().strip()) < MIN_CONSENT_CHARS:
            return "A photo is a real person's likeness: write who agreed to its use, to what and when, in Consent."
        return ""

    def _explain(self) -> None:
        problem = self.problem()
        self.ok.setEnabled(not problem)
        if problem:
            self.note.setText(problem)
            return
        vid = self.variant.currentData()
        market = self.project.variant(vid).market if vid else ""
        plan = self.project.brief.presenter
        if self.portrait.text().strip():
            self.note.setText("The photo and the consent note are kept with the presenter take.")
        elif plan is not None and market.upper() in plan.portraits:
            if plan.portraits[market.upper()].asset is None:
                self.note.setText(
                    f"The brief names a photo for {market} that is not in the project yet: give it here with its "
                    "consent note, or plan again from the brief file."
                )
            else:
                self.note.setText(f"The brief's presenter photo for {market} is used (consent: {plan.consent}).")
        else:
            self.note.setText(f"A presenter for {market or 'this variant'} is drawn from the shot's cast.")

    def values(self) -> dict[str, Any]:
        """What `ops.presenter.make` takes."""
        text = self.portrait.text().strip()
        return {
            "variant_id": self.variant.currentData(),
            "shot_id": self.shot_id,
            "aspect": self.aspect.currentText(),
            "model": self.model.currentData(),
            "portrait": Path(text).expanduser() if text else None,
            "consent": self.consent.text().strip(),
        }

    # --- browsing ------------------------------------------------------------------------------------------------

    def _browse_model(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Lip-sync model folder (unet/, vae/, whisper/)")
        if folder:
            self.model.addItem(Path(folder).name, folder)
            self.model.setCurrentIndex(self.model.count() - 1)
            self._explain()

    def _browse_portrait(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Presenter photo", "", "Images (*.png *.jpg *.jpeg *.webp)")
        if path:
            self.portrait.setText(path)


def _row(*widgets: QWidget) -> QWidget:
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    for w in widgets:
        row.addWidget(w, 1 if isinstance(w, QComboBox | QLineEdit) else 0)
    return box

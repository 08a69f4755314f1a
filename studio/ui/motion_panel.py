"""The motion takes of the shot shown on the Images page: Animate, the clips (hover plays one), pick, use the still.

Kept apart from images_page.py so the page only gains a few lines. Clips are made by `generate_motion_takes` on the
GPU lane through `ops.takes.animate`; the new takes are merged as one undo step (part "motion_takes").
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from studio.model import Take
from studio.ui.thumbnails import take_pixmap

if TYPE_CHECKING:
    from studio.ui.images_page import ImagesPage

MOTION_THUMB = QSize(90, 160)


class MotionPanel(QWidget):
    def __init__(self, page: ImagesPage) -> None:
        super().__init__(page)
        self.page = page
        self.setObjectName("motionPanel")
        self.model = QComboBox()
        self.model.setObjectName("motionModel")
        self.model.setAccessibleName("Video model")
        self.candidates = QSpinBox()
        self.candidates.setRange(1, 4)
        self.candidates.setValue(1)
        self.candidates.setAccessibleName("Motion candidates")
        self.animate_button = QPushButton("A&nimate")
        self.animate_button.setObjectName("animateShot")
        self.animate_button.setToolTip("Make the picked picture move (its camera move and action as the prompt)")
        self.animate_button.clicked.connect(lambda: self.animate(regenerate=False))
        self.again_button = QPushButton("New motion")
        self.again_button.setToolTip("More clips with fresh seeds")
        self.again_button.clicked.connect(lambda: self.animate(regenerate=True))
        self.still_button = QPushButton("Use still")
        self.still_button.setObjectName("useStill")
        self.still_button.setToolTip("Remove this shot's clips: the cut shows the still with its camera move")
        self.still_button.clicked.connect(self.use_still)
        self.licence_button = QPushButton("LTX licence…")
        self.licence_button.setToolTip("LTX-Video models are offered once you acknowledge their licence")
        self.licence_button.clicked.connect(self.accept_ltx)
        self.licence_button.hide()
        self.presenter_button = QPushButton("&Presenter…")
        self.presenter_button.setObjectName("presenterShot")
        self.presenter_button.setToolTip("A presenter says this variant's line to camera, lip-synced by a local model")
        self.presenter_button.clicked.connect(self.open_presenter)
        self.presenter_button.hide()
        self.presenter_dialog: Any = None
        self.presenter_job: Any = None
        self.clips = QListWidget()
        self.clips.setObjectName("motionTakes")
        self.clips.setAccessibleName("Motion takes of the shot")
        self.clips.setViewMode(QListView.ViewMode.IconMode)
        self.clips.setIconSize(MOTION_THUMB)
        self.clips.setMovement(QListView.Movement.Static)
        self.clips.setMaximumHeight(MOTION_THUMB.height() + 60)
        self.clips.setMouseTracking(True)
        self.clips.itemEntered.connect(self.preview)
        self.clips.itemActivated.connect(lambda item: self.pick(item.data(Qt.ItemDataRole.UserRole)))
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.player: Any = None
        bar = QHBoxLayout()
        label = QLabel("Motion:")
        for w in (label, self.model, self.candidates, self.animate_button, self.again_button, self.still_button):
            bar.addWidget(w)
        bar.addWidget(self.licence_button)
        bar.addWidget(self.presenter_button)
        bar.addStretch(1)
        self.body = QHBoxLayout()
        self.body.addWidget(self.clips, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addLayout(self.body)
        layout.addWidget(self.status)
        self._models_loaded = False

    # --- models ---------------------------------------------------------------------------------------------

    def load_models(self) -> None:
        """The ready video models (LTX only once acknowledged); scanned once, again after the licence changes."""
        from pipelines.video.registry import preferred, scan, shown

        found = scan()
        ready = preferred(m for m in shown(found) if m.ready)  # the default first
        self.model.clear()
        for m in ready:
            self.model.addItem(f"{m.id} ({m.family})", str(m.path) if m.kind == "folder" else m.id)
        self.licence_button.setVisible(any(m.needs_licence for m in found) and len(shown(found)) < len(found))
        self.animate_button.setEnabled(bool(ready))
        self.again_button.setEnabled(bool(ready))
        if not ready:
            from studio import paths

            self.animate_button.setToolTip(
                f"No image-to-video model found: copy a Wan 2.2 TI2V-5B diffusers folder into "
                f"{paths.models_dir() / 'video'}"
            )
        self._models_loaded = True

    def accept_ltx(self) -> None:
        from pipelines.video.licence import LTX_TERMS, acknowledge

        answer = QMessageBox.question(
            self, "LTX-Video licence", f"{LTX_TERMS}\n\nDo you accept the LTX-Video licence for your use?"
        )
        if answer == QMessageBox.StandardButton.Yes:
            acknowledge()
            self.load_models()

    # --- view -----------------------------------------------------------------------------------------------

    def takes(self) -> list[Take]:
        doc, shot_id = self.page.doc, self.page.shot_id()
        if doc is None or shot_id is None:
            return []
        vid = self.page.variant_id()
        return [t for t in doc.project.motion_takes if t.shot_id == shot_id and t.variant_id == vid]

    def fill(self) -> None:
        if not self._models_loaded:
            self.load_models()
        self.clips.clear()
        doc = self.page.doc
        takes = self.takes()
        if doc is None:
            return
        from studio.model.motion import made_from_picture, picked_motion

        playing = {t.id for t in picked_motion(doc.project, self.page.shot_id() or "", self.page.variant_id())}
        dpr = self.devicePixelRatioF()
        for take in takes:
            assert take.motion is not None
            poster = doc.root / "assets" / take.motion.source_image  # the clip's first frame is its picture
            pixmap = take_pixmap(self.page.thumbnails, poster, MOTION_THUMB, dpr, take.shot_id)
            mark = "✓ in the cut · " if take.id in playing else ""
            if not made_from_picture(doc.project, take, self.page.variant_id()):
                mark = "another picture · "
            seconds = take.info.get("duration_s", round(take.motion.duration_s, 2))
            if take.info.get("lipsync"):  # a presenter starts from its portrait, not the shot's picture
                mark += "presenter · "
            item = QListWidgetItem(
                QIcon(pixmap), f"▶ {mark}{seconds} s · {take.motion.aspect}\nseed {take.motion.seed}"
            )
            item.setData(Qt.ItemDataRole.UserRole, take.id)
            item.setToolTip(f"{take.motion.prompt}\n{take.backend}")
            self.clips.addItem(item)
        self.still_button.setEnabled(bool(takes))
        shot_id = self.page.shot_id()
        storyboard = doc.project.storyboard
        is_presenter = bool(storyboard and shot_id and any(s.id == shot_id and s.presenter for s in storyboard.shots))
        self.presenter_button.setVisible(is_presenter)
        self.presenter_button.setEnabled(is_presenter and bool(doc.project.variants))
        self.clips.setVisible(bool(takes))  # an empty list would take the room the takes above need
        if takes:
            self.status.setText(f"{len(takes)} clip(s): hover to play, Enter picks the one the cut plays.")
        else:
            self.status.setText("This shot is a still with a camera move. Animate makes it move.")

    def preview(self, item: QListWidgetItem) -> None:
        """Hovering a clip plays it, muted, in a small player beside the list (the media stack loads on first use)."""
        take = next((t for t in self.takes() if t.id == item.data(Qt.ItemDataRole.UserRole)), None)
        if take is None or self.page.doc is None:
            return
        if self.player is None:
            from studio.ui.cut_page import PreviewPlayer

            self.player = PreviewPlayer(self)
            self.player.setMaximumWidth(200)
            self.body.addWidget(self.player)
        self.player.open(self.page.doc.root / "assets" / take.asset, play=True)

    # --- actions --------------------------------------------------------------------------------------------

    def animate(self, *, regenerate: bool) -> Any:
        """Save, then make clips of the picked picture on the GPU lane; merged as one undo step when done."""
        page, ops = self.page, self.page.ops
        shot_id, doc = page.shot_id(), page.doc
        if shot_id is None or doc is None or ops is None:
            return None
        if doc.project.selected_take(shot_id, page.variant_id()) is None:
            self.status.setText("Generate and pick a picture for this shot first: Animate starts from it.")
            return None
        from studio.motion_takes import MotionTakesRequest

        request = MotionTakesRequest(
            project_dir=doc.root,
            variant_ids=(page.variant_id(),),
            shot_ids=(shot_id,),
            aspect=page.aspect.currentText() or "9:16",
            candidates=self.candidates.value(),
            model=self.model.currentData(),
            regenerate=regenerate,
        )
        return ops.takes.animate(request, title=f"Animate {shot_id}")

    def open_presenter(self) -> Any:
        """Presenter…: a small dialog (variant, lip-sync model from the settings' folders, optional portrait and
        consent); accepting it queues the presenter stage on the GPU lane through `ops.presenter.make`."""
        page, ops = self.page, self.page.ops
        shot_id, doc = page.shot_id(), page.doc
        if shot_id is None or doc is None or ops is None:
            return None
        from studio.ui.presenter_dialog import PresenterDialog

        dialog = PresenterDialog(
            doc.project, shot_id, page.variant_id(), ops.presenter.model_folders(), page.aspect.currentText(), self
        )
        dialog.accepted.connect(lambda: self._make_presenter(dialog))
        self.presenter_dialog = dialog
        dialog.open()
        return dialog

    def _make_presenter(self, dialog: Any) -> None:
        ops = self.page.ops
        if ops is not None:
            self.presenter_job = ops.presenter.make(**dialog.values())
            if self.presenter_job is not None:
                self.status.setText(f"Presenter for {dialog.shot_id} is being made on the GPU lane (see Jobs).")

    def pick(self, take_id: str) -> None:
        from studio.motion_takes import pick_motion

        def change(p: Any) -> None:
            pick_motion(p, take_id)

        if self.page.doc is not None:
            self.page.doc.edit(f"Pick clip for {self.page.shot_id()}", ("motion_takes",), change)

    def use_still(self) -> None:
        from studio.motion_takes import use_still

        doc, shot_id, vid = self.page.doc, self.page.shot_id(), self.page.variant_id()
        if doc is None or shot_id is None:
            return

        def change(p: Any) -> None:
            use_still(p, shot_id, vid)

        doc.edit(f"Use the still for {shot_id}", ("motion_takes",), change)

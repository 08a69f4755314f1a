"""Images per shot: the takes of a shot as a grid of candidates as large as the panel allows; pick one, regenerate,
lock the seed, see one at 100 %, compare two (side by side or with a wipe; studio.ui.take_views).

Below them the shot's motion takes (studio/motion_takes.py): Animate makes clips of the picked picture on the GPU
lane, hovering one plays it, Enter picks it for the cut, "Use still" goes back to the still and its camera move."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from studio.model import Take
from studio.model.motion import picked_motion
from studio.ui.motion_panel import MotionPanel
from studio.ui.page import Page, heading
from studio.ui.take_views import CompareDialog, ZoomView, take_size
from studio.ui.thumbnails import shot_thumbnail, take_pixmap

SHOT_THUMB = QSize(54, 96)
TAKE_THUMB = QSize(144, 256)
"""The smallest a take is shown; the grid grows its pictures to fill the panel (take_views.take_size)."""
THUMB_KEY = Qt.ItemDataRole.UserRole + 7
"""Item role of a shot row: the cache key of its icon's picture (set again only when it changed)."""


class ImagesPage(Page):
    step = "images"
    parts = frozenset({"takes", "storyboard", "variants", "brief", "thumbnails", "motion_takes"})

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._filling = False
        self.variant = QComboBox()
        self.variant.setObjectName("takesVariant")
        self.variant.setAccessibleName("Variant")
        self.variant.currentIndexChanged.connect(self._variant_changed)
        self._chosen: tuple[str | None] | None = None  # the creator's pick, kept across refreshes
        self.aspect = QComboBox()
        self.aspect.setAccessibleName("Aspect ratio")
        self.shots = QListWidget()
        self.shots.setObjectName("takesShots")
        self.shots.setAccessibleName("Shots")
        self.shots.setIconSize(SHOT_THUMB)
        self.shots.setMaximumWidth(260)
        self.shots.currentRowChanged.connect(lambda _r: self._fill_takes())
        self.takes = QListWidget()
        self.takes.setObjectName("takesGrid")
        self.takes.setAccessibleName("Takes of the shot")
        self.takes.setViewMode(QListView.ViewMode.IconMode)
        self.takes.setIconSize(TAKE_THUMB)
        self.takes.setResizeMode(QListView.ResizeMode.Adjust)
        self.takes.setMovement(QListView.Movement.Static)
        self.takes.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.takes.itemActivated.connect(lambda _i: self.pick())
        self._kept: set[str] = set()
        self._rebuilding = False
        self.takes.itemSelectionChanged.connect(self._selection_changed)

        self.candidates = QSpinBox()
        self.candidates.setRange(1, 8)
        self.candidates.setValue(4)
        self.candidates.setAccessibleName("Candidates per shot")
        self.generate_button = QPushButton("&Generate")
        self.generate_button.setObjectName("generateTakes")
        self.generate_button.setToolTip("Make candidates for this shot in the background")
        self.generate_button.clicked.connect(lambda: self.generate(regenerate=False))
        self.regenerate_button = QPushButton("&Regenerate")
        self.regenerate_button.setToolTip("New candidates with fresh seeds (unless the seed is locked)")
        self.regenerate_button.clicked.connect(lambda: self.generate(regenerate=True))
        self.all_button = QPushButton("All &missing")
        self.all_button.setToolTip("One image for every shot of this variant that has none")
        self.all_button.clicked.connect(self.generate_missing)
        self.lock_seed = QCheckBox("&Lock seed")
        self.lock_seed.setToolTip("Keep the picked take's seed: same composition, new prompt or style")
        self.pick_button = QPushButton("&Pick")
        self.pick_button.setObjectName("pickTake")
        self.pick_button.setToolTip("Use the selected take in the video (Enter)")
        self.pick_button.clicked.connect(self.pick)
        self.compare_button = QPushButton("&Compare")
        self.compare_button.setToolTip("Select two takes to see them side by side")
        self.compare_button.clicked.connect(self.compare)
        self.zoom_button = QPushButton("&100 %")
        self.zoom_button.setObjectName("zoomTake")
        self.zoom_button.setToolTip("The selected take at full size, one image pixel per screen pixel")
        self.zoom_button.clicked.connect(self.zoom)
        self.try_on_button = QPushButton("&Try on…")  # apparel briefs: the garment on the talent (tryon_dialog.py)
        self.try_on_button.setObjectName("tryOnShot")
        self.try_on_button.clicked.connect(self.open_try_on)
        self.try_on_dialog: Any = None
        self.try_on_job: Any = None
        self._fit = QTimer(self)
        self._fit.setSingleShot(True)
        self._fit.setInterval(120)
        self._fit.timeout.connect(self.fit_takes)
        self.takes.viewport().installEventFilter(self)
        self.info = QLabel()
        self.info.setWordWrap(True)

        bar = QHBoxLayout()
        variant_label = QLabel("&Variant:")
        variant_label.setBuddy(self.variant)
        aspect_label = QLabel("As&pect:")
        aspect_label.setBuddy(self.aspect)
        for w in (variant_label, self.variant, aspect_label, self.aspect):
            bar.addWidget(w)
        bar.addStretch(1)
        actions = QHBoxLayout()
        candidates_label = QLabel("Ca&ndidates:")
        candidates_label.setBuddy(self.candidates)
        for button in (
            candidates_label,
            self.candidates,
            self.generate_button,
            self.regenerate_button,
            self.all_button,
            self.lock_seed,
        ):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.pick_button)
        actions.addWidget(self.compare_button)
        actions.addWidget(self.zoom_button)
        actions.addWidget(self.try_on_button)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addLayout(actions)
        rl.addWidget(self.takes, 1)
        rl.addWidget(self.info)
        self.motion_panel = MotionPanel(self)
        rl.addWidget(self.motion_panel)
        split = QSplitter()
        split.addWidget(self.shots)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        split.setSizes([220, 1000])
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Images"))
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        self._compare: CompareDialog | None = None
        self._zoom: ZoomView | None = None

    # --- view ------------------------------------------------------------------------------------------------

    def variant_id(self) -> str | None:
        return self.variant.currentData()

    def select_variant(self, variant_id: str) -> None:
        index = self.variant.findData(variant_id)
        if index >= 0:
            self._chosen = (variant_id,)
            self.variant.setCurrentIndex(index)

    def shot_id(self) -> str | None:
        item = self.shots.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def refresh(self, parts: frozenset[str]) -> None:
        if not self.wants(parts):
            return
        if parts == frozenset({"thumbnails"}):
            self._fill_shots()
            return
        self._filling = True
        try:
            entries = (
                [("Master storyboard", None)] + [(v.name, v.id) for v in self.doc.project.variants] if self.doc else []
            )
            shown = [(self.variant.itemText(i), self.variant.itemData(i)) for i in range(self.variant.count())]
            if entries != shown:  # a job's merge leaves the variants as they were: no combo rebuilt, no signals
                self.variant.clear()
                for name, vid in entries:
                    self.variant.addItem(name, vid)
                index = self.variant.findData(self._chosen[0]) if self._chosen is not None else -1
                self.variant.setCurrentIndex(index if index >= 0 else (1 if self.variant.count() > 1 else 0))
            aspects = list(self.doc.project.brief.aspect_ratios) if self.doc else []
            if aspects != [self.aspect.itemText(i) for i in range(self.aspect.count())]:
                self.aspect.clear()
                self.aspect.addItems(aspects)
        finally:
            self._filling = False
        self._fill_shots()

    def _variant_changed(self, _index: int) -> None:
        if not self._filling:
            self._chosen = (self.variant_id(),)
        self._fill_shots()

    def _fill_shots(self) -> None:
        if self._filling:
            return
        current = self.shot_id()
        doc = self.doc
        shots = doc.project.storyboard.shots if doc is not None and doc.project.storyboard is not None else []
        shown = [self.shots.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.shots.count())]
        same = shown == [shot.id for shot in shots]
        # One rebuild of the takes below, not one per row signal the list would send while it is refilled.
        self.shots.blockSignals(True)
        try:
            if not same:
                self.shots.clear()
            dpr = self.devicePixelRatioF()
            for row, shot in enumerate(shots):
                assert doc is not None
                picked = doc.project.selected_take(shot.id, self.variant_id())
                pixmap = shot_thumbnail(
                    doc.root, doc.project, shot.id, self.variant_id(), SHOT_THUMB, dpr, self.thumbs()
                )
                moves = bool(picked_motion(doc.project, shot.id, self.variant_id()))
                label = f"{shot.id} · {shot.beat}" + ("" if picked else "\nno image") + ("\n▶ moves" if moves else "")
                label += "\npresenter to camera" if shot.presenter else ""
                if same:  # the same shots: only what changed is set again
                    item = self.shots.item(row)
                    if item.text() != label:
                        item.setText(label)
                    if item.data(THUMB_KEY) != pixmap.cacheKey():
                        item.setIcon(QIcon(pixmap))
                        item.setData(THUMB_KEY, pixmap.cacheKey())
                    continue
                item = QListWidgetItem(QIcon(pixmap), label)
                item.setData(Qt.ItemDataRole.UserRole, shot.id)
                item.setData(THUMB_KEY, pixmap.cacheKey())
                self.shots.addItem(item)
            ids = [shot.id for shot in shots]
            self.shots.setCurrentRow(ids.index(current) if current in ids else (0 if ids else -1))
        finally:
            self.shots.blockSignals(False)
        self._fill_takes()

    def takes_for(self, shot_id: str | None, variant_id: str | None) -> list[Take]:
        if self.doc is None or shot_id is None:
            return []
        takes = self.doc.project.takes  # not the picked take redrawn for another aspect ratio (info.aspect_of)
        return [t for t in takes if t.shot_id == shot_id and t.variant_id == variant_id and "aspect_of" not in t.info]

    def eventFilter(self, watched: Any, event: Any) -> bool:
        from PySide6.QtCore import QEvent

        if watched is self.takes.viewport() and event.type() == QEvent.Type.Resize:
            self._fit.start()
        return super().eventFilter(watched, event)

    def take_size(self) -> QSize:
        """As large as the grid's visible area allows for the takes of this shot (never below TAKE_THUMB)."""
        count = len(self.takes_for(self.shot_id(), self.variant_id()))
        size = take_size(self.takes.viewport().size(), count, self.aspect.currentText() or "9:16")
        return (
            size
            if size.height() >= TAKE_THUMB.height()
            else size.scaled(TAKE_THUMB, Qt.AspectRatioMode.KeepAspectRatio)
        )

    def fit_takes(self) -> None:
        if self.take_size() != self.takes.iconSize():
            self._fill_takes()

    def _selection_changed(self) -> None:
        if not self._rebuilding:
            self._kept = set(self.selected_take_ids())

    def _fill_takes(self) -> None:
        keep = self._kept  # a refit, a new frame or a rebuilt shot list never drops the creator's selection
        self._rebuilding = True
        self.takes.clear()
        shot_id = self.shot_id()
        takes = self.takes_for(shot_id, self.variant_id())
        size = self.take_size()
        self.takes.setIconSize(size)
        self.takes.setGridSize(QSize(size.width() + 16, size.height() + 44))
        dpr = self.devicePixelRatioF()
        doc = self.doc
        if doc is not None and shot_id is not None and takes:  # takes_for gives none without them
            picked = doc.project.selected_take(shot_id, self.variant_id())
            for take in takes:
                pixmap = take_pixmap(self.thumbs(), doc.root / "assets" / take.asset, size, dpr, take.shot_id)
                mark = "✓ picked · " if picked is not None and take.id == picked.id else ""
                item = QListWidgetItem(QIcon(pixmap), f"{mark}seed {take.request.seed}\n{take.backend}")
                item.setData(Qt.ItemDataRole.UserRole, take.id)
                item.setToolTip(take.request.prompt)
                self.takes.addItem(item)
                item.setSelected(take.id in keep)
        self._rebuilding = False
        if self.shot_id() is None:
            self.info.setText("No storyboard yet.")
        elif not takes:
            self.info.setText("No takes for this shot yet: Generate makes some in the background.")
        else:
            self.info.setText(f"{len(takes)} takes. Double-click or Enter picks one; select two to compare.")
        self._explain_try_on()
        self.motion_panel.fill()

    def selected_take_ids(self) -> list[str]:
        return [i.data(Qt.ItemDataRole.UserRole) for i in self.takes.selectedItems()]

    # --- actions ---------------------------------------------------------------------------------------------

    def generate(self, *, regenerate: bool) -> None:
        shot_id = self.shot_id()
        if shot_id is None or self.ops is None:
            return
        self.ops.takes.generate(
            variant_ids=(self.variant_id(),),
            shot_ids=(shot_id,),
            aspect=self.aspect.currentText() or "9:16",
            candidates=self.candidates.value(),
            regenerate=regenerate,
            lock_seed=self.lock_seed.isChecked(),
        )

    def generate_missing(self) -> None:
        if self.ops is not None:
            self.ops.takes.generate_missing(self.variant_id(), aspect=self.aspect.currentText() or "9:16")

    def pick(self) -> None:
        ids = self.selected_take_ids()
        if self.doc is None or not ids:
            return
        if self.ops is not None:
            self.ops.takes.pick(ids[0])

    def compare(self) -> None:
        ids = self.selected_take_ids()
        if self.doc is None or len(ids) < 2:
            self.info.setText("Select two takes (Ctrl+click) to compare them.")
            return
        takes = [t for t in self.doc.project.takes if t.id in ids[:2]]
        self._compare = CompareDialog(self.doc.root, takes, self)
        self._compare.show()

    def zoom(self) -> None:
        ids = self.selected_take_ids()
        take = next((t for t in self.doc.project.takes if t.id == ids[0]), None) if self.doc and ids else None
        if take is None or self.doc is None:
            self.info.setText("Select a take to see it at 100 %.")
            return
        self._zoom = ZoomView(
            self.doc.root / "assets" / take.asset, f"{take.shot_id} seed {take.request.seed}", self.thumbs(), self
        )
        self._zoom.show()

    def _explain_try_on(self) -> None:
        from studio.ui.operations.tryon import try_on_blocked

        why = try_on_blocked(self.doc.project, self.shot_id()) if self.doc is not None else "Open a project."
        self.try_on_button.setEnabled(not why)
        self.try_on_button.setToolTip(why or "The brand's garment on the talent of this shot (a new take)")

    def open_try_on(self) -> Any:
        """Try on…: a small dialog (variant, garment photo, image model, strength, mask); accepting it queues the
        try-on on the GPU lane through `ops.tryon.make`."""
        shot_id, doc, ops = self.shot_id(), self.doc, self.ops
        if shot_id is None or doc is None or ops is None:
            return None
        from studio.ui.tryon_dialog import TryOnDialog

        dialog = TryOnDialog(doc.project, doc.root, shot_id, self.variant_id(), ops.tryon.image_models(), self)
        dialog.accepted.connect(lambda: self._make_try_on(dialog))
        self.try_on_dialog = dialog
        dialog.open()
        return dialog

    def _make_try_on(self, dialog: Any) -> None:
        if self.ops is not None:
            self.try_on_job = self.ops.tryon.make(**dialog.values())
            if self.try_on_job is not None:
                self.info.setText(f"Try-on for {dialog.shot_id} is being made on the GPU lane (see Jobs).")

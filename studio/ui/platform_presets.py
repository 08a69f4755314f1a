"""Deliver's platform presets: tick where the ads will run (TikTok, Reels, Shorts, 抖音…); the preset says which
aspects to render and the length every one of them accepts, and "Use for this project" writes the platforms and
aspects into the brief (one undo step), so the next final render makes the files those platforms take.

Each rendered video is also held against the chosen platforms by what the project knows of it (aspect, length),
without probing the file: a row says "Instagram Reels ads: 16:9 not accepted" where it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, get_args

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from studio.model import Deliverable, Project
    from studio.ui.document import ProjectDocument


def renderable_aspects() -> tuple[str, ...]:
    from studio.model.brief import AspectRatio

    return get_args(AspectRatio)


def platform_notes(d: Deliverable, project: Project) -> list[str]:
    """What each of the brief's platforms would refuse in this video (aspect, length), from the project's record."""
    if d.kind != "video" or not project.brief.platforms:
        return []
    from studio.planning.platform_specs import platform_spec

    notes = []
    for name in project.brief.platforms:
        try:
            spec = platform_spec(name)
        except Exception:  # a misspelt platform is the brief's problem, said at Plan
            continue
        if d.aspect not in spec.aspects:
            notes.append(f"{spec.name}: {d.aspect} not accepted ({', '.join(spec.aspects)})")
        if d.duration_s and d.duration_s > spec.max_s:
            notes.append(f"{spec.name}: {d.duration_s:.1f} s is over its {spec.max_s:g} s")
        elif d.duration_s and d.duration_s < spec.min_s:
            notes.append(f"{spec.name}: {d.duration_s:.1f} s is under its {spec.min_s:g} s")
    return notes


class PlatformPresets(QWidget):
    """The platforms as ticks, what they ask for, and a button that writes it into the brief."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("platformPresets")
        self.doc: ProjectDocument | None = None
        self._seen: list[str] = []
        """The brief's platforms when last ticked from it."""
        self._filling = False
        self.list = QListWidget()
        self.list.setObjectName("platformList")
        self.list.setAccessibleName("Platforms the ads run on")
        self.list.setFlow(QListWidget.Flow.LeftToRight)
        self.list.setWrapping(True)
        self.list.setMaximumHeight(56)
        self.list.itemChanged.connect(lambda _i: self._update())
        self.summary = QLabel()
        self.summary.setObjectName("platformPreset")
        self.summary.setWordWrap(True)
        self.apply_button = QPushButton("&Use for this project")
        self.apply_button.setObjectName("applyPlatformPreset")
        self.apply_button.setToolTip("Write these platforms and the aspects they take into the brief (one undo step)")
        self.apply_button.clicked.connect(self.apply)
        row = QHBoxLayout()
        row.addWidget(self.summary, 1)
        row.addWidget(self.apply_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("<b>Platforms</b> — tick where the ads run:"))
        layout.addWidget(self.list)
        layout.addLayout(row)

    def set_document(self, doc: ProjectDocument | None) -> None:
        """Tick the brief's platforms when they (or the project) changed; ticks not applied yet stay otherwise."""
        if self.list.count() == 0:
            self._fill()
        chosen = list(doc.project.brief.platforms) if doc is not None else []
        if doc is self.doc and chosen == self._seen:
            self._update()
            return
        self.doc, self._seen = doc, chosen
        self._filling = True
        for i in range(self.list.count()):
            item = self.list.item(i)
            on = item.data(Qt.ItemDataRole.UserRole) in chosen
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
        self._filling = False
        self._update()

    def _fill(self) -> None:
        from studio.planning.platform_specs import load_platforms

        for pid, spec in load_platforms().items():
            item = QListWidgetItem(spec.name)
            item.setData(Qt.ItemDataRole.UserRole, pid)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            item.setToolTip(
                f"{', '.join(spec.aspects)} · {spec.min_s:g}–{spec.max_s:g} s "
                f"(best {spec.recommended_s[0]:g}–{spec.recommended_s[1]:g} s)"
            )
            self.list.addItem(item)

    def chosen(self) -> list[str]:
        items = (self.list.item(i) for i in range(self.list.count()))
        return [it.data(Qt.ItemDataRole.UserRole) for it in items if it.checkState() == Qt.CheckState.Checked]

    def set_chosen(self, ids: list[str]) -> None:
        for i in range(self.list.count()):
            item = self.list.item(i)
            on = item.data(Qt.ItemDataRole.UserRole) in ids
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def preset(self) -> Any:
        from studio.planning.platform_specs import preset

        ids = self.chosen()
        return preset(ids) if ids else None

    def aspects(self) -> list[str]:
        """The aspects to render: each chosen platform's recommended one the renderer makes, in platform order."""
        p = self.preset()
        return [a for a in (p.aspect_ratios if p is not None else ()) if a in renderable_aspects()]

    def _update(self) -> None:
        if self._filling:
            return
        p = self.preset()
        doc = self.doc
        if p is None:
            self.summary.setText("No platform ticked: the files are checked against none.")
            self.apply_button.setEnabled(False)
            return
        text = f"Render {', '.join(self.aspects()) or '9:16'} · {p.min_s:g}–{p.max_s:g} s accepted by all"
        if p.recommended_s is not None:
            text += f" (best {p.recommended_s[0]:g}–{p.recommended_s[1]:g} s)"
        if doc is not None:
            length = doc.project.brief.duration_s
            if not p.min_s <= length <= p.max_s:
                text += f" · ⚠ the brief's {length:g} s is outside: change Duration and plan again"
            elif p.recommended_s is not None and not p.recommended_s[0] <= length <= p.recommended_s[1]:
                text += f" · the brief's {length:g} s works, outside the best range"
            else:
                text += f" · the brief's {length:g} s fits"
        self.summary.setText(text)
        brief = doc.project.brief if doc is not None else None
        same = brief is not None and list(brief.platforms) == self.chosen() and brief.aspect_ratios == self.aspects()
        self.apply_button.setEnabled(doc is not None and not same)

    def apply(self) -> bool:
        """Write the ticked platforms and their aspects into the brief, as one undo step."""
        doc, ids, aspects = self.doc, self.chosen(), self.aspects()
        if doc is None or not ids:
            return False

        def change(project: Project) -> None:
            project.brief.platforms = list(ids)
            if aspects:
                project.brief.aspect_ratios = list(aspects)  # type: ignore[arg-type]  # checked: renderable_aspects

        return doc.edit(f"Platforms: {', '.join(ids)}", ("brief",), change)

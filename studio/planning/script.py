"""A script in, a storyboard out: a Fountain screenplay or a plain-text script (English or Chinese) planned as-is.

Scenes (and `[[notes]]` / `【…】` shot markers inside them) become master shots: the action is the visual, the
dialogue or narration the voice-over, a `SUPER:` / `字幕：` line (else a short form of the line) the on-screen text,
and words such as CLOSE ON, WIDE, PUSH IN, 特写, 全景, 推镜 set framing and camera. Shot lengths follow the lines at
the script language's speech rate, scaled to the brief's length when one is given. Brand, product, category,
markets and segments come from the title page and/or a brief beside the script; variants are then planned by the
same planner as a brief (`plan_project`), so insights, translations and flags work the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from studio.model.brief import Brief, MarketTarget, Segment, SuppliedCopy
from studio.model.errors import ValidationFailed
from studio.model.ids import slug
from studio.model.project import Camera, Framing, Insight, LineSource, Project, Shot, Storyboard
from studio.model.stage import CancelToken, ProgressFn
from studio.model.store import format_validation_error
from studio.planning.knowledge import Beat, Category, Knowledge, SpeechRate, Structure, load_knowledge
from studio.planning.screenplay import (
    CAMERA_WORDS,
    FRAMING_WORDS,
    LIST_SPLIT,
    NOTE_CAMERA,
    Script,
    cjk_heavy,
    parse_script,
)
from studio.planning.speech import LEAD_S, spoken_seconds
from studio.planning.storyboard import cite, copy_key

SCRIPT_SUFFIXES = {".fountain", ".spmd", ".txt", ".text"}
ACTION_ONLY_S = 2.0
MIN_SHOT_S = 1.5
TAIL_S = 0.4
#: Brief keys a plan cannot do without, and the title-page key that gives each.
REQUIRED = {
    "brand": "Brand",
    "product": "Product",
    "category": "Category",
    "markets": "Markets",
    "segments": "Segments",
}


@dataclass
class ScriptShot:
    """One shot as the script describes it, before beats and lengths are known."""

    heading: str
    action: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    supers: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sound: list[str] = field(default_factory=list)

    @property
    def voiceover(self) -> str:
        return " ".join(self.lines) if not cjk_heavy(" ".join(self.lines)) else "".join(self.lines)


# --- shots -----------------------------------------------------------------------------------------------------------


def script_shots(script: Script) -> list[ScriptShot]:
    """One shot per scene, and a new one at each note inside a scene that already has a shot's worth."""
    shots: list[ScriptShot] = []
    for scene in script.scenes:
        current = ScriptShot(heading=scene.heading)
        shots.append(current)
        for block in scene.blocks:
            if block.kind == "note":
                if current.action or current.lines or current.supers:
                    current = ScriptShot(heading=scene.heading)
                    shots.append(current)
                current.notes.append(block.text)
            elif block.kind == "tag":
                current.notes.append(block.text)
            elif block.kind == "sound":
                current.sound.append(block.text)
            elif block.kind == "action":
                current.action.append(block.text)
            elif block.kind == "dialogue":
                current.lines.append(block.text)
            elif block.kind == "super":
                current.supers.append(block.text)
    return [s for s in shots if s.action or s.lines or s.supers]


def infer_framing(shot: ScriptShot) -> Framing | None:
    for text, any_case in [(n, True) for n in shot.notes] + [(a, False) for a in [*shot.action, shot.heading]]:
        for pattern, framing in FRAMING_WORDS:
            if re.search(pattern, text, re.I if any_case else 0):
                return framing
    return None


def infer_camera(shot: ScriptShot) -> Camera | None:
    for text, any_case in [(n, True) for n in shot.notes] + [(a, False) for a in shot.action]:
        for pattern, camera in CAMERA_WORDS:
            if re.search(pattern, text, re.I if any_case else 0):
                return camera
    for note in shot.notes:
        for word, camera in NOTE_CAMERA.items():
            if re.search(rf"(^|[\s，,、]){word}($|[\s，,、])", note):
                return camera
    return None


def _place(heading: str) -> str:
    """'EXT. NIGHT MARKET - NIGHT' → 'exterior, night market, night'; '场景一：夜市 夜' → '夜市 夜'."""
    h = re.sub(r"^\s*(场景[^:：\s]*|第[^:：\s]+[场幕景]|(SCENE|SC\.?)\s*\d+)\s*[-–—:：.]?\s*", "", heading, flags=re.I)
    h = re.sub(r"^\s*\d+\s*[.、]\s*", "", h)
    m = re.match(r"^\.?(INT\.?/EXT|I/E|INT|EXT|EST)[.\s]+", h, re.I)
    where = ""
    if m:
        where = {"int": "interior", "ext": "exterior", "est": "establishing"}.get(m.group(1).lower()[:3], "")
        h = h[m.end() :]
    parts = [p.strip() for p in re.split(r"\s+[-–—]\s+", h) if p.strip()]
    text = ", ".join(p.lower() if p.isupper() else p for p in parts)
    return ", ".join(x for x in (where, text) if x)


CLAUSE_END = re.compile(r"[,.!?;:](?=\s|$)|[，。！？、；：…]")


def _short(text: str, cjk: bool) -> str:
    """A caption-length form of a line: its first clause, at most 5 words (12 characters in CJK)."""
    text = text.strip()
    first = CLAUSE_END.split(text, maxsplit=1)[0].strip() or text
    if cjk:
        return first[:12]
    if len(first.split()) >= 3:
        return " ".join(first.split()[:5])
    clauses = [c.strip() for c in re.split(r"(?<=[,.!?;:])\s+", text) if c.strip()]
    out = clauses[0]
    for clause in clauses[1:]:  # a short first clause ("Kopi Pagi.") takes the next one along while it stays short
        if len((out + " " + clause).split()) > 6:
            break
        out += " " + clause
    return " ".join(out.split()[:6]).rstrip(".,;:")


ZH_SETTING_PREFIX = re.compile(r"^(内景|外景|内/外景)[。.，,：:\s]*")


def _visual(shot: ScriptShot) -> str:
    action = (
        " ".join(ZH_SETTING_PREFIX.sub("", a) for a in shot.action).strip()
        or " ".join(shot.notes)
        or " ".join(shot.supers)
        or " ".join(shot.lines)
    )
    sentences = re.split(r"(?<=[.!?。！？])\s*", action)
    visual = " ".join(s for s in sentences[:2] if s).strip()
    place = _place(shot.heading)
    return f"{visual} ({place})" if place and visual else visual or place


def natural_seconds(shot: ScriptShot, rate: SpeechRate) -> float:
    line = shot.voiceover
    if not line:
        return ACTION_ONLY_S
    return max(MIN_SHOT_S, spoken_seconds(line, rate) + LEAD_S + TAIL_S)


def scale_to(durations: list[float], total: float) -> list[float]:
    """Durations scaled to `total` in 0.1 s steps with an exact sum (the rounding lands on the longest shot)."""
    factor = total / sum(durations)
    out = [max(0.5, round(d * factor, 1)) for d in durations]
    k = max(range(len(out)), key=lambda i: out[i])
    out[k] = round(out[k] + total - sum(out), 2)
    return out


def beats_for(n: int, structure: Structure) -> list[Beat]:
    """The structure's beats spread over `n` shots: the first is the hook, the last the call to action."""
    beats = structure.beats
    if n == 1:
        return [beats[0]]
    middle = beats[1:-1] or [beats[-1]]
    out = [beats[0]]
    for i in range(1, n - 1):
        out.append(middle[min(len(middle) - 1, (i - 1) * len(middle) // max(1, n - 2))])
    return [*out, beats[-1]]


# --- the brief ---------------------------------------------------------------------------------------------------


def _duration(value: str) -> float | None:
    m = re.match(r"^\s*(?:(\d+):)?(\d+(?:\.\d+)?)", value)
    if not m:
        return None
    return float(m.group(2)) + (60 * int(m.group(1)) if m.group(1) else 0)


BriefData = Brief | dict[str, Any] | None


def brief_fields(brief: BriefData) -> dict[str, Any]:
    """The keys a brief sets (a brief beside a script may be partial: the title page gives the rest)."""
    if brief is None:
        return {}
    if isinstance(brief, Brief):
        return brief.model_dump(by_alias=True, exclude_unset=True)
    return dict(brief)


def script_brief_data(script: Script, brief: BriefData) -> dict[str, Any]:
    """The brief's fields with the title page on top (the script is the document being planned)."""
    data = brief_fields(brief)
    t = script.title
    for key in ("brand", "product", "category", "tone", "call_to_action", "notes"):
        if t.get(key):
            data[key] = t[key]
    if t.get("markets"):
        data["markets"] = [MarketTarget(code=c).model_dump() for c in LIST_SPLIT.split(t["markets"]) if c.strip()]
    if t.get("segments"):
        segments = []
        for n, item in enumerate((x for x in LIST_SPLIT.split(t["segments"]) if x.strip()), 1):
            m = re.match(r"^(.+?)\s*[(（]([^)）]+)[)）]\s*$", item)  # 夜班族 (night-shift): a name and its id
            name, sid = (m.group(1), slug(m.group(2))) if m else (item, slug(item))
            segments.append(Segment(id=sid if sid != "x" else f"segment-{n}", name=name.strip()).model_dump())
        data["segments"] = segments
    if t.get("selling_points"):
        data["selling_points"] = [x for x in re.split(r"\s*[;；|]\s*", t["selling_points"]) if x]
    if t.get("aspect_ratios"):
        data["aspect_ratios"] = [x for x in LIST_SPLIT.split(t["aspect_ratios"].replace("x", ":")) if x]
    if t.get("duration_s") and _duration(t["duration_s"]):
        data["duration_s"] = _duration(t["duration_s"])
    return data


def require_brief_keys(data: dict[str, Any], source: str, brief_given: bool) -> None:
    missing = [key for key in REQUIRED if not data.get(key)]
    if not missing:
        return
    title_keys = ", ".join(f"`{REQUIRED[k]}:`" for k in missing)
    raise ValidationFailed(
        f"{source} does not say its {', '.join(missing)}: a plan needs them to make variants.",
        f"Add {title_keys} to the script's title page (e.g. `Markets: TH, ID`, `Segments: Night owls`), "
        + (
            "or add those keys to the brief given with --brief."
            if brief_given
            else "or pass --brief BRIEF.toml with brand, product, category, [[markets]] and [[segments]]."
        ),
    )


# --- planning -------------------------------------------------------------------------------------------------------


def speech_rate_for(language: str, knowledge: Knowledge) -> SpeechRate:
    """The speech rate the market packs give the language (exact code first, then its primary subtag)."""
    code = language.lower()
    found = [lang for m in knowledge.markets.values() for lang in m.languages]
    for match in (lambda c: c == code, lambda c: c.split("-")[0] == code.split("-")[0]):
        for lang in found:
            if match(lang.code.lower()):
                return lang.speech_rate
    cjk = code.split("-")[0] in ("zh", "ja", "ko", "th")
    return SpeechRate(unit="characters", per_second=5.0) if cjk else SpeechRate(unit="words", per_second=2.5)


@dataclass
class ScriptPlan:
    """The brief the script implies and the master storyboard it describes (insight citations come later)."""

    brief: Brief
    storyboard: Storyboard
    beats: list[Beat]


def storyboard_from_script(script: Script, brief: BriefData = None, knowledge: Knowledge | None = None) -> ScriptPlan:
    """Master shots and the brief to plan them with; raises ValidationFailed naming missing brief keys."""
    knowledge = knowledge or load_knowledge()
    data = script_brief_data(script, brief)
    require_brief_keys(data, script.source, brief is not None)
    raw = script_shots(script)
    cjk = cjk_heavy(" ".join(s.voiceover for s in raw))
    rate = speech_rate_for(script.language, knowledge)
    natural = [natural_seconds(s, rate) for s in raw]
    given = data.get("duration_s")
    total = float(given) if given else min(180.0, max(3.0, round(sum(natural), 1)))
    durations = scale_to(natural, total)
    data["duration_s"] = total
    data["master_language"] = script.language
    if not data.get("call_to_action"):
        phrases = [p for m in knowledge.markets.values() for p in m.call_to_action.get(script.language, [])]
        if phrases:  # the brief's default CTA is English; a Chinese script closes in Chinese
            data["call_to_action"] = phrases[0]
    if not data.get("selling_points"):
        data["selling_points"] = [x for x in [*(t for s in raw for t in s.supers), script.title.get("title", "")] if x][
            :3
        ] or [next((s.voiceover for s in raw if s.voiceover), data.get("product", "the product"))]
    structure = knowledge.structure_for(total)
    beats = beats_for(len(raw), structure)
    shots: list[Shot] = []
    used: dict[str, int] = {}
    lines: dict[str, str] = {}
    captions: dict[str, str] = {}
    for i, (s, beat, dur) in enumerate(zip(raw, beats, durations, strict=True)):
        n = used.get(beat.beat, 0)
        used[beat.beat] = n + 1
        key = copy_key(beat.beat, n)
        vo = s.voiceover
        caption = " ".join(s.supers) if s.supers else (_short(vo, cjk) if vo else "")
        if vo:
            lines[key] = vo
        if caption:
            captions[key] = caption
        shots.append(
            Shot(
                id=f"s{i + 1}",
                beat=beat.beat,
                duration_s=dur,
                visual=_visual(s),
                framing=infer_framing(s) or beat.framing,
                camera=infer_camera(s) or beat.camera,
                voiceover=vo,
                on_screen_text=caption,
                sound_cue="; ".join(s.sound) or beat.sound,
                transition="cut",
                line_source=LineSource(kind="copy", text=vo or caption),
            )
        )
    # The script's lines are copy written in the master language: recorded as such, they make it the line language.
    copies = dict(data.get("copy") or {})
    mine = dict(copies.get(script.language) or {})
    mine["lines"] = {**(mine.get("lines") or {}), **lines}
    mine["captions"] = {**(mine.get("captions") or {}), **captions}
    copies[script.language] = SuppliedCopy.model_validate(mine).model_dump()
    data["copy"] = copies
    try:
        planned = Brief.model_validate(data)
    except ValidationError as e:
        raise ValidationFailed(
            format_validation_error(f"The brief for {script.source}", e),
            "Fix those keys on the script's title page or in the brief given with --brief.",
        ) from e
    title = script.title.get("title") or f"{planned.brand} {planned.product}"
    opening = re.split(r"(?<=[.!?。！？])\s*", _visual(raw[0]))[0]
    theme = script.title.get("theme") or f"{title}: {opening}".strip(": ")
    storyboard = Storyboard(
        concept=f"{title} — script by scene ({len(script.scenes)} scenes)",
        theme=theme or title,
        language=script.language,
        shots=shots,
    )
    return ScriptPlan(planned, storyboard, beats)


def plan_script(
    script_text: str,
    brief: BriefData = None,
    *,
    filename: str = "",
    name: str | None = None,
    on_progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
    knowledge: Knowledge | None = None,
    llm: Any = "auto",
) -> Project:
    """Script (+ optional brief) → project: the script's storyboard, then insights and variants as for a brief."""
    from studio.planning.planner import plan_project

    knowledge = knowledge or load_knowledge()
    hint = brief_fields(brief).get("master_language")
    script = parse_script(script_text, filename=filename, language=hint)
    plan = storyboard_from_script(script, brief, knowledge)

    def make_storyboard(_brief: Brief, _cat: Category, _structure: Structure, insights: list[Insight]) -> Storyboard:
        board = plan.storyboard.model_copy(deep=True)
        for shot, beat in zip(board.shots, plan.beats, strict=True):
            shot.insight_ids = cite(beat, insights)
        return board

    return plan_project(
        plan.brief,
        name=name or slug(Path(filename).stem if filename else f"{plan.brief.brand} {plan.brief.product}"),
        on_progress=on_progress,
        cancel=cancel,
        knowledge=knowledge,
        llm=llm,
        make_storyboard=make_storyboard,
    )


def read_script(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ValidationFailed(f"The script {path} does not exist.", "Check the path and try again.") from None
    except UnicodeDecodeError as e:
        raise ValidationFailed(
            f"The script {path} is not UTF-8 text ({e.reason} at byte {e.start}).",
            "Save it as UTF-8 (Fountain or plain text) and import it again.",
        ) from None


def read_brief_fields(path: Path) -> dict[str, Any]:
    """A brief file beside a script, read as TOML/JSON; it may leave out what the title page gives."""
    from studio.model.store import _read_document

    data = _read_document(Path(path))
    if not isinstance(data, dict):
        raise ValidationFailed(f"{path} is not a brief (a table of keys).", "See assets/briefs/ for examples.")
    return data


def is_script_file(path: Path) -> bool:
    return path.suffix.lower() in SCRIPT_SUFFIXES


def plan_script_file(
    script_path: Path,
    brief_path: Path | None = None,
    *,
    name: str | None = None,
    on_progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
    llm: Any = "auto",
) -> Project:
    """What `qianmian plan SCRIPT --brief BRIEF` and the app's Import script… run."""
    brief = read_brief_fields(brief_path) if brief_path is not None else None
    return plan_script(
        read_script(script_path),
        brief,
        filename=str(script_path),
        name=name,
        on_progress=on_progress,
        cancel=cancel,
        llm=llm,
    )

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
from studio.planning.speech import LEAD_S, spoken_seconds
from studio.planning.storyboard import cite, copy_key

SCRIPT_SUFFIXES = {".fountain", ".spmd", ".txt", ".text"}
ACTION_ONLY_S = 2.0
MIN_SHOT_S = 1.5
TAIL_S = 0.4
#: Title-page keys (English and Chinese) → the brief field they fill.
TITLE_KEYS = {
    "title": "title",
    "标题": "title",
    "片名": "title",
    "brand": "brand",
    "品牌": "brand",
    "product": "product",
    "产品": "product",
    "category": "category",
    "品类": "category",
    "类别": "category",
    "markets": "markets",
    "market": "markets",
    "市场": "markets",
    "segments": "segments",
    "segment": "segments",
    "audience": "segments",
    "人群": "segments",
    "受众": "segments",
    "selling points": "selling_points",
    "卖点": "selling_points",
    "duration": "duration_s",
    "时长": "duration_s",
    "language": "language",
    "语言": "language",
    "tone": "tone",
    "调性": "tone",
    "call to action": "call_to_action",
    "cta": "call_to_action",
    "行动号召": "call_to_action",
    "aspect ratios": "aspect_ratios",
    "aspects": "aspect_ratios",
    "画幅": "aspect_ratios",
    "logline": "theme",
    "theme": "theme",
    "主题": "theme",
    "notes": "notes",
    "备注": "notes",
}
#: Brief keys a plan cannot do without, and the title-page key that gives each.
REQUIRED = {
    "brand": "Brand",
    "product": "Product",
    "category": "Category",
    "markets": "Markets",
    "segments": "Segments",
}
LIST_SPLIT = re.compile(r"\s*[,，、;；/]\s*")
SUPER = re.compile(r"^\s*(SUPER|TITLE|ON[- ]SCREEN(?: TEXT)?|TEXT ON SCREEN|字幕|屏幕文字|花字)\s*[:：]\s*(.+)$", re.I)
NOTE = re.compile(r"\[\[(.+?)\]\]|【(.+?)】", re.S)
FOUNTAIN_HEADING = re.compile(r"^(\.(?!\.)|(INT|EXT|EST|INT\.?/EXT|I/E)[. ])", re.I)
EN_HEADING = re.compile(r"^(SCENE|SC\.?)\s*\d+\b", re.I)
ZH_HEADING = re.compile(r"^\s*(场景[一二三四五六七八九十百\d]*\s*[:：\s]|第[一二三四五六七八九十百\d]+[场幕景])")
ZH_SETTING = re.compile(r"^\s*(\d+\s*[.、]\s*)?(内景|外景|内/外景|日景|夜景)[\s:：\-–—]")
TRANSITION = re.compile(r"^\s*([A-Z ]+ TO:|FADE (IN|OUT)[.:]?|CUT TO BLACK\.?|转场|切至|淡入|淡出)\s*$")
SPEAKER_EN = re.compile(r"^([A-Z][A-Z0-9 .'\-]{0,30}?)(\s*\((?:V\.?O\.?|O\.?S\.?|CONT'D|[A-Z .']+)\))?\s*[:：]\s*(.+)$")
SPEAKER_ZH = re.compile(r"^([^\s:：，。！？,.!?（）()]{1,8}?)(（[^）]{0,8}）)?\s*[:：]\s*(.+)$")
CUE_EN = re.compile(r"^[A-Z][A-Z0-9 .'\-]{0,30}(\s*\([A-Z .']+\))?$")
PAREN = re.compile(r"[（(][^）)]{0,20}[）)]")
SOUND = re.compile(r"^\s*(SFX|SOUND|MUSIC|音效|音乐|配乐)\s*[:：]\s*(.+)$", re.I)
#: `WORD: text` lines that describe the picture, not someone speaking.
NOT_SPEAKERS = {"画面", "镜头", "动作", "场景", "内景", "外景", "visual", "shot", "action", "scene", "note", "notes"}
EMPHASIS = re.compile(r"(\*{1,3}|_)(?=\S)(.+?)(?<=\S)\1")

#: (pattern, framing) checked in order; English camera words count in capitals in action, any case in notes.
FRAMING_WORDS: list[tuple[str, Framing]] = [
    (r"\bINSERT\b|\bPACK ?SHOT\b|\bPRODUCT SHOT\b|产品特写|产品镜头", "product"),
    (r"\bEXTREME CLOSE[- ]?(UP|ON)\b|\bECU\b|\bMACRO\b|大特写", "extreme-close-up"),
    (r"\bCLOSE[- ]?(UP|ON)\b|\bCLOSEUP\b|\bCU\b|特写|近景", "close-up"),
    (r"\bWIDE\b|\bESTABLISHING\b|\bLONG SHOT\b|\bWS\b|全景|远景", "wide"),
    (r"\bMEDIUM\b|\bMID[- ]SHOT\b|\bMS\b|中景", "medium"),
]
CAMERA_WORDS: list[tuple[str, Camera]] = [
    (r"\b(PUSH|DOLLY|ZOOM|MOVE) ?IN\b|推镜|推近|推进|镜头推|缓推", "push-in"),
    (r"\b(PULL|DOLLY|ZOOM) ?(OUT|BACK)\b|拉镜|拉远|拉出|镜头拉|后拉", "pull-out"),
    (r"\bPAN (TO THE )?LEFT\b|左摇|向左摇", "pan-left"),
    (r"\bPAN (TO THE )?RIGHT\b|右摇|向右摇", "pan-right"),
    (r"\bTILT UP\b|上摇|向上摇", "tilt-up"),
    (r"\bTILT DOWN\b|下摇|向下摇", "tilt-down"),
]
#: In a note a bare 推 / 拉 is a camera direction (in action it is just a verb: 她拉开门).
NOTE_CAMERA = {"推": "push-in", "拉": "pull-out", "摇": "pan-right"}


@dataclass
class Block:
    kind: str  # action, dialogue, super, note
    text: str
    speaker: str = ""


@dataclass
class Scene:
    heading: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Script:
    """A parsed script: its title page (normalized keys), scenes and the language its lines are written in."""

    title: dict[str, str]
    scenes: list[Scene]
    language: str
    source: str = "the script"


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
        return " ".join(self.lines) if not _cjk_heavy(" ".join(self.lines)) else "".join(self.lines)


# --- parsing ------------------------------------------------------------------------------------------------------


def _title_key(key: str) -> str | None:
    return TITLE_KEYS.get(re.sub(r"\s+", " ", key.strip().lower().replace("_", " ")))


def _clean(text: str) -> str:
    text = EMPHASIS.sub(r"\2", text)
    return re.sub(r"\s+", " ", text).strip()


def _cjk_heavy(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    cjk = sum(1 for ch in letters if "\u3040" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af")
    return bool(letters) and cjk * 2 >= len(letters)


def detect_language(text: str, hint: str | None = None) -> str:
    """The language of the script's lines: by script (Han, kana, Hangul, Thai...), else the hint, else English."""
    from pipelines.fonts import LANGUAGE_SCRIPTS, script_of_char

    letters = [ch for ch in text if ch.isalpha()]
    counts: dict[str, int] = {}
    for ch in letters:
        s = script_of_char(ch) or "latin"
        counts[s] = counts.get(s, 0) + 1
    script = max(counts, key=lambda k: counts[k]) if counts else "latin"
    if hint and LANGUAGE_SCRIPTS.get(hint.split("-")[0].lower(), "latin") == script:
        return hint
    if script == "cjk":
        if any("\u3040" <= ch <= "\u30ff" for ch in letters):
            return "ja"
        if any("\uac00" <= ch <= "\ud7af" for ch in letters):
            return "ko"
        return "zh"
    if script == "latin":
        return hint or "en"
    for lang, s in LANGUAGE_SCRIPTS.items():
        if s == script:
            return lang
    return hint or "en"


def _split_notes(text: str) -> list[Block]:
    """Action text with `[[notes]]` / `【notes】` cut out, in order. A note that opens a line (or stands alone)
    marks a new shot ("note"); one that follows text on its line describes that shot ("tag")."""
    out: list[Block] = []
    pos = 0
    for m in NOTE.finditer(text):
        before = _clean(text[pos : m.start()])
        if before:
            out.append(Block("action", before))
        out.append(Block("tag" if out else "note", _clean(m.group(1) or m.group(2))))
        pos = m.end()
    rest = _clean(text[pos:])
    if rest:
        out.append(Block("action", rest))
    return out


def _action_blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or TRANSITION.match(line):
            continue
        sup, sound = SUPER.match(line), SOUND.match(line)
        if sup:
            blocks.append(Block("super", _clean(sup.group(2))))
        elif sound:
            blocks.append(Block("sound", _clean(sound.group(2))))
        else:
            blocks += _split_notes(line)
    return blocks


def parse_fountain(text: str) -> tuple[dict[str, str], list[Scene]]:
    """A Fountain screenplay through jouvence (title page, scenes, action, character cues, dialogue)."""
    from jouvence.document import (
        TYPE_ACTION,
        TYPE_CENTEREDACTION,
        TYPE_CHARACTER,
        TYPE_DIALOG,
        TYPE_TRANSITION,
    )
    from jouvence.parser import JouvenceParser

    doc = JouvenceParser().parseString(text)
    title = {k: _clean(str(v)) for k, v in (doc.title_values or {}).items()}
    scenes: list[Scene] = []
    for sc in doc.scenes:
        scene = Scene(heading=_clean(sc.header or ""))
        speaker = ""
        for p in sc.paragraphs:
            if p.type == TYPE_ACTION:
                scene.blocks += _action_blocks(p.text)
            elif p.type == TYPE_CENTEREDACTION:
                scene.blocks.append(Block("super", _clean(p.text.strip("<> "))))
            elif p.type == TYPE_CHARACTER:
                speaker = _clean(p.text)
            elif p.type == TYPE_DIALOG:
                for block in _split_notes(PAREN.sub("", p.text)):
                    scene.blocks.append(Block("dialogue", block.text, speaker) if block.kind == "action" else block)
            elif p.type == TYPE_TRANSITION:
                continue
        if scene.heading or scene.blocks:
            scenes.append(scene)
    return title, scenes


def parse_plain(text: str) -> tuple[dict[str, str], list[Scene]]:
    """A plain-text script: `Key: value` header lines, then scene headings (INT./EXT., 场景一：…, 内景/外景), action,
    `SPEAKER: line` or `角色：台词` dialogue (full-width colons too), `SUPER:` / `字幕：` on-screen text and
    `[[notes]]` / `【notes】` shot markers."""
    title: dict[str, str] = {}
    scenes: list[Scene] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    while i < len(lines):  # the header: Key: value lines before the first scene
        m = re.match(r"^\s*([^:：]{1,24})\s*[:：]\s*(.+)$", lines[i])
        if not m or _title_key(m.group(1)) is None or _is_heading(lines[i]):
            break
        title[m.group(1).strip().lower()] = _clean(m.group(2))
        i += 1
    scene: Scene | None = None
    cue = ""
    for raw in lines[i:]:
        line = raw.strip()
        if not line:
            cue = ""
            continue
        if _is_heading(line):
            scene = Scene(heading=_clean(line.lstrip(".")))
            scenes.append(scene)
            cue = ""
            continue
        if scene is None:
            scene = Scene(heading="")
            scenes.append(scene)
        if TRANSITION.match(line):
            continue
        sup = SUPER.match(line)
        if sup:
            scene.blocks.append(Block("super", _clean(sup.group(2))))
            continue
        sound = SOUND.match(line)
        if sound:
            scene.blocks.append(Block("sound", _clean(sound.group(2))))
            continue
        said = _dialogue(line)
        if said is not None:
            speaker, words = said
            scene.blocks += [
                Block("dialogue", b.text, speaker) if b.kind == "action" else b for b in _split_notes(words)
            ]
            continue
        if cue:
            scene.blocks += [Block("dialogue", b.text, cue) if b.kind == "action" else b for b in _split_notes(line)]
            continue
        if CUE_EN.match(line) and len(line.split()) <= 4 and not FOUNTAIN_HEADING.match(line):
            cue = PAREN.sub("", line).strip()
            continue
        scene.blocks += _split_notes(line)
    return title, [s for s in scenes if s.heading or s.blocks]


def _is_heading(line: str) -> bool:
    """INT./EXT. or forced `.HEADING`; 场景一：…, 第二场 …; a short 内景/外景 line that is not a sentence."""
    line = line.strip()
    if FOUNTAIN_HEADING.match(line) or ZH_HEADING.match(line) or EN_HEADING.match(line):
        return True
    return bool(ZH_SETTING.match(line)) and len(line) <= 30 and not re.search(r"[。！？!?]", line)


def _dialogue(line: str) -> tuple[str, str] | None:
    """(speaker, words) for `NAME: words`, `NAME (V.O.): words`, `旁白：……`, `小美（画外音）：……`."""
    if SUPER.match(line) or NOTE.match(line):
        return None
    m = SPEAKER_EN.match(line) or SPEAKER_ZH.match(line)
    if m is None:
        return None
    speaker, words = m.group(1).strip(), PAREN.sub("", m.group(3)).strip()
    if not words or (m.re is SPEAKER_EN and len(speaker.split()) > 3):
        return None
    if any(re.search(p, speaker, re.I) for p, _ in FRAMING_WORDS + CAMERA_WORDS) or speaker.lower() in NOT_SPEAKERS:
        return None
    return speaker, words


def looks_like_fountain(text: str, filename: str = "") -> bool:
    if Path(filename).suffix.lower() in (".fountain", ".spmd"):
        return True
    return any(FOUNTAIN_HEADING.match(line.strip()) for line in text.splitlines()) and not _cjk_heavy(text)


def parse_script(text: str, *, filename: str = "", language: str | None = None) -> Script:
    """Fountain (by suffix or INT./EXT. headings) through jouvence; anything else through the plain-text parser."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    raw_title, scenes = parse_fountain(text) if looks_like_fountain(text, filename) else parse_plain(text)
    title: dict[str, str] = {}
    for key, value in raw_title.items():
        norm = _title_key(key)
        if norm:
            title[norm] = value
    source = filename or "the script"
    if not any(b.kind in ("action", "dialogue", "super") for s in scenes for b in s.blocks):
        raise ValidationFailed(
            f"{source} has no scenes: no action, dialogue or on-screen text was found.",
            "Write scene headings (INT. CAFE - DAY, or 场景一：夜市 夜) followed by action and dialogue "
            "(NAME: line, or 旁白：……).",
        )
    words = " ".join(b.text for s in scenes for b in s.blocks if b.kind in ("dialogue", "super"))
    lang = title.get("language") or detect_language(
        words or " ".join(b.text for s in scenes for b in s.blocks), language
    )
    return Script(title=title, scenes=scenes, language=lang, source=source)


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
                return camera  # type: ignore[return-value]
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
    cjk = _cjk_heavy(" ".join(s.voiceover for s in raw))
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

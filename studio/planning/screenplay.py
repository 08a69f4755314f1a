"""Reading a script: a Fountain screenplay (through jouvence) or a plain-text script, English or Chinese.

Both become the same scenes of blocks: action, dialogue (with its speaker), on-screen text (`SUPER:` / `字幕：`),
sound (`SFX:` / `音效：`) and notes (`[[…]]` / `【…】`, which mark shots). The title page (or a plain script's
`Key: value` header, `品牌：` too) is returned with its keys normalized to brief fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from studio.model.errors import ValidationFailed
from studio.model.project import Camera, Framing

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
NOTE_CAMERA: dict[str, Camera] = {"推": "push-in", "拉": "pull-out", "摇": "pan-right"}


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


def _title_key(key: str) -> str | None:
    return TITLE_KEYS.get(re.sub(r"\s+", " ", key.strip().lower().replace("_", " ")))


def _clean(text: str) -> str:
    text = EMPHASIS.sub(r"\2", text)
    return re.sub(r"\s+", " ", text).strip()


def cjk_heavy(text: str) -> bool:
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
    return any(FOUNTAIN_HEADING.match(line.strip()) for line in text.splitlines()) and not cjk_heavy(text)


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

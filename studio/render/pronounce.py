"""What the voice says for a written line: names read the way the market says them, never spelt letter by letter.

A Japanese line naming "BrightPad" is written with the Latin name (captions and subtitles keep it) but spoken as
ブライトパッド; espeak's Japanese voice would otherwise read B-R-I-G-H-T-P-A-D. The reading of a Latin word, first
found wins:

1. the brief's `pronunciations[lang][name]`, then its `names[lang][name]` when that is written in another script;
2. the market's lexicon `assets/knowledge/pronunciations/<lang>.toml` (whole word, then its parts: "BrightPad" →
   "Bright" + "Pad"), acronyms ("AI") by the language's letter names;
3. the lexicon's fallback: Japanese applies the English-spelling → katakana rules below (an approximation). For
   the other languages espeak's voices switch to English for a Latin word (checked with their phonemes), which
   beats spelling it, so the word is left to them; other engines get the word's letters by name, the last resort.
   Either way the word is listed in `Reading.review` for a native speaker.

Languages written in Latin script (en, es, vi, id...) only get the brief's pronunciations: their voices read Latin.
`voice_request` is the one place a line becomes a VoiceRequest (the render and the app's preview share it).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studio import paths
from studio.model.errors import ValidationFailed
from studio.model.requests import VoiceRequest

if TYPE_CHECKING:
    from studio.model.brief import Brief

#: Languages whose voices must not be handed Latin words (primary subtag; Cantonese shares the zh lexicon).
NON_LATIN = {"ja": "ja", "zh": "zh", "cmn": "zh", "yue": "zh", "ko": "ko", "th": "th", "ar": "ar", "hi": "hi"}
#: Languages written without spaces: a reading replaces its word with nothing around it.
UNSPACED = {"ja", "zh", "th"}
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’\-]*[A-Za-z0-9]|[A-Za-z]")
#: Parts of a compound name: "BrightPad2-Pro" → Bright, Pad, 2, Pro.
PARTS = re.compile(r"[A-Z]{2,}(?=[A-Z][a-z]|\b|\d|$)|[A-Z]?[a-z']+|[A-Z]+|\d+")
ACRONYM_MAX = 5


@dataclass(frozen=True)
class Lexicon:
    words: dict[str, str] = field(default_factory=dict)
    letters: dict[str, str] = field(default_factory=dict)
    fallback: str = "letters"
    phrases: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Reading:
    """The text to speak, and the Latin words read by a rule or by letter names (a native speaker should check)."""

    text: str
    review: tuple[str, ...] = ()


def lexicon_dir() -> Path:
    return paths.knowledge_dir() / "pronunciations"


@cache
def _lexicon_at(path: Path) -> Lexicon:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise ValidationFailed(f"Cannot read the pronunciation lexicon {path}: {e}", "Fix the TOML file.") from e
    fallback = str(data.get("fallback", "letters"))
    if fallback not in ("katakana", "letters"):
        raise ValidationFailed(
            f"{path}: fallback = {fallback!r} is not known.", 'Use fallback = "katakana" (ja) or "letters".'
        )
    words = {str(k).lower(): str(v) for k, v in data.get("words", {}).items()}
    letters = {str(k).lower(): str(v) for k, v in data.get("letters", {}).items()}
    phrases = {str(k): str(v) for k, v in data.get("phrases", {}).items()}
    return Lexicon(words, letters, fallback, phrases)


def lexicon(language: str) -> Lexicon | None:
    """The market lexicon for a language that must not read Latin letters, else None."""
    key = NON_LATIN.get(language.split("-")[0].lower())
    if key is None:
        return None
    path = lexicon_dir() / f"{key}.toml"
    return _lexicon_at(path) if path.is_file() else Lexicon(fallback="katakana" if key == "ja" else "letters")


def _for_language(table: dict[str, dict[str, str]], language: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for key in (language.split("-")[0], language.split("-")[0].lower(), language, language.lower()):
        out.update(table.get(key, {}))
    return out


def reading(
    text: str,
    language: str,
    *,
    names: dict[str, dict[str, str]] | None = None,
    pronunciations: dict[str, dict[str, str]] | None = None,
    voice: str = "espeak",
) -> Reading:
    """How the voice should say `text` (see the module docstring for the order of rules)."""
    said = _for_language(pronunciations or {}, language)
    written = {k: v for k, v in _for_language(names or {}, language).items() if not LATIN_WORD.fullmatch(v)}
    table = {**written, **said}
    for name in sorted(table, key=len, reverse=True):
        if name.strip():
            text = re.sub(rf"(?<![A-Za-z]){re.escape(name)}(?![A-Za-z])", table[name], text)
    lex = lexicon(language)
    if lex is None:
        return Reading(text)
    for phrase in sorted(lex.phrases, key=len, reverse=True):
        text = text.replace(phrase, lex.phrases[phrase])
    review: list[str] = []
    joiner = "" if NON_LATIN[language.split("-")[0].lower()] in UNSPACED else " "
    spell = (voice.partition(":")[0].strip().lower() or "espeak") != "espeak"

    def replace(m: re.Match[str]) -> str:
        word = m.group(0)
        said, rule = read_word(word, lex, joiner, spell=spell)
        if rule:
            review.append(word)
        return said

    text = LATIN_WORD.sub(replace, text)
    if not spell and NON_LATIN[language.split("-")[0].lower()] == "ja":
        text = kana(text)  # espeak's Japanese voice reads kana only
    return Reading(text, tuple(dict.fromkeys(review)))


@cache
def _kakasi() -> Any:
    import pykakasi

    return pykakasi.kakasi()


def kana(text: str) -> str:
    """Kanji said as hiragana, from pykakasi's dictionary: espeak's Japanese voice has no kanji readings and says
    "Chinese letter" for each. Kana, Latin and punctuation pass through unchanged."""
    if not HAN.search(text):
        return text
    return "".join(part["hira"] if HAN.search(part["orig"]) else part["orig"] for part in _kakasi().convert(text))


def read_word(word: str, lex: Lexicon, joiner: str = "", *, spell: bool = True) -> tuple[str, bool]:
    """(reading, made by a rule, by letter names or left to the voice) for one Latin word.

    Without `spell`, a word neither the lexicon nor the katakana rules can read is left as written (espeak reads
    it with its English voice) instead of being read letter by letter."""
    whole = lex.words.get(word.lower().replace("’", "'"))
    if whole:
        return whole, False
    out: list[str] = []
    ruled = False
    for part in PARTS.findall(word):
        if part.isdigit():
            out.append(part)
            continue
        known = lex.words.get(part.lower())
        if known:
            out.append(known)
        elif part.isupper() and len(part) <= ACRONYM_MAX and all(c.lower() in lex.letters for c in part):
            out.append("".join(lex.letters[c.lower()] for c in part))
        elif lex.fallback == "katakana":
            out.append(katakana(part))
            ruled = True
        elif not spell:
            out.append(part)
            ruled = True
        else:
            out.append(joiner.join(lex.letters.get(c.lower(), c) for c in part if c.isalpha()))
            ruled = True
    return joiner.join(out) if joiner else "".join(out), ruled


# --- English spelling → katakana -------------------------------------------------------------------------------
# The rules, in order: (1) spelling → a romaji-like sequence of consonants and vowels: multi-letter spellings first
# ("igh" → ai, "air"/final "are" → ea, "ee"/"ea" → ii, "oo" → uu, "ai"/"ay"/"ey" → ei, "ow" → ou,
# "ar"/"er"/"ir"/"ur" → aa and "or" → oo unless a vowel follows, "tion" → shon, "ph" → f, "th" → s, "ck" → kk,
# "x" → ks, "qu" → kw, "c" before e/i/y → s else k, "l" → r), a final
# silent "e" lengthens the vowel before its consonant (a_e → ei, i_e → ai, o_e → oo, u_e → yuu, e_e → ii), a final
# "y" after a consonant is ii, a closed "u" (u + consonant + consonant/end) is a; (2) a short vowel before a final
# (or doubled) plosive p/t/k/d/g/b/ks gets a small ッ; (3) each consonant + vowel becomes its kana (ti → ティ,
# fa → ファ, va → ヴァ), a consonant with no vowel after it takes u (o after t/d, i after ch/j; final n → ン), and a
# doubled vowel becomes ー. The result is how Japanese usually writes an English-looking name, not always how the
# brand writes it: it is flagged for review, and `Brief.names` / `Brief.pronunciations` fix it for good.

_KANA_ROWS = {
    "": "アイウエオ",
    "k": "カキクケコ",
    "g": "ガギグゲゴ",
    "s": ["サ", "シ", "ス", "セ", "ソ"],
    "z": ["ザ", "ジ", "ズ", "ゼ", "ゾ"],
    "t": ["タ", "ティ", "トゥ", "テ", "ト"],
    "d": ["ダ", "ディ", "ドゥ", "デ", "ド"],
    "n": "ナニヌネノ",
    "h": "ハヒフヘホ",
    "b": "バビブベボ",
    "p": "パピプペポ",
    "m": "マミムメモ",
    "y": ["ヤ", "イ", "ユ", "イエ", "ヨ"],
    "r": "ラリルレロ",
    "w": ["ワ", "ウィ", "ウ", "ウェ", "ウォ"],
    "f": ["ファ", "フィ", "フ", "フェ", "フォ"],
    "v": ["ヴァ", "ヴィ", "ヴ", "ヴェ", "ヴォ"],
    "sh": ["シャ", "シ", "シュ", "シェ", "ショ"],
    "ch": ["チャ", "チ", "チュ", "チェ", "チョ"],
    "j": ["ジャ", "ジ", "ジュ", "ジェ", "ジョ"],
    "ts": ["ツァ", "ツィ", "ツ", "ツェ", "ツォ"],
}
KANA = {c + v: list(row)[i] for c, row in _KANA_ROWS.items() for i, v in enumerate("aiueo")}
#: Vowel sound spelt with no vowel after a consonant (epenthesis).
_BARE_VOWEL = {"t": "o", "d": "o", "ch": "i", "j": "i"}
_PLOSIVES = {"p", "t", "k", "d", "g", "b", "ch"}
_SPELLINGS = [
    ("tion", ["sh", "o", "n"]),
    ("sion", ["sh", "o", "n"]),
    ("tch", ["ch"]),
    ("igh", ["ai"]),
    ("air", ["ea"]),
    ("ght", ["t"]),
    ("ee", ["ii"]),
    ("ea", ["ii"]),
    ("oo", ["uu"]),
    ("ou", ["au"]),
    ("ow", ["ou"]),
    ("oa", ["oo"]),
    ("ai", ["ei"]),
    ("ay", ["ei"]),
    ("ey", ["ei"]),
    ("au", ["oo"]),
    ("aw", ["oo"]),
    ("oi", ["oi"]),
    ("oy", ["oi"]),
    ("ew", ["yuu"]),
    ("ar", ["aa"]),
    ("er", ["aa"]),
    ("ir", ["aa"]),
    ("ur", ["aa"]),
    ("or", ["oo"]),
    ("ch", ["ch"]),
    ("sh", ["sh"]),
    ("th", ["s"]),
    ("ph", ["f"]),
    ("wh", ["w"]),
    ("ck", ["k"]),
    ("qu", ["k", "w"]),
    ("ng", ["n", "g"]),
    ("ds", ["dz"]),
    ("ts", ["ts"]),
    ("x", ["k", "s"]),
]
_MAGIC_E = {"a": "ei", "i": "ai", "o": "oo", "u": "yuu", "e": "ii"}
_VOWELS = set("aeiou")


def _tokens(word: str) -> list[str]:
    """Spelling → romaji-like tokens: consonants ("k", "sh") and vowels ("a", "ii", "ei")."""
    w = word.lower()
    if w.endswith("are"):
        w = w[:-3] + "air"
    magic = None
    m = re.search(r"([aeiou])([bcdfgklmnprstvz])e$", w)
    if m and len(w) > 3 and (len(w) < 4 or w[-4] not in _VOWELS):
        magic = len(w) - 3
        w = w[:-1]
    le_end = len(w) > 2 and w.endswith("le") and w[-3] not in _VOWELS
    if le_end:
        w = w[:-2] + "l"
    out: list[str] = []
    i = 0
    while i < len(w):
        if i == magic:
            out.append(_MAGIC_E[w[i]])
            i += 1
            continue
        for spelling, toks in _SPELLINGS:
            after = w[i + len(spelling) : i + len(spelling) + 1]
            if w.startswith(spelling, i) and not (spelling[-1] == "r" and after in _VOWELS | {"r"}):
                out += toks
                i += len(spelling)
                break
        else:
            ch = w[i]
            nxt = w[i + 1] if i + 1 < len(w) else ""
            if ch == nxt and ch not in _VOWELS:  # doubled consonant: one sound, a small ッ for plosives
                i += 1
                continue
            if ch == "c":
                out.append("s" if nxt in ("e", "i", "y") else "k")
            elif ch == "l":
                out.append("r")
            elif ch == "q":
                out.append("k")
            elif ch == "y":
                out.append("y" if nxt in _VOWELS else ("ii" if i == len(w) - 1 and i > 0 else "i"))
            elif ch == "u":
                after = w[i + 1 : i + 3]
                closed = after == "" or (after[0] not in _VOWELS and (len(after) < 2 or after[1] not in _VOWELS))
                out.append("a" if closed and i > 0 and after else "u")
            elif ch in "'’-":
                pass
            else:
                out.append(ch)
            i += 1
    if le_end and out and out[-1] == "r":
        out.append("u")
    return out


def _is_vowel(tok: str) -> bool:
    return tok[0] in _VOWELS or tok.startswith("yuu")


def katakana(word: str) -> str:
    """An English-looking word in katakana by the rules above ("BrightPad" → ブライトパッド)."""
    toks = _tokens(word)
    out: list[str] = []
    i = 0
    while i < len(toks):
        tok = toks[i]
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if _is_vowel(tok):
            out.append(_vowel(tok, ""))
            i += 1
            continue
        if tok == "dz":
            out.append("ッズ" if i > 0 and toks[i - 1] in _VOWELS else "ズ")
            i += 1
            continue
        prev_short = i > 0 and toks[i - 1] in _VOWELS
        final_plosive = tok in _PLOSIVES and (nxt is None or (nxt == "s" and i + 2 == len(toks)))
        if nxt is not None and _is_vowel(nxt):
            out.append(_vowel(nxt, tok))
            i += 2
            continue
        if tok == "n" or (tok == "m" and nxt in ("b", "p", "m")):
            out.append("ン")
        else:
            if prev_short and (final_plosive or (tok == "k" and nxt == "s")):
                out.append("ッ")
            out.append(_vowel(_BARE_VOWEL.get(tok, "u"), tok))
        i += 1
    return "".join(out)


def _vowel(vowel: str, consonant: str) -> str:
    """Kana for a consonant + vowel sound; a long vowel adds ー, a diphthong its second vowel."""
    if vowel.startswith("yuu"):
        base = KANA.get(consonant + "i", "イ")[:1] if consonant else ""
        return (base + "ュー") if consonant else "ユー"
    first = KANA.get(consonant + vowel[0]) or KANA.get(consonant[-1:] + vowel[0]) or KANA[vowel[0]]
    rest = vowel[1:]
    if not rest:
        return first
    return first + ("ー" if rest == vowel[0] else KANA[rest])


#: Han characters (kanji): espeak's Japanese voice has no readings for them and says "Chinese letter" for each.
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def reading_notes(written: str, said: Reading, language: str, voice: str = "espeak") -> list[str]:
    """What a reviewer should hear before publishing: names read by rule or letter names, and text the voice
    cannot read (kanji for espeak's Japanese voice)."""
    from pipelines.fonts import script_for_language, script_of_char

    notes = []
    script = script_for_language(language)
    translated = any(script_of_char(ch) == script for ch in written)  # an untranslated line has its own flag
    if said.review and translated:
        words = ", ".join(said.review[:6]) + (" …" if len(said.review) > 6 else "")
        engine = voice.partition(":")[0].strip().lower() or "espeak"
        how = (
            "katakana rules"
            if language.split("-")[0].lower() == "ja"
            else ("the voice's English" if engine == "espeak" else "their letter names")
        )
        notes.append(
            f"The voice reads {words} in \u201c{written}\u201d by {how}: have a native speaker "
            f"check it, or give its reading in the brief (pronunciations.{language.split('-')[0]})."
        )
    engine = voice.partition(":")[0].strip().lower() or "espeak"
    kanji = sorted(set(HAN.findall(said.text)))
    if engine == "espeak" and language.split("-")[0].lower() == "ja" and kanji:
        notes.append(
            f"espeak's Japanese voice cannot read kanji ({''.join(kanji[:8])}) in \u201c{written}\u201d and says "
            "\u201cChinese letter\u201d for each: give the words' kana readings in the brief (pronunciations.ja), "
            "write the line in kana, or pick a Japanese Piper or Kokoro voice."
        )
    return notes


def voice_request(
    text: str, language: str, *, voice: str = "espeak", rate: float = 1.0, brief: Brief | None = None
) -> VoiceRequest:
    """The VoiceRequest for a written line: its reading (names and Latin words said the market's way) at `rate`."""
    said = reading(
        text.strip(),
        language,
        names=brief.names if brief is not None else None,
        pronunciations=brief.pronunciations if brief is not None else None,
        voice=voice,
    )
    return VoiceRequest(text=said.text, language=language, voice=voice, rate=round(rate, 2))

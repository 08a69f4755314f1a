"""Is every line of a variant in its language? Script first, then language identification, names left out.

The rule, line by line (`identify`):
- Brand and product names (and every form in `Brief.names`) are removed first: they are the same in every market and
  would make a Thai line with "Lumi" in it look English. A line that is only names is fine in any language.
- A line identical to the master line, in a variant whose language is not the master's, is untranslated.
- Languages written in their own script (Thai, Arabic, Devanagari, Tamil, Han, kana, Hangul) are decided by script:
  at least half of the remaining letters must be in the language's script (kana or Han for Japanese; Han without kana
  for Chinese; Hangul for Korean). zh-Hans and zh-Hant are told apart by characters that exist in only one form.
  Arabic, Persian and Urdu share the Arabic script: letters only one of them writes (Urdu's ے ں ٹ ہ ھ, Arabic's
  ة ى ي ك) decide first, then, from three words, lingua choosing among the three. Kazakh, Russian and Ukrainian
  share the Cyrillic script: Kazakh's own letters (ә ғ қ ң ө ұ ү һ і), Ukrainian's (ґ є і ї) and the ones Russian
  writes and Ukrainian never does (ё ъ ы э) decide first, then, from two words, lingua between the two.
- Latin-script languages are decided by lingua, built once per process from the markets' languages plus English.
  A line with fewer than 3 words or 12 letters (after names are removed) is *unsure* (`language_ok=None`): lingua
  cannot tell "Mua ngay" from Tagalog. Indonesian and Malay are near-identical, so either passes for either;
  Filipino is lingua's Tagalog. A line whose own language scores at least 0.25 while nothing scores 0.6 is unsure too.
- An unsure line is accepted only when a person or a trusted source wrote it (brief copy, a translator's file, a
  creator's edit, the market pack, a phrase bank) or it was reviewed; an unsure LLM or master line is a problem.
- A line whose origin is "untranslated" is a problem whatever lingua says.

lingua is imported only when a line is checked (it is slow to import and the app must start fast).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from studio.model.project import LineStatus, LocalizedShot, Project, Variant

if TYPE_CHECKING:
    from lingua import LanguageDetector  # imported lazily: building detectors takes a while

#: Origins a person (or a pack a person wrote) stands behind: an unsure identification does not block them.
TRUSTED = frozenset({"brief-copy", "translator-file", "creator-edit", "market-pack", "phrase-bank"})
#: Below these a Latin-script line is too short to identify.
MIN_WORDS = 3
MIN_LETTERS = 12
#: lingua confidence: the variant's language at least UNSURE_OWN while the winner is below SURE is "unsure".
UNSURE_OWN = 0.25
SURE = 0.6
#: ... or the variant's language close behind the winner: lingua's values are shares over every language the studio
#: knows (27 markets), so on a three-word line they spread thin ("Pagi-pagi kulit kusam?": tl 0.25, ms 0.24, id 0.21).
UNSURE_SHARE = 0.6
#: Ukrainian and Russian, chosen between by lingua on a line with none of the letters that tell them apart: many short
#: lines are spelt the same in both ("Для дороги в метро": ru 0.62), so Russian needs this much to be named.
SURE_NEIGHBOUR = 0.7
#: Languages lingua (or anyone) cannot reliably tell apart on an ad line: either passes for either.
CLOSE = {"id": "ms", "ms": "id", "fil": "tl", "tl": "fil"}
#: Scripts that decide a language on their own.
OWN_SCRIPT = {
    "th": "thai",
    "ar": "arabic",
    "fa": "arabic",
    "ur": "arabic",
    "he": "hebrew",
    "hi": "devanagari",
    "mr": "devanagari",
    "ne": "devanagari",
    "ta": "tamil",
    "bn": "bengali",
    "ko": "hangul",
    "ja": "japanese",
    "zh": "han",
    "ru": "cyrillic",
    "uk": "cyrillic",
    "kk": "cyrillic",
    "el": "greek",
}
#: Languages written in the Arabic script, told apart by letters only one of them uses (Urdu's ٹ ڈ ڑ ں ے ہ ھ, Arabic's
#: ة ى ي ك where Urdu and Persian write ی ک; Persian and Urdu's پ چ ژ گ ی ک, which Arabic lacks), then by lingua.
SHARED_SCRIPT = {"ar": "arabic", "fa": "arabic", "ur": "arabic"}
OWN_LETTERS = {"ur": frozenset("ٹڈڑںےۓہۂھ"), "ar": frozenset("ةىيك"), "fa": frozenset()}
NOT_ARABIC = frozenset("پچژگیک")
#: Languages written in the Cyrillic script that markets use side by side (Kazakhstan: Kazakh and Russian). Kazakh
#: writes nine letters Russian never does (ә ғ қ ң ө ұ ү һ і); they decide first, then lingua choosing between the two.
SHARED_CYRILLIC = ("kk", "ru", "uk")
KAZAKH_LETTERS = frozenset("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
#: Romanian's own letters: s and t with the comma below (ș ț), which no other language the markets use writes (Turkish
#: writes ş with a cedilla). lingua reads short Romanian lines poorly (it was trained mostly on the cedilla forms), so
#: a Romanian line that carries them is Romanian unless lingua is sure it is another language.
ROMANIAN_LETTERS = frozenset("șțȘȚ")
#: Ukraine: Ukrainian writes four letters Russian never does (ґ є і ї; і is Kazakh's too), and never writes four that
#: Russian (and Kazakh) do (ё ъ ы э). A line with the latter is not Ukrainian; a line with the former is not Russian.
UKRAINIAN_LETTERS = frozenset("ґєіїҐЄІЇ")
NOT_UKRAINIAN = frozenset("ёъыэЁЪЫЭ")
#: Kazakh's letters without the і it shares with Ukrainian: a line with one of them is Kazakh, not Ukrainian.
KAZAKH_ONLY = KAZAKH_LETTERS - UKRAINIAN_LETTERS
#: lingua gives Ukrainian no chance on a line without ґ є і ї (Russian 1.00 for "Знову дощ?"), so a line with none of
#: the letters is named Russian only by lingua's statistics (below 1.00) or by a common word Russian spells this way
#: and Ukrainian never does (Ukrainian: що, ні, знову, зараз, сьогодні, тільки, де, як, або, теж, дуже...).
RUSSIAN_WORDS = frozenset({
    "что", "нет", "опять", "сейчас", "сегодня", "только", "где", "когда", "как", "если", "или", "тоже", "очень",
    "теперь", "всегда", "здесь", "хочешь", "можно", "нужно", "надо", "скачай", "бесплатно", "лучше", "лучший",
    "самый", "связь", "связи", "спасибо", "пожалуйста", "покупай", "да", "она", "они", "меня",
    "тебя", "себя", "ничего", "всего",
})  # fmt: skip
#: Letters only Czech writes among the studio's Latin-script languages (č ď ě ň ř š ť ů ž): lingua, choosing among
#: every market's language, gives a short Czech line to Malay or Swahili ("Začni zdarma s …": ms 0.46).
CZECH_LETTERS = frozenset("čďěňřšťůžČĎĚŇŘŠŤŮŽ")
SCRIPT_LANGUAGE = {"thai": "th", "arabic": "ar", "hebrew": "he", "devanagari": "hi", "tamil": "ta", "bengali": "bn"}
SCRIPT_LANGUAGE |= {"hangul": "ko", "kana": "ja", "han": "zh", "cyrillic": "ru", "greek": "el"}
#: Characters written differently in Simplified and Traditional Chinese (common in ads): simplified, traditional.
_HANS = "们这个发时说为会来对过后让买肤护见长钱东边门问间关开无们爱头脸颜湿润亮乐优惠红专业质实样点觉"
_HANT = "們這個發時說為會來對過後讓買膚護見長錢東邊門問間關開無們愛頭臉顏濕潤亮樂優惠紅專業質實樣點覺"
HANS_ONLY = frozenset(c for c, t in zip(_HANS, _HANT, strict=True) if c != t)
HANT_ONLY = frozenset(t for c, t in zip(_HANS, _HANT, strict=True) if c != t)


@dataclass(frozen=True)
class Verdict:
    """What identification found for one line: ok (True, False, None = unsure), the language seen, and why."""

    ok: bool | None
    detected: str
    why: str


@dataclass(frozen=True)
class LineProblem:
    """One line a variant cannot be published with: it is not (or not surely) in the variant's language."""

    variant_id: str
    shot_id: str
    kind: str
    text: str
    language: str
    detected: str
    why: str
    fix: str

    def describe(self) -> str:
        where = f"{self.variant_id} {self.shot_id} {self.kind}" if self.shot_id else f"{self.variant_id} {self.kind}"
        return f"{where}: \u201c{self.text}\u201d ({self.why}). Fix: {self.fix}"


def base(code: str) -> str:
    return code.split("-")[0].lower()


def script_of(ch: str) -> str | None:
    """A letter's script, with CJK split into Han, kana and Hangul (pipelines.fonts lumps them for fonts)."""
    from pipelines.fonts import script_of_char

    if not ch.isalpha():
        return None
    name = unicodedata.name(ch, "")
    if name.startswith(("HIRAGANA", "KATAKANA")) or "KATAKANA" in name:
        return "kana"
    if name.startswith("HANGUL"):
        return "hangul"
    if name.startswith("CJK"):
        return "han"
    for script in ("HEBREW", "CYRILLIC", "GREEK", "BENGALI"):
        if name.startswith(script):
            return script.lower()
    return script_of_char(ch) or ("latin" if "LATIN" in name else None)


def strip_names(text: str, names: Sequence[str]) -> str:
    """The line without brand and product names (longest first; whole words for Latin names)."""
    for name in sorted({n.strip() for n in names if n.strip()}, key=len, reverse=True):
        if name.isascii():
            text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", " ", text, flags=re.IGNORECASE)
        else:
            text = text.replace(name, " ")
    return text


def _lingua_code(code: str) -> str:
    return {"fil": "tl"}.get(base(code), base(code))


@lru_cache(maxsize=4)
def _detector(codes: tuple[str, ...]) -> LanguageDetector:
    """A lingua detector for these ISO 639-1 codes only (building from every language takes seconds)."""
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    languages = []
    for code in codes:
        iso = getattr(IsoCode639_1, code.upper(), None)
        if iso is not None:
            languages.append(Language.from_iso_code_639_1(iso))
    return LanguageDetectorBuilder.from_languages(*languages).build()


@lru_cache(maxsize=1)
def market_languages() -> tuple[str, ...]:
    """Every language the knowledge packs' markets use, plus English: the detector's candidates."""
    from studio.planning.knowledge import load_knowledge

    codes = {"en"}
    for market in load_knowledge().markets.values():
        codes |= {_lingua_code(lang.code) for lang in market.languages}
    return tuple(sorted(codes))


def detect_latin(text: str, extra: tuple[str, ...] = ()) -> list[tuple[str, float]]:
    """lingua's confidences for a line, best first, as (ISO 639-1 code, value)."""
    codes = tuple(sorted(set(market_languages()) | {_lingua_code(c) for c in extra}))
    values = _detector(codes).compute_language_confidence_values(text)
    return [(v.language.iso_code_639_1.name.lower(), v.value) for v in values]


def _same(a: str, b: str) -> bool:
    a, b = _lingua_code(a), _lingua_code(b)
    return a == b or CLOSE.get(a) == b


def identify(
    text: str, language: str, *, names: Sequence[str] = (), master: str = "", master_language: str = "en"
) -> Verdict:
    """Is `text` in `language`? See the module docstring for the rule."""
    lang = base(language)
    same = bool(master) and text.strip().casefold() == master.strip().casefold()
    if same and lang == base(master_language):
        return Verdict(True, lang, "the master line")
    if same and any(ch.isalpha() for ch in strip_names(text, list(names))):
        return Verdict(False, base(master_language), f"the {master_language} master line, untranslated")
    rest = strip_names(text, list(names))
    letters = [ch for ch in rest if ch.isalpha()]
    if not letters:
        return Verdict(True, "", "names and numbers only")
    scripts: dict[str, int] = {}
    for ch in letters:
        s = script_of(ch) or "other"
        scripts[s] = scripts.get(s, 0) + 1
    dominant = max(scripts, key=lambda s: scripts[s])
    own = OWN_SCRIPT.get(lang)
    if own is not None:
        if own == "japanese":
            share = (scripts.get("kana", 0) + scripts.get("han", 0)) / len(letters)
        else:
            share = scripts.get(own, 0) / len(letters)
        if lang == "zh" and scripts.get("kana", 0) > 0:
            return Verdict(False, "ja", "written with Japanese kana")
        if share < 0.5:
            seen = SCRIPT_LANGUAGE.get(dominant) or (_latin_language(rest) if dominant == "latin" else dominant)
            return Verdict(False, seen, f"{round(share * 100)}% of its letters in the {own} script")
        if lang == "zh":
            hans, hant = sum(ch in HANS_ONLY for ch in rest), sum(ch in HANT_ONLY for ch in rest)
            want_hant = "hant" in language.lower() or language.lower().endswith(("-tw", "-hk", "-mo"))
            if want_hant and hans > hant:
                return Verdict(False, "zh-Hans", "Simplified characters in a Traditional Chinese variant")
            if not want_hant and hant > hans:
                return Verdict(False, "zh-Hant", "Traditional characters in a Simplified Chinese variant")
        if lang in SHARED_SCRIPT:
            return _which_arabic_script_language(rest, language)
        if lang in SHARED_CYRILLIC:
            return _which_cyrillic_language(rest, language)
        return Verdict(True, language, f"{own} script")
    if dominant != "latin":
        return Verdict(False, SCRIPT_LANGUAGE.get(dominant, dominant), f"written in the {dominant} script")
    words = [w for w in re.split(r"\s+", rest) if any(ch.isalpha() for ch in w)]
    if lang == "cs" and set(rest) & CZECH_LETTERS:
        return Verdict(True, language, f"Czech letters ({''.join(sorted(set(rest) & CZECH_LETTERS))})")
    if len(words) < MIN_WORDS or len(letters) < MIN_LETTERS:
        return Verdict(None, "", f"too short to identify ({len(words)} words after names)")
    ranked = detect_latin(rest, (lang,))
    if not ranked:
        return Verdict(None, "", "no language identified")
    top, top_value = ranked[0]
    if _same(top, lang):
        return Verdict(True, top, f"identified ({top_value:.2f})")
    own_value = max((v for c, v in ranked if _same(c, lang)), default=0.0)
    romanian = sorted({ch for ch in rest if ch in ROMANIAN_LETTERS})
    if lang == "ro" and romanian and top_value < SURE:
        return Verdict(True, lang, f"Romanian letters ({''.join(romanian)}); lingua unsure ({top} {top_value:.2f})")
    if (own_value >= UNSURE_OWN or own_value >= UNSURE_SHARE * top_value) and top_value < SURE:
        return Verdict(None, top, f"{lang} {own_value:.2f} against {top} {top_value:.2f}")
    return Verdict(False, top, f"identified as {top} ({top_value:.2f})")


def _which_arabic_script_language(text: str, language: str) -> Verdict:
    """An Arabic-script line in an Arabic, Persian or Urdu variant: letters only another of them writes (and none
    of the variant language's own) say it is that language; a line of three words or more that lingua, choosing
    among the three, gives to another with confidence is that language too. Otherwise the script decides, as before
    (a two-word line such as "مفت۔" is the same in Urdu and Persian)."""
    lang = base(language)
    letters = {ch for ch in text if ch.isalpha()}
    own = letters & OWN_LETTERS[lang]
    others = {c: letters & OWN_LETTERS[c] for c in SHARED_SCRIPT if c != lang}
    if lang == "ar":
        others["fa"] = letters & NOT_ARABIC  # Persian letters (also Urdu's; ے ں ٹ... name Urdu above)
    if not own:
        seen = [c for c, found in sorted(others.items(), key=lambda kv: -len(kv[1])) if found]
        if seen:
            found = "".join(sorted(others[seen[0]]))
            who, why = seen[0], f"written with {seen[0]} letters ({found}), none of {lang}'s own"
            if lang == "ar" and who == "fa":  # letters Persian and Urdu share: lingua names which
                ranked = _detector(("fa", "ur")).compute_language_confidence_values(text)
                who = ranked[0].language.iso_code_639_1.name.lower() if ranked else who
                why = f"written with letters Arabic lacks ({found})"
            return Verdict(False, who, why)
    words = [w for w in re.split(r"\s+", text) if any(ch.isalpha() for ch in w)]
    if not own and len(words) >= MIN_WORDS:
        ranked = _detector(tuple(SHARED_SCRIPT)).compute_language_confidence_values(text)
        values = {v.language.iso_code_639_1.name.lower(): v.value for v in ranked}
        top = max(values, key=lambda c: values[c])
        if top != lang and values[top] >= SURE and values.get(lang, 0.0) < UNSURE_OWN:
            return Verdict(False, top, f"identified as {top} ({values[top]:.2f}), not {lang}")
    why = f"arabic script, {lang} letters ({''.join(sorted(own))})" if own else "arabic script"
    return Verdict(True, language, why)


def _which_cyrillic_language(text: str, language: str) -> Verdict:
    """A Cyrillic line in a Kazakh, Russian or Ukrainian variant, decided by letters first:
    - Kazakh's own letters (ә ғ қ ң ө ұ ү һ) make a line Kazakh; і alone is Kazakh's and Ukrainian's.
    - Ukrainian's ґ є ї (and і where no Kazakh letter is) make it Ukrainian; ё ъ ы э make it not Ukrainian.
    - A line with none of them: from two words, lingua choosing between the variant's language and the language the
      line looks like (Russian) decides; a one-word line is unsure ("Скачай бесплатно" in a Kazakh or Ukrainian
      variant is caught; "Тегін ойна" is Kazakh)."""
    lang = base(language)
    letters = set(text)
    kazakh_only = letters & KAZAKH_ONLY
    ukrainian = letters & UKRAINIAN_LETTERS
    ukrainian_only = ukrainian - KAZAKH_LETTERS
    not_ukrainian = letters & NOT_UKRAINIAN
    words = [w for w in re.split(r"\s+", text) if any(ch.isalpha() for ch in w)]
    if lang == "ru":
        if kazakh_only:
            return Verdict(False, "kk", f"written with Kazakh letters ({''.join(sorted(kazakh_only))})")
        if ukrainian_only:
            return Verdict(False, "uk", f"written with Ukrainian letters ({''.join(sorted(ukrainian))})")
        if ukrainian:  # і alone: Kazakh or Ukrainian, lingua says which
            who = _lingua_pick(text, ("kk", "uk"))
            return Verdict(False, who, f"written with the letter і, which Russian does not use ({who})")
        return Verdict(True, language, "cyrillic script, no Kazakh or Ukrainian letters")
    if lang == "uk":
        if kazakh_only:
            return Verdict(False, "kk", f"written with Kazakh letters ({''.join(sorted(kazakh_only))})")
        if not_ukrainian:
            found = "".join(sorted(not_ukrainian))
            return Verdict(False, "ru", f"written with letters Ukrainian never uses ({found})")
        if ukrainian:
            return Verdict(True, language, f"cyrillic script, Ukrainian letters ({''.join(sorted(ukrainian))})")
        if len(words) < 2:
            return Verdict(None, "", "one Cyrillic word with no Ukrainian letters (ґ є і ї): too short to tell")
        said = {w.strip(".,!?:;«»\"'()—–-").casefold() for w in words}
        if said & RUSSIAN_WORDS:
            found = ", ".join(sorted(said & RUSSIAN_WORDS))
            return Verdict(False, "ru", f"Russian words ({found}), no Ukrainian letters")
        values = _lingua_values(text, ("ru", "uk"))
        if values.get("ru", 0.0) >= 0.999:  # lingua's letter rule, not its statistics: it cannot tell
            return Verdict(None, "", "no Ukrainian letters (ґ є і ї) and no Russian ones or words: cannot tell")
        # Ukrainian and Russian share many whole lines ("Для дороги в метро"): a Russian verdict needs more than SURE
        return _lingua_between(text, language, "ru", "no Ukrainian letters", sure=SURE_NEIGHBOUR)
    # Kazakh
    if kazakh_only:
        return Verdict(True, language, f"cyrillic script, Kazakh letters ({''.join(sorted(kazakh_only))})")
    if ukrainian_only:
        return Verdict(
            False, "uk", f"written with Ukrainian letters ({''.join(sorted(ukrainian))}), none of Kazakh's own"
        )
    if ukrainian:  # і alone: Kazakh unless lingua is sure it is Ukrainian
        values = _lingua_values(text, ("kk", "uk"))
        if len(words) >= 2 and values.get("uk", 0.0) >= SURE and values.get("kk", 0.0) < UNSURE_OWN:
            return Verdict(False, "uk", f"identified as uk ({values['uk']:.2f}), with no Kazakh letters but і")
        return Verdict(True, language, "cyrillic script, Kazakh letters (і)")
    if len(words) < 2:
        return Verdict(None, "", "one Cyrillic word with no Kazakh letters (ә ғ қ ң ө ұ ү һ і): too short to tell")
    return _lingua_between(text, language, "ru", "no Kazakh letters")


def _lingua_values(text: str, codes: tuple[str, ...]) -> dict[str, float]:
    ranked = _detector(tuple(sorted(codes))).compute_language_confidence_values(text)
    return {v.language.iso_code_639_1.name.lower(): v.value for v in ranked}


def _lingua_pick(text: str, codes: tuple[str, ...]) -> str:
    values = _lingua_values(text, codes)
    return max(values, key=lambda c: values[c]) if values else codes[0]


def _lingua_between(text: str, language: str, other: str, why: str, sure: float = SURE) -> Verdict:
    """lingua choosing between the variant's language and `other` for a line its letters do not decide: `other` at
    `sure` or more is that language, the variant's language at SURE or more is it, anything between is unsure."""
    lang = base(language)
    values = _lingua_values(text, (lang, other))
    if values.get(other, 0.0) >= sure:
        return Verdict(False, other, f"identified as {other} ({values[other]:.2f}), with {why}")
    if values.get(lang, 0.0) >= SURE:
        return Verdict(True, language, f"identified ({values[lang]:.2f}), {why}")
    return Verdict(None, other, f"{lang} {values.get(lang, 0.0):.2f} against {other} {values.get(other, 0.0):.2f}")


def _latin_language(text: str) -> str:
    ranked = detect_latin(text) if sum(ch.isalpha() for ch in text) >= 4 else []
    return ranked[0][0] if ranked else "latin"


def brand_names(project: Project) -> list[str]:
    """Names that stay verbatim in every language: brand, product, and their written forms in `Brief.names`."""
    brief = project.brief
    names = [brief.brand, brief.product]
    for forms in brief.names.values():
        names += list(forms) + list(forms.values())
    # "Qingsi 青丝" and "Herbal Silk Shampoo" are also written in parts ("Qingsi Herbal Silk. Shop now.").
    parts = [w for n in names for w in re.split(r"\s+", n) if len(w) >= 3 or not w.isascii()]
    return list(dict.fromkeys(names + parts))


def written_lines(project: Project, variant: Variant) -> dict[str, str]:
    """Lines people wrote for this variant's language (brief copy, the market pack's calls to action) → origin."""
    out: dict[str, str] = {}
    try:
        from studio.planning.knowledge import load_knowledge

        market = load_knowledge().markets.get(variant.market)
    except Exception:  # a broken pack folder must not stop a language check
        market = None
    if market is not None:
        for code, phrases in market.call_to_action.items():
            if base(code) == base(variant.language):
                out |= {p.strip(): "market-pack" for p in phrases}
    for code, copy in project.brief.copy_by_language.items():
        if base(code) == base(variant.language):
            texts = [*copy.lines.values(), *copy.captions.values(), copy.call_to_action, copy.tagline, copy.legal]
            out |= {t.strip(): "brief-copy" for t in texts if t}
    return out


def _ensure_status(
    statuses: dict[str, LineStatus],
    kind: str,
    text: str,
    master: str,
    is_master: bool,
    edited: bool,
    written: dict[str, str],
) -> LineStatus:
    """The line's status; one is made when localize did not record it (older projects): the origin is inferred."""
    status = statuses.get(kind)
    if status is not None and status.origin == "untranslated" and edited and text.strip() != master.strip():
        status = statuses[kind] = LineStatus(origin="creator-edit", note="edited after it was marked untranslated")
    if status is None:
        if edited:
            origin = "creator-edit"
        elif text.strip() in written:
            origin = written[text.strip()]
        elif is_master:
            origin = "master"
        elif master and text.strip() == master.strip():
            origin = "untranslated"
        else:
            origin = "llm"  # the origin was not recorded: not trusted until identified or reviewed
        status = LineStatus(origin=origin)
        statuses[kind] = status
    return status


def _fix(variant: Variant, shot_id: str, kind: str) -> str:
    lang = variant.language
    if kind in ("voice-over", "caption"):
        table = "lines" if kind == "voice-over" else "captions"
        return (
            f"write the {lang} {kind} for {shot_id} (edit the shot, import a translator's file with "
            f"`qianmian translations import`, or add [copy.{lang}.{table}] to the brief)"
        )
    field = "call_to_action" if kind == "call-to-action" else "legal"
    return f"add [copy.{lang}] {field} to the brief, or edit the variant's {kind} line"


def check_variant(project: Project, variant: Variant) -> list[LineProblem]:
    """Check every line of a variant, record the verdict in its LineStatus, and list the lines it cannot publish."""
    master_language = project.brief.master_language
    is_master = base(variant.language) == base(master_language)
    names = brand_names(project)
    masters = {s.id: s for s in project.storyboard.shots} if project.storyboard else {}
    problems: list[LineProblem] = []
    written = written_lines(project, variant)

    def one(statuses: dict[str, LineStatus], shot_id: str, kind: str, text: str, master: str, edited: bool) -> None:
        if not text.strip():
            return
        status = _ensure_status(statuses, kind, text, master, is_master, edited, written)
        verdict = identify(text, variant.language, names=names, master=master, master_language=master_language)
        status.language_ok, status.detected = verdict.ok, verdict.detected
        why = verdict.why
        bad = verdict.ok is False
        if status.origin == "untranslated" and not is_master:
            bad, why = True, (why if verdict.ok is False else f"marked untranslated; {verdict.why}")
        elif verdict.ok is None and not status.reviewed and status.origin not in TRUSTED and not is_master:
            bad = True
        if bad and status.reviewed and status.origin != "untranslated" and verdict.ok is not False:
            bad = False
        if bad:
            problems.append(
                LineProblem(
                    variant.id,
                    shot_id,
                    kind,
                    text,
                    variant.language,
                    verdict.detected,
                    why,
                    _fix(variant, shot_id, kind),
                )
            )

    for shot in variant.shots:
        m = masters.get(shot.shot_id)
        one(
            shot.line_status,
            shot.shot_id,
            "voice-over",
            shot.voiceover,
            m.voiceover if m else "",
            "voiceover" in shot.overrides,
        )
        one(
            shot.line_status,
            shot.shot_id,
            "caption",
            shot.caption,
            m.on_screen_text if m else "",
            "caption" in shot.overrides,
        )
    one(variant.line_status, "", "call-to-action", variant.call_to_action, project.brief.call_to_action, False)
    one(variant.line_status, "", "legal", variant.legal, project.brief.legal, False)
    return problems


def check_project(project: Project, variant_ids: list[str] | None = None) -> dict[str, list[LineProblem]]:
    """Problems per variant (every variant when `variant_ids` is None); statuses are updated in place."""
    wanted = set(variant_ids) if variant_ids is not None else None
    return {v.id: check_variant(project, v) for v in project.variants if wanted is None or v.id in wanted}


def shot_lines(shot: LocalizedShot) -> dict[str, str]:
    return {"voice-over": shot.voiceover, "caption": shot.caption}

"""Offline phrase banks: short ad lines written in each market language, so a brief with no copy and no LLM still
speaks the market's language.

Two kinds of file under assets/knowledge/phrases/ (format in assets/knowledge/README.md):
- `<language>.toml`: lines per category (hook, problem, call to action) and per lexicon tag (benefits, pains,
  hooks for needs and occasions, proof frames for claims), each a list: the line first, shorter forms after.
- `lexicon.toml`: tag → keywords in every language (and regular expressions with a `{n}` slot for claims), so a
  selling point written in Indonesian or Chinese finds its tag too. Nothing unmatched is ever guessed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.plural import PluralRule
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from pipelines.fonts import script_of_char
from studio import paths
from studio.model.errors import ValidationFailed
from studio.planning.knowledge import read_pack

UNSPACED = {"thai", "cjk", "lao", "khmer", "myanmar"}
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
ALLOWED = {"brand", "product", "n"}
#: An ICU-style plural placeholder: `{n, plural, one {minuta} few {minuty} many {minut} other {minuty}}`. A form may
#: hold `#`, the figure itself (`{n, plural, one {mwaka #} other {miaka #}}`); a form without it names the figure in
#: words (Hebrew `two {שעתיים}`, Arabic `one {دقيقة واحدة}`). Forms hold no other braces.
PLURAL = re.compile(r"\{\s*n\s*,\s*plural\s*,((?:\s*[^\s{},]+\s*\{[^{}]*\})+)\s*\}")
BRANCH = re.compile(r"\s*([^\s{},]+)\s*\{([^{}]*)\}")
#: Every CLDR plural category (a language uses some of them; `other` always).
PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")
#: The sections of a phrase file keyed by lexicon tag, and the lexicon section each one answers.
TAGGED = {"benefits": "benefits", "pains": "pains", "hooks": "needs", "proofs": "claims"}
PREMIUM = re.compile(r"premium|luxur|elegan|refined|sophisticat|exclusive", re.IGNORECASE)
PLAYFUL = re.compile(r"playful|fun|cheeky|witty|bold|energetic|youthful", re.IGNORECASE)
PREMIUM_STYLES = {"luxury", "minimalist"}
PLAYFUL_STYLES = {"streetwear", "family", "sporty"}


@lru_cache(maxsize=64)
def number_symbols(language: str) -> tuple[str, str]:
    """The thousands separator and decimal mark a language writes figures with in Latin digits (CLDR via Babel; a
    narrow no-break space becomes a no-break space, which every caption font draws); English's for an unknown tag."""
    from babel import Locale, UnknownLocaleError
    from babel.numbers import get_decimal_symbol, get_group_symbol

    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return ",", "."
    group = get_group_symbol(locale, numbering_system="latn").replace("\u202f", "\u00a0")
    return group, get_decimal_symbol(locale, numbering_system="latn")


def plural_forms(text: str) -> list[dict[str, str]]:
    """The plural placeholders of a line, each as category → form (in the order written)."""
    return [{c: f for c, f in BRANCH.findall(m.group(1))} for m in PLURAL.finditer(text)]


def _check_plural(name: str, text: str) -> str:
    """The line without its plural placeholders, once their syntax is right (categories CLDR knows, `other` given)."""
    for m in PLURAL.finditer(text):
        said = [c for c, _ in BRANCH.findall(m.group(1))]
        unknown = [c for c in said if c not in PLURAL_CATEGORIES]
        if unknown:
            raise ValueError(
                f"{name}: unknown plural category '{unknown[0]}' in \u201c{text}\u201d (CLDR's are "
                f"{', '.join(PLURAL_CATEGORIES)})"
            )
        twice = sorted({c for c in said if said.count(c) > 1})
        if twice:
            raise ValueError(f"{name}: the plural category '{twice[0]}' is given twice in \u201c{text}\u201d")
        if "other" not in said:
            raise ValueError(
                f"{name}: the plural placeholder in \u201c{text}\u201d has no 'other' form (always needed)"
            )
    rest = PLURAL.sub("", text)
    if re.search(r"\{\s*n\s*,", rest):
        raise ValueError(
            f"{name}: malformed plural placeholder in \u201c{text}\u201d (write {{n, plural, one {{…}} other {{…}}}}, "
            "each form in braces, no braces inside a form)"
        )
    return rest


def _check_phrases(name: str, v: list[str]) -> list[str]:
    if not v:
        raise ValueError(f"{name}: give at least one line (the line first, shorter forms after)")
    for text in v:
        if not text.strip():
            raise ValueError(f"{name}: empty line")
        bad = [p for p in PLACEHOLDER.findall(_check_plural(name, text)) if p not in ALLOWED]
        if bad:
            raise ValueError(
                f"{name}: unknown placeholder {{{bad[0]}}} in \u201c{text}\u201d (use {{brand}}, {{product}}, {{n}}, "
                "{n, plural, …})"
            )
    return v


@lru_cache(maxsize=64)
def plural_rule(language: str) -> PluralRule | None:
    """CLDR's plural rule for a BCP-47 code ('es-MX', 'zh-Hans'), through Babel; None for a language Babel lacks."""
    for code in (language, language.split("-")[0]):
        try:
            return Locale.parse(code, sep="-").plural_form
        except (UnknownLocaleError, ValueError):
            continue
    return None


def plural_categories(language: str) -> set[str]:
    """The plural categories the language has (`other` always)."""
    rule = plural_rule(language)
    return (set(rule.tags) if rule else set()) | {"other"}


@lru_cache(maxsize=64)
def needed_categories(language: str) -> frozenset[str]:
    """The categories a bank line must give a form for: `other`, and every one a whole figure from 1 to 1000 falls
    in. The rest (Arabic `zero`, the `many` French, Italian, Spanish and Portuguese keep for millions) fall back to
    `other`."""
    rule = plural_rule(language)
    return frozenset({"other"} | ({rule(i) for i in range(1, 1001)} if rule else set()))


def _figure_value(n: str) -> Decimal | None:
    """The number a figure states, for its plural category: the last one written ('3-5' → 5, '1,450' → 1450,
    '2,5' and '2.5' → 2.5, '১৫' → 15); None when it states none ('IP68' states 68)."""
    found = figures(n)
    if not found:
        return None
    try:
        return Decimal(found[-1].replace(",", "."))
    except InvalidOperation:
        return None


def plural_category(language: str, n: str) -> str:
    """The CLDR category of the figure in this language ('pl', '3' → 'few'; 'pl', '5' → 'many'; 'pl', '2.5' →
    'other'; 'ar', '11' → 'many'); 'other' for no figure or a language Babel lacks."""
    rule = plural_rule(language)
    value = _figure_value(n)
    if rule is None or value is None:
        return "other"
    return str(rule(value))


def check_plurals(name: str, lines: list[str], language: str) -> None:
    """Every plural placeholder in `lines` gives a form for the categories the language needs and no other."""
    have = plural_categories(language)
    need = needed_categories(language)
    for text in lines:
        for forms in plural_forms(text):
            unknown = sorted(set(forms) - have, key=PLURAL_CATEGORIES.index)
            if unknown:
                raise ValueError(
                    f"{name}: the plural form '{unknown[0]}' in \u201c{text}\u201d is not a plural category of "
                    f"{language} (CLDR: {', '.join(sorted(have, key=PLURAL_CATEGORIES.index))})"
                )
            missing = sorted(need - set(forms), key=PLURAL_CATEGORIES.index)
            if missing:
                raise ValueError(
                    f"{name}: the plural placeholder in \u201c{text}\u201d has no '{missing[0]}' form ({language} "
                    f"needs {', '.join(sorted(need, key=PLURAL_CATEGORIES.index))})"
                )


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CategoryLines(Strict):
    """A category's own lines: said when the master line is the planner's (a category pain, a generic hook)."""

    hook: list[str]
    problem: list[str]
    cta: list[str]
    hook_playful: list[str] = Field(default_factory=list)
    hook_premium: list[str] = Field(default_factory=list)

    @field_validator("hook", "problem", "cta")
    @classmethod
    def _lines(cls, v: list[str], info: ValidationInfo) -> list[str]:
        return _check_phrases(info.field_name or "phrase", v)

    @field_validator("hook_playful", "hook_premium")
    @classmethod
    def _optional(cls, v: list[str], info: ValidationInfo) -> list[str]:
        return _check_phrases(info.field_name or "phrase", v) if v else v


class PhraseBank(Strict):
    language: str = Field(description="BCP-47 code, e.g. 'zh-Hans'.")
    aliases: list[str] = Field(default_factory=list, description="Other codes the markets use for it ('zh').")
    name: str
    reviewed: bool = Field(description="True only once a native speaker has reviewed every line.")
    note: str = ""
    brand_line: str = Field(
        default="{brand}: {line}", description="How a benefit line names the brand where the master line does."
    )
    digits: str = Field(
        default="",
        description="The zero of the digits a figure ({n}) is written in, e.g. '০' for Bengali; '' keeps the brief's.",
    )
    thousands: str = Field(
        default="",
        description="The thousands separator a figure is written with ('\u00a0' for Russian: 2 000, where "
        "'2,000' would read as two); '': the language's own (CLDR).",
    )
    decimal: str = Field(
        default="",
        description="The decimal mark a figure is written with (',' for Ukrainian and Czech: 99,5 %, where '99.5' is "
        "the English way); '': the language's own (CLDR).",
    )
    categories: dict[str, CategoryLines]
    benefits: dict[str, list[str]]
    pains: dict[str, list[str]]
    hooks: dict[str, list[str]]
    proofs: dict[str, list[str]]

    @field_validator("benefits", "pains", "hooks", "proofs")
    @classmethod
    def _tagged(cls, v: dict[str, list[str]], info: ValidationInfo) -> dict[str, list[str]]:
        for tag, lines in v.items():
            _check_phrases(tag, lines)
            if "language" in info.data:
                check_plurals(tag, lines, info.data["language"])
        return v

    @field_validator("categories")
    @classmethod
    def _category_plurals(cls, v: dict[str, CategoryLines], info: ValidationInfo) -> dict[str, CategoryLines]:
        if "language" in info.data:
            for cid, lines in v.items():
                for key in ("hook", "problem", "cta", "hook_playful", "hook_premium"):
                    check_plurals(f"{cid}.{key}", getattr(lines, key), info.data["language"])
        return v

    @field_validator("digits")
    @classmethod
    def _zero(cls, v: str) -> str:
        if v and (len(v) != 1 or unicodedata.digit(v, -1) != 0):
            raise ValueError(f"digits must be one zero digit such as '০', got \u201c{v}\u201d")
        return v

    def local_digits(self, figure: str) -> str:
        """A figure in the bank's digits ('15' → '১৫' for Bengali), thousands separator and decimal mark: the
        bank's own if it sets them, else the language's (CLDR, through Babel): '2,000' → '2 000' in Russian and
        '2.000' in German, '2.5' → '2,5' in German and Czech. A separator before exactly three digits groups
        thousands; any other between digits is the decimal mark."""
        group, mark = number_symbols(self.language)
        figure = re.sub(r"(?<=\d)[,.\s\u00a0\u202f](?=\d{3}(?!\d))", "\x00", figure)
        figure = re.sub(r"(?<=\d)[.,](?=\d)", "\x01", figure)
        figure = figure.replace("\x00", self.thousands or group).replace("\x01", self.decimal or mark)
        if not self.digits:
            return figure
        zero = ord(self.digits)
        return "".join(chr(zero + int(c)) if c.isascii() and c.isdigit() else c for c in figure)

    @field_validator("brand_line")
    @classmethod
    def _brand_line(cls, v: str) -> str:
        if "{brand}" not in v or "{line}" not in v:
            raise ValueError(f"brand_line must contain {{brand}} and {{line}}, got \u201c{v}\u201d")
        return v

    def codes(self) -> list[str]:
        return [self.language, *self.aliases]


class LexiconEntry(Strict):
    categories: list[str] = Field(default_factory=list, description="Matched first for these; empty: any category.")
    keywords: list[str] = Field(
        default_factory=list, description="Words in any language (Latin ones match at a word start, others anywhere)."
    )
    patterns: list[str] = Field(default_factory=list, description="Regular expressions; (?P<n>…) fills {n}.")
    fallback: bool = Field(
        default=False,
        description="A claim any product makes ('lasts 12 hours', 'soft'): tried only when no other tag matches, so "
        "'24-hour hydration' stays hydration for skincare.",
    )

    @field_validator("patterns")
    @classmethod
    def _compiles(cls, v: list[str]) -> list[str]:
        for p in v:
            try:
                re.compile(p)
            except re.error as e:
                raise ValueError(f"pattern {p!r} is not a valid regular expression: {e}") from e
        return v


class Lexicon(Strict):
    benefits: dict[str, LexiconEntry]
    pains: dict[str, LexiconEntry]
    needs: dict[str, LexiconEntry]
    claims: dict[str, LexiconEntry]
    ctas: dict[str, LexiconEntry] = Field(
        default_factory=dict, description="What a call to action asks (try, order, book...); no bank lines of its own."
    )

    def section(self, name: str) -> dict[str, LexiconEntry]:
        return getattr(self, name)


@dataclass(frozen=True)
class Match:
    tag: str
    slot: str = ""


def _spaced(word: str) -> bool:
    """Words of a script written with spaces between words (Latin, Devanagari, Arabic...), not Thai or Han."""
    return all(script_of_char(c) not in UNSPACED for c in word)


#: Room for every keyword of the lexicon and the category packs (4,000+ with the universal tags, each tried for
#: every line): a cache smaller than the words one plan tries is emptied in turn and recompiles every keyword.
@lru_cache(maxsize=32768)
def _keyword_re(word: str) -> re.Pattern[str]:
    """Spaced-script keywords match at a word start ('hydrat' finds 'hydrating'); three letters or fewer match
    whole words only ('uv', 'fit' but not 'fitness'); Thai, Chinese, Japanese and Korean match anywhere."""
    w = re.escape(word.lower())
    if not _spaced(word):
        return re.compile(w)
    end = r"(?![^\W_])" if len(word) <= 3 else ""
    return re.compile(rf"(?<![^\W_]){w}{end}")


def keyword_in(word: str, text: str) -> bool:
    return bool(_keyword_re(word).search(text.lower()))


#: English number words a brief may spell a figure in ('one' is not among them: 'one-touch', 'the one cream').
_WORDS: tuple[str, ...] = ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven")
_WORDS += ("twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
_NUMBERS = {w: i + 2 for i, w in enumerate(_WORDS)}
_TENS = {w: 10 * (i + 2) for i, w in enumerate(("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty"))}
_TENS["ninety"] = 90
_NUMBER_WORD = re.compile(
    rf"\b(?:(?P<tens>{'|'.join(_TENS)})(?:[-\s](?P<unit>{'|'.join(['one', *_NUMBERS][:9])}))?|"
    rf"(?P<small>{'|'.join(sorted(_NUMBERS, key=len, reverse=True))}))\b",
    re.IGNORECASE,
)


def spelled_figures(text: str) -> str:
    """English number words as digits, padded to the word's length so positions stay ('ready in three minutes' →
    'ready in 3     minutes'): the lexicon's figure patterns then read a figure the brief spelt out. 'One' is left
    alone ('one-touch', 'the one cream')."""

    def digits(m: re.Match[str]) -> str:
        if m.group("small"):
            value = _NUMBERS[m.group("small").lower()]
        else:
            unit = (m.group("unit") or "").lower()
            value = _TENS[m.group("tens").lower()] + ({"one": 1, **_NUMBERS}.get(unit, 0))
        return str(value).ljust(len(m.group(0)))

    return _NUMBER_WORD.sub(digits, text)


def _first(entry: LexiconEntry, text: str) -> tuple[int, str] | None:
    """Where the entry first matches `text` (position, {n} slot), or None. The slot is the first figure any pattern
    caught, even when a keyword matched earlier ('heats up' before '25 seconds'): a figure is never dropped. A figure
    spelt out in English ('three minutes') is read as digits."""
    found: list[tuple[int, str]] = []
    spelled = spelled_figures(text) if entry.patterns else text
    for p in entry.patterns:
        m = re.search(p, text, re.IGNORECASE) or (re.search(p, spelled, re.IGNORECASE) if spelled != text else None)
        if m:
            found.append((m.start(), re.sub(r"\s+", " ", (m.groupdict().get("n") or "").strip())))
    low = text.lower()
    for k in entry.keywords:
        m = _keyword_re(k).search(low)
        if m:
            found.append((m.start(), ""))
    if not found:
        return None
    slot = next((f[1] for f in found if f[1]), "")
    return min(f[0] for f in found), slot


def match(lexicon: Lexicon, section: str, text: str, category: str, hints: list[str] | None = None) -> Match | None:
    """The tag the text talks about first: the earliest keyword or pattern in the text wins (a selling point leads
    with what it sells); on a tie, this category's tags before generic ones; fallback tags only when none matches.
    Tags kept for other categories are not tried ('minutes' means a lesson for education, not for noodles).

    `hints` (tags the planner already matched, e.g. a category benefit id) are used only when no keyword matches
    and the tag exists for this category; text nothing matches returns None and stays untranslated.
    """
    entries = lexicon.section(section)
    order = [t for t, e in entries.items() if category in e.categories]
    order += [t for t, e in entries.items() if not e.categories]
    for tier in (False, True):  # the fallback tags (claims any product makes) only when nothing else matches
        best: tuple[int, int, str, str] | None = None
        for rank, tag in enumerate(order):
            if entries[tag].fallback != tier:
                continue
            hit = _first(entries[tag], text)
            if hit and (best is None or (hit[0], rank) < best[:2]):
                best = (hit[0], rank, tag, hit[1])
        if best:
            return Match(best[2], best[3])
    for tag in hints or []:
        if tag in order and (entries[tag].keywords or not entries[tag].patterns):
            return Match(tag)
    return None


@dataclass(frozen=True)
class Banks:
    root: Path
    lexicon: Lexicon
    banks: dict[str, PhraseBank]

    def bank(self, *codes: str) -> PhraseBank | None:
        """The bank for the first code that names one (exact code, alias, then the code without its region)."""
        by_code = {c.lower(): b for b in self.banks.values() for c in b.codes()}
        for code in codes:
            for key in (code.lower(), code.split("-")[0].lower()):
                if key in by_code:
                    return by_code[key]
        return None


def _read(path: Path, model: type[Strict]) -> Strict:
    return read_pack(path, model, "Phrase file", "(Phrase banks)")


@lru_cache(maxsize=4)
def _load(folder: Path) -> Banks:
    lexicon_path = folder / "lexicon.toml"
    if not lexicon_path.is_file():
        raise ValidationFailed(
            f"Phrase banks in {folder} have no lexicon.toml.", "Restore assets/knowledge/phrases/lexicon.toml."
        )
    lexicon = _read(lexicon_path, Lexicon)
    assert isinstance(lexicon, Lexicon)
    banks: dict[str, PhraseBank] = {}
    for path in sorted(folder.glob("*.toml")):
        if path.name == "lexicon.toml":
            continue
        bank = _read(path, PhraseBank)
        assert isinstance(bank, PhraseBank)
        if path.stem != bank.language:
            raise ValidationFailed(
                f"Phrase file {path}: language = '{bank.language}' but the file is named {path.name}.",
                f"Name the file {bank.language}.toml, or fix `language`.",
            )
        for section, lex_section in TAGGED.items():
            unknown = sorted(set(getattr(bank, section)) - set(lexicon.section(lex_section)))
            if unknown:
                raise ValidationFailed(
                    f"Phrase file {path}: [{section}] has tags the lexicon does not know: {', '.join(unknown)}.",
                    f"Add them to [{lex_section}] in {lexicon_path.name}, or fix the spelling.",
                )
        banks[bank.language] = bank
    return Banks(folder, lexicon, banks)


def phrases_dir(knowledge_root: Path | None = None) -> Path:
    return (knowledge_root or paths.knowledge_dir()).resolve() / "phrases"


def load_banks(knowledge_root: Path | None = None) -> Banks:
    """Every phrase bank and the lexicon under `<knowledge>/phrases`, validated and cached."""
    return _load(phrases_dir(knowledge_root))


def clear_cache() -> None:
    _load.cache_clear()


def missing_keys(bank: PhraseBank, lexicon: Lexicon, categories: list[str]) -> list[str]:
    """What this bank lacks: a category's lines or a lexicon tag's line (the completeness check)."""
    out = [f"categories.{c}" for c in categories if c not in bank.categories]
    for section, lex_section in TAGGED.items():
        have = getattr(bank, section)
        out += [f"{section}.{t}" for t in lexicon.section(lex_section) if t not in have]
    return out


def voice_of(tone: str, style_id: str | None) -> str:
    """'premium', 'playful' or '' from the segment's style and the brief's tone."""
    if style_id in PREMIUM_STYLES or PREMIUM.search(tone):
        return "premium"
    if style_id in PLAYFUL_STYLES or PLAYFUL.search(tone):
        return "playful"
    return ""


def has_figure(text: str) -> bool:
    """The line says a figure: `{n}` or a plural placeholder."""
    return "{n}" in text or bool(PLURAL.search(text))


def for_slot(lines: list[str], slot: str) -> list[str]:
    """The lines that can say this slot: with a figure, only the lines that carry it ({n}) when there are any;
    without one, only the lines that need none (an empty {n} would leave a hole in the line)."""
    if slot:
        return [t for t in lines if has_figure(t)] or lines
    return [t for t in lines if not has_figure(t)]


def figures(text: str) -> list[str]:
    """The numbers a line states, as plain digits ('1,450 ppm' → '1450'; '2,5' → '2.5'; Arabic-Indic digits read as
    digits)."""
    text = "".join(str(unicodedata.digit(c)) if c.isdigit() else c for c in text)
    text = re.sub(r"(?<=\d)[.,\s\u00a0](?=\d{3}\b)", "", text)
    return [f.replace(",", ".") for f in re.findall(r"\d+(?:[.,]\d+)?", text)]  # 99,5 and 99.5 are one figure


def _plural(text: str, n: str, language: str, category: str = "") -> str:
    """Each plural placeholder replaced by the form for the figure (its `#` becoming `{n}`), or for `category`."""
    if "plural" not in text:
        return text
    category = category or (plural_category(language, n) if language else "other")

    def form(m: re.Match[str]) -> str:
        forms: dict[str, str] = {c: f for c, f in BRANCH.findall(m.group(1))}
        return forms.get(category, forms["other"]).replace("#", "{n}")

    return PLURAL.sub(form, text)


def fill(text: str, brand: str, product: str, n: str = "", language: str = "") -> str:
    """The line with the brief's names and the figure; a plural placeholder takes the form CLDR's rule for
    `language` gives the figure (a decimal such as 2.5 gets the decimal rule, often `other`; no language or no
    figure: `other`). The figure may be in the bank's digits ('১৫'): its value decides."""
    text = _plural(text, n, language)
    return text.replace("{brand}", brand).replace("{product}", product).replace("{n}", n)


def plural_variants(text: str) -> list[str]:
    """The line once per plural category its placeholders give (`#` as `{n}`); the line itself when it has none.
    For checks that want every wording a bank can produce."""
    cats = [c for c in PLURAL_CATEGORIES if any(c in forms for forms in plural_forms(text))]
    return [_plural(text, "", "", c) for c in cats] if cats else [text]


def figure_in_words(text: str, n: str, language: str) -> bool:
    """The filled line names the figure in words, not digits (Hebrew 'שעתיים' for 2 hours, Arabic 'دقيقة واحدة'):
    the line has plural placeholders and the forms taken for `n` write no `#`, nor does the line write `{n}`."""
    if not n or not PLURAL.search(text):
        return False
    return "{n}" not in _plural(text, n, language)

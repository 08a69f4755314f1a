"""Knowledge packs: TOML files under assets/knowledge/ that a creative team extends without touching code.

One file per market, category, story structure and segment style; each is validated here and a bad file is
reported by name and field. Packs are loaded once per folder and cached (planning must stay well under a second).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from studio import paths
from studio.model.errors import ValidationFailed
from studio.model.store import format_validation_error

HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


class Pack(BaseModel):
    """Unknown keys are errors, so a misspelt field in a pack never disappears silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class SpeechRate(Pack):
    """How fast a voice-over is read in a language: `per_second` units, counting words or characters."""

    unit: Literal["words", "characters"]
    per_second: float = Field(gt=0)


class Language(Pack):
    code: str = Field(description="BCP-47, e.g. 'th', 'zh', 'pt-BR'.")
    name: str
    script: str = Field(description="Writing system, e.g. 'Thai', 'Latin', 'Han', 'Arabic'.")
    direction: Literal["ltr", "rtl"] = "ltr"
    speech_rate: SpeechRate


class Holiday(Pack):
    name: str
    when: str
    note: str = ""


class Platform(Pack):
    name: str
    idioms: list[str] = Field(default_factory=list, description="How people talk there, in the local language.")


class Formats(Pack):
    number: str
    currency: str
    currency_code: str
    date: str


class Market(Pack):
    code: str
    name: str
    languages: list[Language] = Field(min_length=1)
    climate: str
    seasons: list[str] = Field(default_factory=list)
    home: str = Field(description="Where at-home beats (problem, solution) are set.")
    settings: list[str] = Field(min_length=1, description="Places a shot can be set, most typical first.")
    motifs: list[str] = Field(min_length=1)
    palette: list[str] = Field(min_length=2)
    palette_words: str = Field(default="", description="The palette in words, for image prompts.")
    talent: list[str] = Field(min_length=1, description="Short, prompt-ready descriptions of local talent.")
    casting: list[str] = Field(min_length=1, description="Who to cast, respectfully and specifically.")
    wardrobe: list[str] = Field(min_length=1)
    wardrobe_men: list[str] = Field(default_factory=list, description="Used when the talent is a man.")
    modesty: str
    prompt_modesty: str = Field(default="", description="Added to wardrobe in prompts where modest dress is expected.")
    head_covering: str = Field(
        default="", description="Worn by adult women cast in this market's ads, e.g. 'hijab' (empty: none asked)."
    )
    negative: list[str] = Field(default_factory=list, description="Never in an image for this market.")
    holidays: list[Holiday] = Field(default_factory=list)
    shopping_moments: list[str] = Field(default_factory=list)
    platforms: list[Platform] = Field(default_factory=list)
    call_to_action: dict[str, list[str]] = Field(description="CTA phrases per language code, in that language.")
    formats: Formats
    dos: list[str] = Field(default_factory=list)
    donts: list[str] = Field(default_factory=list)
    context: dict[str, list[str]] = Field(
        default_factory=dict, description="Local context per category id ('*' for every category)."
    )

    @field_validator("palette")
    @classmethod
    def _hex(cls, v: list[str]) -> list[str]:
        bad = [c for c in v if not HEX.match(c)]
        if bad:
            raise ValueError(f"colours must be #rrggbb, got {bad}")
        return v

    @model_validator(mode="after")
    def _cta_languages(self) -> Market:
        missing = [lang.code for lang in self.languages if lang.code not in self.call_to_action]
        if missing:
            raise ValueError(f"call_to_action has no phrases for language(s) {missing}")
        return self

    def language(self, code: str | None) -> Language:
        """The pack's entry for a language (by code or its primary subtag); default: the first language."""
        if code is None:
            return self.languages[0]
        for lang in self.languages:
            if lang.code.lower() == code.lower():
                return lang
        primary = code.split("-")[0].lower()
        for lang in self.languages:
            if lang.code.split("-")[0].lower() == primary:
                return lang
        return self.languages[0]


class Benefit(Pack):
    """A benefit the category sells, the words that reveal it in a brief, and how to show it."""

    id: str
    keywords: list[str] = Field(min_length=1)
    visual: str
    proof: str = ""


class ClaimCaution(Pack):
    pattern: str = Field(description="A case-insensitive regular expression matched against copy.")
    reason: str

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, v: str) -> str:
        try:
            re.compile(v)
        except re.error as e:
            raise ValueError(f"not a valid regular expression: {e}") from e
        return v


class Pain(Pack):
    """A pain point with an id (so lines and phrase banks can name it), the words that make it relevant and, when it
    only fits some audiences, the segment words it is for (kids' pains never reach a parents-only segment)."""

    id: str
    text: str
    keywords: list[str] = Field(default_factory=list, description="Brief or segment words that make it relevant.")
    segments: list[str] = Field(default_factory=list, description="Only for segments whose words include one of these.")
    visual: str = Field(default="", description="How the problem shot shows it (default: the category's).")


class Category(Pack):
    id: str
    name: str
    aliases: list[str] = Field(default_factory=list)
    needs: list[str] = Field(min_length=1)
    pain_points: list[str] = Field(default_factory=list, description="Plain pains (ids pain-1, pain-2...).")
    pains: list[Pain] = Field(default_factory=list, description="Pains with ids, keywords and segments.")
    benefits: list[Benefit] = Field(min_length=1)
    beat_visuals: dict[str, str] = Field(default_factory=dict, description="Default visual per story beat.")
    product_shot: str
    home_beats: list[str] = Field(default_factory=lambda: ["problem", "solution"], description="Beats set at home.")
    props: list[str] = Field(default_factory=list)
    claim_cautions: list[ClaimCaution] = Field(default_factory=list)
    negative: list[str] = Field(default_factory=list)
    wardrobe: list[str] = Field(
        default_factory=list, description="What people wear in this category's scenes (runners in running kit)."
    )
    wardrobe_men: list[str] = Field(default_factory=list)
    visual_words: list[str] = Field(
        default_factory=list, description="Words only this category's pictures use: no other category's shot may."
    )

    @model_validator(mode="after")
    def _some_pain(self) -> Category:
        if not self.pain_points and not self.pains:
            raise ValueError("give at least one pain: pain_points = [...] or [[pains]] id/text")
        ids = [p.id for p in self.all_pains()]
        if len(set(ids)) != len(ids):
            raise ValueError(f"pain ids must be unique, got {ids}")
        return self

    def all_pains(self) -> list[Pain]:
        """[[pains]] first, then the plain `pain_points` as pains with ids pain-1, pain-2..."""
        return list(self.pains) + [Pain(id=f"pain-{i + 1}", text=t) for i, t in enumerate(self.pain_points)]


class Beat(Pack):
    beat: str
    seconds: float = Field(gt=0)
    purpose: str
    framing: Literal["wide", "medium", "close-up", "extreme-close-up", "product"] = "medium"
    camera: Literal["static", "push-in", "pull-out", "pan-left", "pan-right", "tilt-up", "tilt-down"] = "static"
    transition: Literal["cut", "crossfade"] = "cut"
    sound: str = ""
    serves: list[str] = Field(default_factory=list, description="Insight kinds this beat cites.")


class Structure(Pack):
    id: str
    name: str
    duration_s: float = Field(gt=0)
    beats: list[Beat] = Field(min_length=2)

    @model_validator(mode="after")
    def _sums(self) -> Structure:
        total = sum(b.seconds for b in self.beats)
        if abs(total - self.duration_s) > 0.01:
            raise ValueError(f"beats add up to {total:g} s but duration_s is {self.duration_s:g}")
        if self.beats[0].beat != "hook" or self.beats[0].seconds > 2:
            raise ValueError("the first beat must be a 'hook' of at most 2 s")
        return self


class Style(Pack):
    """An audience-segment look that overrides the market's visuals (wardrobe, setting, palette, motifs)."""

    id: str
    name: str
    aliases: list[str] = Field(default_factory=list)
    description: str
    wardrobe: list[str] = Field(min_length=1)
    wardrobe_men: list[str] = Field(default_factory=list, description="Used when the talent is a man.")
    home: str = ""
    settings: list[str] = Field(default_factory=list)
    lead_settings: bool = Field(default=False, description="Style settings come before the market's.")
    motifs: list[str] = Field(default_factory=list)
    palette: list[str] = Field(default_factory=list)
    palette_words: str = ""
    look: str = Field(description="Words added to every image prompt of the segment.")
    talent: str = ""
    needs: list[str] = Field(default_factory=list)
    platform_voice: list[str] = Field(default_factory=list)
    negative: list[str] = Field(default_factory=list)

    @field_validator("palette")
    @classmethod
    def _hex(cls, v: list[str]) -> list[str]:
        bad = [c for c in v if not HEX.match(c)]
        if bad:
            raise ValueError(f"colours must be #rrggbb, got {bad}")
        return v


AgeGroup = Literal["baby", "child", "teen", "young-adult", "adult", "senior"]


class Occasion(Pack):
    """A moment a segment lives in (iftar table, race day, school run): read from the segment's words."""

    id: str
    name: str = Field(description="Short, prompt-ready, e.g. 'iftar table at sunset'.")
    keywords: list[str] = Field(min_length=1, description="Segment words that name it (matched case-insensitively).")
    ages: list[AgeGroup] = Field(
        default_factory=list,
        description="Fits only segments read as these age groups (university students are not back at school).",
    )
    setting: str = Field(description="Where the segment's shots are set.")
    at_home: bool = Field(default=False, description="The occasion is at home: at-home beats use its setting too.")
    insight: str = Field(description="What the moment means for the audience (a cited local-context insight).")
    hook: str = Field(default="", description="An English hook line in the planner's own words.")
    needs: list[str] = Field(default_factory=list)
    props: list[str] = Field(default_factory=list)
    motifs: list[str] = Field(default_factory=list)
    wardrobe: list[str] = Field(default_factory=list, description="Wins over the category's and market's wardrobe.")
    wardrobe_men: list[str] = Field(default_factory=list)
    mood: str = Field(default="", description="Light and mood words added to the prompt.")
    festive: bool = Field(default=False, description="Festive dress ('... for festive scenes' wardrobe) fits it.")


class Occasions(Pack):
    occasions: list[Occasion] = Field(default_factory=list)


class CastPart(Pack):
    role: str
    age: AgeGroup = "young-adult"
    gender: Literal["woman", "man", "person"] = "person"


class CastGroup(Pack):
    """Who a segment is (grandparents raising grandchildren, parents of young kids) and who is in its shots."""

    id: str
    keywords: list[str] = Field(min_length=1)
    cast: list[CastPart] = Field(min_length=1, description="The lead first.")
    needs: list[str] = Field(default_factory=list)
    barriers: list[str] = Field(default_factory=list)


class Casting(Pack):
    groups: list[CastGroup] = Field(default_factory=list)
    gender: dict[Literal["woman", "man"], list[str]] = Field(default_factory=dict)
    skin_tone: dict[Literal["light", "medium", "olive", "brown", "dark"], list[str]] = Field(default_factory=dict)
    age: dict[AgeGroup, list[str]] = Field(default_factory=dict)
    people: list[str] = Field(default_factory=list, description="Heritage words kept as written ('Latino', 'Malay').")


@lru_cache(maxsize=4096)
def _word_re(word: str) -> re.Pattern[str]:
    w = word.lower()
    stem = rf"{re.escape(w[:-1])}(?:y|ies)" if re.search(r"[^aeiou]y$", w) else rf"{re.escape(w)}(?:s|es)?"
    return re.compile(rf"(?<![\w-]){stem}(?![\w-])")


def mentions(text: str, word: str) -> bool:
    """`word` (or its plural) as a whole word or phrase in `text`, case-insensitively: 'runner' finds 'runners',
    'children' is not found in 'grandchildren'."""
    return bool(_word_re(word).search(text.lower()))


def normalise_name(name: str) -> str:
    """'Apparel/Outdoor', 'apparel - outdoor' and 'apparel & outdoor' all read 'apparel outdoor'."""
    return " ".join(re.split(r"[\s/\\&+_,.\-]+", name.strip().lower())).strip()


class MarketTable(dict[str, Market]):
    """Markets by code; 'th' finds 'TH' (briefs and callers spell codes either way)."""

    def __getitem__(self, code: str) -> Market:
        return super().__getitem__(code.upper())

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and super().__contains__(code.upper())

    def get(self, code: str, default: Market | None = None) -> Market | None:  # type: ignore[override]
        return super().get(code.upper(), default)


@dataclass(frozen=True)
class Knowledge:
    root: Path
    markets: dict[str, Market]
    categories: dict[str, Category]
    structures: dict[str, Structure]
    styles: dict[str, Style]
    occasions: tuple[Occasion, ...] = ()
    casting: Casting = field(default_factory=Casting)

    def category(self, name: str) -> Category | None:
        """By id or alias, case-insensitively, with / - & and spaces normalised ('Beauty/Skincare' → skincare)."""
        key = normalise_name(name)
        for c in self.categories.values():
            if key == normalise_name(c.id) or key in (normalise_name(a) for a in c.aliases):
                return c
        return None

    def style(self, name: str) -> Style | None:
        key = name.strip().lower()
        for s in self.styles.values():
            if key == s.id or key in (a.lower() for a in s.aliases):
                return s
        return None

    def structure_for(self, duration_s: float) -> Structure:
        """The structure whose length is nearest the brief's (its beats are then scaled to fit exactly)."""
        return min(self.structures.values(), key=lambda s: (abs(s.duration_s - duration_s), s.duration_s))


M = TypeVar("M", bound=BaseModel)
KINDS: dict[str, type[Pack]] = {"markets": Market, "categories": Category, "structures": Structure, "styles": Style}


def read_pack(path: Path, model: type[M], what: str = "Knowledge pack", readme: str = "") -> M:
    """One TOML file of the knowledge folder, validated: errors name the file, each bad field and where the format
    is documented (`readme`: the README section, e.g. "(Phrase banks)")."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise ValidationFailed(
            f"{what} {path} cannot be read: {e}",
            "Fix the TOML syntax at that position (a missing quote or comma is the usual cause).",
        ) from e
    try:
        return model.model_validate(data)
    except ValidationError as e:
        where = f"assets/knowledge/README.md {readme}".strip()
        raise ValidationFailed(
            format_validation_error(f"{what} {path}", e), f"Fix the fields listed above; {where} documents every field."
        ) from e


def _load_file(path: Path, model: type[Pack]) -> Pack:
    return read_pack(path, model)


def _key(pack: Pack) -> str:
    return pack.code.upper() if isinstance(pack, Market) else pack.id  # type: ignore[attr-defined]


@lru_cache(maxsize=8)
def _load(root: Path) -> Knowledge:
    found: dict[str, dict[str, Pack]] = {}
    for kind, model in KINDS.items():
        packs: dict[str, Pack] = {}
        for path in sorted((root / kind).glob("*.toml")):
            pack = _load_file(path, model)
            key = _key(pack)
            if key in packs:
                raise ValidationFailed(
                    f"Knowledge pack {path} repeats {kind} id '{key}'.", "Give each pack its own id."
                )
            packs[key] = pack
        found[kind] = packs
    markets = MarketTable(found["markets"])  # type: ignore[arg-type]
    occasions = root / "occasions.toml"
    casting = root / "casting.toml"
    return Knowledge(
        root,
        markets,
        found["categories"],  # type: ignore[arg-type]
        found["structures"],  # type: ignore[arg-type]
        found["styles"],  # type: ignore[arg-type]
        tuple(_load_file(occasions, Occasions).occasions) if occasions.exists() else (),  # type: ignore[attr-defined]
        _load_file(casting, Casting) if casting.exists() else Casting(),  # type: ignore[arg-type]
    )


def load_knowledge(root: Path | None = None) -> Knowledge:
    """All packs under `root` (default: assets/knowledge), validated and cached."""
    return _load(_resolved(root or paths.knowledge_dir()))


@lru_cache(maxsize=64)
def _resolved(path: Path) -> Path:
    return path.resolve()


def clear_cache() -> None:
    _load.cache_clear()
    _resolved.cache_clear()


#: "the product" as a pack's pictures say it (a whole phrase: not "the products", not "the production line").
THE_PRODUCT = re.compile(r"\bthe product\b", re.IGNORECASE)


def names_no_product(category: Category) -> bool:
    """The pack draws 'the product' without saying what it is (home, general): its product shot starts so."""
    return bool(re.match(r"the product\b", category.product_shot.strip(), re.IGNORECASE))


def name_product(text: str, category: Category, product: str) -> str:
    """A picture of 'the product' in a pack that draws no product of its own (general, home) names the brief's
    product instead ('the Soffi Dry overnight diapers in use'); other packs' pictures are kept as written."""
    if not product.strip() or not names_no_product(category):
        return text
    return THE_PRODUCT.sub(lambda _: f"the {product.strip()}", text)

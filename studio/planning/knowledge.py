"""Knowledge packs: TOML files under assets/knowledge/ that a creative team extends without touching code.

One file per market, category, story structure and segment style; each is validated here and a bad file is
reported by name and field. Packs are loaded once per folder and cached (planning must stay well under a second).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

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


class Category(Pack):
    id: str
    name: str
    aliases: list[str] = Field(default_factory=list)
    needs: list[str] = Field(min_length=1)
    pain_points: list[str] = Field(min_length=1)
    benefits: list[Benefit] = Field(min_length=1)
    beat_visuals: dict[str, str] = Field(default_factory=dict, description="Default visual per story beat.")
    product_shot: str
    home_beats: list[str] = Field(default_factory=lambda: ["problem", "solution"], description="Beats set at home.")
    props: list[str] = Field(default_factory=list)
    claim_cautions: list[ClaimCaution] = Field(default_factory=list)
    negative: list[str] = Field(default_factory=list)


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

    def category(self, name: str) -> Category | None:
        key = name.strip().lower()
        for c in self.categories.values():
            if key == c.id or key in (a.lower() for a in c.aliases):
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


KINDS: dict[str, type[Pack]] = {"markets": Market, "categories": Category, "structures": Structure, "styles": Style}


def _load_file(path: Path, model: type[Pack]) -> Pack:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise ValidationFailed(
            f"Knowledge pack {path} cannot be read: {e}",
            "Fix the TOML syntax at that position (a missing quote or comma is the usual cause).",
        ) from e
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise ValidationFailed(
            format_validation_error(f"Knowledge pack {path}", e),
            "Fix the fields listed above; assets/knowledge/README.md documents every field.",
        ) from e


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
    return Knowledge(root, markets, found["categories"], found["structures"], found["styles"])  # type: ignore[arg-type]


def load_knowledge(root: Path | None = None) -> Knowledge:
    """All packs under `root` (default: assets/knowledge), validated and cached."""
    return _load((root or paths.knowledge_dir()).resolve())


def clear_cache() -> None:
    _load.cache_clear()

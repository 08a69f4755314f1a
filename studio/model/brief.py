"""The audience brief: what the campaign sells, to whom, where, and under which rules."""

from __future__ import annotations

from collections import Counter
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from studio.model.brand import BrandFile, BrandKit
from studio.model.ids import _BAD_TEXT, TEXT_PRECHECKED, SafeId, slug, text_problems
from studio.model.language_tags import check_language_tag

AspectRatio = Literal["9:16", "1:1", "16:9"]

#: Output size for each aspect ratio (platform delivery sizes).
ASPECT_SIZES: dict[str, tuple[int, int]] = {"9:16": (1080, 1920), "1:1": (1080, 1080), "16:9": (1920, 1080)}


class Strict(BaseModel):
    """Unknown keys are errors: a typo in a brief must not be silently ignored."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    @model_validator(mode="after")
    def _clean_text(self) -> Strict:
        refuse_bad_text(self)
        return self


def refuse_bad_text(model: BaseModel) -> None:
    """No lone surrogates or control characters in any text field (they break saving, voices and subtitles)."""
    if TEXT_PRECHECKED.get():
        return
    for name in type(model).model_fields:
        value = getattr(model, name, None)
        if isinstance(value, str):
            if _BAD_TEXT.search(value):
                raise ValueError(f"{name} {text_problems(value)[0][1]}")
        elif isinstance(value, list | dict) and value:
            problems = text_problems(value)
            if problems:
                raise ValueError(
                    f"{name}{'' if problems[0][0].startswith('[') else '.'}{problems[0][0]} {problems[0][1]}"
                )


def _toml(table: str, rows: list[dict[str, str]]) -> str:
    """A TOML snippet a creator can paste: one [[table]] per row."""
    out: list[str] = []
    for row in rows:
        out.append(f"[[{table}]]")
        out += [f'{k} = "{v}"' for k, v in row.items()]
        out.append("")
    return "\n".join(out).rstrip()


class MarketTarget(Strict):
    """A market the campaign runs in, and the language its variants speak."""

    code: str = Field(description="Market code from the knowledge packs, e.g. 'TH'.")
    language: str | None = Field(
        default=None, description="BCP-47 language, e.g. 'th'. Default: the market pack's first language."
    )

    @model_validator(mode="before")
    @classmethod
    def _shape(cls, data: object) -> object:
        """Say what to write when a market is written the way people often write it ('country', a bare code)."""
        if isinstance(data, dict) and "code" not in data:
            for wrong in ("country", "market", "country_code", "region"):
                if wrong in data:
                    row = {"code": str(data[wrong]).upper(), **{k: str(v) for k, v in data.items() if k != wrong}}
                    raise ValueError(f"a market is named by `code`, not `{wrong}`. Write:\n{_toml('markets', [row])}")
        return data

    @field_validator("code")
    @classmethod
    def _upper(cls, v: str) -> str:
        return v.strip().upper()

    @field_validator("language")
    @classmethod
    def _bcp47(cls, v: str | None) -> str | None:
        return None if v is None else check_language_tag(v)


class Segment(Strict):
    """An audience segment; `style` names a segment-style pack that overrides visuals (e.g. 'guochao')."""

    id: SafeId
    name: str
    description: str = ""
    style: str | None = None
    markets: list[str] = Field(default_factory=list, description="Limit to these market codes; empty = all.")
    insight_hint: str = Field(
        default="",
        description="What the team knows about this segment (a source for insights, never spoken as copy).",
    )

    @model_validator(mode="before")
    @classmethod
    def _shape(cls, data: object) -> object:
        """A segment without an id (or named by `title`/`label`) gets the exact table to write instead."""
        if isinstance(data, dict) and "id" not in data:
            name = str(data.get("name") or data.get("title") or data.get("label") or data.get("description") or "")
            row = {"id": slug(name) if name else "my-segment", "name": name or "My segment"}
            row |= {k: str(v) for k, v in data.items() if k in ("description", "style")}
            raise ValueError(
                "each segment needs an `id` (short, lower-case, used in variant ids such as `my-<id>`). Write:\n"
                + _toml("segments", [row])
            )
        return data


class SuppliedCopy(Strict):
    """Copy written by the creative team for one language; used as written, never machine-changed."""

    lines: dict[str, str] = Field(default_factory=dict, description="Voice-over by beat ('hook', 'cta'...).")
    captions: dict[str, str] = Field(default_factory=dict, description="On-screen text by beat.")
    call_to_action: str | None = None
    tagline: str | None = None
    legal: str | None = None


#: A consent note shorter than this says nothing (e.g. "ok"): the creator writes who agreed to what.
MIN_CONSENT_CHARS = 8


class PresenterPlan(Strict):
    """Beats a presenter says to camera, and who presents in each market (a described talent, or a supplied photo
    of a real person whose consent the creator records: the note is kept with every presenter take)."""

    beats: list[str] = Field(
        default_factory=list,
        description="Story beats a presenter says to camera, e.g. ['hook', 'cta']; none: no presenter.",
    )
    talent: dict[str, str] = Field(
        default_factory=dict,
        description="Per market code, who presents, e.g. VN = 'Vietnamese pharmacist in her thirties, warm smile'.",
    )
    portraits: dict[str, BrandFile] = Field(
        default_factory=dict,
        description="Per market code, a photo of the presenter (PNG/JPEG/WebP, relative to the brief file).",
    )
    consent: str = Field(
        default="",
        description="With portraits: who agreed to their likeness being used in these ads, and how (kept with takes).",
    )

    @field_validator("beats")
    @classmethod
    def _beat_names(cls, v: list[str]) -> list[str]:
        out: list[str] = []
        for i, beat in enumerate(v):
            name = beat.strip().lower()
            if not name:
                raise ValueError(f"beats[{i}] is empty; name a story beat such as 'hook' or 'cta', or remove it")
            if name in out:
                raise ValueError(f"beats lists {name!r} twice; list each beat once")
            out.append(name)
        return out

    @field_validator("talent", "portraits")
    @classmethod
    def _market_keys(cls, v: dict[str, object]) -> dict[str, object]:
        return {k.strip().upper(): x for k, x in v.items()}

    @model_validator(mode="after")
    def _consent_for_portraits(self) -> PresenterPlan:
        if self.portraits and len(self.consent.strip()) < MIN_CONSENT_CHARS:
            markets = ", ".join(self.portraits)
            raise ValueError(
                f"consent is missing: presenter.portraits ({markets}) are real people's likenesses. Write who agreed, "
                'to what and when, e.g. consent = "Signed model release from Linh Tran, 2026-11-30, ads in VN"'
            )
        return self


class Brief(Strict):
    brand: str
    product: str
    category: str = Field(description="Category pack id, e.g. 'skincare'.")
    selling_points: list[str] = Field(min_length=1)
    mandatory_claims: list[str] = Field(default_factory=list)
    forbidden_claims: list[str] = Field(default_factory=list)
    markets: list[MarketTarget] = Field(min_length=1)
    segments: list[Segment] = Field(min_length=1)
    master_language: str = "en"
    duration_s: float = Field(default=15.0, gt=2, le=180)
    aspect_ratios: list[AspectRatio] = Field(default_factory=lambda: list[AspectRatio](["9:16"]))
    platforms: list[str] = Field(
        default_factory=list, description="Target ad placements (assets/knowledge/platforms.toml), e.g. 'tiktok'."
    )
    tone: str = "confident, warm"
    call_to_action: str = "Shop now"
    legal: str = ""
    copy_by_language: dict[str, SuppliedCopy] = Field(
        default_factory=dict, alias="copy", description="Supplied copy per BCP-47 language."
    )
    notes: str = ""
    names: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description="Per language, how a brand or product name is written there, e.g. ja = { Lumi = 'ルミ' }.",
    )
    pronunciations: dict[str, dict[str, str]] = Field(
        default_factory=dict,
        description="Per language, how the voice reads a name when it differs from how it is written.",
    )
    brand_kit: BrandKit | None = Field(
        default=None, description="Logo, colours, fonts and product photos (paths relative to the brief file)."
    )
    presenter: PresenterPlan | None = Field(
        default=None, description="Beats told by a presenter to camera, and each market's presenter (talent or photo)."
    )

    model_config = ConfigDict(extra="forbid", validate_assignment=True, populate_by_name=True)

    @field_validator("segments", mode="before")
    @classmethod
    def _segment_tables(cls, v: object) -> object:
        """Segments written as strings (`segments = ["first-time runners"]`) get the tables to write instead."""
        if isinstance(v, str):
            v = [v]
        if isinstance(v, list) and any(isinstance(x, str) for x in v):
            rows = [
                {"id": slug(x), "name": x, "description": f"who they are, what they do, where ({x})"}
                for x in v
                if isinstance(x, str)
            ]
            raise ValueError(
                "segments are tables with an id, a name and a description, not strings. Write:\n"
                + _toml("segments", rows)
            )
        return v

    @field_validator("markets", mode="before")
    @classmethod
    def _market_tables(cls, v: object) -> object:
        """Markets written as codes (`markets = ["MY", "SA"]`) get the tables to write instead."""
        if isinstance(v, str):
            v = [v]
        if isinstance(v, list) and any(isinstance(x, str) for x in v):
            rows = [{"code": x.strip().upper()} for x in v if isinstance(x, str)]
            raise ValueError("markets are tables with a code, not strings. Write:\n" + _toml("markets", rows))
        return v

    @field_validator("master_language")
    @classmethod
    def _master_bcp47(cls, v: str) -> str:
        return check_language_tag(v)

    @model_validator(mode="after")
    def _unique(self) -> Brief:
        codes = [m.code for m in self.markets]
        seen: dict[str, list[str | None]] = {}
        for m in self.markets:
            seen.setdefault(m.code, []).append(m.language.casefold() if m.language else None)
        for code, languages in seen.items():
            if len(languages) > 1 and (None in languages or len(set(languages)) != len(languages)):
                raise ValueError(
                    f"market {code} is listed {len(languages)} times with the same or no language: {codes}; list a "
                    f"market once, or once per language it is planned in, each with its own `language` "
                    f"(e.g. CA with language = 'en' and CA with language = 'fr-CA')"
                )
        ids = [s.id for s in self.segments]
        if len({i.casefold() for i in ids}) != len(ids):
            raise ValueError(
                f"segment ids must be unique (ignoring case: they name files), got {ids}; rename the repeated one"
            )
        for i, seg_id in enumerate(ids):
            if len(seg_id) > 40:
                raise ValueError(f"segments[{i}].id is {len(seg_id)} characters; use at most 40 (it names files)")
        for field_name in ("brand", "product", "category"):
            if not getattr(self, field_name).strip():
                raise ValueError(f"{field_name} is empty; write the {field_name} the ads name")
        for i, point in enumerate(self.selling_points):
            if not point.strip():
                raise ValueError(f"selling_points[{i}] is empty; write the selling point or remove the entry")
        if not self.aspect_ratios:
            raise ValueError("aspect_ratios needs at least one of 9:16, 1:1, 16:9")
        if self.presenter is not None:
            for table in ("talent", "portraits"):
                for code in getattr(self.presenter, table):
                    if code not in codes:
                        raise ValueError(
                            f"presenter.{table}.{code}: {code} is not one of the brief's markets ({', '.join(codes)}); "
                            "use a market code listed under [[markets]]"
                        )
        return self

    def market_rows(self) -> list[str]:
        """One label per [[markets]] entry, as the variant wall and matrix name their rows: the market code, with the
        language when the brief plans that market in more than one ('CA · en', 'CA · fr-CA')."""
        counts = Counter(m.code for m in self.markets)
        return [f"{m.code} · {m.language}" if counts[m.code] > 1 else m.code for m in self.markets]

    def market_row(self, market: str, language: str) -> int | None:
        """The [[markets]] entry a variant of `market` in `language` belongs to (its row); None: not in the brief."""
        rows = [i for i, m in enumerate(self.markets) if m.code == market.upper()]
        if len(rows) <= 1:
            return rows[0] if rows else None
        tag = language.casefold()
        said = {i: (self.markets[i].language or "").casefold() for i in rows}
        exact = [i for i in rows if said[i] == tag]
        primary = [i for i in rows if said[i].split("-")[0] == tag.split("-")[0]]
        return (exact or primary or rows)[0]

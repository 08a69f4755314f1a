"""Resolve a brief against the knowledge packs: which market, language, category and style each variant uses."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from studio.model.brief import Brief, Segment
from studio.model.errors import ValidationFailed
from studio.planning.knowledge import Category, Knowledge, Language, Market, Style


class UnknownPackError(ValidationFailed):
    """The brief names a market, category or style that no knowledge pack describes."""


@dataclass(frozen=True)
class Translation:
    """A machine translation of a master line, with its back-translation for reviewers."""

    text: str
    back: str
    source: str = "llm"


@dataclass(frozen=True)
class VariantContext:
    variant_id: str
    brief: Brief
    market: Market
    language: Language
    language_code: str
    segment: Segment
    style: Style | None
    category: Category
    index: int
    translations: Mapping[str, Translation] = field(default_factory=dict)
    translator: str = ""
    knowledge: Knowledge | None = field(default=None, compare=False, repr=False)

    @property
    def persona_id(self) -> str:
        return f"p-{self.variant_id}"

    def pack_file(self, kind: str) -> str:
        if kind == "market":
            return f"markets/{self.market.code.lower()}.toml"
        if kind == "category":
            return f"categories/{self.category.id}.toml"
        return f"styles/{self.style.id}.toml" if self.style else ""


_PLURALS = {"category": "categories"}


def _unknown(kind: str, name: str, known: list[str], folder: str, example: str, field: str = "") -> UnknownPackError:
    where = f"The brief's {field} is '{name}': an unknown {kind}" if field else f"Unknown {kind} '{name}'"
    plural = _PLURALS.get(kind, f"{kind}s")
    return UnknownPackError(
        f"{where}. Known {plural}: {', '.join(sorted(known))}.",
        f"Use one of those, or add a pack: copy assets/knowledge/{folder}/{example}.toml to "
        f"assets/knowledge/{folder}/<id>.toml, edit it, and see assets/knowledge/README.md for every field.",
    )


def resolve_category(brief: Brief, knowledge: Knowledge) -> Category:
    category = knowledge.category(brief.category)
    if category is None:
        error = _unknown("category", brief.category, list(knowledge.categories), "categories", "skincare", "category")
        if "general" in knowledge.categories:
            error.hint = f'For a product that fits none of them, write category = "general". {error.hint}'
        raise error
    return category


def market_language(market: Market, code: str | None) -> Language:
    """The market pack's entry for the brief's language; a language the market does not speak is refused.

    `fr` for Saudi Arabia would otherwise plan Arabic variants labelled French (or French nobody there reads).
    """
    if code is None:
        return market.languages[0]
    wanted = code.lower()
    for lang in market.languages:  # the exact tag first: zh-Hant is not the zh-Hans listed before it
        if lang.code.lower() == wanted:
            return lang
    for lang in market.languages:
        if lang.code.split("-")[0].lower() == wanted.split("-")[0]:
            return lang
    spoken = ", ".join(lang.code for lang in market.languages)
    raise ValidationFailed(
        f"Market {market.code} ({market.name}) is planned in {code!r}, a language its pack does not list: "
        f"{market.code} speaks {spoken}.",
        f"Write language = '{market.languages[0].code}' in the brief's [[markets]] entry for {market.code}, or add "
        f"{code!r} to assets/knowledge/markets/{market.code.lower()}.toml [[languages]] with its speech rate.",
    )


def variant_prefixes(markets: list[tuple[Market, Language, str]]) -> list[str]:
    """The start of each market entry's variant ids: the market code (`th`), or, for a market the brief plans in more
    than one language, the code and the language (`ca-en`, `ca-fr`; the whole tag when two share a primary one:
    `sg-zh-hans`). Two entries that resolve to the same language of one market are refused."""
    by_market: dict[str, list[str]] = {}
    for market, language, _code in markets:
        codes = by_market.setdefault(market.code, [])
        if language.code in codes:
            raise ValidationFailed(
                f"Market {market.code} is listed twice in the same language ({language.code}): its variants would "
                "be planned twice.",
                f"Give each [[markets]] entry for {market.code} a different language, one of "
                f"{', '.join(lang.code for lang in market.languages)}, or list {market.code} once.",
            )
        codes.append(language.code)
    out = []
    for market, language, _code in markets:
        codes = by_market[market.code]
        if len(codes) == 1:
            out.append(market.code.lower())
            continue
        primary = language.code.split("-")[0].lower()
        shared = sum(1 for c in codes if c.split("-")[0].lower() == primary) > 1
        out.append(f"{market.code.lower()}-{language.code.lower() if shared else primary}")
    return out


def resolve_contexts(brief: Brief, knowledge: Knowledge) -> list[VariantContext]:
    """One context per market × segment (a segment limited to some markets appears only there)."""
    category = resolve_category(brief, knowledge)
    markets: list[tuple[Market, Language, str]] = []
    for i, target in enumerate(brief.markets):
        market = knowledge.markets.get(target.code)
        if market is None:
            raise _unknown("market", target.code, list(knowledge.markets), "markets", "th", f"markets[{i}].code")
        language = market_language(market, target.language)
        markets.append((market, language, target.language or language.code))
    styles: dict[str, Style | None] = {}
    for n, seg in enumerate(brief.segments):
        if seg.style:
            style = knowledge.style(seg.style)
            if style is None:
                raise _unknown(
                    "segment style", seg.style, list(knowledge.styles), "styles", "guochao", f"segments[{n}].style"
                )
            styles[seg.id] = style
        else:
            styles[seg.id] = None
    prefixes = variant_prefixes(markets)
    contexts: list[VariantContext] = []
    for (market, language, code), prefix in zip(markets, prefixes, strict=True):
        for si, seg in enumerate(brief.segments):
            if seg.markets and market.code not in {m.upper() for m in seg.markets}:
                continue
            contexts.append(
                VariantContext(
                    variant_id=f"{prefix}-{seg.id}",
                    brief=brief,
                    market=market,
                    language=language,
                    language_code=code,
                    segment=seg,
                    style=styles[seg.id],
                    category=category,
                    index=si,
                    knowledge=knowledge,
                )
            )
    if not contexts:
        raise ValidationFailed(
            "No variant to plan: every segment is limited to markets the brief does not list.",
            "Check `markets` in each [[segments]] entry against the brief's [[markets]] codes.",
        )
    return contexts

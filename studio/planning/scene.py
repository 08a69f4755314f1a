"""One localized shot's scene for its segment: occasion and setting, cast, wardrobe, props, motifs, and the prompt.

The master storyboard is shared; each variant re-sets it for its segment. A segment's words (read by segments.py
against occasions.toml and casting.toml) give the occasion (iftar table, race day, school run), who is in the shot
(grandparents with a grandchild, a parent with a child, "a Latino man with light skin"), and what they wear (the
product category's wardrobe on the body, the occasion's, then the style's and market's; the market's modest dress
and head covering on top). The hook and problem re-tell the segment's own insight and pain (`line_source`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from studio.model.brief import Segment
from studio.model.project import LineSource, Shot
from studio.model.requests import CastMember
from studio.planning.context import VariantContext
from studio.planning.knowledge import CastPart, Knowledge, Occasion, load_knowledge, name_product
from studio.planning.segments import (
    Memo,
    SegmentMaterial,
    SegmentProfile,
    brief_text,
    read_casting,
    read_segment,
    segment_material,
    segment_text,
)

FRAMING_WORDS = {
    "wide": "wide establishing shot",
    "medium": "medium shot",
    "close-up": "close-up portrait",
    "extreme-close-up": "extreme close-up, macro detail",
    "product": "product hero shot",
}
#: Beats whose family is told before the product arrives: set at home or in the market's places, not the occasion.
BEFORE_PRODUCT = {"problem", "tension"}
FAMILY = {"setup": "hook", "demo": "solution", "testimonial": "proof", "offer": "cta"}
SKIN_WORDS = {
    "light": "light skin",
    "medium": "medium skin tone",
    "olive": "olive skin",
    "brown": "warm brown skin",
    "dark": "deep dark skin",
}
AGE_WORDS = {
    "baby": "of about one",
    "child": "of about eight",
    "teen": "of about fifteen",
    "young-adult": "in {pos} twenties",
    "adult": "in {pos} late thirties",
    "senior": "in {pos} sixties",
}
ROLE_NOUNS = {
    ("grandparent", "woman"): "grandmother",
    ("grandparent", "man"): "grandfather",
    ("parent", "woman"): "mother",
    ("parent", "man"): "father",
}
ROLE_NOUN_ROLES = frozenset(role for role, _gender in ROLE_NOUNS)
AGE_NOUNS = {
    ("baby", "woman"): "baby girl",
    ("baby", "man"): "baby boy",
    ("baby", "person"): "baby",
    ("child", "woman"): "girl",
    ("child", "man"): "boy",
    ("child", "person"): "child",
    ("teen", "woman"): "teenage girl",
    ("teen", "man"): "teenage boy",
    ("teen", "person"): "teenager",
    ("senior", "woman"): "older woman",
    ("senior", "man"): "older man",
}
TALENT_WHO = re.compile(r"^(.*?)\b(woman|man)\b", re.IGNORECASE)
#: The age a market talent line gives ("in his forties", "in her late twenties"), read as a cast age.
TALENT_AGE = re.compile(
    r"\bin (?:her|his|their) (?:early |mid |mid-|late )?(teens|twenties|thirties|forties|fifties|sixties|seventies)\b",
    re.IGNORECASE,
)
DECADE_AGES = {
    "teens": "teen",
    "twenties": "young-adult",
    "thirties": "adult",
    "forties": "adult",
    "fifties": "adult",
    "sixties": "senior",
    "seventies": "senior",
}
#: Market wardrobe meant for one kind of scene ("sherwani for festive scenes", "bikini and sarong at the beach").
SITUATIONAL = re.compile(r"\b(?:for ([\w\s-]+) scenes?|at the ([\w\s-]+))$", re.IGNORECASE)


@dataclass(frozen=True)
class ShotScene:
    """The visual half of a localized shot (its lines are localize.py's business)."""

    prompt: str
    talent: str
    wardrobe: str
    setting: str
    motifs: list[str]
    cast: list[CastMember]
    props: list[str]
    occasion: str
    line_source: LineSource | None


def _dedup(items: list[str]) -> list[str]:
    seen: set[str] = set()
    return [x for x in items if x and not (x.lower() in seen or seen.add(x.lower()))]  # type: ignore[func-returns-value]


def _pick(items: list[str], n: int) -> str:
    return items[n % len(items)] if items else ""


def _interleave(a: list[str], b: list[str]) -> list[str]:
    out: list[str] = []
    for i in range(max(len(a), len(b))):
        out += [x[i] for x in (a, b) if i < len(x)]
    return out


def _article(noun: str) -> str:
    """'an Indonesian woman', 'a Ukrainian man', 'a European', 'a uniform' (a 'yoo' sound takes 'a')."""
    vowel = noun[:1].lower() in "aeiou" and not re.match(r"(?i)(uk|uni|use|usu|eu|one\b)", noun)
    return f"an {noun}" if vowel else f"a {noun}"


def _knowledge(ctx: VariantContext) -> Knowledge:
    return ctx.knowledge or load_knowledge()


_MATERIAL = Memo()


def variant_material(ctx: VariantContext, segment: Segment | None = None) -> SegmentMaterial:
    """A segment's hook and problem material (default: the variant's; cached, as every shot of a variant asks)."""
    knowledge = _knowledge(ctx)
    segment = segment or ctx.segment
    key = (id(ctx.category), brief_text(ctx.brief), segment_text(segment))
    return _MATERIAL.get(knowledge, key, lambda: segment_material(ctx.brief, ctx.category, segment, knowledge))


def talent_who(talent: str) -> tuple[str, str | None]:
    """(heritage words, gender) of a market talent line: 'Malay woman in her twenties…' → ('Malay', 'woman');
    'Filipina in her twenties…' → ('Filipina', 'woman')."""
    m = TALENT_WHO.search(talent)
    if m:
        return m.group(1).strip(), m.group(2).lower()
    m = re.match(r"^(.*?)\s+in (her|his|their)\b", talent, re.IGNORECASE)
    if m:
        words = m.group(1).split()
        if words and words[-1].lower() in TALENT_NOUNS:  # 'Egyptian mother' → heritage 'Egyptian', not 'mother'
            words = words[:-1]
        return " ".join(words), {"her": "woman", "his": "man"}.get(m.group(2).lower())
    return "", None


#: Nouns a talent line may use for its person ('Egyptian mother in her thirties'): not heritage words.
TALENT_NOUNS = frozenset(
    {"mother", "father", "student", "grandmother", "grandfather", "girl", "boy", "teacher", "nurse", "worker"}
)


def talent_age(talent: str) -> str | None:
    """The cast age a market talent line gives ('… man in his forties …' → 'adult'), None when it gives none."""
    m = TALENT_AGE.search(talent)
    return DECADE_AGES[m.group(1).lower()] if m else None


def lead_talent(ctx: VariantContext, profile: SegmentProfile) -> str:
    """The market's talent for this variant, of the gender and age the segment asks for: a talent line of another
    age is never used (students of 19-26 are not cast as a man in his forties); one of another gender only when no
    line has the segment's gender."""
    talents = ctx.market.talent
    want = profile.gender or next((p.gender for p in _parts(profile)[:1] if p.gender != "person"), None)
    if want:
        fitting = [t for t in talents if talent_who(t)[1] == want]
        talents = fitting or talents
    age = _segment_lead_age(profile)
    if age is not None:
        talents = [t for t in talents if talent_age(t) in (None, age)] or talents
    return _pick(talents, ctx.index)


def _segment_lead_age(profile: SegmentProfile) -> str | None:
    """The lead's age when the segment says it (its words, a numeric range, or its group's lead), else None."""
    part = _parts(profile)[0]
    if part.role == "lead" and profile.age:
        return profile.age
    return part.age if profile.group else None


def presenter_talent(ctx: VariantContext) -> str:
    """The brief's own words for this market's presenter ([presenter] talent), "" when it gives none."""
    plan = ctx.brief.presenter
    return plan.talent.get(ctx.market.code.upper(), "").strip() if plan is not None else ""


def _parts(profile: SegmentProfile) -> list[CastPart]:
    return list(profile.group.cast) if profile.group else [CastPart(role="lead", age="young-adult")]


def variant_cast(ctx: VariantContext) -> list[CastMember]:
    """Who is in the variant's shots, lead first: the segment's group (or one lead), its gender, age and skin tone
    words, else the market talent's; modest dress and the head covering where the market pack asks."""
    knowledge = _knowledge(ctx)
    profile = read_segment(ctx.segment, knowledge)
    talent = lead_talent(ctx, profile)
    _, t_skin, _, _ = read_casting(talent, knowledge.casting)
    t_gender = talent_who(talent)[1]
    skin = profile.skin_tone or t_skin or "medium"
    m = ctx.market
    cast: list[CastMember] = []
    for i, part in enumerate(_parts(profile)):
        if i == 0:
            gender = profile.gender or (part.gender if part.gender != "person" else None) or t_gender or "person"
            age = _segment_lead_age(profile) or talent_age(talent) or part.age
        else:
            gender, age = part.gender, part.age
        grown = age not in ("baby", "child")
        cast.append(
            CastMember(
                role=part.role,
                age=age,
                gender=gender,
                skin_tone=skin,
                hijab=bool(m.head_covering) and gender == "woman" and grown,
                modest=bool(m.prompt_modesty),
            )
        )
    return cast


def _noun(member: CastMember) -> str:
    return (
        ROLE_NOUNS.get((member.role, member.gender))
        or AGE_NOUNS.get((member.age, member.gender))
        or (member.role if member.role not in ("lead", "friend", "colleague", "partner") else "")
        or {"woman": "woman", "man": "man"}.get(member.gender, "person")
    )


def _describe(member: CastMember, heritage: str, head_covering: str) -> str:
    pos = {"woman": "her", "man": "his"}.get(member.gender, "their")
    who = " ".join(p for p in (heritage, _noun(member), AGE_WORDS[member.age].format(pos=pos)) if p)
    extras = [SKIN_WORDS[member.skin_tone]]
    if member.hijab and head_covering:
        extras.append(f"wearing a {head_covering}")
    return ", ".join([who, *extras])


def describe_cast(cast: list[CastMember], ctx: VariantContext, profile: SegmentProfile, talent: str) -> str:
    """Prompt words for the people in the shot. The market's own talent line is kept when the segment asks for
    nothing it does not already say (a young adult of its gender, no skin tone or heritage words)."""
    lead = cast[0]
    t_heritage, t_gender = talent_who(talent)
    plain = (
        lead.age == (talent_age(talent) or "young-adult")
        and lead.role not in ROLE_NOUN_ROLES  # a mother or grandfather is said as one, not as the talent line
        and not profile.skin_tone
        and not profile.people
        and (lead.gender == t_gender or lead.gender == "person")
        and not (lead.hijab and "hijab" not in talent.lower() and "tudung" not in talent.lower())
    )
    heritage = " ".join(profile.people) or t_heritage
    lead_words = talent if plain else _describe(lead, heritage, ctx.market.head_covering)
    others = [_describe(c, heritage, ctx.market.head_covering) for c in cast[1:]]
    return lead_words + (" with " + " and ".join(_article(o) for o in others) if others else "")


def _wardrobe(ctx: VariantContext, profile: SegmentProfile, lead: CastMember, talent: str) -> str:
    """The product category's wardrobe (runners in running kit, the jacket on the body), else the occasion's,
    the style's and the market's; the market's modest dress and head covering are added where it asks."""
    m, style, cat, occ = ctx.market, ctx.style, ctx.category, profile.occasion
    man = (lead.gender if lead.gender != "person" else talent_who(talent)[1]) == "man"
    wardrobe = _pick(m.wardrobe, ctx.index)
    for women, men in (
        (cat.wardrobe, cat.wardrobe_men),
        ((occ.wardrobe, occ.wardrobe_men) if occ else ([], [])),
        ((style.wardrobe, style.wardrobe_men) if style else ([], [])),
        (m.wardrobe, m.wardrobe_men),
    ):
        options = [w for w in (men if man and men else women) if _fits(w, occ)]
        if options:
            wardrobe = _pick(options, ctx.index)
            break
    if m.prompt_modesty:
        wardrobe = f"{wardrobe}, {m.prompt_modesty}"
    if lead.hijab and m.head_covering:
        wardrobe = f"{wardrobe}, {m.head_covering}"
    return wardrobe


def _fits(wardrobe: str, occasion: Occasion | None) -> bool:
    """Everyday wardrobe always fits; '... for festive scenes' only a festive occasion, '... at the beach' only an
    occasion set there."""
    m = SITUATIONAL.search(wardrobe)
    if not m:
        return True
    if occasion is None:
        return False
    place = (m.group(1) or m.group(2) or "").lower()
    return (occasion.festive and bool(m.group(1))) or any(
        w in f"{occasion.name} {occasion.setting}".lower() for w in place.split()
    )


def _line_source(shot: Shot, ctx: VariantContext, index: int, material: SegmentMaterial) -> LineSource | None:
    """The variant's own hook and problem material (its segment's insight and pain); other beats keep the master's."""
    src = shot.line_source
    if src is None or src.kind == "copy":
        return src
    if shot.beat == "hook":
        return material.hook
    if src.kind == "pain":
        pains = list(material.pains) or [material.pain]
        return LineSource(kind="pain", text=pains[index % len(pains)].text, tags=[pains[index % len(pains)].id])
    return src


def _problem_visual(shot: Shot, ctx: VariantContext, source: LineSource | None) -> str:
    """A problem shot shows the variant's own pain when the master still shows the master's pain as planned."""
    master = shot.line_source
    if not (master and source and master.kind == source.kind == "pain" and master.tags and source.tags):
        return shot.visual
    pains = {p.id: p for p in ctx.category.all_pains()}
    was, now = pains.get(master.tags[0]), pains.get(source.tags[0])
    if was and now and was.visual and now.visual and shot.visual == was.visual:
        return now.visual
    return shot.visual


def compose_scene(shot: Shot, index: int, ctx: VariantContext, overrides: dict[str, Any] | None = None) -> ShotScene:
    """Everything a localized shot shows, for its market and segment. Hand-set talent, wardrobe, setting and
    motifs in `overrides` go into the composed prompt."""
    overrides = overrides or {}
    m, style, cat = ctx.market, ctx.style, ctx.category
    knowledge = _knowledge(ctx)
    profile = read_segment(ctx.segment, knowledge)
    occ = profile.occasion
    material = variant_material(ctx)
    family = FAMILY.get(shot.beat, shot.beat)

    at_home = shot.beat in cat.home_beats
    home = (style.home if style and style.home else "") or m.home
    pool = _interleave(m.settings, style.settings) if style else m.settings
    if style and style.lead_settings:
        pool = _interleave(style.settings, m.settings)
    # Shots before the product arrives stay at home or in the market's places; the rest live the occasion.
    if occ and family not in BEFORE_PRODUCT and (occ.at_home or not at_home):
        setting = occ.setting
    else:
        setting = home if at_home else _pick(pool, index)
        occ = None
    motifs = _dedup(
        (occ.motifs[:1] if occ else [])
        + ([_pick(style.motifs, index)] if style and style.motifs else [])
        + [_pick(m.motifs, index + k) for k in range(3 if at_home else 4)]
    )

    cast = variant_cast(ctx)
    talent = lead_talent(ctx, profile)
    if style and style.talent:
        talent_words = f"{describe_cast(cast, ctx, profile, talent)}, {style.talent}"
    else:
        talent_words = describe_cast(cast, ctx, profile, talent)
    wardrobe = _wardrobe(ctx, profile, cast[0], talent)
    if shot.framing == "product" or shot.presenter:
        cast = cast[:1]
    if shot.presenter:  # one presenter, the market's: the brief's talent line for it, else the lead as cast
        lead_words = describe_cast(cast, ctx, profile, talent)
        talent_words = presenter_talent(ctx) or (
            f"{lead_words}, {style.talent}" if style and style.talent else lead_words
        )
    own = [name_product(_pick(cat.props, index + k), cat, ctx.brief.product) for k in range(2)]
    props = _dedup((occ.props[:2] if occ and shot.framing != "product" else []) + own)

    talent_words = str(overrides.get("talent", talent_words))
    wardrobe = str(overrides.get("wardrobe", wardrobe))
    setting = str(overrides.get("setting", setting))
    if isinstance(overrides.get("motifs"), list):
        motifs = list(overrides["motifs"])
    source = _line_source(shot, ctx, _problem_index(shot, ctx), material)
    visual = name_product(_problem_visual(shot, ctx, source), cat, ctx.brief.product)
    lead_name = talent_words.split(",")[0].split(" with ")[0]
    who = f"the hands of {_article(lead_name)}" if shot.framing == "product" else talent_words
    if shot.presenter:
        who = f"{talent_words}, the presenter, facing the camera and speaking to it"
    look = style.look if style else "bright commercial photography, natural skin texture"
    palette_words = (style.palette_words if style and style.palette_words else "") or m.palette_words
    # Most important first: CLIP reads a prompt in 75-token windows and weighs the first most, and a model whose
    # prompt is still cut loses only the tail. The subject and product, who is cast, where, the market's palette
    # and look come before motifs, props, mood and the ad boilerplate.
    prompt = ", ".join(
        p
        for p in (
            FRAMING_WORDS[shot.framing],
            visual,
            f"{who} wearing {wardrobe}",
            f"set in {setting}",
            f"occasion: {occ.name}" if occ else "",
            f"colour palette: {palette_words}" if palette_words else "",
            look,
            ", ".join(motifs),
            f"props: {', '.join(props)}" if props else "",
            occ.mood if occ else "",
            f"{m.name} short-video ad",
        )
        if p
    )
    return ShotScene(
        prompt=prompt,
        talent=talent_words,
        wardrobe=wardrobe,
        setting=setting,
        motifs=motifs,
        cast=cast,
        props=props,
        occasion=occ.name if occ else "",
        line_source=source,
    )


def _problem_index(shot: Shot, ctx: VariantContext) -> int:
    """Which problem shot this is (0 for the first): the n-th problem tells the segment's n-th closest pain.
    The master records it as the position of its pain among the master segment's ranked pains."""
    src = shot.line_source
    if src is None or src.kind != "pain" or not src.tags:
        return 0
    first = variant_material(ctx, ctx.brief.segments[0])
    ids = [p.id for p in first.pains]
    return ids.index(src.tags[0]) if src.tags[0] in ids else 0


def variant_line(shot: Shot, ctx: VariantContext) -> str | None:
    """The planner's English line for this variant's own hook or problem material, when it differs from the
    master's (None otherwise, or when the master line is supplied copy). For a variant in the planner's line
    language (English) this is what its segment should hear; other languages say the material through their
    phrase bank or translator (`LocalizedShot.line_source`)."""
    src = shot.line_source
    if src is None or src.kind == "copy" or not (shot.beat == "hook" or src.kind == "pain"):
        return None
    material = variant_material(ctx)
    own = _line_source(shot, ctx, _problem_index(shot, ctx), material)
    if own is None or own == src:
        return None
    if shot.beat == "hook":
        return material.hook_line
    text = own.text.strip().rstrip(".")
    return text[:1].upper() + text[1:] + "."

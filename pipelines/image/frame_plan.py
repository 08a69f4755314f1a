"""What a default frame will show, decided before a pixel is drawn: who (cast), what product, which occasion.

`frame_plan(request)` is pure and deterministic (same request → same plan), so tests and reviewers can check the
drawing decisions without reading pixels, and `procedural.draw_frame` draws exactly this plan.
"""

from __future__ import annotations

import dataclasses
import random
import re
from dataclasses import dataclass

from studio.model.requests import CastMember, ImageRequest

RGB = tuple[int, int, int]

#: Skin tone → face colour, lightest to darkest. Fixed so "light" and "dark" always draw the same way.
SKIN_PALETTE: dict[str, RGB] = {
    "light": (240, 208, 184),
    "medium": (214, 164, 122),
    "olive": (184, 144, 98),
    "brown": (140, 94, 62),
    "dark": (86, 56, 38),
}
#: Random skin colours of the frames drawn before casts existed (used when a request names nobody).
LEGACY_SKIN: tuple[RGB, ...] = ((141, 85, 58), (176, 116, 78), (198, 134, 98), (224, 172, 128), (236, 192, 160))
HAIR_TONES: tuple[RGB, ...] = ((24, 18, 16), (44, 30, 24), (70, 44, 30), (20, 20, 28))
GREY_HAIR: RGB = (206, 206, 210)
#: Head-covering fabrics: saturated mid tones that never read as hair (dark) or grey hair (pale neutral).
HIJAB_FABRICS: tuple[RGB, ...] = ((196, 96, 124), (52, 140, 150), (128, 96, 176), (206, 150, 62), (86, 128, 84))
OUTFITS: tuple[RGB, ...] = ((28, 28, 36), (200, 40, 70), (40, 120, 200), (240, 240, 240), (236, 150, 40))

#: Height relative to an adult, by age.
AGE_HEIGHT: dict[str, float] = {
    "baby": 0.38,
    "child": 0.6,
    "teen": 0.88,
    "young-adult": 1.0,
    "adult": 1.0,
    "senior": 0.93,
}
#: Shoulder width relative to a neutral adult, by gender.
GENDER_BUILD: dict[str, float] = {"woman": 0.9, "man": 1.12, "person": 1.0}

#: Category pack ids whose solution shot is a skin/hair macro (the product is not held up in a close-up).
BEAUTY = frozenset({"skincare", "haircare", "makeup"})

#: Product kinds the frames can draw (products.py has one drawer each).
PRODUCT_KINDS = (
    "bottle",
    "tube",
    "jacket",
    "garment",
    "shoe",
    "bowl",
    "drink",
    "tablet",
    "phone",
    "laptop",
    "app",
    "appliance",
    "toothpaste",
    "coffee-machine",
    "vacuum",
    "car",
    "compact-car",
    "pet",
    "cat-food",
    "game",
    "puzzle-game",
    "supplement",
    "suitcase",
    "nappies",
    "mobile-plan",
    "box",
    "foundation",
)

#: Category id → default product kind.
CATEGORY_PRODUCT: dict[str, str] = {
    "skincare": "bottle",
    "haircare": "bottle",
    "apparel": "garment",
    "outdoor-apparel": "jacket",
    "sportswear": "shoe",
    "food-drink": "bowl",
    "electronics": "phone",
    "kids-education": "tablet",
    "education": "app",
    "home": "appliance",
    "finance-apps": "app",
    "automotive": "car",
    "pets": "pet",
    "games-drama": "game",
    "oral-care": "toothpaste",
    "coffee-machines": "coffee-machine",
    "supplements": "supplement",
    "travel": "app",
    "baby-care": "nappies",
    "telecom": "mobile-plan",
    "general": "box",
    "makeup": "foundation",
}

#: Words (in category, props or prompt) that name a more precise product kind within a category, first match wins.
PRODUCT_WORDS: dict[str, tuple[tuple[str, str], ...]] = {
    "skincare": (("sunscreen|sunblock|spf|uv |cream|lotion|tube|balm|moisturi", "tube"),),
    "haircare": (),
    "apparel": (("jacket|coat|parka|windbreaker|raincoat|anorak", "jacket"), ("sneaker|shoe|trainer", "shoe")),
    "outdoor-apparel": (("boot|shoe", "shoe"),),
    "sportswear": (
        ("shoe|sneaker|trainer|runner|footwear|running", "shoe"),
        ("jacket|windbreaker", "jacket"),
        ("shirt|jersey|legging|bra|shorts|tee", "garment"),
    ),
    "food-drink": (
        ("noodle|ramen|mie|bowl|soup|rice|pho|laksa|curry|meal|snack", "bowl"),
        (r"coffee|tea\b|juice|soda|milk|drink|beverage|cans?\b|latte|water", "drink"),
    ),
    "electronics": (
        ("tablet|ipad", "tablet"),
        ("laptop|notebook pc|computer", "laptop"),
        ("app ", "app"),
    ),
    "kids-education": (),
    "education": (
        ("tablet", "tablet"),
        (r"phone with the app|app on a phone|apps?\b", "app"),  # an app brief's student laptop is scenery
        ("laptop|course", "laptop"),
    ),
    "home": ((r"vacuum|hoover|stick vac", "vacuum"),),
    "finance-apps": (),
    "automotive": ((r"compact|hatchback|city car|supermini|small car", "compact-car"),),
    "pets": ((r"cat food|cat treats?|kitten food|wet cat|cats?\b|kittens?\b|feline", "cat-food"),),
    "games-drama": ((r"puzzles?|match-3|match 3|tile-matching|three-in-a-row", "puzzle-game"),),
    "oral-care": (),
    "coffee-machines": (),
    "supplements": (),
    "travel": (),  # a booking app: the suitcase, the gate and the beach are the scene, never the product
    "baby-care": (),
    "telecom": (),
    "general": (),
    "makeup": (),
}

#: Words that name a category when the request's category is not a known pack id (aliases not resolved upstream).
CATEGORY_WORDS: tuple[tuple[str, str], ...] = (
    ("sunscreen|sunblock|serum|skincare|skin care|moistur", "skincare"),
    ("shampoo|conditioner|hair", "haircare"),
    ("foundation|concealer|make-?up|lipstick|mascara|cosmetic|beauty", "makeup"),
    ("toothpaste|toothbrush|mouthwash|dental|oral care|oral-care", "oral-care"),
    ("coffee machine|coffee maker|espresso machine|capsule machine|coffee-machine", "coffee-machines"),
    (r"supplements?|vitamins?|softgels?|multivitamin|probiotic|natural health product|minerals", "supplements"),
    ("jacket|raincoat|parka|outdoor|hiking|trekking|windbreaker", "outdoor-apparel"),
    ("running|sneaker|shoe|sportswear|fitness|athlet|gym", "sportswear"),
    (r"pet food|petfood|cat food|dog food|kitten food|puppy food|pet treats?", "pets"),
    (r"nappy|nappies|diapers?|baby care|baby-care|babycare|baby wipes|infant care|newborn", "baby-care"),
    ("noodle|food|drink|snack|beverage|coffee|tea|halal|meal|restaurant", "food-drink"),
    ("kid|child|children|toddler|preschool", "kids-education"),
    (
        r"telecom|telco|mobile plan|data plan|phone plan|sim card|e-?sim\b|sim\b|mobile operator|carrier|5g|broadband",
        "telecom",
    ),
    ("tablet|phone|laptop|electronic|gadget|earbud|headphone|tech", "electronics"),
    ("learning|course|tutor|school|education|edtech", "education"),
    (r"travel|flights?\b|hotels?\b|holidays?\b|vacation|airline|tourism|trips?\b", "travel"),
    ("bank|wallet|pay|loan|finance|invest|insurance|fintech", "finance-apps"),
    (r"cars?\b|vehicle|motor|automotive|automobile|\bev\b", "automotive"),
    (r"pets?\b|dogs?\b|cats?\b|puppy|kitten", "pets"),
    ("games?\\b|drama|webtoon|stream", "games-drama"),
    (r"home\b|appliance|kitchen|furniture|cleaning|vacuum|fridge", "home"),
    ("fashion|apparel|clothing|clothes|dress|shirt", "apparel"),
)

#: Prop words → the drawer that shows the prop (a small product silhouette), first match wins.
PROP_WORDS: tuple[tuple[str, str], ...] = (
    (r"sim card|sim tray|\besim\b", "sim-card"),
    (r"phone|smartphone|mobile", "phone"),
    (r"tablet|ipad", "tablet"),
    (r"laptop|computer", "laptop"),
    (r"pack of nappies|nappy pack|nappies|diapers|pack of diapers", "nappies"),
    (r"nappy|diaper", "nappy"),
    (r"cat food|kitten food|cat treats?", "cat-food"),
    (r"pet food|dog food|puppy food|petfood", "pet"),
    (r"pet bowl|cat bowl|dog bowl|food bowl|feeding bowl", "pet-bowl"),
    (r"noodle|bowl|plate|dish|rice|soup|food|meal", "bowl"),
    (r"coffee machine|capsule machine|espresso machine|coffee maker", "coffee-machine"),
    (r"supplement bottle|vitamin bottle|pill organi[sz]er|softgels?", "supplement"),
    (r"espresso|coffee cup|cup on a saucer|cup of tea|tea glass|mug\b|tulip glass", "cup"),
    (r"water bottle|drink|cup|coffee|\btea\b|juice|glass with ice|flask|can of", "drink"),
    (r"shoe|sneaker|trainer", "shoe"),
    (r"jacket|coat|raincoat|parka", "jacket"),
    (r"shirt|tee|jersey|dress", "garment"),
    (r"\bcats?\b|kitten", "cat"),
    (r"\bdog\b|puppy|pet", "pet"),
    (r"charg(?:er|ing cable|ing point|ing post|ing station)|wall ?box|ev charger|laadpaal|cargador", "charger"),
    (r"\bcar\b|vehicle", "car"),
    (r"toothbrush|toothpaste", "toothpaste"),
    (r"vacuum|hoover", "vacuum"),
    (r"foundation|concealer", "foundation"),
    (r"sunscreen|sunblock|lotion|cream|tube", "tube"),
    (r"suitcase|luggage|carry-on|trolley bag", "suitcase"),
    (r"gift|(?<!roof )box|shopping bag|parcel", "box"),
)

#: Occasion kind → (keywords, scene elements drawn for it). First match wins.
OCCASIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "iftar",
        r"\b(iftar|ramadan|buka puasa|berbuka|sahur|suhoor|eid|lebaran|hari raya|raya)\b",
        ("long-table", "dishes", "dates", "lanterns", "crescent"),
    ),
    (
        "race-day",
        r"\b(race|races|marathon|half marathon|fun run|5 ?k|10 ?k|start line|finish line)\b",
        ("start-line", "bib-numbers", "banner"),
    ),
    (
        "school-run",
        r"\b(school run|school gate|drop-off|school day|back to school|to school)\b",
        ("school-gate", "backpack"),
    ),
    (
        "getaway",
        r"\b(airport|gate|boarding|departures?|getaway|long[ -]weekend|city break|flights?)\b",
        ("departure-board", "plane"),
    ),
    ("seaside", r"\b(seafront|seaside|summer holidays?|summer vacation)\b", ("sea", "plane")),
    (
        "commute",
        r"\b(commute|commuting|commuter|bus|train|metro|subway|mrt|lrt|bts|transit)\b",
        ("vehicle-window", "handrail"),
    ),
    (
        "hike",
        r"\b(hike|hiking|trail|trek|trekking|camp|camping|outdoors?|mountains?|rainy|rain)\b",
        ("pine-trees", "trail"),
    ),
    (
        "study",
        r"\b(homework|study|studying|revision|exams?|lessons?|class|learning)\b",
        ("desk", "books", "lamp"),
    ),
    ("gym", r"\b(gym|workout|training|yoga|weights)\b", ("dumbbell", "mat")),
    (
        "family-meal",
        r"\b(dinner|lunch|breakfast|meal|family table|reunion|supper|picnic)\b",
        ("table", "dishes"),
    ),
    (
        "festival",
        r"\b(festival|new year|lunar|diwali|christmas|songkran|celebration|party)\b",
        ("bunting", "lanterns"),
    ),
    ("office", r"\b(office|work day|workday|meeting|desk job)\b", ("desk", "laptop")),
    ("home", r"\b(home|living room|sofa|couch|bedtime|weekend in)\b", ("sofa", "window")),
)

#: Occasions named plainly enough to read from a prompt when the shot carries no occasion field.
PROMPT_OCCASIONS = frozenset({"iftar", "race-day", "school-run"})


@dataclass(frozen=True)
class FigurePlan:
    """One person as drawn: the cast parameters and the colours and proportions they became."""

    role: str
    age: str
    gender: str
    skin_tone: str
    skin: RGB
    hair: RGB
    hair_style: str
    """"long", "short" or "bun"; hidden under a hijab when there is one."""
    hijab: bool
    hijab_colour: RGB | None
    modest: bool
    sleeves: str
    """"long" or "short"."""
    lower: str
    """"long-skirt", "skirt", "trousers" or "robe" (hanfu)."""
    outfit: RGB
    trim: RGB
    hanfu: bool
    height: float
    """Height relative to an adult (a child is about 0.6)."""
    build: float
    """Shoulder width relative to a neutral adult."""


@dataclass(frozen=True)
class FramePlan:
    framing: str
    category: str
    """Resolved category pack id (empty request category: inferred, else skincare, the frames' historical look)."""
    product: str
    """Product kind the product shot and the close-ups draw (one of PRODUCT_KINDS)."""
    macro: str
    """What the extreme close-up shows: "skin" (beauty categories) or "product" (the product in use)."""
    figures: tuple[FigurePlan, ...]
    occasion: str
    """Occasion kind ("iftar", "race-day", ...) or "" when the shot names none the frames know."""
    occasion_elements: tuple[str, ...]
    product_in_close_up: bool
    """A close-up also shows the product (held in the foreground) — every category but beauty."""
    hands: bool = False
    """The product shot shows the lead's hand presenting the product (the shot names someone, or hands)."""
    props: tuple[str, ...] = ()
    """Prop drawers for the shot's props the frames know (at most two), drawn beside the people."""


def _has(pattern: str, text: str) -> bool:
    return re.search(pattern, text) is not None


def resolve_category(request: ImageRequest) -> str:
    """The category pack id to draw: the request's if known, else one named by its words, else a default."""
    cat = request.category.strip().lower()
    if cat in CATEGORY_PRODUCT:
        return cat
    words = " ".join([cat, *request.props]).lower()
    for pattern, found in CATEGORY_WORDS:
        if words.strip() and _has(rf"\b(?:{pattern})", words):
            return found
    if cat:
        return "general"
    text = request.prompt.lower()
    for pattern, found in CATEGORY_WORDS[:2]:
        if _has(rf"\b(?:{pattern})", text):
            return found
    return "skincare"


#: The prompt's setting clause (scene.py writes "set in <setting>" before the occasion or palette): where the shot is,
#: never what the product is (a student kitchen's laptop is not an English app, a Dhaka tea stall not a drink).
_SETTING = re.compile(r", set in .*?(?=, occasion: |, colour palette: |$)")


def product_kind(category: str, request: ImageRequest) -> str:
    named = request.category.strip().lower()
    words = [named] if named != category else []  # "sunscreen" names the product; "food-drink" names no drink
    prompt = _SETTING.sub("", request.prompt)
    text = " ".join([*words, *request.props, prompt]).lower() + " "
    for pattern, kind in PRODUCT_WORDS.get(category, ()):
        if _has(rf"\b(?:{pattern})", text):
            return kind
    return CATEGORY_PRODUCT.get(category, "box")


def prop_kinds(request: ImageRequest) -> tuple[str, ...]:
    """The props a wide or medium shot draws: known ones only, each kind once, at most two."""
    kinds: list[str] = []
    for prop in request.props:
        for pattern, kind in PROP_WORDS:
            if _has(rf"\b(?:{pattern})", prop.lower()):
                if kind not in kinds:
                    kinds.append(kind)
                break
    return tuple(kinds[:2])


def occasion_of(request: ImageRequest) -> tuple[str, tuple[str, ...]]:
    """The occasion kind and its scene elements, from the request's occasion.

    Without one, only an occasion the prompt names unmistakably (iftar, a race, the school run) is drawn: a prompt's
    passing "at home" or "party" is no occasion.
    """
    text = request.occasion.strip().lower()
    allowed = None if text else PROMPT_OCCASIONS
    text = text or request.prompt.lower()
    for kind, pattern, elements in OCCASIONS:
        if (allowed is None or kind in allowed) and _has(pattern, text):
            return kind, elements
    return "", ()


_WOMAN = r"\b(woman|women|girl|girls|mother|mom|mum|grandmother|grandma|wife|sister|daughter|aunt|lady|ladies|she)\b"
_MAN = r"\b(man|men|boy|boys|father|dad|grandfather|grandpa|husband|brother|son|uncle|guy|he)\b"


#: Prompt words for a skin tone, checked in order ("light brown" is medium, not light or brown).
SKIN_WORDS: tuple[tuple[str, str], ...] = (
    (r"\b(light brown|tan|tanned|golden|medium|warm beige) skin", "medium"),
    (r"\b(light|fair|pale|porcelain) skin|\bfair-skinned", "light"),
    (r"\bolive skin", "olive"),
    (r"\b(warm brown|brown|deep brown) skin", "brown"),
    (r"\b(dark|deep|ebony) skin|\bdark-skinned", "dark"),
)


#: Hair colour words before "hair" / "-haired" in a talent description, checked in order ("light brown" before
#: "brown", "dark brown" before "dark"), and the colour drawn for each.
HAIR_WORDS: tuple[tuple[str, RGB], ...] = (
    (r"\b(grey|gray|silver|white|salt-and-pepper)\b", GREY_HAIR),
    (r"\bplatinum\b", (234, 222, 192)),
    (r"\bstrawberry\b", (206, 138, 84)),
    (r"\b(light brown|chestnut|hazel|mousy)\b", (142, 100, 62)),
    (r"\b(red|ginger|auburn|copper)\b", (158, 68, 34)),
    (r"\b(blond|blonde|fair|golden|sandy|flaxen)\b", (224, 194, 126)),
    (r"\b(dark brown|brunette)\b", (62, 40, 26)),
    (r"\bbrown\b", (98, 64, 40)),
    (r"\b(black|jet|raven|dark)\b", (22, 18, 16)),
)
HAIR_LENGTHS: tuple[tuple[str, str], ...] = (
    (r"\b(bun|updo|top-knot)\b", "bun"),
    (r"\b(short|cropped|pixie|buzz|bob|bobbed|close-cut)\b", "short"),
    (r"\b(long|shoulder-length|ponytail|braid|braided|plaited)\b", "long"),
)
#: The words that describe a head of hair: up to four words before "hair", or "blonde"/"-haired" forms.
_HAIR_PHRASE = re.compile(r"((?:[a-z-]+[ ,]+){0,4}?)(?:hair|haired)\b|\b(blond|blonde|brunette|redhead)\b")


def described_look(text: str) -> tuple[RGB | None, str | None, str | None]:
    """(hair colour, hair style, skin tone) the talent text names for the lead, None where it names none: the
    German lead 'with short blond hair' is drawn blond and short-haired, whatever the seed would pick."""
    low = text.lower()
    colour: RGB | None = None
    style: str | None = None
    for m in _HAIR_PHRASE.finditer(low):
        words = m.group(1) if m.group(1) is not None else (m.group(2) or "")
        # "woman in her thirties with short blond hair", "fair skin and dark hair": the words nearest the hair
        words = re.split(r"(?:^|\s)(?:with|and|in|of|has)\s", words)[-1]
        colour = colour or next((c for pattern, c in HAIR_WORDS if re.search(pattern, words)), None)
        style = style or next((st for pattern, st in HAIR_LENGTHS if re.search(pattern, words)), None)
        if colour or style:
            break
    tone = next((t for pattern, t in SKIN_WORDS if _has(pattern, low)), None)
    return colour, style, tone


def _implied_member(text: str) -> CastMember:
    """Who a request without a cast most likely shows, from its prompt words (legacy requests, hand-written ones)."""
    gender = "woman" if _has(_WOMAN, text) else "man" if _has(_MAN, text) else "person"
    if _has(r"grand(mother|father|ma|pa|parent)|elderly|senior|\bold (wo)?man\b", text):
        age = "senior"
    elif _has(r"\b(baby|babies|newborn|infant)\b", text):
        age = "baby"
    elif _has(r"\b(child|children|kid|kids|toddler|boy|little girl|schoolgirl|schoolboy)\b", text):
        age = "child"
    else:
        age = "young-adult"
    hijab = _has(r"hijab|headscarf|tudung|jilbab|kerudung|head covering", text)
    modest = hijab or _has(r"modest|abaya|long sleeve|covered", text)
    tone = next((t for pattern, t in SKIN_WORDS if _has(pattern, text)), None)
    if tone is None:  # nobody named a skin tone: the frames' seeded random one (see _figure)
        return CastMember(gender=gender, age=age, hijab=hijab, modest=modest)
    return CastMember(gender=gender, age=age, hijab=hijab, modest=modest, skin_tone=tone)


def _figure(member: CastMember, rng: random.Random, hanfu: bool, legacy_skin: bool) -> FigurePlan:
    if legacy_skin and "skin_tone" not in member.model_fields_set:
        skin, tone = rng.choice(LEGACY_SKIN), "unspecified"
    else:
        skin, tone = SKIN_PALETTE[member.skin_tone], member.skin_tone
    hair = GREY_HAIR if member.age == "senior" else rng.choice(HAIR_TONES)
    if member.gender == "woman":
        style = "bun" if member.age == "senior" else "long"
    elif member.gender == "man":
        style = "short"
    else:
        style = "long" if rng.random() < 0.5 else "short"
    if hanfu:
        style = "bun"
        outfit = rng.choice([(178, 34, 52), (196, 160, 96), (60, 110, 150)])
    else:
        outfit = rng.choice(OUTFITS)
    if hanfu:
        lower = "robe"
    elif member.gender == "woman":
        lower = "long-skirt" if member.modest else rng.choice(["skirt", "trousers"])
    else:
        lower = "trousers"
    hijab_colour = rng.choice(HIJAB_FABRICS) if member.hijab else None
    sleeves = "long" if member.modest or hanfu or member.age == "senior" else "short"
    return FigurePlan(
        role=member.role,
        age=member.age,
        gender=member.gender,
        skin_tone=tone,
        skin=skin,
        hair=hair,
        hair_style=style,
        hijab=member.hijab,
        hijab_colour=hijab_colour,
        modest=member.modest,
        sleeves=sleeves,
        lower=lower,
        outfit=outfit,
        trim=(232, 196, 96) if hanfu else _lighter(outfit),
        hanfu=hanfu,
        height=AGE_HEIGHT[member.age],
        build=GENDER_BUILD[member.gender] * (0.7 if member.age in ("baby", "child") else 1.0),
    )


def _lighter(c: RGB) -> RGB:
    return (min(255, c[0] + 60), min(255, c[1] + 60), min(255, c[2] + 60))


def frame_plan(request: ImageRequest) -> FramePlan:
    """Decide the frame's content from the request's structured fields (cast, category, props, occasion)."""
    rng = random.Random(f"plan:{request.seed}")
    text = " ".join([request.prompt, *request.motifs]).lower()
    hanfu = any(k in text for k in ("hanfu", "guochao", "qipao", "traditional chinese"))
    members = list(request.cast) or [_implied_member(request.prompt.lower())]
    legacy = not request.cast
    figures = tuple(_figure(m, rng, hanfu, legacy) for m in members[:4])
    hair, style, tone = described_look(request.prompt)
    if figures and (hair or style or tone):  # the talent text describes the lead: draw what it says
        lead = figures[0]
        figures = (
            dataclasses.replace(
                lead,
                hair=hair or lead.hair,
                hair_style=style if style and not lead.hanfu else lead.hair_style,
                skin_tone=tone or lead.skin_tone,
                skin=SKIN_PALETTE[tone] if tone else lead.skin,
            ),
            *figures[1:],
        )
    category = resolve_category(request)
    product = product_kind(category, request)
    props = prop_kinds(request)
    if product == "cat-food":  # the brief's animal is a cat: a "pet bed" or "lead" prop shows the cat, not a dog
        props = tuple(dict.fromkeys("cat" if k == "pet" else k for k in props))
    if product == "compact-car":  # the product named as a prop is the same compact car, not another model
        props = tuple(dict.fromkeys("compact-car" if k == "car" else k for k in props))
    occasion, elements = occasion_of(request)
    beauty = category in BEAUTY
    return FramePlan(
        framing=request.framing,
        category=category,
        product=product,
        macro="skin" if beauty else "product",
        figures=figures,
        occasion=occasion,
        occasion_elements=elements,
        product_in_close_up=not beauty,
        props=props,
        hands=bool(request.cast) or _has(r"\bhands?\b", request.prompt.lower()),
    )

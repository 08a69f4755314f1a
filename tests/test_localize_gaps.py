"""Lines a no-copy, no-LLM plan used to leave in English for a translator although the packs could say them.

Each brief here is written for the test (a product, category or market the sample briefs do not have, no
`[copy.*]`) and hit one generic gap (benchmarks/localize_gaps.py lists the reasons):
- a figure the selling point states that no bank line could carry ({n}): battery hours, minutes a day, seconds to
  heat up, ppm fluoride, an SPF figure, a figure spelt out in words;
- a common phrasing no lexicon tag knew: 'no white cast', 'reflective', 'packs into its own pocket', 'ready in N
  minutes' for food, 'learning games' on a device;
- a segment's own pain with no bank line, where the master line's material has one.
Each now reaches the ad in the variant's language, said by the bank written for it; a selling point nothing
matches is still flagged untranslated (never guessed), and so is the legal line.
"""

from __future__ import annotations

import tomllib
import unicodedata
from functools import cache

import pytest

from pipelines.fonts import script_for_language, script_of_char
from studio.model import Brief, Project
from studio.planning import plan_project
from studio.planning.language_check import brand_names, identify
from studio.planning.phrases import load_banks, match

WRITTEN_FOR_IT = {"phrase-bank", "market-pack", "brief-copy"}
#: Unit marks every market writes in Latin letters inside its own script ('SPF 30로', 'フッ素225ppm').
LATIN_MARKS = ["SPF", "ppm"]


def _letters_script(text: str, names: list[str]) -> set[str]:
    for n in sorted(names, key=len, reverse=True):
        text = text.replace(n, " ")
    return {s for c in unicodedata.normalize("NFC", text) if c.isalpha() and (s := script_of_char(c)) is not None}


def _in_language(project: Project, language: str, text: str, origin: str = "") -> bool:
    """As in test_unseen_briefs.py: the identifier says `language` (or, for a line too short to tell, no other
    language and the line was written for it), and every letter outside the brand's names is in its script."""
    names = [*brand_names(project), *LATIN_MARKS]
    verdict = identify(text, language, names=names)
    sure = verdict.ok is True or (verdict.ok is None and origin in WRITTEN_FOR_IT)
    return sure and _letters_script(text, names) <= {script_for_language(language)}


@cache
def plan(brief_toml: str) -> Project:
    return plan_project(Brief.model_validate(tomllib.loads(brief_toml)), llm=None)


def brief(product: str, category: str, points: list[str], markets: list[str], segment: str = "", **extra: str) -> str:
    """A brief with no copy: three selling points, the markets, one segment (its description `segment`)."""
    lines = [
        'brand = "Nimbo"',
        f'product = "{product}"',
        f'category = "{category}"',
        "selling_points = [" + ", ".join(f'"{p}"' for p in points) + "]",
        "duration_s = 30",
        'tone = "warm, confident"',
        'call_to_action = "Get Nimbo today"',
        *(f'{k} = "{v}"' for k, v in extra.items()),
    ]
    for code in markets:
        lines += ["[[markets]]", f'code = "{code}"']
    lines += ["[[segments]]", 'id = "everyday"', 'name = "Everyday buyers"', f'description = "{segment or "adults"}"']
    return "\n".join(lines) + "\n"


def said_lines(project: Project, point: str) -> list[tuple[str, str, str, str]]:
    """(language, kind, line, origin) of every localized voice-over and caption whose master line says `point`."""
    assert project.storyboard is not None
    master = {s.id: s for s in project.storyboard.shots}
    out: list[tuple[str, str, str, str]] = []
    for variant in project.variants:
        for shot in variant.shots:
            m = master[shot.shot_id]
            for kind, master_text, text in (
                ("voice-over", m.voiceover, shot.voiceover),
                ("caption", m.on_screen_text, shot.caption),
            ):
                if point.lower() in master_text.lower():
                    out.append((variant.language, kind, text, shot.line_status[kind].origin))
    assert out, f"no master line says \u201c{point}\u201d"
    return out


#: (test id, brief, the selling point with the gap, the figure each line must say, the languages).
CASES = [
    (
        "battery hours (smartwatch, JP/TR)",
        brief(
            "fitness smartwatch",
            "electronics",
            ["bright always-on display", "30-hour battery on a single charge", "water resistant for swims"],
            ["JP", "TR"],
        ),
        "30-hour battery on a single charge",
        "30",
        {"ja", "tr"},
    ),
    (
        "minutes a day (coding app, MX/ID)",
        brief(
            "coding lessons app",
            "education",
            ["15-minute lessons that fit a lunch break", "projects you can show an employer", "learn on any phone"],
            ["MX", "ID"],
        ),
        "15-minute lessons that fit a lunch break",
        "15",
        {"es-MX", "id"},
    ),
    (
        "seconds to heat, spelt out (steam iron, VN/MY)",
        brief(
            "steam iron",
            "home",
            ["heats up in thirty seconds", "glides over every fabric", "auto shut-off for peace of mind"],
            ["VN", "MY"],
        ),
        "heats up in thirty seconds",
        "30",
        {"vi", "ms"},
    ),
    (
        "ppm fluoride (mouthwash, JP/TH)",
        brief(
            "fluoride mouthwash",
            "oral-care",
            ["strengthens enamel with 225 ppm fluoride", "fresh breath all morning", "alcohol-free and gentle"],
            ["JP", "TH"],
        ),
        "strengthens enamel with 225 ppm fluoride",
        "225",
        {"ja", "th"},
    ),
    (
        "an SPF figure (lip balm, KR/FR)",
        brief(
            "tinted lip balm",
            "skincare",
            ["SPF 30 sun protection for lips", "hydrating shea butter", "a sheer tint of colour"],
            ["KR", "FR"],
        ),
        "SPF 30 sun protection for lips",
        "30",
        {"ko", "fr"},
    ),
    (
        "no white cast (mineral sunscreen stick, JP/MX)",
        brief(
            "mineral sunscreen stick",
            "skincare",
            ["leaves no white cast on deep skin tones", "hydrating and light", "fits in a pocket"],
            ["JP", "MX"],
        ),
        "leaves no white cast on deep skin tones",
        "",
        {"ja", "es-MX"},
    ),
    (
        "reflective (cycling jacket, DE/PL)",
        brief(
            "cycling rain jacket",
            "outdoor-apparel",
            ["waterproof shell for wet commutes", "reflective piping for dark evenings", "breathable back vent"],
            ["DE", "PL"],
        ),
        "reflective piping for dark evenings",
        "",
        {"de", "pl"},
    ),
    (
        "packs into a pocket (rain poncho, ID/KR)",
        brief(
            "rain poncho",
            "outdoor-apparel",
            ["waterproof to the knees", "packs down into its own pouch", "hood that stays put in wind"],
            ["ID", "KR"],
        ),
        "packs down into its own pouch",
        "",
        {"id", "ko"},
    ),
    (
        "ready in N minutes, spelt out (oatmeal cup, VN/TH)",
        brief(
            "instant oatmeal cup",
            "food-drink",
            ["creamy, rich oats with real fruit", "ready in two minutes with hot water", "high in fibre"],
            ["VN", "TH"],
        ),
        "ready in two minutes with hot water",
        "2",
        {"vi", "th"},
    ),
    (
        "learning games on a device (kids smartwatch, KR/BR)",
        brief(
            "kids smartwatch",
            "electronics",
            ["GPS so parents know they got to school", "learning games for the bus ride", "tough, splash-proof case"],
            ["KR", "BR"],
        ),
        "learning games for the bus ride",
        "",
        {"ko", "pt-BR"},
    ),
]


@pytest.mark.parametrize(("case", "text", "point", "figure", "languages"), CASES, ids=[c[0] for c in CASES])
def test_a_selling_point_the_packs_can_say_reaches_the_ad_in_the_variant_s_language(
    case: str, text: str, point: str, figure: str, languages: set[str]
) -> None:
    project = plan(text)
    assert {v.language for v in project.variants} == languages
    for language, kind, line, origin in said_lines(project, point):
        assert origin == "phrase-bank", (case, language, kind, line, origin)
        assert _in_language(project, language, line, origin), (case, language, kind, line)
        if figure:
            assert figure in line, f"{case}: the {language} {kind} \u201c{line}\u201d drops the figure {figure}"


def test_a_figure_spelt_out_is_read_as_digits_but_one_is_left_alone() -> None:
    lex = load_banks().lexicon
    spelt = match(lex, "benefits", "heats up in thirty seconds", "home")
    assert spelt is not None and (spelt.tag, spelt.slot) == ("quick-heat", "30")
    compound = match(lex, "benefits", "twenty-four hour battery", "electronics")
    assert compound is not None and (compound.tag, compound.slot) == ("battery", "24")
    easy = match(lex, "benefits", "one-touch descaling", "home")
    assert easy is not None and easy.slot == "", "'one-touch' is no figure"


def test_hours_alone_are_not_a_battery_and_minutes_alone_are_not_food_prep() -> None:
    """The figure patterns need their context: '8 hours of sleep' is no battery, '30 minutes of energy' no meal."""
    lex = load_banks().lexicon
    assert match(lex, "benefits", "tracks 8 hours of sleep", "electronics") is None
    assert match(lex, "benefits", "30 minutes of steady energy", "food-drink") is None


def test_a_segment_s_own_pain_with_no_bank_line_says_the_master_line_s_pain_instead() -> None:
    """A beach segment's own pain (sunburn) has no lexicon pain; the master problem line's (the category's) does:
    the Korean and Japanese problem lines say that, in their language, instead of the English line flagged."""
    text = brief(
        "SPF 50 body lotion",
        "skincare",
        ["SPF 50 broad-spectrum protection", "hydrating and light", "water resistant for a swim"],
        ["KR", "JP"],
        segment="office workers who walk to the train in the sun",
    )
    text += '[[segments]]\nid = "beach"\nname = "Beach days"\ndescription = "weekend trips to the beach and the pool"\n'
    project = plan(text)
    assert project.storyboard is not None
    problem = next(s for s in project.storyboard.shots if s.beat == "problem")
    lex = load_banks().lexicon
    beach = [v for v in project.variants if v.segment == "beach"]
    assert len(beach) == 2
    for variant in beach:
        shot = variant.shot(problem.id)
        own = shot.line_source
        assert own is not None and own.kind == "pain" and own.text != (problem.line_source or own).text
        assert match(lex, "pains", own.text, "skincare") is None, "the segment's own pain has no bank line"
        for kind, line in (("voice-over", shot.voiceover), ("caption", shot.caption)):
            status = shot.line_status[kind]
            assert status.origin == "phrase-bank" and "master line's material" in status.note, (kind, status)
            assert _in_language(project, variant.language, line, status.origin), (variant.language, kind, line)
        assert not [f for f in shot.flags if f.kind == "untranslated"]


def test_a_selling_point_nothing_matches_is_still_flagged_untranslated_and_the_legal_line_too() -> None:
    point = "hidden zip pocket for house keys"
    assert match(load_banks().lexicon, "benefits", point, "outdoor-apparel") is None
    project = plan(
        brief(
            "trail running vest",
            "outdoor-apparel",
            ["breathable mesh back", "light enough to forget", point],
            ["DE", "JP"],
            legal="Colours may vary.",
        )
    )
    for language, kind, line, origin in said_lines(project, point):
        assert origin == "untranslated", (language, kind, line)
        assert point in line.lower(), "the master line is shown as written, nothing guessed"
    for variant in project.variants:
        assert variant.legal == "Colours may vary." and variant.line_status["legal"].origin == "untranslated"
        flagged = [f.message for s in variant.shots for f in s.flags if f.kind == "untranslated"]
        assert any(point in m for m in flagged), variant.id
        assert any("legal line" in m for m in flagged), variant.id

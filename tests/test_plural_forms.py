"""Plural agreement in phrase-bank lines: the noun after a figure agrees with it, by CLDR's plural rules (Babel).

A native marketer sees at once '5 minuty' for '5 minut' in Polish or '11 دقائق' for '11 دقيقة' in Arabic. Bank
lines carry an ICU-style plural placeholder (`{n, plural, one {minuta} few {minuty} many {minut} other {minuty}}`),
checked at load against the language's categories and filled by the rule for the brief's figure.
"""

from __future__ import annotations

import shutil
import tomllib
from functools import cache
from pathlib import Path

import pytest

from studio.model import Brief, Project
from studio.model.errors import ValidationFailed
from studio.planning import plan_project
from studio.planning.knowledge import load_knowledge
from studio.planning.phrases import PhraseBank, clear_cache, fill, load_banks, plural_category


def bank(language: str) -> PhraseBank:
    found = load_banks().bank(language)
    assert found is not None, language
    return found


def said(language: str, section: str, tag: str, figure: str) -> list[str]:
    """Every line of a tag that carries a figure, filled with `figure` as the planner fills it."""
    b = bank(language)
    lines = [t for t in getattr(b, section)[tag] if "{n" in t]
    assert lines, (language, tag)
    return [fill(t, "Nimbo", "Nimbo", b.local_digits(figure), b.language) for t in lines]


@pytest.mark.parametrize(
    ("figure", "noun", "wrong"),
    [
        ("1", "1 minuta", ""),
        ("3", "3 minuty", "3 minut "),
        ("5", "5 minut ", "5 minuty"),
        ("12", "12 minut ", ""),
        ("22", "22 minuty", "22 minut "),
        ("25", "25 minut ", ""),
        ("2.5", "2,5 minuty", "2.5"),  # Polish writes the decimal comma (CLDR)
    ],
)
def test_polish_minutes_agree_with_the_figure(figure: str, noun: str, wrong: str) -> None:
    line = said("pl", "benefits", "bite-size", figure)[0]
    assert line.startswith("Tylko ") and noun in line + " " and line.endswith(" dziennie."), line
    assert not wrong or wrong not in line + " ", line


def test_polish_genitive_after_do_and_years() -> None:
    """'Do' takes the genitive: do 3 minut, do 1 minuty; warranty years: 1 rok, 3 lata, 5 lat, 22 lata."""
    assert said("pl", "benefits", "runtime", "3")[0] == "Do 3 minut pracy na jednym ładowaniu."
    assert said("pl", "benefits", "runtime", "1")[0] == "Do 1 minuty pracy na jednym ładowaniu."
    assert said("pl", "benefits", "runtime", "3")[1] == "3 minuty na ładowaniu."
    years = {n: said("pl", "proofs", "warranty-years", n)[0] for n in ("1", "3", "5", "22")}
    assert years == {
        "1": "Gwarancja 1 rok.",
        "3": "Gwarancja 3 lata.",
        "5": "Gwarancja 5 lat.",
        "22": "Gwarancja 22 lata.",
    }


@pytest.mark.parametrize(
    ("figure", "line"),
    [
        ("3", "3 دقائق فقط في اليوم."),
        ("10", "10 دقائق فقط في اليوم."),
        ("11", "11 دقيقة فقط في اليوم."),
        ("100", "100 دقيقة فقط في اليوم."),
        ("103", "103 دقائق فقط في اليوم."),
        ("1", "دقيقة واحدة فقط في اليوم."),
        ("2", "دقيقتان فقط في اليوم."),
    ],
)
def test_arabic_minutes_plural_for_3_to_10_singular_from_11(figure: str, line: str) -> None:
    assert said("ar", "benefits", "bite-size", figure)[0] == line


def test_arabic_the_old_fixed_plural_no_longer_says_11_minutes_wrong() -> None:
    """'جاهز خلال {n} دقائق' used to say 15 دقائق; after خلال the dual is genitive (دقيقتين)."""
    assert said("ar", "benefits", "quick-prep", "15")[0] == "جاهز خلال 15 دقيقة فقط."
    assert said("ar", "benefits", "quick-prep", "5")[0] == "جاهز خلال 5 دقائق فقط."
    assert said("ar", "benefits", "quick-prep", "2")[0] == "جاهز خلال دقيقتين فقط."
    assert said("ar", "proofs", "warranty-years", "2")[0] == "ضمان لمدة سنتين."


def test_russian_like_rules_read_the_last_digits() -> None:
    """Slavic one/few/many look at the last digit and the last two (12–14 are many, 22–24 few); Arabic at n mod 100."""
    assert [plural_category("pl", n) for n in ("2", "4", "12", "14", "21", "22", "102", "112", "1,450")] == [
        "few",
        "few",
        "many",
        "many",
        "many",
        "few",
        "few",
        "many",
        "many",
    ]
    assert [plural_category("ar", n) for n in ("0", "1", "2", "3", "99", "100", "102", "103", "111")] == [
        "zero",
        "one",
        "two",
        "few",
        "many",
        "other",
        "other",
        "few",
        "many",
    ]
    # Decimals and figures in the bank's own digits follow CLDR too; a figure-less slot is 'other'.
    assert plural_category("pl", "2,5") == "other" and plural_category("ar", "١١") == "many"
    assert plural_category("ru", "21") == "one" and plural_category("pl", "IP") == "other"


def test_german_and_english_singular_for_one() -> None:
    assert said("de", "benefits", "bite-size", "1")[0] == "Nur 1 Minute am Tag."
    assert said("de", "benefits", "bite-size", "60")[0] == "Nur 60 Minuten am Tag."
    assert said("de", "proofs", "warranty-years", "1") == ["Mit 1 Jahr Garantie.", "1 Jahr Garantie."]
    assert said("en", "proofs", "battery-hours", "1")[0] == "Up to 1 hour of battery."
    assert said("en", "proofs", "battery-hours", "12")[0] == "Up to 12 hours of battery."
    assert said("en", "proofs", "battery-hours", "1.5")[0] == "Up to 1.5 hours of battery."


def test_hebrew_dual_for_hours_and_years_not_for_minutes() -> None:
    assert said("he", "proofs", "battery-hours", "2") == ["עד שעתיים סוללה.", "שעתיים סוללה."]
    assert said("he", "proofs", "battery-hours", "5")[0] == "עד 5 שעות סוללה."
    assert said("he", "proofs", "warranty-years", "2")[1] == "שנתיים אחריות."
    assert said("he", "benefits", "bite-size", "2")[0] == "רק 2 דקות ביום."  # no 'דקותיים'


def test_languages_without_plural_inflection_keep_plain_lines() -> None:
    """Turkish, Indonesian, Japanese, Bengali: the noun after a number does not change, so the line is plain {n}."""
    for language, noun in (("tr", "dakika"), ("id", "menit"), ("ja", "分"), ("bn", "মিনিট")):
        lines = [t for t in bank(language).benefits["bite-size"] if "{n" in t]
        assert lines and all("plural" not in t for t in lines), language
        assert (
            noun in said(language, "benefits", "bite-size", "1")[0]
            and noun in said(language, "benefits", "bite-size", "5")[0]
        )
    assert "৩ মিনিট" in said("bn", "benefits", "bite-size", "3")[0]  # Bengali digits still


# --- a planned brief, no copy -------------------------------------------------------------------------------------


@cache
def plan(brief_toml: str) -> Project:
    return plan_project(Brief.model_validate(tomllib.loads(brief_toml)), llm=None)


def brief(product: str, category: str, points: list[str], markets: list[str]) -> str:
    lines = [
        'brand = "Nimbo"',
        f'product = "{product}"',
        f'category = "{category}"',
        "selling_points = [" + ", ".join(f'"{p}"' for p in points) + "]",
        "duration_s = 30",
        'tone = "warm, confident"',
        'call_to_action = "Get Nimbo today"',
    ]
    for code in markets:
        lines += ["[[markets]]", f'code = "{code}"']
    lines += ["[[segments]]", 'id = "everyday"', 'name = "Everyday buyers"', 'description = "busy adults"']
    return "\n".join(lines) + "\n"


def variant_lines(project: Project, point: str) -> dict[str, list[str]]:
    """Language → every localized voice-over, its alternatives and caption whose master line says `point`."""
    assert project.storyboard is not None
    master = {s.id: s for s in project.storyboard.shots}
    out: dict[str, list[str]] = {}
    for variant in project.variants:
        for shot in variant.shots:
            m = master[shot.shot_id]
            if point.lower() in m.voiceover.lower():
                out.setdefault(variant.language, []).extend([shot.voiceover, *shot.alternatives])
            if point.lower() in m.on_screen_text.lower():
                out.setdefault(variant.language, []).append(shot.caption)
    return out


def test_a_planned_language_app_says_3_and_5_minutes_in_polish_and_egyptian_arabic() -> None:
    project = plan(
        brief(
            "language lessons app",
            "education",
            ["Just 3 minutes a day", "learn with native speakers", "works offline on the train"],
            ["PL", "EG"],
        )
    )
    said_ = variant_lines(project, "Just 3 minutes a day")
    pl = [t for t in said_["pl"] if "3" in t]
    assert pl and all("3 minuty" in t or "3 min " in t for t in pl), said_["pl"]
    assert any("Tylko 3 minuty dziennie" in t for t in pl) and not any("3 minut " in t for t in pl)
    ar = [t for t in said_["ar-EG"] if "3" in t]
    assert ar and all("3 دقائق" in t for t in ar), said_["ar-EG"]


def test_a_planned_cordless_vacuum_says_22_minutes_in_polish_and_egyptian_arabic() -> None:
    project = plan(
        brief(
            "cordless vacuum",
            "home",
            ["Up to 22 minutes on one charge", "lifts pet hair from carpets", "light enough for the stairs"],
            ["PL", "EG"],
        )
    )
    said_ = variant_lines(project, "Up to 22 minutes on one charge")
    assert "Do 22 minut pracy na jednym ładowaniu." in said_["pl"], said_["pl"]  # genitive after 'do'
    assert any("22 minuty na ładowaniu" in t for t in said_["pl"]), said_["pl"]  # nominative: 22 minuty
    assert any("حتى 22 دقيقة" in t for t in said_["ar-EG"]) and not any("22 دقائق" in t for t in said_["ar-EG"])


def test_a_planned_smartwatch_says_the_hebrew_dual_and_keeps_the_figure() -> None:
    """'שעתיים' names the figure 2 in words: the line is said (not sent to a translator for dropping it)."""
    project = plan(
        brief(
            "kids smartwatch",
            "electronics",
            ["Up to 2 hours of battery", "calls parents with one button", "splash-proof for the playground"],
            ["IL", "DE"],
        )
    )
    said_ = variant_lines(project, "Up to 2 hours of battery")
    assert any("עד שעתיים סוללה" in t for t in said_["he"]), said_["he"]
    assert not any("2 שעות" in t for t in said_["he"])
    assert any("Bis zu 2 Stunden Akkulaufzeit" in t for t in said_["de"]), said_["de"]
    for variant in project.variants:
        for shot in variant.shots:
            if shot.voiceover in said_.get(variant.language, []):
                assert shot.line_status["voice-over"].origin == "phrase-bank", (variant.language, shot.voiceover)


# --- malformed lines are refused at load ---------------------------------------------------------------------------


def _broken(tmp_path: Path, language: str, old: str, new: str) -> str:
    root = tmp_path / f"knowledge-{len(list(tmp_path.iterdir()))}"
    shutil.copytree(load_knowledge().root, root)
    path = root / "phrases" / f"{language}.toml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    clear_cache()
    try:
        with pytest.raises(ValidationFailed) as e:
            load_banks(root)
    finally:
        clear_cache()
    return str(e.value)


def test_a_plural_line_without_other_is_refused_with_the_file_and_key(tmp_path: Path) -> None:
    message = _broken(tmp_path, "pl", "many {minut} other {minuty}} dziennie", "many {minut}} dziennie")
    assert "pl.toml" in message and "bite-size" in message and "'other'" in message, message


def test_a_category_german_does_not_have_is_refused(tmp_path: Path) -> None:
    message = _broken(
        tmp_path, "de", "Nur {n} {n, plural, one {Minute} other", "Nur {n} {n, plural, one {Minute} few {Minuten} other"
    )
    assert "de.toml" in message and "bite-size" in message and "'few'" in message, message
    assert "one, other" in message, message  # what German has


def test_a_polish_line_missing_few_is_refused(tmp_path: Path) -> None:
    """Falling back to 'other' would say '3 minut' wrong, so a category an integer reaches must be written."""
    message = _broken(tmp_path, "pl", "one {minuta} few {minuty} many", "one {minuta} many")
    assert "pl.toml" in message and "bite-size" in message and "'few'" in message, message


def test_an_unknown_category_name_and_a_broken_placeholder_are_refused(tmp_path: Path) -> None:
    message = _broken(tmp_path, "en", "one {minute} other {minutes}} a day", "single {minute} other {minutes}} a day")
    assert "en.toml" in message and "bite-size" in message and "'single'" in message, message
    message = _broken(tmp_path, "en", "one {minute} other {minutes}} a day", "one minute other {minutes}} a day")
    assert "en.toml" in message and "bite-size" in message and "plural" in message, message


def test_plain_figure_lines_still_load_in_a_plural_language(tmp_path: Path) -> None:
    """Banks being added (nl, ru, kk) write plain {n} lines first: they load as before."""
    root = tmp_path / "knowledge"
    shutil.copytree(load_knowledge().root, root)
    path = root / "phrases" / "pl.toml"
    text = path.read_text(encoding="utf-8")
    old = "Tylko {n} {n, plural, one {minuta} few {minuty} many {minut} other {minuty}} dziennie."
    assert old in text
    path.write_text(text.replace(old, "Tylko {n} minut dziennie."), encoding="utf-8")
    clear_cache()
    try:
        loaded = load_banks(root).bank("pl")
        assert loaded is not None and "Tylko {n} minut dziennie." in loaded.benefits["bite-size"]
    finally:
        clear_cache()


@pytest.mark.parametrize(
    ("figure", "said"),
    [
        ("1", "1 минута"),
        ("3", "3 минуты"),
        ("5", "5 минут"),
        ("21", "21 минута"),
        ("22", "22 минуты"),
        ("2.5", "2.5 минуты"),
    ],
)
def test_russian_minutes_agree_with_the_figure(figure: str, said: str) -> None:
    line = load_banks().banks["ru"].benefits["bite-size"][1]
    assert fill(line, "B", "P", figure, "ru") == f"Всего {said} в день."


def test_russian_levels_take_the_genitive_after_bolee() -> None:
    line = load_banks().banks["ru"].proofs["levels-count"][0]
    assert fill(line, "B", "P", "2000", "ru") == "Более 2000 уровней."
    assert fill(line, "B", "P", "21", "ru") == "Более 21 уровня."


@pytest.mark.parametrize(
    ("market", "thousand", "decimal"),
    [
        ("DE", "Hält bis zu 1.000 Stunden", "2,5 Tage"),
        ("FR", "1\u00a0000 heures", "2,5 jours"),
        ("RU", "1\u00a0000 часов", "2,5 дня"),
        ("PL", "1\u00a0000 godzin", "2,5 dnia"),
        ("US", "1,000 hours", "2.5 days"),
    ],
)
def test_figures_are_written_with_the_language_s_separators(market: str, thousand: str, decimal: str) -> None:
    """The brief writes 1,000 and 2.5 the English way; each language writes them its own way (CLDR), and the noun
    after a decimal takes the form the language gives fractions (Russian and Polish: genitive singular)."""
    brief = Brief.model_validate(
        {
            "brand": "Lumo",
            "product": "Lumo candle",
            "category": "general",
            "selling_points": ["burns for up to 1,000 hours", "lasts 2.5 days"],
            "markets": [{"code": market}],
            "segments": [{"id": "home", "name": "Home lovers", "description": "30-45, evenings at home"}],
        }
    )
    said = " ".join(s.voiceover for s in plan_project(brief, llm=None).variants[0].shots)
    assert thousand in said and decimal in said, said

"""A brief nobody here wrote, of another category and other markets: a free-to-play mobile puzzle game for Russia and
Kazakhstan, two segments (metro commuters, mothers unwinding once the kids are asleep), no copy, no LLM. Every line a
marketer there would see is Russian or Kazakh, in the Cyrillic script, or `qianmian check` names it for a translator;
a Russian line that slips into a Kazakh variant is named too (Kazakh's own letters first, then lingua); the two
segments hear their own hook and pain; the claim keeps its figure (written 2 000, as Russian and Kazakh write it); the
frames draw the game on a phone (a board of coloured tiles, not a drama's play button); Kazakh letters are drawn, not
boxes; each variant is voiced in its own language, and a quick preview of a Kazakh variant speaks and captions in
Kazakh."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
import pytest
from test_unseen_briefs import _in_language, marketer_origins, planned, quick_preview

from pipelines.fonts import font_for_script, missing_glyphs, script_of_char
from pipelines.image.frame_plan import frame_plan
from studio.check.report import build_report
from studio.model import Project
from studio.planning.knowledge import load_knowledge
from studio.planning.language_check import KAZAKH_LETTERS, brand_names, identify, script_of, strip_names
from studio.planning.phrases import figures
from studio.takes import image_request_for

BRIEF = "puzzle-game"
#: market → the language its variants speak (Kazakhstan's variants are in Kazakh, the state language: see the brief).
LANGUAGES = {"RU": "ru", "KZ": "kk"}
#: The claim "Over 2,000 levels", as each language says it: the figure with a no-break thousands space (a comma
#: would read as a decimal point: "2,000" is two), and the word for levels.
CLAIM = {"ru": "2\u00a0000+ уровней", "kk": "2\u00a0000+ деңгей"}


def _lines(project: Project, variant_id: str) -> list[tuple[str, str, str, str]]:
    """(shot, kind, text, origin) of every line of a variant but the voice-over's shorter forms."""
    return [line[1:] for line in marketer_origins(project) if line[0] == variant_id and line[2] != "alternative"]


def _letters(project: Project, text: str) -> set[str]:
    """The scripts of a line's letters with the brand's names left out (Cyrillic told from Latin, which the font
    module does not do: Noto Sans draws both)."""
    rest = unicodedata.normalize("NFC", strip_names(text, brand_names(project)))
    return {s for c in rest if c.isalpha() and (s := script_of(c)) is not None}


def test_the_puzzle_game_is_read_as_games_and_each_market_speaks_russian_or_kazakh() -> None:
    project = planned(BRIEF)
    pack = load_knowledge().category(project.brief.category)
    assert pack is not None and pack.id == "games-drama", f"{project.brief.category!r} is not read as games-drama"
    assert {v.market: v.language for v in project.variants} == LANGUAGES
    assert len(project.variants) == 2 * len(LANGUAGES), "every segment in every market"
    kz = load_knowledge().markets["KZ"]
    assert [lang.code for lang in kz.languages] == ["kk", "ru"], "Kazakh first, Russian widely used too"


def test_every_line_is_russian_or_kazakh_in_cyrillic_or_listed_for_a_translator_by_line() -> None:
    project = planned(BRIEF)
    report = build_report(project, scorecards=False)
    listed = {(p.variant_id, p.shot_id, p.kind) for p in report.translator}
    text = report.text()
    for variant in project.variants:
        lines = _lines(project, variant.id)
        said = [ln for ln in lines if _in_language(project, variant.language, ln[2], ln[3])]
        said = [ln for ln in said if _letters(project, ln[2]) <= {"cyrillic"}]
        for shot_id, kind, line, _ in (ln for ln in lines if ln not in said):
            assert (variant.id, shot_id, kind) in listed, (
                f"{variant.id} {shot_id} {kind} “{line}” is neither in {variant.language} nor listed for a translator"
            )
            where = f"{shot_id} {kind}" if shot_id else kind
            assert f"[TRANSLATE] {where} ({variant.language}): \u201c{line}\u201d" in text, (variant.id, where)
        # the banks say everything but the brief's English legal line, which goes to a translator
        assert len(said) == len(lines) - 1, (variant.id, [ln for ln in lines if ln not in said])
        spoken = " ".join(ln[2] for ln in said)
        kazakh = set(spoken) & KAZAKH_LETTERS
        if variant.language == "kk":
            assert len(kazakh) >= 4, f"{variant.id}: Kazakh lines with few Kazakh letters: “{spoken}”"
            assert all(identify(ln[2], "ru").ok is False for ln in said if set(ln[2]) & KAZAKH_LETTERS)
        else:
            assert not kazakh, f"{variant.id}: Kazakh letters {kazakh} in a Russian variant"
    assert {(p.variant_id, p.kind) for p in report.translator} == {(v.id, "legal") for v in project.variants}
    assert "still need a translator" in text and "Nothing blocks a final render" not in text


def test_a_russian_line_in_a_kazakh_variant_is_named_by_check_and_a_kazakh_one_in_a_russian_variant() -> None:
    """Kazakhstan speaks both, so a Russian line pasted into a Kazakh variant is the likely slip: check names it by
    variant, shot and kind, as Russian. The Russian line is the Russian bank's own line for the same shot."""
    project = planned(BRIEF).model_copy(deep=True)
    kz = project.variant("kz-metro-commuters")
    ru = project.variant("ru-metro-commuters")
    russian, kazakh = ru.shots[3].voiceover, kz.shots[3].voiceover
    assert russian != kazakh and not set(russian) & KAZAKH_LETTERS
    kz.shots[3].voiceover, ru.shots[3].voiceover = russian, kazakh
    report = build_report(project, scorecards=False)
    named = {(p.variant_id, p.shot_id, p.kind) for p in report.translator}
    assert (kz.id, kz.shots[3].shot_id, "voice-over") in named, (russian, named)
    assert (ru.id, ru.shots[3].shot_id, "voice-over") in named, (kazakh, named)
    assert kz.shots[3].line_status["voice-over"].detected == "ru"
    assert ru.shots[3].line_status["voice-over"].detected == "kk"
    assert f"[TRANSLATE] {kz.shots[3].shot_id} voice-over (kk): \u201c{russian}\u201d" in report.text()
    # the untouched variants of the same project pass, so the finding is the swapped line and not the language
    others = {p.variant_id for p in report.translator if p.kind != "legal"}
    assert others == {kz.id, ru.id}, others
    # a Russian line with no Kazakh letters, short or long, is not passed off as Kazakh
    assert identify("Скачай бесплатно и играй в метро.", "kk").ok is False
    assert identify("Более двух тысяч уровней", "kk").detected == "ru"
    assert identify("Тегін ойна", "kk").ok is True and identify("Тегін ойна", "ru").ok is False


def test_segments_hear_their_own_hook_and_pain() -> None:
    """The commuter hears about the metro ride and boredom, the mother that the kids are asleep and this hour is
    hers, and no time for herself: different tags, different lines, in both languages."""
    project = planned(BRIEF)
    for market in LANGUAGES:
        a, b = [v for v in project.variants if v.market == market]
        assert a.shots[0].voiceover != b.shots[0].voiceover, f"{market}: both segments open the same way"
        assert a.shots[0].line_status["voice-over"].origin == "phrase-bank", (a.id, a.shots[0].voiceover)
        assert b.shots[0].line_status["voice-over"].origin == "phrase-bank", (b.id, b.shots[0].voiceover)
        assert a.shots[1].line_source is not None and b.shots[1].line_source is not None
        assert a.shots[1].line_source.tags != b.shots[1].line_source.tags, f"{market}: the same pain for both"
        assert a.shots[1].voiceover != b.shots[1].voiceover
    metro = {"ru": "метро", "kk": "Метро"}
    for v in project.variants:
        if v.segment == "metro-commuters":
            assert metro[v.language] in v.shots[0].voiceover, (v.id, v.shots[0].voiceover)


def test_the_level_count_keeps_its_figure_written_as_russian_and_kazakh_write_it() -> None:
    project = planned(BRIEF)
    assert project.brief.mandatory_claims == ["Over 2,000 levels"]
    for variant in project.variants:
        captions = [s.caption for s in variant.shots]
        assert any(CLAIM[variant.language] in c for c in captions), (variant.id, captions)
        assert not any("2,000" in c for c in captions), "'2,000' reads as two in Russian and Kazakh"
        assert any("2000" in figures(c) for c in captions)


def test_game_ads_in_russia_and_kazakhstan_are_checked_for_age_mark_purchases_superlatives_and_gambling() -> None:
    """RU and KZ packs: the age mark (12+) and the in-app purchase disclosure are satisfied by the brief's legal line
    and asked for when it is gone; 'лучший' / 'ең үздік' and a jackpot are cautioned with their law."""
    from studio.preflight.compliance import load_rules

    book = load_rules()
    for market in LANGUAGES:
        own = [r for r in book.for_market(market, "games-drama") if market in r.markets]
        assert {r.id.split("-", 1)[1] for r in own} >= {
            "superlative-unproven",
            "game-age-mark",
            "in-app-purchases",
            "game-gambling-mechanics",
        }
        assert all(r.authority and r.source and r.checked.year >= 2026 for r in own)
    untouched = build_report(planned(BRIEF), scorecards=False).findings
    assert not [f for f in untouched if f.rule_id.startswith(("ru-", "kz-"))], untouched
    project = planned(BRIEF).model_copy(deep=True)
    said = {"ru": "Лучшая головоломка года. Забери джекпот!", "kk": "Ең үздік ойын. Джекпотты ал!"}
    for variant in project.variants:
        variant.legal = "Free to play."
        variant.shots[2].caption = said[variant.language]
    findings = build_report(project, scorecards=False).findings
    for variant in project.variants:
        prefix = {"RU": "ru", "KZ": "kz"}[variant.market]
        mine = {f.rule_id: f for f in findings if f.variant_id == variant.id}
        for rule in ("superlative-unproven", "game-gambling-mechanics"):
            assert mine[f"{prefix}-{rule}"].where == variant.shots[2].shot_id, (variant.id, rule)
        for rule in ("game-age-mark", "in-app-purchases"):
            assert f"{prefix}-{rule}" in mine, (variant.id, sorted(mine))


def test_every_shot_draws_the_game_on_a_phone_as_a_puzzle_board() -> None:
    project = planned(BRIEF)
    assert project.storyboard is not None
    cta = project.storyboard.shots[-1]
    for variant in project.variants:
        shot = variant.shot(cta.id)
        assert "phone" in shot.prompt.lower() and "game" in shot.prompt.lower(), (variant.id, shot.prompt)
        assert frame_plan(image_request_for(project, variant.id, cta.id, "9:16")).product == "puzzle-game"
    for master in project.storyboard.shots:
        plan = frame_plan(image_request_for(project, project.variants[0].id, master.id, "9:16"))
        assert plan.product == "puzzle-game", (master.id, plan.product)
        assert not set(plan.props) & {"bowl", "drink", "bottle"}, (master.id, plan.props)


def test_the_product_frame_shows_the_phone_with_the_tile_board_where_a_drama_shows_a_play_screen() -> None:
    """Pixels, not only the plan: the product box holds the phone's dark body and every tile colour of the board;
    the same shot for a short drama draws the sideways phone with a play button and none of the tiles."""
    from pipelines.image.procedural import render_frame
    from pipelines.image.products import PUZZLE_TILES

    project = planned(BRIEF)
    variant = project.variant("kz-evening-mothers")
    request = image_request_for(project, variant.id, variant.shots[-1].shot_id, "9:16")
    request = request.model_copy(update={"width": 360, "height": 640})

    def colours(frame: object) -> tuple[int, list[int]]:
        left, top, right, bottom = (int(v) for v in frame.products[0])  # type: ignore[attr-defined]
        a = np.asarray(frame.image, dtype=np.int16)[max(0, top) : bottom, max(0, left) : right].reshape(-1, 3)  # type: ignore[attr-defined]

        def near(rgb: tuple[int, int, int]) -> int:
            return int((np.abs(a - np.array(rgb)).max(axis=1) <= 4).sum())

        return near((28, 28, 34)), [near(c) for c in PUZZLE_TILES]

    puzzle = render_frame(request)
    assert puzzle.plan.product == "puzzle-game"
    body, tiles = colours(puzzle)
    assert body > 500 and min(tiles) > 60, (body, tiles)
    assert tiles[2] > max(tiles[:2] + tiles[3:]), "the green row being matched"
    drama = request.model_copy(
        update={"category": "short drama", "prompt": "the drama key art on a phone screen", "props": []}
    )
    drama_frame = render_frame(drama)
    assert drama_frame.plan.product == "game"
    _, tiles = colours(drama_frame)
    assert max(tiles) < 20, tiles
    assert np.abs(np.asarray(puzzle.image, dtype=np.int16) - np.asarray(drama_frame.image, dtype=np.int16)).mean() > 3


def test_kazakh_captions_are_drawn_with_their_own_glyphs_not_boxes() -> None:
    """Kazakh is drawn by Noto Sans (the font the studio calls 'latin'): every Kazakh-only letter the captions use
    (ә ғ қ ң ө ұ ү һ і) is in its character map and draws its own glyph, not the missing-glyph box, and a caption
    renders with ink."""
    from studio.render.text import render_text_block

    project = planned(BRIEF)
    captions = [s.caption for v in project.variants if v.language == "kk" for s in v.shots if s.caption]
    captions += [v.call_to_action for v in project.variants if v.language == "kk"]
    letters = sorted({c for t in captions for c in unicodedata.normalize("NFC", t) if c in KAZAKH_LETTERS})
    assert len(letters) >= 5, letters
    assert not missing_glyphs(" ".join(captions), "kk")
    every = "әғқңөұүһіӘҒҚҢӨҰҮҺІ"
    assert not missing_glyphs(every, "kk"), "every Kazakh letter, upper and lower case"
    box = np.asarray(font_for_script("latin", "kk", 40).getmask("ש"), dtype=np.int16)  # no Hebrew in Noto Sans
    for ch in sorted(set(letters) | set(every)):
        assert script_of(ch) == "cyrillic" and script_of_char(ch) == "latin", ch  # Noto Sans draws it
        glyph = np.asarray(font_for_script("latin", "kk", 40).getmask(ch), dtype=np.int16)
        assert glyph.size and glyph.max() > 0, ch
        assert glyph.shape != box.shape or np.abs(glyph - box).mean() > 5, f"{ch} is drawn as a box"
    # ә and а differ in the drawing (a box would make them alike, and so would a fallback to the base letter)
    a = np.asarray(render_text_block("а", "kk", size_px=40, max_width=400).getchannel("A"), dtype=np.int16)
    schwa = np.asarray(render_text_block("ә", "kk", size_px=40, max_width=400).getchannel("A"), dtype=np.int16)
    assert a.shape != schwa.shape or np.abs(a - schwa).mean() > 5


def test_each_variant_is_voiced_in_russian_or_kazakh_and_readiness_says_so() -> None:
    """Offline, espeak has a Russian and a Kazakh voice: no English voice reads these lines; readiness finds the
    voice and a caption font for both markets, and says plainly when a chosen voice is missing."""
    from pipelines.voice import espeak
    from pipelines.voice.languages import settings_for
    from studio.stages.readiness import check_readiness, readiness_request

    project = planned(BRIEF)
    for variant in project.variants[:: len(project.variants) // 2]:  # one variant per market
        voice = settings_for(variant.language)
        assert voice.voice == variant.language, (variant.language, voice.voice)
        spoken = espeak.synthesize(variant.shots[1].voiceover, voice.voice, rate_wpm=voice.rate_wpm)
        assert spoken is not None and len(spoken.samples) > spoken.sample_rate * 0.5
        rms = float(np.sqrt(np.mean(spoken.samples.astype(np.float64) ** 2)))
        assert rms > 300, (variant.id, rms)  # int16: not silence
    ready = {r.market: r for r in check_readiness(readiness_request(project, {}, "procedural"))}
    assert set(ready) == set(LANGUAGES)
    assert (ready["RU"].voice.what, ready["KZ"].voice.what) == (
        "espeak (Russian) · guide voice",
        "espeak (Kazakh) · guide voice",
    )
    for market, r in ready.items():
        assert r.voice.ready and r.font.ready, (market, r.voice, r.font)
    # a neural Kazakh voice that is not installed is named plainly, with where to put it
    (kz,) = [
        r
        for r in check_readiness(readiness_request(project, {"kk": "piper:kk_KZ-issai-high"}, "procedural"))
        if r.market == "KZ"
    ]
    assert not kz.voice.ready and "kk_KZ-issai-high" in kz.voice.what + kz.voice.hint and kz.voice.hint, kz.voice


def test_a_kazakh_quick_preview_captions_in_kazakh_and_speaks(tmp_path: Path) -> None:
    """About 10 s, so not marked slow."""
    _, cues = quick_preview(tmp_path, BRIEF, "kz-metro-commuters", "kk")
    said = " ".join(cue.text for cue in cues)
    assert set(said) & KAZAKH_LETTERS, f"Kazakh letters reach the captions: {said}"
    project = planned(BRIEF)
    assert all(_letters(project, cue.text) <= {"cyrillic"} for cue in cues), said
    assert all(identify(cue.text, "kk", names=brand_names(project)).ok is not False for cue in cues), said


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_the_banks_say_the_game_lines_in_their_own_language(language: str) -> None:
    """The lines this brief uses, straight from the bank: Russian lines have no Kazakh letters and read as Russian;
    Kazakh lines carry Kazakh letters."""
    from studio.planning.phrases import load_banks

    bank = load_banks().bank(language)
    assert bank is not None and bank.reviewed is False
    lines = bank.benefits["puzzle"] + bank.hooks["me-time"] + bank.pains["boredom"] + bank.categories["games-drama"].cta
    for line in lines:
        verdict = identify(line, language)
        assert verdict.ok is not False, (line, verdict)
        assert (language == "kk") == bool(set(line) & KAZAKH_LETTERS), line

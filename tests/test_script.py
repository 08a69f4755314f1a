"""A script in, a storyboard out: Fountain and Chinese plain-text scripts planned into shots, lines and variants,
and the A/B hooks and calls to action each variant gets in its own language."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from studio.cli import main as cli_main
from studio.model import ProjectStore, ValidationFailed
from studio.planning.ab import speaks
from studio.planning.script import parse_script, plan_script, read_brief_fields
from studio.render.ab import parse_matrix, variant_cells

# A noodle ad (food-drink, a category the sample briefs do not have) for Thailand and Indonesia.
FOUNTAIN = """Title: Night Shift Noodles
Brand: Mama Rin
Product: Tom Yum Cup Noodles

EXT. NIGHT MARKET - NIGHT

WIDE on a crowded night market. Steam rises from a noodle stall.

NARRATOR (V.O.)
Two a.m. and the whole city is asleep.

INT. HOSPITAL BREAK ROOM - NIGHT

A nurse slumps into a plastic chair, eyes half closed.

MALI
I have ten minutes. Just ten.

INT. BREAK ROOM KITCHEN - CONTINUOUS

[[CLOSE ON her hands peeling back the lid]]

NARRATOR (V.O.)
Three minutes of hot water, real tom yum broth.

SUPER: Ready in 3 minutes

INT. BREAK ROOM - LATER

Mali laughs with a colleague over two steaming cups. PUSH IN on the cups.

MALI
Okay. Now I can finish the shift.

EXT. HOSPITAL - DAWN

The cup on a window ledge at sunrise.

NARRATOR (V.O.)
Mama Rin. Hot, fast, real.
"""

BRIEF = """category = "food-drink"
selling_points = ["ready in three minutes", "real tom yum broth"]
duration_s = 20

[[markets]]
code = "TH"

[[markets]]
code = "ID"

[[segments]]
id = "night-shift"
name = "Night-shift workers"
"""

CHINESE = """标题：深夜食堂
品牌：妈妈林
产品：冬阴功杯面
品类：food-drink
市场：CN
人群：夜班族 (night-shift)、大学生 (students)

场景一：夜市 夜
外景。夜市人声鼎沸，小摊冒着热气。【全景，推镜】
旁白：凌晨两点，整座城市都睡了。

场景二：医院休息室 夜
内景。护士小美瘫坐在塑料椅上。
小美：我只有十分钟。

场景三：医院休息室 夜
【特写】她撕开杯面的盖子。
旁白：三分钟，一碗真正的冬阴功。
字幕：三分钟即食

场景四：医院窗台 清晨
产品特写：杯面放在窗台上，日出。
旁白：妈妈林，热、快、真。
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _han(text: str) -> bool:
    return any(unicodedata.name(ch, "").startswith("CJK UNIFIED") for ch in text)


def _thai(text: str) -> bool:
    return any(unicodedata.name(ch, "").startswith("THAI") for ch in text)


def test_fountain_scenes_become_shots_lines_and_two_market_variants(tmp_path: Path) -> None:
    brief = read_brief_fields(_write(tmp_path, "b.toml", BRIEF))
    project = plan_script(FOUNTAIN, brief, filename="noodles.fountain", llm=None)
    board = project.storyboard
    assert board is not None and board.language == "en"
    assert len(board.shots) == 5
    assert "crowded night market" in board.shots[0].visual and "night market" in board.shots[0].visual
    assert "nurse slumps" in board.shots[1].visual
    assert [s.voiceover for s in board.shots] == [
        "Two a.m. and the whole city is asleep.",
        "I have ten minutes. Just ten.",
        "Three minutes of hot water, real tom yum broth.",
        "Okay. Now I can finish the shift.",
        "Mama Rin. Hot, fast, real.",
    ]
    assert board.shots[2].on_screen_text == "Ready in 3 minutes"  # the SUPER line
    assert board.shots[0].framing == "wide" and board.shots[2].framing == "close-up"
    assert board.shots[3].camera == "push-in"
    assert board.shots[0].beat == "hook" and board.shots[-1].beat == "cta"
    assert sum(s.duration_s for s in board.shots) == pytest.approx(20.0, abs=0.01)
    assert project.brief.duration_s == 20
    # A longer line gets a longer shot (lengths follow the speech rate before scaling).
    assert board.shots[2].duration_s > board.shots[1].duration_s
    for shot in board.shots:
        assert shot.line_source is not None and shot.line_source.kind == "copy"
        assert shot.line_source.text == shot.voiceover
        assert shot.insight_ids
    assert project.brief.brand == "Mama Rin" and project.brief.product == "Tom Yum Cup Noodles"
    assert {v.market for v in project.variants} == {"TH", "ID"}
    th = next(v for v in project.variants if v.market == "TH")
    assert [s.shot_id for s in th.shots] == [s.id for s in board.shots]
    # The English lines are not passed off as Thai: the plan says which still need a translator.
    assert any(f.kind == "untranslated" for f in th.shots[0].flags)
    assert _thai(th.call_to_action)


def test_ab_alternatives_are_in_the_variant_language(tmp_path: Path) -> None:
    brief = read_brief_fields(_write(tmp_path, "b.toml", BRIEF))
    project = plan_script(FOUNTAIN, brief, filename="noodles.fountain", llm=None)
    th = next(v for v in project.variants if v.market == "TH")
    idn = next(v for v in project.variants if v.market == "ID")
    assert th.ab_hooks and th.ab_ctas and idn.ab_ctas
    assert all(_thai(t) for t in th.ab_hooks + th.ab_ctas)
    assert th.call_to_action not in th.ab_ctas
    for text in idn.ab_hooks + idn.ab_ctas:
        assert text.isascii() and speaks(text, "id") is not False
    english = {"Shop now", "auto glowing", "spill dong"}
    assert not english & set(idn.ab_hooks + idn.ab_ctas + th.ab_hooks + th.ab_ctas)
    assert speaks("Grab yours today", "th") is False and speaks("ของมันต้องมี", "th") is True
    assert speaks("yyds", "zh") is False


def test_fewer_cells_when_no_local_alternative(tmp_path: Path) -> None:
    brief = read_brief_fields(_write(tmp_path, "b.toml", BRIEF))
    project = plan_script(FOUNTAIN, brief, filename="noodles.fountain", llm=None)
    th = next(v for v in project.variants if v.market == "TH")
    # The planned hook is the script's English line: it never becomes a cell of the Thai test.
    cells, notes = variant_cells(project, th, 2, 2)
    assert {c.hook for c in cells} == set(th.ab_hooks[:2]) and all(_thai(c.hook) for c in cells)
    assert any("not in th" in n and "Two a.m." in n for n in notes)
    th.ab_hooks = th.ab_hooks[:1]
    cells, notes = variant_cells(project, th, 2, 2)
    assert [c.code for c in cells] == ["H1-C1", "H1-C2"]
    assert any("Only 1 hook" in n for n in notes)
    chinese = plan_script(CHINESE, filename="夜班.txt", llm=None)
    cn = chinese.variants[0]
    cn.ab_hooks, cn.ab_ctas = [], []
    cells, notes = variant_cells(chinese, cn, 2, 2)
    assert [(c.code, c.hook) for c in cells] == [("H1-C1", cn.shots[0].voiceover)]
    assert len(notes) == 2 and "Only 1 hook(s) in zh" in notes[0]
    assert parse_matrix("3x2") == (3, 2)
    with pytest.raises(ValidationFailed):
        parse_matrix("two by two")


def test_chinese_plain_text_script_plans_in_chinese() -> None:
    script = parse_script(CHINESE, filename="夜班.txt")
    assert script.language == "zh" and len(script.scenes) == 4
    project = plan_script(CHINESE, filename="夜班.txt", llm=None)
    board = project.storyboard
    assert board is not None and board.language == "zh" and project.brief.master_language == "zh"
    assert len(board.shots) == 4
    assert board.shots[0].voiceover == "凌晨两点，整座城市都睡了。"
    assert board.shots[1].voiceover == "我只有十分钟。"
    assert board.shots[2].on_screen_text == "三分钟即食"
    assert "夜市人声鼎沸" in board.shots[0].visual and not board.shots[0].visual.startswith("外景")
    assert board.shots[0].framing == "wide" and board.shots[0].camera == "push-in"
    assert board.shots[2].framing == "close-up" and board.shots[3].framing == "product"
    assert all(_han(s.voiceover) for s in board.shots)
    assert [s.id for s in project.brief.segments] == ["night-shift", "students"]
    assert {v.id for v in project.variants} == {"cn-night-shift", "cn-students"}
    cn = project.variants[0]
    assert cn.language == "zh"
    assert [s.voiceover for s in cn.shots] == [s.voiceover for s in board.shots]
    assert not [f for s in cn.shots for f in s.flags if f.kind == "untranslated"]
    assert _han(cn.call_to_action)  # closes in Chinese, not the brief's default "Shop now"
    assert cn.ab_hooks and all(_han(t) for t in cn.ab_hooks)
    # Without a given length the script's own reading time sets it (Chinese speech rate).
    assert sum(s.duration_s for s in board.shots) == pytest.approx(project.brief.duration_s, abs=0.01)


def test_a_script_without_brand_or_markets_says_which_keys_to_add() -> None:
    bare = FOUNTAIN.replace("Brand: Mama Rin\n", "")
    with pytest.raises(ValidationFailed) as err:
        plan_script(bare, filename="noodles.fountain", llm=None)
    text = str(err.value)
    for key in ("brand", "markets", "segments", "category", "`Brand:`", "`Markets:`", "--brief"):
        assert key in text, key
    assert "product" not in err.value.message.split("its")[1].split(":")[0]


def test_cli_plans_a_script_with_a_brief_beside_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = _write(tmp_path, "noodles.fountain", FOUNTAIN)
    brief = _write(tmp_path, "b.toml", BRIEF)
    out = tmp_path / "project"
    assert cli_main(["--quiet", "plan", str(script), "--brief", str(brief), "--out", str(out)]) == 0
    project = ProjectStore(out).load()
    assert project.storyboard is not None and len(project.storyboard.shots) == 5
    assert project.storyboard.shots[1].voiceover == "I have ten minutes. Just ten."
    assert {v.market for v in project.variants} == {"TH", "ID"}
    assert "5 shots" in capsys.readouterr().out
    bare = _write(tmp_path, "bare.fountain", FOUNTAIN)
    assert cli_main(["--quiet", "plan", str(bare), "--out", str(tmp_path / "p2")]) == 2
    assert "Markets:" in capsys.readouterr().err


PLAIN = """Brand: Kopi Pagi
Product: Iced coffee
Category: food-drink
Markets: MY, PH
Segments: Office workers

SCENE 1 - OFFICE, 3 PM
An office worker yawns at her desk. CLOSE ON the clock.
NARRATOR: Three p.m. slump again?

SCENE 2 - PANTRY
She cracks open a can of Kopi Pagi. PUSH IN on the condensation.
NARRATOR: Real kopi, ice cold, in one can.
SUPER: Real kopi. Ice cold.

SCENE 3 - DESK
She is back at work, smiling.
NARRATOR: Kopi Pagi. Wake up your afternoon.
"""


def test_plain_english_script_with_scene_numbers() -> None:
    project = plan_script(PLAIN, filename="kopi.txt", llm=None)
    board = project.storyboard
    assert [s.voiceover for s in board.shots] == [
        "Three p.m. slump again?",
        "Real kopi, ice cold, in one can.",
        "Kopi Pagi. Wake up your afternoon.",
    ]
    assert board.shots[0].visual.startswith("An office worker yawns") and "(office, 3 pm)" in board.shots[0].visual
    assert board.shots[0].framing == "close-up" and board.shots[1].camera == "push-in"
    assert board.shots[1].on_screen_text == "Real kopi. Ice cold."
    assert board.shots[2].on_screen_text == "Kopi Pagi. Wake up your afternoon"
    my = next(v for v in project.variants if v.market == "MY")
    assert my.language == "ms" and my.ab_ctas and "Shop now" not in my.ab_ctas


def test_ab_cells_are_derived_copies_and_old_projects_get_alternatives(tmp_path: Path) -> None:
    from studio.render.ab import plan_ab

    brief = read_brief_fields(_write(tmp_path, "b.toml", BRIEF))
    project = plan_script(FOUNTAIN, brief, filename="noodles.fountain", llm=None)
    th = next(v for v in project.variants if v.market == "TH")
    th.ab_hooks, th.ab_ctas = [], []  # as planned before A/B cells existed
    before = th.model_copy(deep=True)
    plan = plan_ab(project, [th.id], "2x2")
    assert [c.code for c in plan.cells] == ["H1-C1", "H1-C2", "H2-C1", "H2-C2"]
    cuts = {cell: derived for _, derived, cell in plan.cuts}
    h2c2 = cuts["H2-C2"]
    hook, cta = plan.cells[3].hook, plan.cells[3].cta
    assert _thai(hook) and _thai(cta) and hook in plan.alternatives[th.id][0]
    assert h2c2.shots[0].voiceover == hook == h2c2.shots[0].caption
    assert not [f for f in h2c2.shots[0].flags if f.kind == "untranslated"]  # the English line was flagged
    assert any(f.kind == "untranslated" for f in before.shots[0].flags)
    assert h2c2.shots[0].line_status["voice-over"].language_ok is True
    assert h2c2.shots[-1].voiceover == cta == h2c2.call_to_action
    assert cuts["H1-C1"].shots[0].voiceover == plan.cells[0].hook != before.shots[0].voiceover
    assert cuts["H1-C1"].call_to_action == before.call_to_action  # C1: the planned Thai call to action
    assert h2c2.shots[1:-1] == before.shots[1:-1]
    assert th == before  # the project's own variant is untouched

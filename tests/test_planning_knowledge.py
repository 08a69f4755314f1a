"""The knowledge packs: complete, in the right scripts, validated with errors that name file and field."""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import pytest

from pipelines.fonts import missing_glyphs, script_for_language, script_of_char
from studio import paths
from studio.model import Brief, ValidationFailed, load_brief
from studio.planning import load_knowledge, plan_project
from studio.planning.knowledge import clear_cache

MARKETS = {"TH", "ID", "VN", "MY", "PH", "SG", "CN", "JP", "KR", "US", "BR", "MX", "IN", "SA", "AE"}
CATEGORIES = {"skincare", "apparel", "food-drink", "electronics", "education", "games-drama", "home", "sportswear"}


def test_packs_cover_the_required_markets_categories_structures_and_styles() -> None:
    k = load_knowledge()
    assert set(k.markets) >= MARKETS
    assert set(k.categories) >= CATEGORIES
    assert {6, 15, 30, 60} <= {int(s.duration_s) for s in k.structures.values()}
    assert {"guochao", "streetwear", "minimalist", "family"} <= set(k.styles)
    assert k.category("beauty").id == "makeup" and k.category("beauty/skincare").id == "skincare"
    assert k.category("sunscreen").id == "skincare" and k.style("Hanfu").id == "guochao"
    assert k.markets["th"] is k.markets["TH"] and "vn" in k.markets and k.markets.get("xx") is None
    for s in k.structures.values():
        assert s.beats[0].beat == "hook" and s.beats[0].seconds <= 2
    s15 = k.structure_for(15)
    assert [b.beat for b in s15.beats] == ["hook", "problem", "solution", "proof", "cta"]


@pytest.mark.parametrize("code", sorted(MARKETS))
def test_local_language_text_is_in_its_own_script_and_renders(code: str) -> None:
    market = load_knowledge().markets[code]
    for lang in market.languages:
        phrases = market.call_to_action[lang.code]
        assert phrases, lang.code
        expected = script_for_language(lang.code)
        for text in phrases:
            scripts = {script_of_char(ch) for ch in text} - {None}
            if expected != "latin":
                assert expected in scripts, (code, lang.code, text)
            assert not missing_glyphs(text, lang.code), (code, text)
    if code == "VN":
        assert any(
            unicodedata.combining(c) for t in market.call_to_action["vi"] for c in unicodedata.normalize("NFD", t)
        )
    assert market.casting and market.talent and market.dos and market.donts and market.holidays


def test_a_broken_pack_names_its_file_and_field(tmp_path: Path) -> None:
    root = tmp_path / "knowledge"
    shutil.copytree(paths.knowledge_dir(), root)
    bad = root / "markets" / "vn.toml"
    bad.write_text(
        bad.read_text(encoding="utf-8").replace('palette = ["#0b3c5d"', 'palette = ["red"'), encoding="utf-8"
    )
    clear_cache()
    with pytest.raises(ValidationFailed) as e:
        load_knowledge(root)
    assert "vn.toml" in e.value.message and "palette" in e.value.message and "#rrggbb" in e.value.message
    assert "README" in e.value.hint
    (root / "markets" / "vn.toml").write_text('code = "VN"\nnme = "typo"\n', encoding="utf-8")
    clear_cache()
    with pytest.raises(ValidationFailed, match=r"nme: unknown field"):
        load_knowledge(root)
    clear_cache()


def test_every_market_category_and_length_plans() -> None:
    k = load_knowledge()
    segments = [{"id": s, "name": s, "style": s} for s in k.styles] + [{"id": "all", "name": "Everyone"}]
    for i, cat in enumerate(sorted(k.categories)):
        duration = (6, 15, 30, 60, 20)[i % 5]
        brief = Brief.model_validate(
            {
                "brand": "Acme",
                "product": "Thing",
                "category": cat,
                "selling_points": ["light and fresh", "lasts all day"],
                "markets": [{"code": c} for c in sorted(k.markets)],
                "segments": segments,
                "duration_s": duration,
            }
        )
        project = plan_project(brief)
        assert len(project.variants) == len(k.markets) * len(segments)
        assert project.storyboard.total_duration() == pytest.approx(duration)
        for v in project.variants:
            assert sum(s.duration_s for s in v.shots) == pytest.approx(duration, abs=0.02), (cat, v.id)
            assert v.call_to_action and all(s.prompt and s.talent for s in v.shots)


def test_defaults_for_missing_optional_fields() -> None:
    brief = Brief.model_validate(
        {
            "brand": "Acme",
            "product": "Tee",
            "category": "fashion",
            "selling_points": ["soft breathable cotton"],
            "markets": [{"code": "br"}, {"code": "SA"}],
            "segments": [{"id": "all", "name": "Everyone"}],
        }
    )
    p = plan_project(brief)
    assert [v.id for v in p.variants] == ["br-all", "sa-all"]
    assert [v.language for v in p.variants] == ["pt-BR", "ar"], "the market pack's first language"
    assert p.storyboard.total_duration() == 15.0
    sa = p.variant("sa-all")
    assert sa.call_to_action == "تسوّق الآن"
    assert "modest" in sa.shots[0].wardrobe and "alcohol" in sa.shots[0].negative_prompt


def test_hanfu_brief_restyles_the_guochao_segment_only() -> None:
    p = plan_project(load_brief(paths.assets_dir() / "briefs" / "hanfu-shampoo-cn.toml"))
    assert [v.id for v in p.variants] == ["cn-hanfu-lovers", "cn-city-commuters", "sg-city-commuters"]
    hanfu, city = p.variant("cn-hanfu-lovers"), p.variant("cn-city-commuters")
    assert all("Hanfu" in s.wardrobe and "guochao" in s.prompt for s in hanfu.shots)
    assert not any("Hanfu" in s.prompt for s in city.shots)
    assert hanfu.shots[0].setting.startswith("classical Suzhou garden")
    assert hanfu.shots[0].voiceover == "青丝如缎，随风而动。" and hanfu.call_to_action == "立即购买"
    assert "kimono" in hanfu.shots[0].negative_prompt
    assert p.variant("sg-city-commuters").shots[0].voiceover == "Hair that flows like silk."
    assert not [f for v in p.variants for s in v.shots for f in s.flags]


def test_pack_check_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from studio.planning.__main__ import main

    assert main([]) == 0
    assert "all valid" in capsys.readouterr().out
    root = tmp_path / "k"
    shutil.copytree(paths.knowledge_dir(), root)
    (root / "styles" / "broken.toml").write_text('id = "broken"\n', encoding="utf-8")
    clear_cache()
    assert main([str(root)]) == 1
    err = capsys.readouterr().err
    assert "broken.toml" in err and "wardrobe" in err
    clear_cache()

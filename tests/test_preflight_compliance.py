"""Market compliance in the local language: each line found with the right rule, clean copy passes, a block stops
final until an override with a reason is recorded (and that override travels in project.json)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from studio.model import Brief, LocalizedShot, Project, ProjectStore, ValidationFailed, Variant
from studio.preflight import compliance
from studio.preflight.compliance import check_project, find_terms, preflight_blocks, record_override

LANG_OF = {"CN": "zh", "TH": "th", "VN": "vi", "ID": "id", "MY": "ms", "KR": "ko", "SA": "ar", "US": "en", "IN": "en"}


def project_with(
    market: str,
    lines: list[str],
    *,
    category: str = "skincare",
    language: str | None = None,
    legal: str = "",
    cta: str = "",
    segment: str = "busy people",
    segment_description: str = "",
    selling_points: tuple[str, ...] = ("fresh taste",),
) -> Project:
    """A one-variant project whose shots say `lines` (voice-over and caption alike)."""
    language = language or LANG_OF[market]
    brief = Brief(
        brand="Nara",
        product="Nara product",
        category=category,
        selling_points=list(selling_points),
        markets=[{"code": market}],
        segments=[{"id": "seg", "name": segment, "description": segment_description}],
        call_to_action=cta or "Nara",
    )
    shots = [
        LocalizedShot(shot_id=f"s{i + 1}", duration_s=2.0, prompt="p", voiceover=line, caption=line)
        for i, line in enumerate(lines)
    ]
    variant = Variant(
        id=f"{market.lower()}-seg",
        market=market,
        language=language,
        segment="seg",
        name="x",
        call_to_action=cta,
        legal=legal,
        shots=shots,
    )
    return Project(name="t", brief=brief, variants=[variant])


# (market, category, line, rule expected, words expected)
CASES = [
    ("CN", "skincare", "熬夜后也能拥有最好的肌肤", "cn-absolute-terms", "最好"),
    ("CN", "food-drink", "全国销量第一的米饼", "cn-absolute-terms", "第一"),
    ("CN", "skincare", "一周美白，告别暗沉", "cn-whitening-special-use", "美白"),
    ("CN", "skincare", "有效治疗痘痘肌", "cn-medical-claims", "治疗"),
    ("CN", "kids-education", "快让爸爸妈妈买这台学习机", "cn-minors-pester", "让爸爸妈妈买"),
    ("TH", "skincare", "ผิวขาวใสใน 7 วัน", "th-whitening", "ผิวขาว"),
    ("TH", "food-drink", "ข้าวเกรียบกรอบๆ กับเบียร์เย็นๆ", "th-alcohol", "เบียร์"),
    ("VN", "food-drink", "Bánh gạo tốt nhất Việt Nam", "vn-superlatives-proof", "tốt nhất"),
    ("VN", "food-drink", "Snack số 1 cho giờ ra chơi", "vn-superlatives-proof", "số 1"),
    ("VN", "skincare", "Kem dưỡng trắng da ban đêm", "common-whitening", "trắng da"),
    ("ID", "skincare", "Serum ini memutihkan kulit dalam seminggu", "id-whitening", "memutihkan"),
    ("ID", "food-drink", "Keripik halal untuk keluarga", "id-halal-certified", "halal"),
    ("MY", "food-drink", "Snek rangup, 100% halal", "my-halal-certified", "halal"),
    ("KR", "skincare", "밤새 미백 효과를 느껴보세요", "kr-whitening-functional", "미백"),
    ("KR", "skincare", "임상으로 입증된 진정 세럼", "common-clinical-proof", "임상"),
    ("KR", "finance-apps", "원금 보장 적금 앱", "common-guaranteed-returns", "원금 보장"),
    ("SA", "food-drink", "وجبة حلال لكل العائلة", "sa-halal-certified", "حلال"),
    ("SA", "skincare", "كريم تفتيح البشرة الليلي", "common-whitening", "تفتيح"),
    ("SA", "food-drink", "أفضل مشروب مع البيرة", "sa-alcohol", "البيرة"),
    ("US", "skincare", "Clinically proven to calm skin overnight", "common-clinical-proof", "Clinically proven"),
    ("IN", "skincare", "The fairness cream for your big day", "in-fairness", "fairness"),
    ("TH", "skincare", "Cures acne in three days", "common-medical-claims", "Cures"),
]


@pytest.mark.parametrize(("market", "category", "line", "rule", "words"), CASES)
def test_local_language_line_is_found_with_its_rule(
    market: str, category: str, line: str, rule: str, words: str
) -> None:
    project = project_with(market, [line], category=category)
    findings = check_project(project)
    hits = [f for f in findings if f.rule_id == rule]
    assert hits, f"{rule} not found in {line!r}: {[f.describe() for f in findings]}"
    assert {f.where for f in hits} == {"s1"} and {f.field for f in hits} == {"voiceover", "caption"}
    assert any(words in w for w in hits[0].words), hits[0].words
    f = hits[0]
    assert f.authority and f.fix and f.message and f.market == market and f.checked.startswith("20")


CLEAN = [
    ("CN", "skincare", ["最近总熬夜？", "第一次用就爱上", "提亮肤色，水润一整晚", "最后一步，轻拍吸收"]),
    ("TH", "skincare", ["ผิวดูกระจ่างใส ชุ่มชื้นตลอดคืน", "สูตรไม่มีแอลกอฮอล์ อ่อนโยนต่อผิว"]),
    ("VN", "food-drink", ["Bánh gạo giòn tan cho giờ ra chơi", "Trang trí bữa tiệc thật vui"]),
    ("ID", "skincare", ["Serum yang mencerahkan kulit", "Tanpa alkohol, lembut di kulit"]),
    ("MY", "food-drink", ["Snek rangup untuk seisi keluarga", "Sedap dan segera"]),
    ("KR", "skincare", ["톤 개선 세럼으로 촉촉한 피부", "매일 밤 가볍게"]),
    ("SA", "apparel", ["عباية أنيقة للعيد", "تسوّق الآن"]),
    ("US", "skincare", ["Brightens the look of skin overnight", "Treat yourself to a calm night"]),
]


@pytest.mark.parametrize(("market", "category", "lines"), CLEAN)
def test_clean_copy_passes(market: str, category: str, lines: list[str]) -> None:
    findings = check_project(project_with(market, lines, category=category))
    assert [f.describe() for f in findings if f.field != "label"] == []


def test_zui_alone_is_not_an_absolute_term_but_zui_plus_adjective_is() -> None:
    """最 alone is everywhere in Chinese (最近 recently, 最后 finally); only 最 + a ranking adjective is absolute."""
    terms = compliance.load_rules().rule("cn-absolute-terms").all_terms()
    exceptions = compliance.load_rules().rule("cn-absolute-terms").exceptions
    assert find_terms("最近很忙，最后才想起护肤", terms, exceptions) == []
    assert find_terms("这是最好的精华", terms, exceptions) == ["最好"]
    assert find_terms("第一次用", terms, exceptions) == []
    assert find_terms("销量第一", terms, exceptions) == ["销量第一"]  # the longest term found
    assert find_terms("口碑第一", terms, exceptions) == ["第一"]


def test_word_boundaries_and_normalisation_per_script() -> None:
    assert find_terms("Halal-certified snacks", ["halal"]) == ["Halal"]
    assert find_terms("Shalala dance", ["halal"]) == []  # Latin: whole words only
    assert find_terms("ＨＡＬＡＬ snacks", ["halal"]) == ["ＨＡＬＡＬ"]  # full-width letters: NFKC, shown as written
    assert find_terms("Trang trí", ["trắng da"]) == []  # Vietnamese diacritics matter
    assert find_terms("미백을 원하세요", ["미백"]) == ["미백"]  # Hangul: particles attach after the word
    assert find_terms("مُنتَج حَلال", ["حلال"]) == ["حلال"]  # Arabic vowel marks ignored
    assert find_terms("والحلال", ["حلال"]) == ["والحلال"]  # Arabic clitics before the word
    assert find_terms("alcohol-free toner", ["alcohol"], ["alcohol-free"]) == []


def test_proof_in_the_legal_line_satisfies_a_rule_that_asks_for_it() -> None:
    vn = project_with("VN", ["Bánh gạo tốt nhất Việt Nam"], category="food-drink", legal="Nguồn: khảo sát Nielsen 2026")
    assert [f for f in check_project(vn) if f.rule_id == "vn-superlatives-proof"] == []
    halal = project_with("ID", ["Keripik halal"], category="food-drink", legal="Sertifikat halal BPJPH ID3110000123")
    assert [f for f in check_project(halal) if f.rule_id == "id-halal-certified"] == []
    cn = project_with("CN", ["焕亮美白精华"], legal="国妆特字G20260001")
    assert [f for f in check_project(cn) if f.rule_id == "cn-whitening-special-use"] == []


def test_end_card_legal_and_ab_lines_are_checked() -> None:
    project = project_with("CN", ["水润一整晚"], cta="立即购买最佳精华", legal="全网第一")
    project.variants[0].ab_hooks = ["史上最强精华"]
    project.variants[0].ab_ctas = ["顶级体验，马上抢"]
    where = {(f.where, f.field) for f in check_project(project) if f.rule_id == "cn-absolute-terms"}
    assert where == {("end card", "cta"), ("legal", "legal"), ("ab-hook-2", "voiceover"), ("ab-cta-2", "cta")}


def test_us_influencer_ad_needs_a_disclosure_and_ad_satisfies_it() -> None:
    lines = ["I use this every night", "My skin loves it"]
    ugc = project_with("US", lines, segment="creators", segment_description="UGC influencer style, selfie video")
    found = [f for f in check_project(ugc) if f.rule_id == "us-endorsement-disclosure"]
    assert found and found[0].field == "disclosure" and "influencer" in [w.lower() for w in found[0].words]
    disclosed = project_with(
        "US", [*lines, "#ad"], segment="creators", segment_description="UGC influencer style, selfie video"
    )
    assert [f for f in check_project(disclosed) if f.rule_id == "us-endorsement-disclosure"] == []


def test_sa_influencer_ad_needs_a_mawthooq_licence() -> None:
    project = project_with("SA", ["روتيني الليلي"], segment="creators", segment_description="influencer unboxing")
    assert [f.rule_id for f in check_project(project) if f.field == "disclosure"] == ["sa-mawthooq"]


def test_ai_label_is_required_in_cn_and_kr_unless_turned_off() -> None:
    from studio.preflight.labels import label_text

    for market, text in (("CN", "AI生成"), ("KR", "AI 생성 콘텐츠")):
        project = project_with(market, ["水润一整晚" if market == "CN" else "촉촉한 피부"])
        assert label_text(project, project.variants[0]) == text  # synthetic voice → the label is burned in
        assert [f for f in check_project(project) if f.field == "label"] == []
        project.settings.ai_label = "off"
        assert label_text(project, project.variants[0]) == ""
        assert [f.rule_id for f in check_project(project) if f.field == "label"] == [f"{market.lower()}-ai-label"]
    th = project_with("TH", ["ชุ่มชื้น"])
    assert label_text(th, th.variants[0]) == ""  # no such rule in TH
    th.settings.ai_label = "always"
    assert label_text(th, th.variants[0]) == "สร้างด้วย AI"


def test_block_stops_final_and_an_override_lets_it_through_and_is_recorded(tmp_path: Path) -> None:
    from studio.render.release import refusal_message, release_check

    project = project_with("CN", ["这是最好的精华", "水润一整晚"])
    store = ProjectStore(tmp_path / "p")
    store.create(project)
    variant = project.variants[0]
    release = release_check(project, variant, draft=False)
    assert release.status == "draft" and release.blocks and release.refused
    assert "cn-absolute-terms" in refusal_message([release]) and "最好" in refusal_message([release])
    assert release_check(project, variant, draft=True).refused == []  # a draft is still allowed, marked
    assert preflight_blocks(project, [variant.id])[variant.id]

    with pytest.raises(ValidationFailed):
        record_override(project, "cn-absolute-terms", variant.id, "  ")
    with pytest.raises(ValidationFailed):
        record_override(project, "no-such-rule", variant.id, "proof on file")
    result = record_override(project, "cn-absolute-terms", variant.id, "SAMR-accepted test report no. 42 on file")
    assert result.override.words == ["最好"]
    store.save(project)

    reloaded = store.load()
    saved = json.loads((store.root / "project.json").read_text("utf-8"))
    assert saved["compliance_overrides"][0]["rule_id"] == "cn-absolute-terms"
    assert saved["compliance_overrides"][0]["reason"] == "SAMR-accepted test report no. 42 on file"
    release = release_check(reloaded, reloaded.variants[0], draft=False)
    assert release.status == "final" and release.refused == [] and release.blocks == []
    assert {f.override.reason for f in release.overridden} == {"SAMR-accepted test report no. 42 on file"}
    assert preflight_blocks(reloaded) == {}

    reloaded.variants[0].shots[1].voiceover = "史上最强"  # a new line with a new problem is not covered by s1's words
    still = release_check(reloaded, reloaded.variants[0])
    assert still.status == "final"  # the override covers the rule on every line (shot_id "")
    shot_only = project_with("CN", ["这是最好的精华", "史上最强"])
    record_override(shot_only, "cn-absolute-terms", shot_only.variants[0].id, "report on file", shot_id="s1")
    blocks = release_check(shot_only, shot_only.variants[0]).blocks
    assert [(f.where, f.words) for f in blocks if f.field == "voiceover"] == [("s2", ["史上", "最强"])]


def test_cli_check_exits_non_zero_on_block_and_records_an_override(tmp_path: Path) -> None:
    project = project_with("VN", ["Bánh gạo tốt nhất"], category="food-drink")
    store = ProjectStore(tmp_path / "p")
    store.create(project)

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "studio.cli", "check", str(store.root), *args],
            capture_output=True,
            text=True,
            timeout=120,
        )

    out = cli()
    assert out.returncode == 1, out.stderr
    assert "vn-superlatives-proof" in out.stdout and "tốt nhất" in out.stdout and "Fix:" in out.stdout
    data = json.loads(cli("--json").stdout)
    assert data["blocked"] is True
    assert data["variants"]["vn-seg"]["compliance"][0]["rule"] == "vn-superlatives-proof"
    rec = cli("--override", "vn-superlatives-proof", "--variant", "vn-seg", "--reason", "Nielsen 2026 report on file")
    assert rec.returncode == 0, rec.stderr + rec.stdout
    assert store.load().compliance_overrides[0].reason == "Nielsen 2026 report on file"
    after = cli()
    assert after.returncode == 0 and "overridden: Nielsen 2026 report on file" in after.stdout


def test_a_bad_rule_file_names_the_file_and_the_field(tmp_path: Path) -> None:
    folder = tmp_path / "compliance"
    folder.mkdir()
    (folder / "xx.toml").write_text(
        '[[rules]]\nid = "xx-rule"\nmarkets = ["XX"]\nseverity = "fatal"\nauthority = "A law"\nsource = "art. 1"\n'
        'checked = 2026-12-01\nmessage = "msg"\nfix = "fix it"\n[rules.terms]\nen = ["x"]\n',
        encoding="utf-8",
    )
    with pytest.raises(ValidationFailed) as err:
        compliance.load_rules(tmp_path)
    assert "xx.toml" in str(err.value) and "severity" in str(err.value)


def test_shipped_rule_packs_load_and_cover_the_markets() -> None:
    book = compliance.load_rules()
    ids = {r.id for r in book.rules}
    for rid in (
        "cn-absolute-terms",
        "vn-superlatives-proof",
        "my-halal-certified",
        "th-alcohol",
        "us-endorsement-disclosure",
        "sa-mawthooq",
        "cn-ai-label",
        "kr-ai-label",
        "eu-ai-label",
        "in-fairness",
    ):
        assert rid in ids
    assert all(r.authority and r.source and r.checked for r in book.rules)
    assert [r.id for r in book.for_market("DE") if r.kind == "ai-label"] == ["eu-ai-label"]


def test_check_report_groups_compliance_and_platform_findings_per_variant() -> None:
    from studio.check.report import build_report, variant_summary

    project = project_with("TH", ["ผิวขาวใสใน 7 วัน", "ข้าวเกรียบกับเบียร์"])
    project.brief.platforms = ["tiktok"]
    project.brief.duration_s = 60.0  # TikTok in-feed ads run at most 60 s: the brief's cut is checked too
    report = build_report(project, scorecards=False)
    assert report.blocked and [f.rule_id for f in report.compliance_blocks] == ["th-alcohol", "th-alcohol"]
    text = report.text()
    assert text.index("th-seg: BLOCKED") < text.index("th-alcohol") < text.index("th-whitening")
    assert "Fix:" in text and "เบียร์" in text and "--override th-alcohol --variant th-seg" in text
    data = report.to_dict()
    assert data["blocked"] and {f["rule"] for f in data["variants"]["th-seg"]["compliance"]} == {
        "th-alcohol",
        "th-whitening",
    }
    assert data["platform"] and all(f["platform"] == "tiktok" for f in data["platform"])
    summary = variant_summary(project, "th-seg")
    assert summary["blocked"] and summary["block"] == 2 and summary["warn"] == 2

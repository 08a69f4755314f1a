"""Translators' round trip (issue 12 item 3): XLIFF 2.0 / CSV out with context, back in checked unit by unit."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from lxml import etree
from translate.storage.xliff2 import Xliff2File

from studio.cli import main as cli_main
from studio.model import ProjectStore, load_brief
from studio.planning import plan_project
from studio.planning.language_check import check_variant

BRIEF = """
brand = "Karoo"
product = "Trail Runner X"
category = "sportswear"
# The third selling point is one no phrase bank can say: it stays for the translator.
selling_points = ["cushioned sole for long trail runs", "breathable mesh that dries fast", "heel pull loop"]
legal = "Terms and conditions apply."
duration_s = 15
[[markets]]
code = "VN"
[[markets]]
code = "BR"
[[markets]]
code = "US"
[[segments]]
id = "runners"
name = "Weekend runners"
"""

#: What a Vietnamese translator writes for the master lines (by the master line).
VIETNAMESE = {
    "cushioned sole for long trail runs": "Đế êm ái cho những buổi chạy đường dài",
    "breathable mesh that dries fast.": "Lưới thoáng khí khô rất nhanh.",
    "Terms and conditions apply.": "Áp dụng các điều khoản và điều kiện.",
}


@pytest.fixture
def store(tmp_path: Path) -> ProjectStore:
    path = tmp_path / "brief.toml"
    path.write_text(BRIEF, "utf-8")
    store = ProjectStore(tmp_path / "p")
    store.create(plan_project(load_brief(path), name="karoo"))
    return store


def _export(store: ProjectStore, out: Path, fmt: str = "xliff") -> dict[str, Path]:
    assert cli_main(["--quiet", "translations", "export", str(store.root), "--out", str(out), "--format", fmt]) == 0
    return {p.stem.split("_")[-1]: p for p in out.iterdir()}


def test_xliff_is_xliff_2_with_context_per_unit(store: ProjectStore, tmp_path: Path) -> None:
    files = _export(store, tmp_path / "out")
    assert set(files) == {"vi", "pt-BR"}, "one file per target language, none for English"
    root = etree.parse(str(files["vi"])).getroot()
    ns = {"x": "urn:oasis:names:tc:xliff:document:2.0"}
    assert root.get("version") == "2.0" and root.get("srcLang") == "en" and root.get("trgLang") == "vi"
    unit = root.find("x:file/x:unit", ns)
    assert unit[0].tag.endswith("notes") and unit[1].tag.endswith("segment"), "XLIFF 2.0: notes, then segments"
    notes = {n.get("category"): n.text for n in unit.iterfind("x:notes/x:note", ns)}
    assert notes["variant"] == "vn-runners" and notes["kind"] == "voice-over" and notes["beat"]
    assert float(notes["max-seconds"]) > 0 and notes["max-units"].endswith("words")
    toolkit = Xliff2File.parsefile(str(files["vi"]))
    ids = [u.getid() for u in toolkit.units]
    assert "vn-runners.call-to-action" in ids and "vn-runners.legal" in ids
    assert all(u.target in (None, "") for u in toolkit.units if u.source == "Terms and conditions apply.")


def test_round_trip_through_translate_toolkit(store: ProjectStore, tmp_path: Path) -> None:
    files = _export(store, tmp_path / "out")
    xlf = Xliff2File.parsefile(str(files["vi"]))
    edited = 0
    for unit in xlf.units:
        for master, vietnamese in VIETNAMESE.items():
            if unit.source.strip().rstrip(".").lower() == master.rstrip(".").lower():
                unit.target = vietnamese
                edited += 1
    assert edited >= 3
    back = tmp_path / "vi.xlf"
    back.write_bytes(bytes(xlf))
    code = cli_main(["--quiet", "translations", "import", str(store.root), str(back)])
    assert code == 3, "units left empty are reported as missing targets"
    project = store.load()
    variant = project.variant("vn-runners")
    legal = variant.line_status["legal"]
    assert variant.legal == "Áp dụng các điều khoản và điều kiện." and legal.origin == "translator-file"
    translated = [s for s in variant.shots if s.voiceover in VIETNAMESE.values()]
    assert translated
    for shot in translated:
        assert shot.overrides["voiceover"] == shot.voiceover
        assert shot.line_status["voice-over"].origin == "translator-file"
    remaining = {(p.shot_id, p.kind) for p in check_variant(project, variant)}
    assert not any((s.shot_id, "voice-over") in remaining for s in translated)
    assert ("", "legal") not in remaining
    assert remaining, "the lines nobody translated are still problems"


def test_bad_xliff_gets_a_report_per_unit_and_applies_nothing_bad(
    store: ProjectStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = _export(store, tmp_path / "out")
    before = store.load().variant("vn-runners").model_copy(deep=True)
    xlf = Xliff2File.parsefile(str(files["vi"]))
    units = {u.getid(): u for u in xlf.units}
    vo = [i for i in units if i.endswith(".voice-over")]
    units[vo[0]].target = "Cushioned soles for very long trail runs on weekends"  # English, not Vietnamese
    units[vo[1]].target = " ".join(["Đế êm ái cho những buổi chạy đường dài"] * 4)  # cannot be said in the shot
    units["vn-runners.call-to-action"].target = "Mua liền tay"  # fine: a translator's short line
    unit = xlf.addsourceunit("Ghost line")
    unit.setid("vn-runners.s99.voice-over")
    unit.target = "Dòng không tồn tại"
    bad = tmp_path / "bad.xlf"
    bad.write_bytes(bytes(xlf))
    assert cli_main(["--quiet", "translations", "import", str(store.root), str(bad)]) == 3
    out = capsys.readouterr().out
    assert f"{vo[0]}: not in vi" in out
    assert f"{vo[1]}: too long" in out
    assert "vn-runners.s99.voice-over: unknown id" in out
    assert "missing target" in out
    after = store.load().variant("vn-runners")
    assert after.shot(vo[0].split(".")[1]).voiceover == before.shot(vo[0].split(".")[1]).voiceover
    assert after.shot(vo[1].split(".")[1]).voiceover == before.shot(vo[1].split(".")[1]).voiceover
    assert after.call_to_action == "Mua liền tay" and after.line_status["call-to-action"].origin == "translator-file"


def test_csv_round_trip(store: ProjectStore, tmp_path: Path) -> None:
    files = _export(store, tmp_path / "out", "csv")
    with open(files["pt-BR"], encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert {
        "id",
        "variant",
        "shot",
        "beat",
        "kind",
        "source",
        "target",
        "max_seconds",
        "max_characters",
        "frame",
    } <= set(rows[0])
    for row in rows:
        if row["source"] == "Terms and conditions apply.":
            row["target"] = "Termos e condições se aplicam a todas as compras."
        elif row["kind"] == "voice-over" and row["beat"] == "hook":
            row["target"] = "Corra mais longe sempre"  # four words fit the 2 s hook
        elif not row["target"]:
            row["target"] = row["source"]  # an echo of the English: rejected
    back = tmp_path / "pt.csv"
    with open(back, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    from studio.export.translations import apply_translations, read_translations

    project = store.load()
    report = read_translations(project, back)
    assert not report.ok
    echoes = [r for r in report.results if not r.ok]
    assert echoes and all(any("not in pt-BR" in p for p in r.problems) for r in echoes)
    assert apply_translations(project, report) >= 2
    variant = project.variant("br-runners")
    assert variant.legal == "Termos e condições se aplicam a todas as compras."
    hook = next(s for s in variant.shots if s.voiceover == "Corra mais longe sempre")
    assert hook.line_status["voice-over"].origin == "translator-file"

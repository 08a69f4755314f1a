"""What a model says is checked before it is used (issue 12 item 4): recorded replies from weak models.

Each reply below is what a small model really does: echo the English, answer in the wrong language, return filler,
drop the brand, or write an insight that cites nothing. None of it may reach a variant or be cited by a shot.
"""

from __future__ import annotations

import json

import pytest
from test_llm import FakePlanner

from pipelines.text import extract_json
from studio import paths
from studio.model import Brief, load_brief
from studio.planning import plan_project
from studio.planning.language_check import check_variant
from studio.planning.llm import similarity, vet_insight, vet_translation


def _brief(*drop: str) -> Brief:
    data = load_brief(paths.sample_brief()).model_dump(by_alias=True)
    for code in drop:
        del data["copy"][code]
    return Brief.model_validate(data)


class Recorded(FakePlanner):
    """Translations from a table of recorded replies (by master line); back-translations honest unless recorded."""

    def __init__(self, forward: dict[str, str], back: dict[str, str] | None = None, insights: list | None = None):
        super().__init__()
        self.forward, self.back, self.insights = forward, back or {}, insights

    def chat(self, messages, **kwargs) -> str:
        system, user = messages[0]["content"], messages[1]["content"]
        if "strategist" in system and self.insights is not None:
            personas = extract_json(user[user.index("Personas") :])
            items = [{"persona_id": p["id"], "kind": k, "text": t} for p in personas for k, t in self.insights]
            return json.dumps({"insights": items})
        if "copywriter" in system:
            lines = extract_json(user[user.index("[") :])
            out = []
            for x in lines:
                text = self.forward.get(x["text"], f"ข้อความโฆษณาภาษาไทย {x['id']}")
                self.sources[text] = x["text"]
                out.append({"id": x["id"], "text": text})
            return json.dumps({"lines": out})
        if "back into" in system:
            lines = extract_json(user[user.index("[") :])
            return json.dumps(
                {"lines": [{"id": x["id"], "text": self.back.get(x["text"], self.sources[x["text"]])} for x in lines]}
            )
        return super().chat(messages, **kwargs)


MASTER_S2 = "Humid nights and late hours leave skin dull by morning."


def _s2(brief: Brief) -> str:
    return plan_project(brief, llm=None).storyboard.shot("s2").voiceover


@pytest.mark.parametrize(
    ("reply", "why"),
    [
        ("Humid nights and late hours leave skin dull by morning!", "repeats the master line"),
        ("Late partying in sticky weather makes your face look tired.", "not th"),
        ("lorem ipsum dolor satirium", "filler"),
    ],
)
def test_echo_wrong_language_and_filler_are_refused(reply: str, why: str) -> None:
    brief = _brief("th")
    master = _s2(brief)
    assert master == MASTER_S2
    project = plan_project(brief, llm=Recorded({master: reply}))
    s2 = project.variant("th-night-owls").shot("s2")
    assert s2.voiceover != reply and not s2.back_translation
    assert any(f.kind == "untranslated" for f in s2.flags)
    problems = check_variant(project, project.variant("th-night-owls"))
    assert any(p.shot_id == "s2" and p.kind == "voice-over" for p in problems)
    assert why in vet_translation(master, reply, master, "th", brief)


def test_english_returned_as_indonesian_is_refused() -> None:
    """SmolLM2-135M's real failure: asked for Indonesian, it answers in English (not a copy of the source)."""
    brief = _brief("id")
    master = _s2(brief)
    reply = "Late nights in humid cities leave your skin looking dull every morning."
    project = plan_project(brief, llm=Recorded({master: reply}))
    variant = project.variant("id-night-owls")
    assert variant.shot("s2").voiceover != reply
    assert "not id" in vet_translation(master, reply, master, "id", brief)
    problems = check_variant(project, variant)
    assert any(p.shot_id == "s2" and p.kind == "voice-over" for p in problems)


def test_a_good_translation_passes_and_a_wrong_back_translation_does_not() -> None:
    brief = _brief("id")
    indonesian = "Malam yang lembap dan begadang membuat kulit kusam di pagi hari."
    assert (
        vet_translation(
            MASTER_S2, indonesian, "Humid nights and staying up make skin dull in the morning.", "id", brief
        )
        == ""
    )
    why = vet_translation(MASTER_S2, indonesian, "Buy two pairs of shoes and get one free.", "id", brief)
    assert "does not say what the master line says" in why
    assert "no back-translation" in vet_translation(MASTER_S2, indonesian, "", "id", brief)
    assert similarity("Humid nights make skin dull", MASTER_S2) >= 0.25 > similarity("Buy shoes now", MASTER_S2)


def test_the_glossary_is_kept() -> None:
    brief = _brief()
    brief.names = {"th": {"Lumi": "ลูมิ"}}
    source = "Lumi glows with you all night."
    assert "'ลูมิ' was dropped" in vet_translation(source, "ผิวโกลว์ไปกับคุณทั้งคืน", source, "th", brief)
    assert vet_translation(source, "ลูมิ ผิวโกลว์ไปกับคุณทั้งคืน", source, "th", brief) == ""


def test_insights_that_cite_nothing_or_repeat_boilerplate_are_refused() -> None:
    grounded = "Wants a serum that survives humid nights out without feeling sticky."
    recorded = [
        ("need", "lorem ipsum dolor satirium"),
        ("need", "Quantum resonance aligns the chakras of modern consumers."),
        ("need", grounded),
    ]
    project = plan_project(_brief(), llm=Recorded({}, insights=recorded))
    llm = [i for i in project.insights if i.source.startswith("llm:")]
    assert llm and {i.text for i in llm} == {grounded}
    cited = {i for s in project.storyboard.shots for i in s.insight_ids}
    texts = {i.id: i.text for i in project.insights}
    assert not any("lorem" in texts[i] or "Quantum" in texts[i] for i in cited)
    persona = project.personas[0]
    assert "copy" in vet_insight(persona.needs[0] + ".", "need", persona, project.brief)
    assert "template" in vet_insight("Insight text", "need", persona, project.brief)
    assert "cites nothing" in vet_insight("Quantum resonance aligns chakras.", "need", persona, project.brief)

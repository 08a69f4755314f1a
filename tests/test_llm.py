"""LLM plumbing without a model: SSE streaming, errors, settings, JSON repair, and planning with a scripted client."""

from __future__ import annotations

import json
import socket
from typing import Any

import httpx
import pytest
from pydantic import BaseModel, Field

from pipelines.text import LLMSettings, complete_json, extract_json
from pipelines.text.client import client_from_settings
from pipelines.text.openai_compat import OpenAICompatClient
from studio import paths
from studio.model import BackendError, Brief, Cancelled, CancelToken, Progress, load_brief
from studio.planning import plan_project


class Answer(BaseModel):
    answer: str = Field(max_length=40)
    score: int


class ScriptedLLM:
    """Replies from a list, recording what it was asked (krita-ai-diffusion's mock-client style)."""

    name = "scripted"

    def __init__(self, replies: list[str]) -> None:
        self.replies = list(replies)
        self.calls: list[dict[str, Any]] = []

    def chat(self, messages, *, schema=None, max_tokens=512, temperature=0.2, on_progress=None, cancel=None) -> str:
        self.calls.append({"messages": messages, "schema": schema})
        return self.replies.pop(0)


def test_extract_json_ignores_fences_and_prose() -> None:
    assert extract_json('Sure! ```json\n{"a": 1}\n``` hope it helps') == {"a": 1}
    assert extract_json('Here: {"a": [1, 2]} and {"b": 2}') == {"a": [1, 2]}
    with pytest.raises(ValueError):
        extract_json("no json here")


def test_complete_json_repairs_once_with_the_error_shown() -> None:
    llm = ScriptedLLM(['{"answer": "yes"}', '{"answer": "yes", "score": 3}'])
    assert complete_json(llm, [{"role": "user", "content": "q"}], Answer) == Answer(answer="yes", score=3)
    assert llm.calls[0]["schema"]["required"] == ["answer", "score"]
    repair = llm.calls[1]["messages"][-1]["content"]
    assert "score" in repair and "Field required" in repair and '"properties"' in repair
    assert llm.calls[1]["messages"][-2] == {"role": "assistant", "content": '{"answer": "yes"}'}


def test_complete_json_gives_up_after_one_repair() -> None:
    llm = ScriptedLLM(["I cannot do that", '{"answer": "' + "x" * 80 + '", "score": 1}'])
    with pytest.raises(BackendError, match="even after a repair") as e:
        complete_json(llm, [{"role": "user", "content": "q"}], Answer)
    assert "answer" in e.value.message and e.value.hint


def _sse(*chunks: str) -> bytes:
    events = [{"choices": [{"delta": {"content": c}}]} for c in chunks]
    body = "".join(f"data: {json.dumps(e)}\n\n" for e in events) + "data: [DONE]\n\n"
    return body.encode()


def test_openai_compat_streams_with_schema_key_and_progress() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            200, headers={"content-type": "text/event-stream"}, content=_sse('{"answer"', ': "ok", "score": 2}')
        )

    client = OpenAICompatClient("http://llm.test/v1", "qwen", api_key="sk-test", transport=httpx.MockTransport(handler))
    progress: list[Progress] = []
    result = complete_json(client, [{"role": "user", "content": "q"}], Answer, on_progress=progress.append)
    assert result == Answer(answer="ok", score=2)
    (req,) = seen
    body = json.loads(req.content)
    assert req.url == "http://llm.test/v1/chat/completions" and req.headers["authorization"] == "Bearer sk-test"
    assert body["stream"] is True and body["model"] == "qwen"
    assert body["response_format"]["json_schema"]["schema"]["title"] == "Answer"
    assert len(progress) >= 3 and progress[-1].fraction <= 1.0


def test_openai_compat_cancel_between_chunks() -> None:
    token = CancelToken()

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=_sse(*"abcdefgh"))

    client = OpenAICompatClient("http://llm.test/v1", transport=httpx.MockTransport(handler))
    got: list[Progress] = []

    def on_progress(p: Progress) -> None:
        got.append(p)
        if len(got) == 2:
            token.cancel()

    with pytest.raises(Cancelled):
        client.chat([{"role": "user", "content": "q"}], on_progress=on_progress, cancel=token)
    assert len(got) == 2


def test_openai_compat_errors_say_what_to_do() -> None:
    def unauthorized(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"error": "bad key"})

    client = OpenAICompatClient("http://llm.test/v1", transport=httpx.MockTransport(unauthorized))
    with pytest.raises(BackendError, match="HTTP 401") as e:
        client.chat([{"role": "user", "content": "q"}])
    assert "QIANMIAN_LLM_API_KEY" in e.value.hint

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    closed = OpenAICompatClient(f"http://127.0.0.1:{port}/v1", timeout_s=2)
    with pytest.raises(BackendError, match="Cannot reach") as e:
        closed.chat([{"role": "user", "content": "q"}])
    assert "QIANMIAN_LLM_BASE_URL" in e.value.hint
    with pytest.raises(BackendError, match="not an http"):
        OpenAICompatClient("localhost:11434")


def test_settings_from_env_and_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    assert LLMSettings.from_env({}).backend == "none"
    assert client_from_settings(LLMSettings.from_env({})) is None
    s = LLMSettings.from_env(
        {
            "QIANMIAN_LLM_BASE_URL": "http://127.0.0.1:11434/v1",
            "QIANMIAN_LLM_MODEL": "qwen2.5",
            "QIANMIAN_LLM_API_KEY": "sk-secret",
        }
    )
    assert (s.backend, s.model, s.api_key) == ("openai", "qwen2.5", "sk-secret")
    assert "sk-secret" not in repr(s)
    assert isinstance(client_from_settings(s), OpenAICompatClient)
    assert LLMSettings.from_env({"QIANMIAN_LLM_GGUF": "/m/x.gguf"}).backend == "gguf"

    import keyring
    from keyring.backend import KeyringBackend

    class MemoryKeyring(KeyringBackend):
        priority = 1  # type: ignore[assignment]

        def get_password(self, service: str, username: str) -> str | None:
            return "from-keyring" if (service, username) == ("qianmian-studio", "https://api.deepseek.com/v1") else None

        def set_password(self, service: str, username: str, password: str) -> None: ...

        def delete_password(self, service: str, username: str) -> None: ...

    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        s = LLMSettings.from_env({"QIANMIAN_LLM_BASE_URL": "https://api.deepseek.com/v1"})
    finally:
        keyring.set_keyring(previous)
    assert s.api_key == "from-keyring"


class FakePlanner:
    """Answers the planning prompts the way a model would: insights per persona, 'translations', back-translations."""

    name = "fake-planner"

    def __init__(self) -> None:
        self.prompts: list[str] = []
        self.users: list[str] = []
        self.sources: dict[str, str] = {}  # what each "Thai" line was made from, for an honest back-translation

    def chat(self, messages, *, schema=None, max_tokens=512, temperature=0.2, on_progress=None, cancel=None) -> str:
        system, user = messages[0]["content"], messages[1]["content"]
        self.prompts.append(system)
        self.users.append(user)
        if "strategist" in system:
            personas = extract_json(user[user.index("Personas") :])
            items = [{"persona_id": p["id"], "kind": "need", "text": f"wants proof for {p['id']}"} for p in personas]
            if "previous reply" not in messages[-1]["content"]:
                items.append({"persona_id": "p-nobody", "kind": "need", "text": "invented persona: repaired"})
            return json.dumps({"insights": items})
        lines = extract_json(user[user.index("[") :])
        if "back into" in system:
            return json.dumps({"lines": [{"id": x["id"], "text": self.sources[x["text"]]} for x in lines]})
        out = []
        for x in lines:
            thai = f"ข้อความโฆษณาภาษาไทย {x['id']}"
            self.sources[thai] = x["text"]
            out.append({"id": x["id"], "text": thai})
        return json.dumps({"lines": out})


@pytest.fixture
def brief_without_thai() -> Brief:
    data = load_brief(paths.sample_brief()).model_dump(by_alias=True)
    del data["copy"]["th"]
    return Brief.model_validate(data)


def test_planning_with_an_llm_translates_and_back_translates(brief_without_thai: Brief) -> None:
    fake = FakePlanner()
    p = plan_project(brief_without_thai, llm=fake)
    th = p.variant("th-night-owls")
    s2 = th.shot("s2")
    master = p.storyboard.shot("s2")
    assert s2.voiceover.startswith("ข้อความโฆษณาภาษาไทย") and s2.caption.startswith("ข้อความโฆษณาภาษาไทย")
    assert fake.sources[s2.voiceover] == master.voiceover and fake.sources[s2.caption] == master.on_screen_text
    assert s2.back_translation == master.voiceover
    assert not [f for f in s2.flags if f.kind == "untranslated"]
    assert any("Machine-translated" in f.message and "translate@v2" in f.message for f in s2.flags)
    assert any(
        "Glossary (keep these exactly as written here): Lumi; Night Repair Brightening Serum" in u for u in fake.users
    )
    assert th.shot("s5").voiceover == "สั่งเลย", "the CTA uses the pack's Thai phrase, no translation"
    ind = p.variant("id-night-owls").shot("s2")
    assert ind.voiceover == p.brief.copy_by_language["id"].lines["problem"], "supplied copy is never machine-changed"
    llm_insights = [i for i in p.insights if i.source.startswith("llm:fake-planner (insights@v1)")]
    assert {i.persona_id for i in llm_insights} == {pp.id for pp in p.personas}
    assert "wants proof for p-th-night-owls" in p.personas[0].needs
    cited = {i for s in p.storyboard.shots for i in s.insight_ids}
    assert {i.id for i in llm_insights} <= cited
    assert sum(1 for x in fake.prompts if "copywriter" in x) == 1, "one translation round for Thai, shared by variants"
    assert sum(1 for x in fake.prompts if "strategist" in x) == 2, "an invented persona id is repaired once"


def test_planning_falls_back_offline_when_the_llm_fails(brief_without_thai: Brief) -> None:
    llm = ScriptedLLM(["not json"] * 10)
    seen: list[Progress] = []
    p = plan_project(brief_without_thai, llm=llm, on_progress=seen.append)
    assert any("offline planner" in x.message for x in seen)
    assert any(f.kind == "untranslated" for f in p.variant("th-night-owls").shot("s2").flags)
    assert not [i for i in p.insights if i.source.startswith("llm:")]
    assert seen[-1].fraction == 1.0


class EchoTranslator(FakePlanner):
    """A weak model that 'translates' by copying the source: the line must stay flagged, not pass as Thai."""

    def chat(self, messages, **kwargs) -> str:
        system, user = messages[0]["content"], messages[1]["content"]
        if "copywriter" in system:
            return json.dumps({"lines": extract_json(user[user.index("[") :])})
        return super().chat(messages, **kwargs)


def test_an_echoed_translation_is_not_accepted(brief_without_thai: Brief) -> None:
    p = plan_project(brief_without_thai, llm=EchoTranslator())
    s2 = p.variant("th-night-owls").shot("s2")
    assert s2.voiceover == p.storyboard.shot("s2").voiceover
    assert any(f.kind == "untranslated" for f in s2.flags)
    assert not any("Machine-translated" in f.message for f in s2.flags)
    assert any("gave no usable translation" in f.message for f in s2.flags)


def test_servers_without_json_schema_support_step_down_to_json_object() -> None:
    formats: list[Any] = []

    def deepseek_like(request: httpx.Request) -> httpx.Response:
        fmt = json.loads(request.content).get("response_format")
        formats.append(fmt)
        if fmt and fmt["type"] != "json_object":
            return httpx.Response(400, json={"error": {"message": "response_format type is unavailable"}})
        return httpx.Response(
            200, headers={"content-type": "text/event-stream"}, content=_sse('{"answer": "a", ', '"score": 1}')
        )

    client = OpenAICompatClient("http://llm.test/v1", transport=httpx.MockTransport(deepseek_like))
    assert complete_json(client, [{"role": "user", "content": "q"}], Answer) == Answer(answer="a", score=1)
    assert [f["type"] for f in formats] == ["json_schema", "json_object"]
    complete_json(client, [{"role": "user", "content": "q"}], Answer)
    assert formats[-1]["type"] == "json_object", "the step down is remembered"


class NothingNew(FakePlanner):
    """A model that answers the insight prompt validly but only repeats what the personas already hold."""

    def chat(self, messages, **kwargs) -> str:
        system, user = messages[0]["content"], messages[1]["content"]
        if "strategist" in system:
            personas = extract_json(user[user.index("Personas") :])
            items = [{"persona_id": p["id"], "kind": "need", "text": p["needs"][0]} for p in personas]
            return json.dumps({"insights": items})
        return super().chat(messages, **kwargs)


def test_an_llm_that_adds_no_insights_is_reported(brief_without_thai: Brief) -> None:
    seen: list[Progress] = []
    p = plan_project(brief_without_thai, llm=NothingNew(), on_progress=seen.append)
    assert not [i for i in p.insights if i.source.startswith("llm:")]
    assert any("added no new insights; keeping the offline ones" in x.message for x in seen)
    assert p.variant("th-night-owls").shot("s2").back_translation, "translation still went through the LLM"

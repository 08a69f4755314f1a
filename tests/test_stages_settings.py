"""Settings travel in requests: a changed setting counts for the next job, with no restart and no environment."""

from __future__ import annotations

import pickle
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from test_takes import make_project
from tiny_models import tiny_models

from studio import paths
from studio.model import BackendError, ProjectStore, load_brief
from studio.stages import plan as plan_stage
from studio.stages import takes as takes_stage
from studio.stages.settings import Settings

ROOT = Path(__file__).resolve().parent
pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::UserWarning")


class _Server:
    """An OpenAI-compatible endpoint that only counts the requests it gets (and fails them)."""

    def __init__(self) -> None:
        hits = self.hits = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                hits.append(self.path)
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self.send_response(500)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"error": {"message": "not today"}}')

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


@pytest.fixture
def server() -> Iterator[_Server]:
    s = _Server()
    yield s
    s.httpd.shutdown()


def test_clearing_the_llm_endpoint_counts_for_the_next_plan(server: _Server, monkeypatch: pytest.MonkeyPatch) -> None:
    brief = load_brief(ROOT / "briefs" / "fintech-app.toml")
    with_llm = Settings(llm_endpoint=server.url, llm_model="tiny", llm_key="", llm_timeout_s=5)
    outcome = plan_stage.run(plan_stage.PlanRequest("fintech", brief=brief, settings=with_llm))
    assert server.hits, "the endpoint in the settings was asked"
    assert outcome.project.variants, "an LLM that fails falls back to the offline plan"

    # Cleared in the settings; the environment still names the endpoint (as an old app run would have left it).
    monkeypatch.setenv("QIANMIAN_LLM_BASE_URL", server.url)
    asked = len(server.hits)
    cleared = with_llm.replace(llm_endpoint="")
    again = plan_stage.run(plan_stage.PlanRequest("fintech", brief=brief, settings=cleared))
    assert len(server.hits) == asked, "no request after the endpoint was cleared: the environment is not read"
    assert [v.id for v in again.project.variants] == [v.id for v in outcome.project.variants]


def test_the_device_setting_counts_for_the_next_take(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import torch

    if torch.cuda.is_available():
        pytest.skip("needs a machine without CUDA (asking for cuda must fail here)")
    models = tiny_models()
    # The environment says the opposite of the settings each time: only the settings count.
    monkeypatch.delenv("QIANMIAN_IMAGE_MODELS", raising=False)
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hf-cache"))
    monkeypatch.setenv("QIANMIAN_DEVICE", "cpu")
    store = make_project(tmp_path / "proj", paths.sample_brief())
    project = store.load()
    project.settings.image_model, project.settings.image_steps = "tiny-sd15", 2
    store.save(project)

    on_cuda = Settings(model_folders=(models.root,), device="cuda")
    request = takes_stage.TakesRequest(project_dir=store.root, shot_ids=("s1",), aspect="1:1", settings=on_cuda)
    with pytest.raises(BackendError, match="device setting 'cuda'"):
        takes_stage.run(request)

    monkeypatch.setenv("QIANMIAN_DEVICE", "cuda")
    auto = on_cuda.replace(device="auto")
    outcome = takes_stage.run(takes_stage.TakesRequest(store.root, shot_ids=("s1",), aspect="1:1", settings=auto))
    [take] = outcome.takes
    assert take.backend == "diffusers:tiny-sd15" and take.info["device"] == "cpu"
    assert store.asset_path(take.asset).is_file()

    # Without the folder in the settings the model is not found, whatever the environment lists.
    monkeypatch.setenv("QIANMIAN_IMAGE_MODELS", str(models.root))
    with pytest.raises(BackendError, match="tiny-sd15"):
        takes_stage.run(
            takes_stage.TakesRequest(
                store.root, shot_ids=("s2",), aspect="1:1", settings=auto.replace(model_folders=())
            )
        )


def test_settings_from_a_file_the_environment_and_flags(tmp_path: Path) -> None:
    config = tmp_path / "qianmian.toml"
    config.write_text(
        '[settings]\ndevice = "cpu"\nllm_model = "from-file"\nmodel_folders = ["/models/a"]\n'
        'voices = { vi = "piper:vi_VN-vais1000-medium" }\nfuture_key = 1\n',
        "utf-8",
    )
    env = {"QIANMIAN_LLM_MODEL": "from-env", "QIANMIAN_LLM_API_KEY": "sk-very-secret"}
    s = Settings.from_environment(env, config, device="cuda:1", llm_endpoint=None)
    assert s.device == "cuda:1", "a flag wins"
    assert s.llm_model == "from-env", "the environment wins over the file"
    assert s.model_folders == (Path("/models/a"),) and s.voice_for("vi-VN") == "piper:vi_VN-vais1000-medium"
    assert s.extra == {"future_key": "1"}, "an unknown key from a newer file is kept, not an error"
    # The key itself never sits in the settings (requests are logged and pickled into child processes).
    assert s.llm_key == "env:QIANMIAN_LLM_API_KEY"
    assert b"sk-very-secret" not in pickle.dumps(s) and "sk-very-secret" not in repr(s)


def test_a_bad_settings_file_names_the_file(tmp_path: Path) -> None:
    from studio.model import ValidationFailed

    bad = tmp_path / "broken.toml"
    bad.write_text("device = \n", "utf-8")
    with pytest.raises(ValidationFailed, match=r"broken\.toml"):
        Settings.from_environment({}, bad)
    with pytest.raises(ValidationFailed, match="device"):
        Settings(device="tpu")


def test_store_is_untouched_by_the_takes_stage(tmp_path: Path) -> None:
    """Stages never save: the procedural takes stage writes assets, not project.json."""
    store = make_project(tmp_path / "proj", paths.sample_brief())
    before = store.project_file.read_bytes()
    outcome = takes_stage.run(takes_stage.TakesRequest(store.root, variant_ids=(None, "th-guochao"), aspect="9:16"))
    assert outcome.takes and store.project_file.read_bytes() == before
    project = takes_stage.apply(ProjectStore(store.root).load(), outcome)
    assert len(project.takes) == len(outcome.takes)


def test_the_cli_reads_a_config_file_and_its_flags_override_it(
    server: _Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from studio.cli import main as cli_main

    monkeypatch.delenv("QIANMIAN_LLM_BASE_URL", raising=False)
    brief = str(ROOT / "briefs" / "fintech-app.toml")
    config = tmp_path / "settings.toml"
    config.write_text(f'llm_endpoint = "{server.url}"\nllm_timeout_s = 5\nllm_key = ""\n', "utf-8")
    assert cli_main(["--quiet", "plan", brief, "--out", str(tmp_path / "a"), "--config", str(config)]) == 0
    assert server.hits, "the endpoint from the config file was asked"
    asked = len(server.hits)
    out = tmp_path / "b"
    assert cli_main(["--quiet", "plan", brief, "--out", str(out), "--config", str(config), "--llm-endpoint", ""]) == 0
    assert len(server.hits) == asked, "--llm-endpoint '' turns the file's endpoint off for this run"
    assert ProjectStore(out).load().variants

    assert cli_main(["--quiet", "plan", brief, "--out", str(tmp_path / "c"), "--device", "tpu"]) == 2
    assert "tpu" in capsys.readouterr().err

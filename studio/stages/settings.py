"""The creator's machine settings as one Qt-free value that travels in stage requests.

The app builds it from QSettings (studio/ui/settings.py), the CLI from a config file, the environment and its flags
(`Settings.from_environment`). Stages and the code they call read it from the request and never from `os.environ`:
a changed setting takes effect for the next job, with no restart. The LLM API key itself is never stored here (a
request may be logged or pickled into a child process): only where to find it (`llm_key`), resolved when used.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studio.model.errors import ValidationFailed

if TYPE_CHECKING:
    from pipelines.text import LLMSettings
    from studio.model import Project

DEVICES = ("auto", "cpu", "cuda", "mps")
KEYRING = "keyring"
"""`llm_key` value: the key is in the OS keyring under the endpoint URL (service "qianmian-studio")."""

#: The environment variables the CLI reads (the app never does: it has QSettings).
ENV = {
    "model_folders": "QIANMIAN_IMAGE_MODELS",
    "image_model": "QIANMIAN_IMAGE_MODEL",
    "device": "QIANMIAN_DEVICE",
    "cpu_threads": "QIANMIAN_TORCH_THREADS",
    "llm_endpoint": "QIANMIAN_LLM_BASE_URL",
    "llm_model": "QIANMIAN_LLM_MODEL",
    "llm_gguf": "QIANMIAN_LLM_GGUF",
    "llm_timeout_s": "QIANMIAN_LLM_TIMEOUT",
    "llm_json_mode": "QIANMIAN_LLM_JSON_MODE",
    "output_folder": "QIANMIAN_OUTPUT",
    "compute": "QIANMIAN_CLUSTER",
}
KEY_ENV = "QIANMIAN_LLM_API_KEY"


@dataclass(frozen=True)
class Settings:
    """Machine-level choices (not the project's): where models are, which device, which LLM, default voices."""

    model_folders: tuple[Path, ...] = ()
    """Extra folders the image-model registry scans (besides the studio's own models folder)."""
    image_model: str = ""
    """Default image model for new projects ("" → the project's own setting decides)."""
    device: str = "auto"
    """Where diffusion runs: auto, cpu, cuda, cuda:1, mps."""
    cpu_threads: int = 1
    """torch threads when diffusion runs on the CPU (few, so the window and encodes stay smooth)."""
    llm_endpoint: str = ""
    """An OpenAI-compatible base URL; empty (and no GGUF) plans offline from the knowledge packs."""
    llm_model: str = ""
    llm_key: str = KEYRING
    """Where the API key is: "keyring" (by endpoint), "env:NAME" (an environment variable), or "" (none)."""
    llm_gguf: str = ""
    """A local .gguf model file (llama-cpp), used when no endpoint is set."""
    llm_timeout_s: float = 120.0
    llm_json_mode: str = "schema"
    voices: tuple[tuple[str, str], ...] = ()
    """Default voice per language ((language, voice id) pairs); a project's own choice wins."""
    voice_folders: tuple[Path, ...] = ()
    output_folder: Path | None = None
    """Where renders go (a folder per project); None: PROJECT/renders."""
    compute: str = ""
    """Where jobs run: "" (this machine) or a Ray cluster address ("auto", "host:6379", "ray://host:10001"); needs
    the `cluster` extra (`studio.jobs.executor.compute_status` says what to install)."""
    compute_fallback: str = "local"
    """When the cluster cannot be reached: "local" runs the job on this machine, "wait" waits for the cluster (Stop
    cancels); either way the job's message says which."""
    shared_root: Path | None = None
    """A folder every cluster node sees at the same path: projects under it are read from there, not shipped."""
    extra: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)
    """Unknown keys of a config file, kept so a newer file still loads (never read by stages)."""

    def __post_init__(self) -> None:
        if self.compute_fallback not in ("local", "wait"):
            raise ValidationFailed(
                f"compute_fallback {self.compute_fallback!r} is not one the studio knows.", "Use local or wait."
            )
        if self.device.split(":")[0] not in DEVICES:
            raise ValidationFailed(
                f"The device {self.device!r} is not one the studio knows.", f"Use one of {', '.join(DEVICES)}."
            )

    # --- reading ------------------------------------------------------------------------------------------------

    def voice_map(self) -> dict[str, str]:
        return dict(self.voices)

    def voice_for(self, language: str) -> str:
        """The default voice for a language (its primary subtag too), "" when none is set."""
        voices = self.voice_map()
        return voices.get(language) or voices.get(language.split("-")[0]) or ""

    def output_dir(self, project_root: Path) -> Path:
        """Where this project's renders go."""
        if self.output_folder is None:
            return project_root / "renders"
        return self.output_folder.expanduser() / project_root.resolve().name

    def executor(self, cpu_workers: int = 2, notice: Any = None) -> Any:
        """The job executor these settings name (`studio.jobs.executor.executor_for`): this machine or a cluster."""
        from studio.jobs.executor import executor_for

        return executor_for(
            self.compute,
            shared_root=self.shared_root,
            cpu_workers=cpu_workers,
            fallback=self.compute_fallback,
            notice=notice,
        )

    def llm_api_key(self) -> str | None:
        """The key, looked up now (never stored in the settings or a request)."""
        if not self.llm_key:
            return None
        if self.llm_key.startswith("env:"):
            return os.environ.get(self.llm_key[4:]) or None
        if self.llm_key == KEYRING and self.llm_endpoint:
            from pipelines.text.client import api_key_from_keyring

            return api_key_from_keyring(self.llm_endpoint)
        return None

    def llm_settings(self) -> LLMSettings:
        """The LLM client settings planning uses: the endpoint, else the GGUF file, else offline."""
        from pipelines.text import LLMSettings

        mode: Any = self.llm_json_mode if self.llm_json_mode in ("schema", "object", "none") else "schema"
        if self.llm_endpoint.strip():
            return LLMSettings(
                backend="openai",
                base_url=self.llm_endpoint.strip(),
                model=self.llm_model,
                api_key=self.llm_api_key(),
                timeout_s=self.llm_timeout_s,
                json_mode=mode,
            )
        if self.llm_gguf.strip():
            return LLMSettings(backend="gguf", gguf_path=self.llm_gguf, timeout_s=self.llm_timeout_s, json_mode=mode)
        return LLMSettings()

    def with_project_voices(self, project: Project) -> Project:
        """A copy of the project whose voice settings fall back to these defaults for languages it does not set
        (the cut and the voice preview read voices from the project)."""
        languages = {v.language for v in project.variants}
        missing = {
            lang: self.voice_for(lang)
            for lang in languages
            if self.voice_for(lang)
            and lang not in project.settings.voices
            and lang.split("-")[0] not in project.settings.voices
        }
        if not missing:
            return project
        out = project.model_copy(deep=True)
        out.settings.voices = {**project.settings.voices, **missing}
        return out

    # --- building -----------------------------------------------------------------------------------------------

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> Settings:
        """From plain values (a config file's table, QSettings' strings): paths and numbers are converted."""
        known = {f.name for f in fields(cls)}
        kwargs: dict[str, Any] = {}
        extra: dict[str, str] = {}
        for key, value in values.items():
            if key not in known or key == "extra":
                extra[key] = str(value)
                continue
            kwargs[key] = _convert(key, value)
        return cls(**kwargs, extra=extra)

    @classmethod
    def from_environment(
        cls, env: Mapping[str, str] | None = None, config_file: Path | None = None, **overrides: Any
    ) -> Settings:
        """The CLI's settings: the config file (TOML, a [settings] table or top-level keys), then the QIANMIAN_*
        environment variables, then `overrides` (the command's flags; None values are ignored)."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        if config_file is not None:
            values |= read_config(config_file)
        for name, var in ENV.items():
            raw = env.get(var, "")
            if raw.strip():
                values[name] = raw
        if env.get(KEY_ENV):
            values["llm_key"] = f"env:{KEY_ENV}"
        values |= {k: v for k, v in overrides.items() if v is not None}
        return cls.from_mapping(values)

    def replace(self, **changes: Any) -> Settings:
        return replace(self, **changes)


def _convert(key: str, value: Any) -> Any:
    if key in ("model_folders", "voice_folders"):
        items = value.split(os.pathsep) if isinstance(value, str) else list(value or ())
        return tuple(Path(str(p)).expanduser() for p in items if str(p).strip())
    if key in ("output_folder", "shared_root"):
        return Path(str(value)).expanduser() if value else None
    if key == "voices":
        pairs = value.items() if isinstance(value, Mapping) else value
        return tuple((str(k), str(v)) for k, v in pairs if str(v).strip())
    if key == "cpu_threads":
        return max(1, int(value or 1))
    if key == "llm_timeout_s":
        return float(value or 120)
    if key == "device":
        return str(value or "auto").strip().lower() or "auto"
    return str(value) if value is not None else ""


def read_config(path: Path) -> dict[str, Any]:
    """A settings file: TOML with the `Settings` field names (top level, or in a [settings] table)."""
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except OSError as e:
        raise ValidationFailed(f"Cannot read the settings file {path}: {e.strerror}.", "Check the path.") from e
    except tomllib.TOMLDecodeError as e:
        raise ValidationFailed(f"{path} is not valid TOML: {e}.", "Fix the line named, or remove the file.") from e
    table = data.get("settings", data)
    if not isinstance(table, dict):
        raise ValidationFailed(f"{path}: [settings] is not a table.", "Write the settings as key = value lines.")
    return dict(table)

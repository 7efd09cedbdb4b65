"""All of PledgeBot's settings, read once from the environment.

Every variable, its default and its meaning:

PLEDGEBOT_HOME          repository root holding corpus/ and index/ (default: the current directory)
PLEDGEBOT_REPORT        the report text            (default: $PLEDGEBOT_HOME/corpus/localizing-the-global-compacts-2023.txt)
PLEDGEBOT_CORPUS_DIR    the records: CURRENT naming a records-<hash>/ folder, or pledges.jsonl and sections.jsonl (default: $PLEDGEBOT_HOME/corpus)
PLEDGEBOT_INDEX_DIR     the vector index folder     (default: $PLEDGEBOT_HOME/index)
  Installed from a wheel and run where no corpus/ is (and PLEDGEBOT_HOME is unset), PledgeBot answers from
  the report and records inside the package and builds its index once in the user data folder
  (platformdirs: ~/.local/share/pledgebot/index on Linux).
PLEDGEBOT_PASSAGE_SENTENCES  sentences per passage window (default: 3)
PLEDGEBOT_PASSAGE_STRIDE     sentences between window starts (default: 2)
PLEDGEBOT_MULTILINGUAL  "1" to embed with multilingual-e5 for non-English questions, "0" to skip (default: 1)
PLEDGEBOT_EMBEDDER      the English embedding model: "mpnet" (all-mpnet-base-v2) or "minilm" (all-MiniLM-L6-v2) (default: mpnet)
PLEDGEBOT_LLM           a LangChain init_chat_model spec ("ollama:llama3.1"); empty = extractive answers (default: empty)
PLEDGEBOT_LLM_TIMEOUT   seconds before an LLM answer falls back to the extractive one (default: 30)
PLEDGEBOT_HOST / PLEDGEBOT_PORT  where the app listens (default: 127.0.0.1 / 7860)
PLEDGEBOT_AUTH          "user:password" to require a login in the app (default: none)
PLEDGEBOT_CONCURRENCY   answers computed at once by the app (default: 4)
PLEDGEBOT_CHROMA_URL    a Chroma server (`chroma run`, e.g. http://127.0.0.1:8000) to hold the index's collections;
                        the index folder keeps the manifests and CURRENT (default: empty, Chroma embedded)
PLEDGEBOT_MCP           "1" to also serve the JSON endpoints as MCP tools at /gradio_api/mcp/ (needs the mcp extra) (default: 0)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPORT_NAME = "localizing-the-global-compacts-2023.txt"


# What the entry points (the CLI, the app, the benchmarks) set before loading anything; the library itself never
# changes its host process's environment. No model hub is reachable here, telemetry is off, and the
# multilingual model's OpenMP threads sleep instead of spinning while they wait (a long latency tail otherwise).
ENTRY_ENVIRONMENT = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "OMP_WAIT_POLICY": "PASSIVE",
}


def entry_environment(env: dict[str, str] | None = None) -> None:
    """Set ENTRY_ENVIRONMENT's variables (those not already set) in `env` (the process environment)."""
    target = os.environ if env is None else env
    for name, value in ENTRY_ENVIRONMENT.items():
        target.setdefault(name, value)


def entry_logging(fmt: str) -> None:
    """Our progress lines ("building the index …") at INFO on stderr; other libraries only when they warn."""
    import logging

    logging.basicConfig(level=logging.WARNING, format=fmt)
    logging.getLogger("pledgebot").setLevel(logging.INFO)
    # a filter on the handler, not logger levels: bm25s sets its own logger to DEBUG when it is imported
    for handler in logging.getLogger().handlers:
        handler.addFilter(lambda r: r.levelno >= logging.WARNING or r.name.startswith("pledgebot"))


@dataclass(frozen=True)
class Settings:
    """Resolved configuration; build it with `Settings.from_env()`."""

    home: Path
    report: Path
    corpus_dir: Path
    index_dir: Path
    passage_sentences: int = 3
    passage_stride: int = 2
    multilingual: bool = True
    embedder: str = "mpnet"
    llm: str = ""
    llm_timeout: float = 30.0
    host: str = "127.0.0.1"
    port: int = 7860
    auth: tuple[str, str] | None = None
    concurrency: int = 4
    mcp: bool = False
    chroma_url: str = ""  # a Chroma server (`chroma run`) holding the index's collections; "" = embedded

    def records_dir(self) -> Path:
        """The live records folder (corpus/CURRENT names it); resolve once, then read both files from it."""
        from .corpus.jsonl import records_dir

        return records_dir(self.corpus_dir)

    @property
    def pledges_path(self) -> Path:
        return self.records_dir() / "pledges.jsonl"

    @property
    def sections_path(self) -> Path:
        return self.records_dir() / "sections.jsonl"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        """Read the PLEDGEBOT_* variables (or `env`), applying the documented defaults."""
        env = dict(os.environ if env is None else env)
        home = Path(env.get("PLEDGEBOT_HOME") or Path.cwd())
        corpus_dir = Path(env.get("PLEDGEBOT_CORPUS_DIR") or home / "corpus")
        index_dir = Path(env.get("PLEDGEBOT_INDEX_DIR") or home / "index")
        if not any(env.get(f"PLEDGEBOT_{n}") for n in ("HOME", "CORPUS_DIR", "REPORT")) and not corpus_dir.is_dir():
            corpus_dir = packaged_corpus()
            index_dir = Path(env.get("PLEDGEBOT_INDEX_DIR") or user_index_dir())
        auth = None
        if raw := env.get("PLEDGEBOT_AUTH", "").strip():
            user, sep, password = raw.partition(":")
            if not sep or not user or not password:
                # never echo the value: it may hold the password with one character wrong
                what = "no ':'" if not sep else "an empty user name" if not user else "an empty password"
                msg = f"PLEDGEBOT_AUTH must look like user:password ({len(raw)} characters with {what})"
                raise ValueError(msg)
            auth = (user, password)
        return cls(
            home=home,
            report=Path(env.get("PLEDGEBOT_REPORT") or corpus_dir / REPORT_NAME),
            corpus_dir=corpus_dir,
            index_dir=index_dir,
            passage_sentences=_int(env, "PLEDGEBOT_PASSAGE_SENTENCES", 3),
            passage_stride=_int(env, "PLEDGEBOT_PASSAGE_STRIDE", 2),
            multilingual=env.get("PLEDGEBOT_MULTILINGUAL", "1").strip() not in {"0", "false", "no"},
            embedder=env.get("PLEDGEBOT_EMBEDDER", "mpnet").strip() or "mpnet",
            llm=env.get("PLEDGEBOT_LLM", "").strip(),
            llm_timeout=float(env.get("PLEDGEBOT_LLM_TIMEOUT") or 30),
            host=env.get("PLEDGEBOT_HOST") or "127.0.0.1",
            port=_int(env, "PLEDGEBOT_PORT", 7860),
            auth=auth,
            concurrency=_int(env, "PLEDGEBOT_CONCURRENCY", 4),
            mcp=env.get("PLEDGEBOT_MCP", "0").strip() in {"1", "true", "yes"},
            chroma_url=env.get("PLEDGEBOT_CHROMA_URL", "").strip(),
        )


def packaged_corpus() -> Path:
    """The report and records the package carries (package data `pledgebot/data/corpus`)."""
    from importlib.resources import files

    return Path(str(files("pledgebot.data").joinpath("corpus")))


def user_index_dir() -> Path:
    """Where an installed PledgeBot keeps its index: the user data folder, per version of the package."""
    from importlib.metadata import PackageNotFoundError, version

    import platformdirs

    try:
        release = version("pledgebot")
    except PackageNotFoundError:
        release = "dev"
    return platformdirs.user_data_path("pledgebot") / f"index-{release}"


def _int(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        msg = f"{name} must be a whole number, got {raw!r}"
        raise ValueError(msg) from None
    if value < 1:
        msg = f"{name} must be at least 1, got {value}"
        raise ValueError(msg)
    return value

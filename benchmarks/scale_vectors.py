"""Composed vectors and a local Chroma server for bench_scale.py (`--vectors composed`, `--server`).

Composed vectors: a document's vector is the unit-normalised mean of the real model's vectors of its
sentences (pledgebot.text.sentences), each distinct sentence embedded once by the real model and cached
on disk (NAME.npy + NAME.json in the cache folder), so a synthetic corpus recombined from a finite pool of
real sentences is built with no per-document model inference. The wrapper reports the real model's `name`
and `dim`, so the index opens with the real models afterwards; queries always go to the real model.
These vectors are NOT model output: a build with them measures everything but the model inference.

Run by bench_scale.py as child processes:

    scale_vectors.py build --cache DIR    the index build of `pledgebot index build --force`, with composed
                                          embedders passed to pledgebot.builds.build in-process
    scale_vectors.py cost --sample N      the real models' inference seconds per pledge on N pledges of the
                                          corpus (one JSON line)
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("PLEDGEBOT_HOME", str(ROOT))
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from pledgebot.config import Settings, entry_environment  # noqa: E402

entry_environment()

from pledgebot.text import sentences  # noqa: E402

STARTED = time.perf_counter()


def progress(what: str) -> None:
    """A progress line on stderr (the build log): elapsed seconds and this process's RSS, to tell how far a
    build got and where its time and memory went (the gaps between lines are Chroma's writes)."""
    rss = next((int(x.split()[1]) // 1024 for x in Path("/proc/self/status").read_text().splitlines()
                if x.startswith("VmRSS:")), 0)  # fmt: skip
    print(f"[{time.perf_counter() - STARTED:7.1f} s, RSS {rss:,} MB] {what}", file=sys.stderr, flush=True)


class ComposedEmbedder:
    """Document vectors composed from cached real sentence vectors; queries by the real model (loaded lazily,
    only when a query comes or a sentence is not cached yet)."""

    def __init__(self, name: str, dim: int, load: Callable[[], object], cache: Path) -> None:
        self.name, self.dim = name, dim
        self._load, self._real = load, None
        self._npy = cache / f"{name}.npy"
        self._json = cache / f"{name}.json"
        self.texts: list[str] = json.loads(self._json.read_text()) if self._json.exists() else []
        self.vectors = np.load(self._npy) if self.texts else np.zeros((0, dim), dtype=np.float32)
        self.row = {t: n for n, t in enumerate(self.texts)}
        self.cached_at_start, self.model_s = len(self.texts), 0.0

    def real(self):
        if self._real is None:
            self._real = self._load()
        return self._real

    def embed_query(self, text: str) -> np.ndarray:
        return self.real().embed_query(text)

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        pieces = [sentences(t) or [t] for t in texts]
        new = list(dict.fromkeys(s for ps in pieces for s in ps if s not in self.row))
        if new:
            t0 = time.perf_counter()
            fresh = np.asarray(self.real().embed_documents(new), dtype=np.float32).reshape(len(new), self.dim)
            self.model_s += time.perf_counter() - t0
            progress(f"{self.name}: embedded {len(new):,} new sentences with the real model")
            self.row |= {s: len(self.texts) + n for n, s in enumerate(new)}
            self.texts += new
            self.vectors = np.concatenate([self.vectors, fresh])
            self.save()
        progress(f"{self.name}: composing {len(texts):,} document vectors")
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), 20_000):  # in chunks: the gathered sentence rows are ~4 per text
            chunk = pieces[start : start + 20_000]
            rows = np.fromiter((self.row[s] for ps in chunk for s in ps), dtype=np.int64)
            sums = np.add.reduceat(self.vectors[rows], np.cumsum([0] + [len(ps) for ps in chunk[:-1]]), axis=0)
            norms = np.linalg.norm(sums, axis=1, keepdims=True)
            out[start : start + len(chunk)] = sums / np.where(norms == 0, 1, norms)
        return out

    def save(self) -> None:
        self._npy.parent.mkdir(parents=True, exist_ok=True)
        for path, write in ((self._npy, lambda f: np.save(f, self.vectors)), (self._json, None)):
            tmp = path.with_suffix(path.suffix + ".tmp")
            with open(tmp, "wb") as f:
                write(f) if write else f.write(json.dumps(self.texts, ensure_ascii=False).encode())
            os.replace(tmp, path)


def composed_embedders(settings: Settings, cache: Path) -> tuple[ComposedEmbedder, ComposedEmbedder | None]:
    """The English and multilingual embedders of the app's settings, composed."""
    from pledgebot.embedding import E5Multilingual, MiniLM, embedder_named, multilingual_embedder

    if settings.embedder != "minilm":
        raise SystemExit("composed vectors are made for PLEDGEBOT_EMBEDDER=minilm only")
    models = settings.index_dir / ".models"
    english = ComposedEmbedder(MiniLM.name, MiniLM.dim, lambda: embedder_named("minilm", models), cache)
    ml = ComposedEmbedder(E5Multilingual.name, E5Multilingual.dim, multilingual_embedder, cache)
    return english, ml if settings.multilingual else None


def build_child(cache: Path) -> None:
    """`pledgebot index build --force` (cli_search.update_index) with the composed embedders passed in."""
    from pledgebot.builds import build
    from pledgebot.corpus import read_pledges, read_sections, records_fingerprint
    from pledgebot.derived import derive

    settings = Settings.from_env()
    folder = settings.records_dir()
    pledges, sections = read_pledges(folder / "pledges.jsonl"), read_sections(folder / "sections.jsonl")
    english, ml = composed_embedders(settings, cache)
    fp = records_fingerprint(pledges, sections)
    options = (settings.passage_sentences, settings.passage_stride)
    progress(f"{len(pledges):,} pledges read; building")
    t0 = time.perf_counter()
    # as `pledgebot index build` does: the quote and pledge vectors a start reads are computed by the build (the
    # quotes composed from real sentence vectors like every document here)
    derived = {"server": settings.chroma_url, "derive": lambda built: derive(built, pledges, sections)}
    path = build(settings.index_dir, pledges, sections, fp, english, ml, *options, **derived)
    stats = {"build_call_s": time.perf_counter() - t0, "path": str(path)}
    for key, emb in (("english", english), ("multilingual", ml)):
        if emb is not None:
            stats[key] = {"cached_before": emb.cached_at_start, "embedded_now": len(emb.texts) - emb.cached_at_start,
                          "model_s": round(emb.model_s, 1)}  # fmt: skip
    progress("built and verified")
    print(json.dumps(stats))


def cost_child(sample: int) -> None:
    """Real-model inference seconds per pledge on the corpus's first `sample` pledges, as a first build embeds
    them: e5 on the multilingual text, MiniLM on the passages and on the (spelled-out) sentences; and the
    report's sections (a constant of every build) with MiniLM."""
    from pledgebot.corpus import read_pledges, read_sections
    from pledgebot.embedding import embedder_named, multilingual_embedder
    from pledgebot.glossary import acronyms, spell_out
    from pledgebot.store import all_passages, all_sentences, multilingual_text

    settings = Settings.from_env()
    folder = settings.records_dir()
    pledges = read_pledges(folder / "pledges.jsonl")[:sample]
    sections = read_sections(folder / "sections.jsonl")
    english = embedder_named("minilm", settings.index_dir / ".models")
    e5 = multilingual_embedder()
    english.embed_documents(["warm up"]), e5.embed_documents(["warm up"])
    meanings = acronyms()
    size, stride = settings.passage_sentences, settings.passage_stride

    def timed(model, texts: list[str]) -> float:
        t0 = time.perf_counter()
        model.embed_documents(texts)
        return time.perf_counter() - t0

    out = {
        "sample": len(pledges),
        "e5_s": timed(e5, [multilingual_text(p) for p in pledges]),
        "minilm_passages_s": timed(english, [p.text for p in all_passages(pledges, [], size, stride)]),
        "minilm_sentences_s": timed(english, [spell_out(s[2], meanings) for s in all_sentences(pledges, [])]),
        "sections_s": timed(english, [p.text for p in all_passages([], sections, size, stride)])
        + timed(english, [spell_out(s[2], meanings) for s in all_sentences([], sections)]),
    }
    out["load_avg"] = os.getloadavg()[0]  # the machine is shared: how busy it was while this was timed
    out["per_pledge_s"] = (out["e5_s"] + out["minilm_passages_s"] + out["minilm_sentences_s"]) / max(1, len(pledges))
    print(json.dumps(out))


# -- a local Chroma server -------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(path: Path, log: Path, wait_s: float = 120.0) -> tuple[subprocess.Popen, str]:
    """`chroma run --path PATH` on a free local port, once its heartbeat answers: (process, URL)."""
    port = free_port()
    exe = Path(sys.executable).parent / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as out:
        cmd = [str(exe), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)]
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.perf_counter() + wait_s
    while time.perf_counter() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"chroma run exited {proc.returncode}: {log.read_text()[-600:]}")
        try:
            with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            pass
        time.sleep(0.5)
    stop_server(proc)
    raise RuntimeError(f"chroma run did not answer within {wait_s:.0f} s")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def process_mb(pid: int, field: str) -> float:
    """VmRSS or VmHWM of another process, in MB (0 when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


TITLE = "# Benchmark: PledgeBot at scale"
MODEL_HEADING = "## Real-model builds (`--vectors model`, the default)"
INTRO = (
    "Two kinds of sections below. The real-model section builds the index as `pledgebot index build` does, "
    "every vector model output. **Composed-vector sections (`--vectors composed`) do not run the models on the "
    "documents: their document vectors are means of real sentence vectors, not model output, so their build "
    "times exclude model inference**; each gives the inference cost per pledge measured in its own run and the "
    "estimated real first build. Each section is headed with its command line; compare figures within a section."
)


def write_section(path: Path, key: str, text: str) -> None:
    """Put `text` in the results file as the section `key`, replacing that section's last run and keeping the
    others (a file from before sections were kept whole is the real-model section)."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    parts = re.split(r"^<!-- section: (.*?) -->\n", old, flags=re.M)
    sections = dict(zip(parts[1::2], (p.strip() for p in parts[2::2]), strict=True))
    if len(parts) == 1 and old.strip():
        body = old.split("\n", 1)[1].strip() if old.startswith(TITLE) else old.strip()
        sections["model"] = f"{MODEL_HEADING}\n\n{body}"
    sections[key] = text.strip()
    body = "\n\n".join(f"<!-- section: {k} -->\n{v}" for k, v in sections.items())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{TITLE}\n\n{INTRO}\n\n{body}\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("what", choices=("build", "cost"))
    parser.add_argument("--cache", type=Path, help="the sentence-vector cache folder (build)")
    parser.add_argument("--sample", type=int, default=50, help="pledges to time the real models on (cost)")
    opts = parser.parse_args()
    if opts.what == "build":
        build_child(opts.cache)
    else:
        cost_child(opts.sample)
    return 0


if __name__ == "__main__":
    sys.exit(main())

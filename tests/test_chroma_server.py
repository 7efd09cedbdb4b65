"""The index on a real Chroma server (`chroma run` on loopback): builds, serves, swaps and cleans up there."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import numpy as np
import pytest
from tiny import MultilingualFake

from pledgebot.builds import open_store
from pledgebot.chroma import NAMESPACE, server_client
from pledgebot.corpus import read_pledges, read_sections, records_dir, records_fingerprint
from pledgebot.embedding import HashingEmbedder
from pledgebot.errors import StoreError

ROOT = Path(__file__).resolve().parents[1]
CHROMA = Path(sys.executable).with_name("chroma")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    proc = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{url}/api/v2/heartbeat", timeout=1).raise_for_status()
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            pytest.fail("chroma run did not answer within 60 s")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture(scope="module")
def records():
    folder = records_dir(ROOT / "corpus")
    pledges, sections = read_pledges(folder / "pledges.jsonl")[:12], read_sections(folder / "sections.jsonl")[:3]
    return pledges, sections


def ours(url: str) -> list[str]:
    return sorted(c.name for c in server_client(url).list_collections() if c.name.startswith(NAMESPACE))


def test_an_index_on_the_server_reads_as_the_embedded_one(tmp_path, server, records):
    pledges, sections = records
    fp = records_fingerprint(pledges, sections)
    local, _ = open_store(tmp_path / "local", pledges, sections, fp, HashingEmbedder(), MultilingualFake())
    remote, rebuilt = open_store(tmp_path / "remote", pledges, sections, fp, HashingEmbedder(), MultilingualFake(), server=server)
    assert rebuilt and [p.id for p in remote.passages] == [p.id for p in local.passages]
    assert np.allclose(remote.sentence_vectors, local.sentence_vectors)
    assert remote.dense("housing for refugees")[:5] == local.dense("housing for refugees")[:5]
    # on disk only the manifest: the vectors are on the server, under this build's name
    assert [p.name for p in remote.path.iterdir()] == ["manifest.json"]
    assert {n.split("-")[-1] for n in ours(server) if remote.path.name in n} >= {"passages", "sentences"}
    again, rebuilt = open_store(tmp_path / "remote", pledges, sections, fp, HashingEmbedder(), MultilingualFake(), server=server)
    assert not rebuilt and again.path == remote.path


def test_a_new_build_replaces_the_old_ones_collections(tmp_path, server, records):
    pledges, sections = records
    index = tmp_path / "index"
    first, _ = open_store(index, pledges[:6], sections, records_fingerprint(pledges[:6], sections), HashingEmbedder(), server=server)
    second, _ = open_store(index, pledges, sections, records_fingerprint(pledges, sections), HashingEmbedder(), server=server)
    names = ours(server)
    assert any(second.path.name in n for n in names) and not any(first.path.name in n for n in names)
    assert second.manifest.reused > 0  # the unchanged pledges' vectors came from the server's old build


def test_a_server_that_is_not_there_is_one_clear_error(tmp_path, records):
    pledges, sections = records
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(StoreError, match=f"the Chroma server at {url} cannot be reached"):
        open_store(tmp_path, pledges, sections, records_fingerprint(pledges, sections), HashingEmbedder(), server=url)
    assert not list(tmp_path.glob(".build-*"))  # nothing left behind

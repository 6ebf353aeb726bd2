"""The Hub emulator itself: what the real client sees (downloads included), directory fixtures, the CLI."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.hubemu import FixtureHub, HubEmulator, load_directory


def test_hf_hub_download_and_snapshot_download_at_a_pinned_revision(hub, tmp_path):
    from huggingface_hub import HfApi, hf_hub_download, snapshot_download

    repo = hub.add_repo("org/signed", files={"model.safetensors": b"w" * 64, "model.sig": "{}", "sub/a.txt": "a"})
    old = repo.head()
    repo.commit({"model.safetensors": b"changed"})
    path = hf_hub_download("org/signed", "model.safetensors", revision=old, endpoint=hub.endpoint, token=False,
                           cache_dir=tmp_path / "hf")
    assert Path(path).read_bytes() == b"w" * 64
    folder = snapshot_download("org/signed", revision=old, endpoint=hub.endpoint, token=False,
                               local_dir=tmp_path / "snap")
    assert sorted(p.relative_to(folder).as_posix() for p in Path(folder).rglob("*")
                  if p.is_file() and ".cache" not in p.parts) == ["model.safetensors", "model.sig", "sub/a.txt"]
    data_sha = hub.add_repo("org/rows", kind="dataset", files={"data/train.csv": "a,b\n"}).head()
    path = hf_hub_download("org/rows", "data/train.csv", repo_type="dataset", revision=data_sha,
                           endpoint=hub.endpoint, token=False, cache_dir=tmp_path / "hf")
    assert Path(path).read_text() == "a,b\n"
    assert ("HEAD", f"/datasets/org/rows/resolve/{data_sha}/data/train.csv") in hub.request_log
    info = HfApi(endpoint=hub.endpoint, token=False).model_info("org/signed", revision=old, files_metadata=True)
    lfs = {s.rfilename: s.lfs.sha256 for s in info.siblings if s.lfs}
    assert lfs == {"model.safetensors": hashlib.sha256(b"w" * 64).hexdigest()}


def test_errors_arrive_as_the_clients_typed_exceptions(hub, tmp_path):
    from huggingface_hub import HfApi, hf_hub_download
    from huggingface_hub.errors import (
        DisabledRepoError,
        EntryNotFoundError,
        GatedRepoError,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )

    api = HfApi(endpoint=hub.endpoint, token=False)
    hub.add_repo("org/m", files={"a.txt": "a"})
    hub.add_repo("org/gated", files={"a.txt": "a"}, gated="auto")
    hub.add_repo("org/off", files={"a.txt": "a"}, disabled=True)
    with pytest.raises(RepositoryNotFoundError):
        api.model_info("org/none")
    with pytest.raises(RevisionNotFoundError):
        api.model_info("org/m", revision="nope")
    with pytest.raises(RepositoryNotFoundError):  # anonymous: 401 like a missing repo (issue 13 §2.3)
        api.model_info("org/off")
    with pytest.raises(DisabledRepoError):  # with a token: 403 "Access to this resource is disabled."
        HfApi(endpoint=hub.endpoint, token="hf_any").model_info("org/off")
    with pytest.raises(EntryNotFoundError):
        hf_hub_download("org/m", "missing.txt", endpoint=hub.endpoint, token=False, cache_dir=tmp_path)
    with pytest.raises(GatedRepoError):
        hf_hub_download("org/gated", "a.txt", endpoint=hub.endpoint, token=False, cache_dir=tmp_path)
    assert api.model_info("org/gated").gated == "auto"
    hub.repo("org/gated").set(token="hf_granted")
    path = hf_hub_download("org/gated", "a.txt", endpoint=hub.endpoint, token="hf_granted", cache_dir=tmp_path)
    assert Path(path).read_text() == "a"


def test_refs_and_moving_tags(hub):
    from huggingface_hub import HfApi

    repo = hub.add_repo("org/m", files={"a.txt": "1"})
    first = repo.head()
    repo.tag("v1", first)
    second = repo.commit({"a.txt": "2"})
    api = HfApi(endpoint=hub.endpoint, token=False)
    assert api.model_info("org/m", revision="v1").sha == first
    repo.move_tag("v1", second)
    assert api.model_info("org/m", revision="v1").sha == second
    refs = api.list_repo_refs("org/m")
    assert [(t.name, t.target_commit) for t in refs.tags] == [("v1", second)]
    assert [(b.name, b.target_commit) for b in refs.branches] == [("main", second)]


def test_commit_shas_are_deterministic():
    def build():
        fixtures = FixtureHub()
        return fixtures.add_repo("org/m", files={"a": "1"}).commit({"b": "2"})

    assert build() == build()


def test_latency_and_request_counting(hub):
    import httpx2

    hub.add_repo("org/m", files={"a.txt": "1"})
    hub.faults.latency = 0.2
    started = time.monotonic()
    assert httpx2.get(f"{hub.endpoint}/api/models/org/m").status_code == 200
    assert time.monotonic() - started >= 0.2
    assert hub.requests == 1 and hub.request_log == [("GET", "/api/models/org/m")]


def _write_fixture_dir(root: Path) -> None:
    repo = root / "models" / "org" / "disk"
    (repo / "v1").mkdir(parents=True)
    (repo / "v1" / "config.json").write_text("{}")
    (repo / "v2" / "nested").mkdir(parents=True)
    (repo / "v2" / "nested" / "model.bin").write_bytes(b"pickle")
    (repo / "repo.json").write_text(json.dumps({
        "license": "mit", "gated": "manual",
        "commits": [{"name": "first", "dir": "v1"}, {"name": "second", "dir": "v2", "lfs": ["nested/model.bin"]}],
        "tags": {"v1.0": "first"}, "branches": {"dev": "first"},
        "flagged": {"nested/model.bin": "unsafe"},
    }))
    (root / "github.json").write_text(json.dumps({"pytorch/vision": {"commits": ["8" * 40]}}))


def test_load_directory(tmp_path):
    from huggingface_hub import HfApi

    _write_fixture_dir(tmp_path)
    with HubEmulator(load_directory(tmp_path)) as emulator:
        api = HfApi(endpoint=emulator.endpoint, token=False)
        head = api.model_info("org/disk", files_metadata=True, securityStatus=True)
        tagged = api.model_info("org/disk", revision="v1.0")
        assert [s.rfilename for s in head.siblings] == ["nested/model.bin"]
        assert head.security_repo_status == {"scansDone": True,
                                             "filesWithIssues": [{"path": "nested/model.bin", "level": "unsafe"}]}
        assert [s.rfilename for s in tagged.siblings] == ["config.json"]
        assert api.model_info("org/disk", revision="dev").sha == tagged.sha
        assert head.card_data.license == "mit" and head.gated == "manual"


def test_runs_on_its_own(tmp_path):
    import httpx2

    _write_fixture_dir(tmp_path)
    process = subprocess.Popen([sys.executable, "-m", "tests.hubemu", "--root", str(tmp_path), "--port", "0"],
                               cwd=Path(__file__).resolve().parents[2], stdout=subprocess.PIPE, text=True)
    try:
        endpoint = process.stdout.readline().strip().removeprefix("HF_ENDPOINT=")
        assert endpoint.startswith("http://127.0.0.1:")
        github = process.stdout.readline().strip().removeprefix("GITHUB_API_URL=")
        assert httpx2.get(f"{endpoint}/api/models/org/disk").json()["id"] == "org/disk"
        assert httpx2.get(f"{github}/repos/pytorch/vision/commits/{'8' * 40}").json()["sha"] == "8" * 40
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_legacy_ids_redirect_to_the_canonical_id(hub, tmp_path):
    from huggingface_hub import HfApi, hf_hub_download

    sha = hub.add_repo("openai-community/gpt2", files={"config.json": "{}"}, aliases=["gpt2"]).head()
    info = HfApi(endpoint=hub.endpoint, token=False).model_info("gpt2", revision=sha, files_metadata=True)
    assert (info.id, info.sha) == ("openai-community/gpt2", sha)
    assert ("GET", f"/api/models/openai-community/gpt2/revision/{sha}?blobs=true") in hub.request_log
    path = hf_hub_download("gpt2", "config.json", revision=sha, endpoint=hub.endpoint, token=False,
                           cache_dir=tmp_path)
    assert Path(path).read_text() == "{}"

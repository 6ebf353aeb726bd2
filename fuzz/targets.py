"""Fuzz targets: each takes one input (bytes) and drives one parser of hostile input.

A target returns normally, or raises one of its `expected` exceptions (a clean refusal such as `PolicyError`);
anything else is a crasher. The same functions are driven by atheris (`python -m fuzz.run`) and replayed by the
regression tests (tests/hardening/test_crashers.py), so a crasher found once stays fixed.

Text targets decode the input as UTF-8 with replacement, exactly as the discovery engine hands files to finders.
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from gate.discover.interface import SourceFile
from gate.errors import PolicyError

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"


@dataclass(frozen=True)
class Target:
    name: str
    run: Callable[[bytes], object]
    expected: tuple[type[BaseException], ...] = ()
    """Exceptions that are a correct answer to bad input (not crashers)."""
    seeds: tuple[str, ...] = ()
    """Globs under the repository root whose files start the corpus."""
    tokens: tuple[str, ...] = field(default=())
    """A libFuzzer dictionary: words the mutator splices in (API names, keys, markers)."""


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def _source(path: str) -> SourceFile:
    return SourceFile(path, "/nonexistent/" + path)


# --------------------------------------------------------------------------------------------- the policy


@functools.cache
def _scratch_directory(purpose: str) -> str:
    """One scratch directory per purpose and process, made when a target first needs it and removed at exit
    (importing this module, as every crasher replay does, leaves nothing behind in the temporary directory)."""
    directory = tempfile.mkdtemp(prefix=f"model-gate-fuzz-{purpose}-")
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    return directory


def policy(data: bytes) -> None:
    from gate.policy.load import load_policy

    load_policy(None, _scratch_directory("policy"), text=_text(data), label="fuzz.yml")


# -------------------------------------------------------------------------------------------- the finders


def python(data: bytes) -> None:
    from gate.discover.python_finder import PythonFinder

    PythonFinder().scan(_source("fuzz.py"), _text(data), frozenset())


def notebook(data: bytes) -> None:
    from gate.discover.notebook_finder import NotebookFinder

    NotebookFinder().scan(_source("fuzz.ipynb"), _text(data), frozenset())


def _config(suffix: str) -> Callable[[bytes], None]:
    def run(data: bytes) -> None:
        from gate.discover.config_finder import ConfigFinder

        ConfigFinder().scan(_source("fuzz" + suffix), _text(data), frozenset())

    run.__name__ = suffix.lstrip(".")
    return run


def embedded_config(data: bytes) -> None:
    from gate.discover.embedded_config import EmbeddedConfigFinder

    EmbeddedConfigFinder().scan(_source("fuzz.py"), _text(data), frozenset())


def sniffed_config(data: bytes) -> None:
    """A config without a config suffix: the first byte picks the name (by content, `*_yaml`, `*.json.j2`)."""
    from gate.discover.config_finder import ConfigFinder

    names = ("config", "train_yaml", "args.json.j2")
    name = names[data[0] % len(names)] if data else names[0]
    ConfigFinder().scan(_source(name), _text(data[1:]), frozenset())


# The first input byte picks which kind of shell-like file the rest of the input is.
_SHELL_PATHS = ("run.sh", "Dockerfile", "Makefile", ".github/workflows/ci.yml", "docker-compose.yml", "action.yml")


def shell(data: bytes) -> None:
    from gate.discover.shell_finder import ShellFinder

    path = _SHELL_PATHS[data[0] % len(_SHELL_PATHS)] if data else _SHELL_PATHS[0]
    ShellFinder().scan(_source(path), _text(data[1:]), frozenset())


def url(data: bytes) -> None:
    from gate.discover.url_finder import UrlFinder, scan_file_for_urls_bounded

    text = _text(data)
    in_memory = UrlFinder().scan(_source("fuzz.txt"), text, frozenset()).references
    # The streaming reader for huge files must agree with the in-memory scan (small chunks force splits).
    path = _scratch_file(data)
    streamed = scan_file_for_urls_bounded(path, "fuzz.txt", chunk_size=64)
    if len(streamed) != len(in_memory) and "\ufffd" not in text:
        raise AssertionError(f"chunked URL scan found {len(streamed)} URLs, in-memory scan {len(in_memory)}")


def artifact(data: bytes) -> None:
    from gate.discover.artifact_finder import ArtifactFinder

    path = _scratch_file(data)
    result = ArtifactFinder().scan(SourceFile("fuzz.bin", path), "", frozenset())
    if len(result.references) != 1:
        raise AssertionError(f"artifact finder gave {len(result.references)} references for one file")


def model_file(data: bytes) -> None:
    """The content scan of a committed model file: pickles in any container, and code in non-pickle formats."""
    from gate.verify.model_code import scan_model_code
    from gate.verify.pickles import SEVERITY_LEVELS, scan_artifact

    path = _scratch_file(data)
    for scan in scan_artifact(path, "fuzz.bin").pickles:
        if scan.severity not in SEVERITY_LEVELS:
            raise AssertionError(f"severity {scan.severity!r} is not on the scale")
    for fmt in ("keras-zip", "hdf5", "onnx", "gguf"):
        scan_model_code(path, "fuzz.bin", fmt)
    scan_model_code(path, "saved_model.pb", "protobuf")


def _scratch_file(data: bytes) -> str:
    path = os.path.join(_scratch_directory("input"), "input.bin")
    with open(path, "wb") as handle:
        handle.write(data)
    return path


# --------------------------------------------------------------------------------------------- the reports


def build_report(data: bytes):
    from gate.discover.interface import Reference, ScanWarning
    from gate.policy.interface import Finding
    from gate.policy.rules import all_rules
    from gate.report.interface import Report

    source = _Bytes(data)
    rule_ids = [*all_rules(), "not-a-rule"]
    references = []
    for _ in range(source.int(0, 6)):
        references.append(Reference(
            kind=source.pick(("model", "dataset", "artifact")), source=source.pick(("huggingface", "url", "local")),
            id=source.maybe_text(), revision=source.maybe_text(), pinned=source.bool(), pinnable=source.bool(),
            path=source.text(), line=source.int(0, 10**6), column=source.int(0, 500), api=source.text(),
            dynamic=source.bool(), expression=source.maybe_text(),
            trust_remote_code=source.pick((True, False, None)), format=source.maybe_text(),
            syntax=source.pick(("python", "notebook", "config", "shell", "url", "file")),
            revision_key=source.maybe_text(), sha256=source.maybe_text()))
    findings = []
    for _ in range(source.int(0, 8)):
        findings.append(Finding(
            rule=source.pick(rule_ids), severity=source.pick(("error", "warning", "note")), message=source.text(),
            remediation=source.text(), path=source.maybe_text(), line=source.pick((None, source.int(0, 10**6))),
            reference=source.pick((None, source.int(-2, 8))), waived_by=source.pick((None, source.int(-1, 3))),
            pre_existing=source.bool()))
    warnings = [ScanWarning(source.text(), source.text()) for _ in range(source.int(0, 4))]
    extra = {"mode": source.pick(("full", "diff")),
             "waivers": [{"reason": source.text(), "owner": source.maybe_text(), "expires": "2026-12-31"}]}
    return Report(tool_version="0.0.0-fuzz", root="/repo", references=tuple(references), findings=tuple(findings),
                  warnings=tuple(warnings), files_scanned=source.int(0, 10**6),
                  verdict=source.pick(("pass", "fail")), extra=extra)


class _Bytes:
    """Reads choices from the input bytes (like atheris' FuzzedDataProvider, but replayable without atheris)."""

    _ALPHABET = "ab/-_.:%,\r\n\t #*`|<>[]()@\\\"'\u00e9\u0430\u202e\ufeff\U0001f600\x00\x1b"

    def __init__(self, data: bytes):
        self.data, self.position = data, 0

    def byte(self) -> int:
        if self.position >= len(self.data):
            return 0
        self.position += 1
        return self.data[self.position - 1]

    def int(self, low: int, high: int) -> int:
        value = self.byte() | self.byte() << 8 | self.byte() << 16
        return low + value % (high - low + 1)

    def bool(self) -> bool:
        return bool(self.byte() & 1)

    def pick(self, options):
        return options[self.byte() % len(options)]

    def text(self) -> str:
        length = self.byte() % 24
        return "".join(self._ALPHABET[self.byte() % len(self._ALPHABET)] if self.byte() & 1
                       else chr(0x20 + self.byte() % 0x5f) for _ in range(length))

    def maybe_text(self) -> str | None:
        return None if self.byte() % 4 == 0 else self.text()


def sarif(data: bytes) -> None:
    import json

    from gate.report.sarif import render_sarif

    rendered = render_sarif(build_report(data))
    rendered.encode("utf-8")  # what the CLI writes must be writable
    json.loads(rendered)


def json_report(data: bytes) -> None:
    import json

    from gate.report.json_report import render_json

    rendered = render_json(build_report(data))
    rendered.encode("utf-8")
    json.loads(rendered)


def github(data: bytes) -> None:
    """Annotations and the job summary: text from the pull request must never start a new workflow command."""
    from gate.report.github import GitHubContext, build_annotations, render_summary

    report = build_report(data)
    for command in build_annotations(report, GitHubContext()).commands:
        if "\n" in command or "\r" in command:
            raise AssertionError(f"annotation spans lines (command injection): {command!r}")
    render_summary(report, GitHubContext(mode="diff")).encode("utf-8")


# ------------------------------------------------------------------------------------------------ registry

_PYTHON_TOKENS = ("from_pretrained", "AutoModel", "import transformers", "from transformers import ",
                  "revision=", "trust_remote_code=True", "hf_hub_download", "snapshot_download", "pipeline(",
                  "load_dataset", "hf://", "https://huggingface.co/", "/resolve/", "hf-hub:", "models:/", "exec(",
                  "getattr(", "os.getenv(", "add_argument(", "default=", "**kwargs", "f\"{", "\"org/name\"",
                  "torch.hub.load(", "lambda ", "class C:", "def f(", "self.", "\"\"\"", "\\\n", "(((", "[[[")

TARGETS: dict[str, Target] = {t.name: t for t in (
    Target("policy", policy, (PolicyError,), ("policies/*.yaml", "tests/fixtures/**/*policy*.yml", "examples/**/*policy*.yml"),
           ("version: 1\n", "defaults:\n", "models:\n", "  - id: ", "revisions: [", "exceptions:\n", "extends: ",
            "unlisted: deny", "&a ", "*a", "<<: ", "!!python/object", "expires: 2026-01-01", "profiles:\n")),
    Target("python", python, (), ("tests/fixtures/discover/python/**/*.py", "tests/fixtures/evasion/**/*.py"), _PYTHON_TOKENS),
    Target("notebook", notebook, (), ("tests/fixtures/discover/notebooks/**/*.ipynb", "tests/fixtures/evasion/**/*.ipynb",
                                      "tests/fixtures/discover/notebook-*/**/*.ipynb"),
           ("{\"cells\": [", "\"cell_type\": \"code\"", "\"source\": [", "!hf download ", "%%bash\\n",
            "from_pretrained(", "\\n", "\"worksheets\"", "%time ", "%%timeit -n1 ", "%%script --bg bash\\n",
            "%%python3\\n", "%%writefile c.yaml\\n", "%run ", "yaml.safe_load(\\\"\\\"\\\"", "\\\\\\n")),
    Target("yaml", _config(".yaml"), (), ("tests/fixtures/discover/config-*/**/*.yaml", "tests/fixtures/discover/config-*/**/*.yml"),
           ("model_name_or_path: ", "revision: ", "datasets:\n  - path: ", "&a ", "*a", "<<: *a", "${MODEL}",
            "https://huggingface.co/", "!!binary", "? ")),
    Target("json", _config(".json"), (), ("tests/fixtures/discover/config-*/**/*.json",),
           ("\"model_name_or_path\": ", "\"revision\": ", "\"datasets\": [{\"path\": ", "[[[[", "{\"a\":",
            "\"https://huggingface.co/org/m/resolve/main/x\"")),
    Target("toml", _config(".toml"), (), ("tests/fixtures/discover/config-*/**/*.toml",),
           ("model_name_or_path = ", "revision = ", "[[datasets]]\n", "[tool.x]\n", "a.b.c = ", "{ x = 1 }")),
    Target("shell", shell, (), ("tests/fixtures/discover/shell-*/**/*",),
           ("hf download ", "huggingface-cli download ", "--revision ", "--repo-type dataset", "git clone ",
            "https://huggingface.co/", "vllm serve ", "--model-id ", "MODEL_ID=", "${", "$(", "\\\n", "run: |\n",
            "services:\n", "command: ", "environment:\n", "ENV ", "ARG ", "RUN ")),
    Target("url", url, (), ("tests/fixtures/discover/urls/**/*", "tests/fixtures/discover/config-urls/**/*"),
           ("https://huggingface.co/", "http://hf.co/", "/datasets/", "/resolve/", "/blob/", "/tree/", "/raw/",
            "%2F", "/spaces/")),
    Target("artifact", artifact, (), ("tests/fixtures/signed-models/**/*",),
           ("\x80\x02", "PK\x03\x04", "\x93NUMPY\x01\x00", "GGUF", "\x89HDF\r\n\x1a\n", "version https://git-lfs",
            "data.pkl", "{\"__metadata__\":")),
    Target("embedded_config", embedded_config, (), ("tests/fixtures/discover/config-python-strings/**/*.py",),
           ("import yaml\n", "yaml.safe_load(", "OmegaConf.create(", "json.loads(", "textwrap.dedent(", "\"\"\"",
            "model_id: ", "C = ", "from yaml import load as l\n")),
    Target("sniffed_config", sniffed_config, (), ("tests/fixtures/discover/config-extensionless/**/*",),
           ("model_name_or_path: ", "{\"model\": ", "hub_model_id: ", "\\u006d", "${a.b}")),
    Target("model_file", model_file),
    Target("sarif", sarif),
    Target("json_report", json_report),
    Target("github", github),
)}


def seed_files(target: Target) -> list[Path]:
    found: list[Path] = []
    for pattern in target.seeds:
        found.extend(p for p in ROOT.glob(pattern) if p.is_file() and p.stat().st_size < 256 * 1024)
    return sorted(set(found))

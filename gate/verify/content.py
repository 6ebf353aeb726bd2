"""Content checks of the verify stage: model signatures and static pickle scans. Evidence only.

`gather_local` looks only at files committed to the scanned repository (no network), so it runs on every scan.
`gather_hub_content` downloads files at a pinned Hub revision into a temporary real directory (never the
symlinked HF cache) and runs the same checks there; it belongs to `verify: full`. What to check (which
directories must be signed, by whom; which Hub revisions to download) is planned by the judge
(`gate.policy.judge.plan_content`), which also turns this evidence into findings.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from gate.verify.content_interface import ModelCode, PickleScan, SignatureCheck, SignatureSpec
from gate.verify.interface import VerifyConfig
from gate.verify.model_code import scan_model_code
from gate.verify.pickles import may_hold_pickles, scan_artifact, scan_file
from gate.verify.signatures import HUB_DOWNLOAD_METADATA, trust_config_file, verify_model_directory

# Formats whose bytes cannot hold code: nothing to open (a Git LFS pointer is judged by its suffix in the policy).
_NOTHING_TO_OPEN = frozenset({"safetensors", "numpy", "empty", "git-lfs-pointer"})


@dataclass(frozen=True)
class SignatureRequirement:
    """A committed model directory (or a glob of them) that must be signed: an `artifacts` entry's `path`."""

    pattern: str
    spec: SignatureSpec


@dataclass(frozen=True)
class ArtifactScan:
    """What the static scanners found in one committed artifact."""

    index: int
    """The artifact reference's index."""
    pickles: tuple[PickleScan, ...] | None
    """fickling's verdicts on its pickle streams; None when the format holds none."""
    code: tuple[ModelCode, ...] = ()
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class SignedDirectory:
    """One committed model directory checked against the signature it must carry."""

    directory: str
    spec: SignatureSpec
    check: SignatureCheck
    members: tuple[int, ...]
    """Indexes of the artifact references inside it."""


@dataclass(frozen=True)
class HubContentRequest:
    """A Hub repository at a pinned revision to download: its signature to verify and/or its pickles to scan."""

    kind: str
    repo_id: str
    revision: str | None
    """A commit sha for downloads; None or a moving revision for a signature that cannot be checked."""
    indices: tuple[int, ...]
    """The references that load it (findings name the first)."""
    spec: SignatureSpec | None
    scan_pickles: bool

    @property
    def label(self) -> str:
        return f"{self.repo_id}@{self.revision}" if self.revision else self.repo_id


@dataclass(frozen=True)
class HubContent:
    """What the download of one `HubContentRequest` showed."""

    request: HubContentRequest
    check: SignatureCheck | None = None
    pickles: tuple[tuple[PickleScan, ...], ...] = ()
    """fickling's verdicts, one tuple per scanned file, in file order."""
    scanned: int = 0
    error: str | None = None
    """Why the download failed (first line); None when it worked."""


@dataclass(frozen=True)
class ContentEvidence:
    artifacts: tuple[ArtifactScan, ...] = ()
    signed: tuple[SignedDirectory, ...] = ()
    hub: tuple[HubContent, ...] = ()

    @property
    def pickles_scanned(self) -> int:
        return sum(1 for a in self.artifacts if a.pickles is not None) + sum(h.scanned for h in self.hub)

    @property
    def signatures(self) -> tuple[SignatureCheck, ...]:
        return tuple(s.check for s in self.signed) + tuple(h.check for h in self.hub if h.check is not None)

    def stats(self) -> dict:
        return {
            "signatures": [s.to_json() | {"model": s.model_path} for s in self.signatures],
            "pickle_files_scanned": self.pickles_scanned,
        }


# --- committed files ---------------------------------------------------------------------------------


def gather_local(root: str, references: Sequence[Any], requirements: Sequence[SignatureRequirement],
                 default_spec: SignatureSpec | None, trust_config: str | None = None,
                 fetched: Mapping[str, Path] | None = None) -> ContentEvidence:
    """Scan every committed pickle-based artifact (a Git LFS pointer's `fetched` content in its place: repository
    path -> local file); verify every committed model directory that must be signed."""
    base = Path(root)
    fetched = fetched or {}
    artifacts: list[ArtifactScan] = []
    for index, reference in enumerate(references):
        if reference.kind != "artifact" or reference.format in _NOTHING_TO_OPEN:
            continue
        source = fetched.get(reference.path) or base / reference.path
        pickles = None
        code: list[ModelCode] = []
        warnings: tuple[str, ...] = ()
        if may_hold_pickles(reference.path, reference.format):
            scan = scan_artifact(source, display=reference.path)
            pickles, code, warnings = tuple(scan.pickles), list(scan.code), tuple(scan.warnings)
        code += scan_model_code(str(source), reference.path, reference.format)
        artifacts.append(ArtifactScan(index, pickles, tuple(code), warnings))

    signed: list[SignedDirectory] = []
    required = _signed_directories(requirements, default_spec, references, base)
    if required:
        with trust_config_file(trust_config) as trust:
            for directory, spec in required.items():
                check = verify_model_directory(base / directory, spec, display_path=directory, trust_config=trust)
                members = tuple(i for i, r in enumerate(references)
                                if r.kind == "artifact" and _inside(r.path, directory))
                signed.append(SignedDirectory(directory, spec, check, members))
    return ContentEvidence(artifacts=tuple(artifacts), signed=tuple(signed))


def _signed_directories(requirements: Sequence[SignatureRequirement], default_spec: SignatureSpec | None,
                        references: Sequence[Any], root: Path) -> dict[str, SignatureSpec]:
    """Repository-relative model directory -> the signature it must carry.

    A requirement's pattern names the model directory, or a glob (directories it matches, or the directories of
    the committed files it matches). With a default spec, every directory holding a committed model file must be
    signed too.
    """
    from gate.policy.globs import is_glob, match_path

    artifact_paths = [r.path for r in references if r.kind == "artifact"]
    directories = sorted({str(PurePosixPath(p).parent) for p in artifact_paths}
                         | {str(parent) for p in artifact_paths for parent in PurePosixPath(p).parents})
    required: dict[str, SignatureSpec] = {}
    for requirement in requirements:
        pattern, spec = requirement.pattern.strip("/"), requirement.spec
        if not is_glob(pattern):
            target = root / pattern
            required.setdefault(pattern if not target.is_file() else str(PurePosixPath(pattern).parent), spec)
            continue
        for directory in directories:
            if directory != "." and match_path(pattern, directory):
                required.setdefault(directory, spec)
        for path in artifact_paths:
            if match_path(pattern, path):
                required.setdefault(str(PurePosixPath(path).parent), spec)
    if default_spec is not None:
        for reference in references:
            if reference.kind == "artifact" and not any(_inside(reference.path, d) for d in required):
                required.setdefault(str(PurePosixPath(reference.path).parent), default_spec)
    return required


def _inside(path: str, directory: str) -> bool:
    return directory in ("", ".") or path.startswith(directory.rstrip("/") + "/")


# --- Hub content -------------------------------------------------------------------------------------


def gather_hub_content(requests: Iterable[HubContentRequest], config: VerifyConfig) -> tuple[HubContent, ...]:
    """Download each request's revision (the whole snapshot for a signature, else its pickle files) and check it."""
    out: list[HubContent] = []
    with contextlib.ExitStack() as stack:
        trust = None
        for request in requests:
            label = request.label
            check = None
            pickles: list[tuple[PickleScan, ...]] = []
            scanned = 0
            try:
                with tempfile.TemporaryDirectory(prefix="model-gate-hub-") as tmp:
                    model_dir = Path(tmp) / "model"
                    if request.spec is not None:
                        _download_snapshot(request, model_dir, config)
                        if trust is None:
                            trust = stack.enter_context(trust_config_file(config.sigstore_trust_config))
                        check = verify_model_directory(model_dir, request.spec, display_path=label,
                                                       trust_config=trust, extra_ignore=(HUB_DOWNLOAD_METADATA,))
                    else:
                        _download_pickle_files(request, model_dir, config)
                    if request.scan_pickles:
                        for file in sorted(model_dir.rglob("*")):
                            relative = file.relative_to(model_dir).as_posix()
                            if relative.startswith(HUB_DOWNLOAD_METADATA + "/") or not file.is_file():
                                continue
                            if not may_hold_pickles(relative):
                                continue
                            scanned += 1
                            pickles.append(tuple(scan_file(file, display=f"{label}/{relative}")))
            except Exception as exc:  # noqa: BLE001 - any download failure fails closed, with the reason
                reason = config.redact(f"{type(exc).__name__}: {exc}".splitlines()[0])
                out.append(HubContent(request, check, tuple(pickles), scanned, error=reason))
                continue
            out.append(HubContent(request, check, tuple(pickles), scanned))
    return tuple(out)


def _quiet_downloads() -> None:
    """No download progress bars: on stderr they would bury the findings in CI logs."""
    from huggingface_hub.utils import disable_progress_bars

    disable_progress_bars()


def _download_snapshot(request: HubContentRequest, target: Path, config: VerifyConfig) -> None:
    from huggingface_hub import snapshot_download

    _quiet_downloads()
    snapshot_download(request.repo_id, repo_type=request.kind, revision=request.revision, local_dir=target,
                      endpoint=config.hub_endpoint, token=config.hub_token)


def _download_pickle_files(request: HubContentRequest, target: Path, config: VerifyConfig) -> None:
    from huggingface_hub import HfApi

    _quiet_downloads()
    api = HfApi(endpoint=config.hub_endpoint, token=config.hub_token)
    names = [n for n in api.list_repo_files(request.repo_id, repo_type=request.kind, revision=request.revision)
             if may_hold_pickles(n)]
    if names:
        from huggingface_hub import snapshot_download

        snapshot_download(request.repo_id, repo_type=request.kind, revision=request.revision, local_dir=target,
                          endpoint=config.hub_endpoint, token=config.hub_token, allow_patterns=names)
    else:
        target.mkdir(parents=True, exist_ok=True)


def gather_content(root: str, references: Sequence[Any], plan: Any, config: VerifyConfig,
                   fetched: Mapping[str, Path] | None = None) -> ContentEvidence:
    """Everything a `gate.policy.judge.ContentPlan` asks for: committed files always (`fetched`: the Git LFS
    content `gate.verify.lfs` fetched, by repository path), Hub revisions it lists."""
    local = gather_local(root, references, plan.requirements, plan.default_spec, config.sigstore_trust_config,
                         fetched)
    hub = gather_hub_content(plan.hub, config) if plan.hub else ()
    return ContentEvidence(artifacts=local.artifacts, signed=local.signed, hub=hub)

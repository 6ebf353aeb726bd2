# The model-gate GitHub Action's container (action.yml: `runs.using: docker`, `image: Dockerfile`).
#
# GitHub runs a container action as root, with the checkout mounted at /github/workspace and that as the
# working directory, so this file has no USER and no WORKDIR: a non-root user could not read the runner's
# files, and a WORKDIR would be overridden anyway. hadolint runs clean at every severity (.hadolint.yaml);
# its one exception, DL3008, is made inline below with the reason.
#
# The base is pinned by digest (the multi-arch index of python:3.12-slim), fully qualified so that buildah
# and podman, which do not assume Docker Hub for short names, resolve it like Docker does. To refresh it:
#   skopeo inspect --raw docker://docker.io/library/python:3.12-slim | sha256sum
#   (or: docker buildx imagetools inspect python:3.12-slim, the "Digest:" line)
# and replace the digest below. Where images cannot be pulled, the container test builds with
# --build-arg BASE=<a local stand-in> (tests/container/build.sh).
ARG BASE=docker.io/library/python:3.12-slim@sha256:78387bc3881b8273120a12ebe6c1ab22b018ccc2c9adf565ae1ac9b536e184ea

FROM ${BASE} AS builder
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1

# Every package comes from a lock file with hashes (requirements/lock.sh writes them), as a wheel, without
# dependency resolution: what is locked is exactly what is installed. Build tools get their own venv so that
# they never reach the runtime image; the runtime venv has no pip at all.
COPY requirements/build.lock requirements/image.lock /src/requirements/
RUN python3 -m venv /opt/build \
 && /opt/build/bin/python -m pip install --no-cache-dir --require-hashes --no-deps -r /src/requirements/build.lock \
 && python3 -m venv --without-pip /opt/venv \
 && /opt/build/bin/python -m pip --python /opt/venv/bin/python install --no-cache-dir \
        --require-hashes --no-deps -r /src/requirements/image.lock

# model-gate itself, last, so that a code change does not reinstall the dependencies.
COPY . /src/
RUN /opt/build/bin/python -m pip wheel --no-cache-dir --no-deps --no-build-isolation --wheel-dir /src/dist /src \
 && /opt/build/bin/python -m pip --python /opt/venv/bin/python install --no-cache-dir --no-deps --no-index \
        /src/dist/model_gate-*.whl \
 && /opt/build/bin/python -m pip --python /opt/venv/bin/python check

FROM ${BASE}
# git: pull-request mode reads the base commit's policy and the PR's diff from the checkout.
# Not pinned to a Debian version (DL3008): the base digest already fixes the Debian release, and a pinned
# package version disappears from the archive with the next point release, which breaks every rebuild.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends git \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/*
COPY --from=builder /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1
ENTRYPOINT ["/opt/venv/bin/python", "-m", "gate.action"]

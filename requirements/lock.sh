#!/usr/bin/env bash
# Regenerates the hashed lock files the container image installs with `pip install --require-hashes`:
#   image.lock  model-gate's runtime dependencies ([project.dependencies] in pyproject.toml, no extras)
#   build.lock  pip, setuptools and wheel for the builder stage (build.in)
# Run it after changing [project.dependencies]; tests/container/test_lock.py fails while image.lock is stale.
# The image runs Python 3.12 (python:3.12-slim) and the container test's stand-in base Debian's 3.11, so
# resolve with 3.11 (dependencies only needed on older Pythons are harmless on 3.12) and let pip-tools
# record the hashes of every wheel of each pinned version, which covers both interpreters.
set -euo pipefail
cd "$(dirname "$0")/.."

python="${PYTHON:-python3}"
tools="$(mktemp -d)"
trap 'rm -rf "$tools"' EXIT
"$python" -m venv "$tools/venv"
# Resolve against the public index only: a machine-local pip configuration (extra indexes, find-links,
# constraints) must not leak into the lock.
export PIP_CONFIG_FILE=/dev/null
unset PIP_FIND_LINKS PIP_EXTRA_INDEX_URL PIP_INDEX_URL PIP_CONSTRAINT || true
"$tools/venv/bin/python" -m pip install --quiet --upgrade pip
"$tools/venv/bin/python" -m pip install --quiet 'pip-tools==7.6.2'

compile() {
    CUSTOM_COMPILE_COMMAND="requirements/lock.sh" "$tools/venv/bin/pip-compile" --quiet --generate-hashes \
        --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links --newline LF \
        --pip-args '--only-binary=:all:' "$@"
}
compile --output-file requirements/image.lock pyproject.toml
compile --output-file requirements/build.lock requirements/build.in

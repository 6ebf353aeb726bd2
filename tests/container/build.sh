#!/usr/bin/env bash
# Builds the action's container image from the repository's Dockerfile with buildah, on a machine that
# cannot pull from a container registry.
#
# The Dockerfile's base image (python:3.12-slim by digest) is replaced through its BASE build argument by a
# stand-in built here: a minimal Debian bookworm root filesystem with python3, python3-venv and git, made
# by debootstrap from the machine's own Debian mirror. The stand-in is cached (root filesystem under
# $MODEL_GATE_BASE_CACHE, image in the local container store), so only the first run pays for debootstrap.
#
# Usage: tests/container/build.sh [IMAGE]        (default IMAGE: localhost/model-gate:test)
# Environment:
#   MODEL_GATE_BASE_CACHE   where the stand-in root filesystem is kept (default /var/tmp/model-gate-base)
#   MODEL_GATE_BASE_IMAGE   the stand-in image name (default localhost/model-gate-base)
#   MODEL_GATE_REBUILD_BASE set to 1 to rebuild the stand-in from scratch
#   DEBIAN_MIRROR           Debian mirror for debootstrap (default: the first one apt is configured with)
#   MODEL_GATE_REAL_BASE    set to 1 where registries can be reached (GitHub's runners): build on the
#                           Dockerfile's own digest-pinned python:3.12-slim, no stand-in
# Needs root and buildah, podman and debootstrap (`apt-get install -y buildah podman debootstrap`).
set -euo pipefail

repo_root="$(cd "$(dirname "$0")/../.." && pwd)"
image="${1:-localhost/model-gate:test}"
cache="${MODEL_GATE_BASE_CACHE:-/var/tmp/model-gate-base}"
base_image="${MODEL_GATE_BASE_IMAGE:-localhost/model-gate-base}"
rootfs="$cache/rootfs"

log() { printf '[build.sh] %s\n' "$*" >&2; }

if [ "$(id -u)" -ne 0 ]; then
    log "must run as root (debootstrap and buildah's chroot isolation need it)"
    exit 2
fi
if [ "${MODEL_GATE_REAL_BASE:-0}" = 1 ]; then
    started=$SECONDS
    log "buildah bud $image on the Dockerfile's pinned base"
    buildah bud --isolation chroot --layers -f "$repo_root/Dockerfile" -t "$image" "$repo_root" >&2
    log "image $image built in $((SECONDS - started)) s"
    exit 0
fi

for tool in buildah podman debootstrap; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        log "$tool is missing: apt-get install -y buildah podman debootstrap"
        exit 2
    fi
done

debian_mirror() {
    if [ -n "${DEBIAN_MIRROR:-}" ]; then
        echo "$DEBIAN_MIRROR"
        return
    fi
    # deb822 sources first (URIs: line of a stanza that serves bookworm), then one-line sources.
    local found
    found="$(awk '/^URIs:/ {uri=$2} /^Suites:/ && / bookworm( |$)/ {print uri; exit}' \
        /etc/apt/sources.list.d/*.sources 2>/dev/null || true)"
    if [ -z "$found" ]; then
        found="$(awk '$1 == "deb" && $3 == "bookworm" {print $2; exit}' \
            /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true)"
    fi
    echo "${found:-http://deb.debian.org/debian}"
}

build_rootfs() {
    local mirror staging
    mirror="$(debian_mirror)"
    staging="$cache/rootfs.partial"
    rm -rf "$staging"
    mkdir -p "$cache"
    log "debootstrap bookworm from $mirror into $staging (about a minute)"
    debootstrap --variant=minbase --include=python3,python3-venv,git,ca-certificates \
        bookworm "$staging" "$mirror" >"$cache/debootstrap.log" 2>&1 || {
        tail -n 30 "$cache/debootstrap.log" >&2
        exit 1
    }
    rm -rf "$staging/var/cache/apt/archives/"*.deb "$staging/var/lib/apt/lists/"*
    rm -rf "$rootfs"
    mv "$staging" "$rootfs"
}

# Package traffic on this kind of machine passes a TLS proxy with its own CA, and pip inside the build
# must trust it: give the stand-in the host's CA bundle and point pip at it (Debian's venv seeds a pip
# that would otherwise use its own bundled certifi). A real python:3.12-slim needs none of this.
configure_rootfs() {
    cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
    printf '[global]\ncert = /etc/ssl/certs/ca-certificates.crt\n' >"$rootfs/etc/pip.conf"
}

if [ "${MODEL_GATE_REBUILD_BASE:-0}" = 1 ]; then
    rm -rf "$rootfs"
    podman rmi -f "$base_image" >/dev/null 2>&1 || true
fi

if ! podman image exists "$base_image"; then
    started=$SECONDS
    [ -x "$rootfs/usr/bin/python3" ] || build_rootfs
    configure_rootfs
    log "importing the stand-in base as $base_image"
    tar -C "$rootfs" -c . | podman import --quiet \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'ENV LANG=C.UTF-8' \
        - "$base_image" >/dev/null
    log "stand-in base ready in $((SECONDS - started)) s"
fi

started=$SECONDS
log "buildah bud $image (BASE=$base_image)"
# buildah passes the host's proxy variables (HTTP_PROXY, HTTPS_PROXY, NO_PROXY) into RUN steps by default.
buildah bud --isolation chroot --pull-never --layers \
    --build-arg "BASE=$base_image" \
    -f "$repo_root/Dockerfile" -t "$image" "$repo_root" >&2
log "image $image built in $((SECONDS - started)) s"

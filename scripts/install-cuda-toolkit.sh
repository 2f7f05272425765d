#!/usr/bin/env bash
# Installs the CUDA 11.8 toolkit (nvcc, ptxas, cuda.h, the libcuda stub) from
# Debian's non-free component, so that the default (CUDA) build compiles and
# vets on a machine without a GPU. Idempotent: does nothing when the toolkit
# is already there. Needs root and Debian bookworm.
set -euo pipefail

if command -v nvcc >/dev/null 2>&1 && [ -f /usr/include/cuda.h ]; then
	echo "CUDA toolkit present: $(nvcc --version | tail -n 1)"
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	echo "install-cuda-toolkit: run as root (apt-get is needed)" >&2
	exit 1
fi
list=/etc/apt/sources.list.d/debian-contrib-non-free.sources
if [ ! -f "$list" ]; then
	cat >"$list" <<'SOURCES'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: contrib non-free
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
fi
apt-get update -q
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nvidia-cuda-toolkit
nvcc --version | tail -n 1

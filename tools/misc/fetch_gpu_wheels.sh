#!/usr/bin/env bash
# Downloads, on a machine with internet, what tools/misc/gpu_check.sh installs on a GPU machine
# without it: the wheels pinned in tools/misc/gpu_wheels.txt, for CPython $GPU_PYTHON_VERSION
# (default 3.12) on manylinux x86_64, and the mmcv 2.1.0 source archive, into the git-ignored
# folder .gpu_wheels/ (or the folder given as the first argument). Then checks the folder with
# tools/misc/gpu_wheels.py: pins, platform, the dependency closure, and the 64 MiB copy budget.
#
#   bash tools/misc/fetch_gpu_wheels.sh [DIR]
#
# Reads PYTHON (the interpreter whose pip downloads; default python) and GPU_PYTHON_VERSION.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
py=${PYTHON:-python}
target_python=${GPU_PYTHON_VERSION:-3.12}
dest=${1:-$repo/.gpu_wheels}
pins="$repo/tools/misc/gpu_wheels.txt"

mkdir -p "$dest"
# A leftover of another version would make two wheels of one package: start from the pins alone.
rm -f "$dest"/*.whl "$dest"/mmcv-*.tar.gz

platforms=()
for glibc in 28 27 24 17; do platforms+=(--platform "manylinux_2_${glibc}_x86_64"); done
platforms+=(--platform manylinux2014_x86_64 --platform manylinux1_x86_64)

echo "[fetch] wheels of $pins for CPython $target_python into $dest"
"$py" -m pip download --disable-pip-version-check --quiet --no-deps --only-binary=:all: \
    --python-version "$target_python" --implementation cp "${platforms[@]}" \
    -d "$dest" -r "$pins"

# pip prepares the source archive's metadata in an isolated build environment: mmcv's setup.py
# imports pkg_resources, which setuptools 82 removed, so that environment gets setuptools < 81.
echo "[fetch] the mmcv 2.1.0 source archive"
constraint=$(mktemp)
trap 'rm -f "$constraint"' EXIT
echo 'setuptools<81' >"$constraint"
PIP_CONSTRAINT="$constraint" "$py" -m pip download --disable-pip-version-check --quiet \
    --no-deps --no-binary=:all: -d "$dest" mmcv==2.1.0

"$py" "$repo/tools/misc/gpu_wheels.py" "$dest" --python-version "$target_python" --with-tree

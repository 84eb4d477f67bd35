#!/usr/bin/env bash
# Sets up the current Python environment for this project (activate a virtualenv first if you want one).
#
# Installs, in order: torch (an installed torch is kept, otherwise torch==2.13.0), setuptools<81
# (<82 is needed for pkg_resources; 81 also warns on every import),
# mmengine 0.10.7, mmcv 2.1.0 compiled from source WITH its C++/CUDA ops, mmdet 3.3.0, the
# remaining requirements, and this package in editable mode. mmcv has no prebuilt wheel for
# current torch, so the first run compiles it (5-32 minutes on 2 cores); pip caches the wheel and
# a re-run on a set-up machine rebuilds nothing.
#
# Versions: every package but torch is installed at the exact version of constraints.txt (a pip
# freeze of 2026-12-06); MUM_UNPINNED=1 lifts that, for an environment that needs other
# versions (requirements.txt's ranges then apply).
#
# Reads: PYTHON (the interpreter to install into; default python); MUM_UNPINNED; FORCE_CUDA (1: build mmcv's
# CUDA ops even where torch sees no GPU, e.g. on a cluster's login node with nvcc, for the
# compute nodes; 0: CPU ops only; unset: CUDA ops where nvcc is on PATH and torch sees a GPU);
# TORCH_CUDA_ARCH_LIST (the GPU architectures to compile for, e.g. "8.0;9.0"; unset: the visible
# GPUs'); MAX_JOBS (parallel compile jobs; default: the core count).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
py=${PYTHON:-python}
pip=("$py" -m pip install --disable-pip-version-check)
log_dir="$repo/work_dirs/install"
mkdir -p "$log_dir"

# step MESSAGE: prints how long the previous step took, then announces the next one.
step_name=""
step_start=$SECONDS
step() {
    [[ -z $step_name ]] || printf '[install] %s: %d s\n' "$step_name" $((SECONDS - step_start))
    step_name=$*
    step_start=$SECONDS
    printf '\n[install] %s\n' "$*"
}
trap 'status=$?; ((status == 0)) || printf "[install] %s: failed after %d s\n" "$step_name" $((SECONDS - step_start)) >&2' EXIT

# pinned: pip's constraint option for every install below but torch's (empty with MUM_UNPINNED=1)
pinned=(-c "$repo/constraints.txt")
[[ ${MUM_UNPINNED:-0} != 1 ]] || pinned=()

step "Python: $("$py" -c 'import sys; print(sys.executable, sys.version.split()[0])')"

if "$py" -c 'import torch' 2>/dev/null; then
    step "keeping installed torch $("$py" -c 'import torch; print(torch.__version__)')"
else
    step "installing torch==2.13.0"
    "${pip[@]}" torch==2.13.0
fi

# The user's FORCE_CUDA wins; unset, CUDA ops are built only where they can run here.
if [[ -z ${FORCE_CUDA:-} ]]; then
    if command -v nvcc >/dev/null && "$py" -c 'import torch,sys; sys.exit(not torch.cuda.is_available())'; then
        FORCE_CUDA=1
    else
        FORCE_CUDA=0
    fi
fi
export FORCE_CUDA
if [[ $FORCE_CUDA == 1 ]]; then
    command -v nvcc >/dev/null || {
        echo "[install] ERROR: FORCE_CUDA=1 but nvcc is not on PATH: load or install the CUDA toolkit first." >&2
        exit 1
    }
    "$py" -c 'import torch,sys; sys.exit(torch.version.cuda is None)' || {
        echo "[install] ERROR: FORCE_CUDA=1 but the installed torch is a CPU build: install a CUDA build of torch first." >&2
        exit 1
    }
    if [[ -z ${TORCH_CUDA_ARCH_LIST:-} ]] && ! "$py" -c 'import torch,sys; sys.exit(not torch.cuda.is_available())'; then
        echo "[install] note: no GPU visible and TORCH_CUDA_ARCH_LIST unset: torch compiles for every architecture it supports (slow); set e.g. TORCH_CUDA_ARCH_LIST=\"8.0;9.0\" for your compute nodes."
    fi
    flavour="CUDA (TORCH_CUDA_ARCH_LIST=${TORCH_CUDA_ARCH_LIST:-of the visible GPUs})"
elif [[ $FORCE_CUDA == 0 ]]; then
    flavour="CPU"
else
    echo "[install] ERROR: FORCE_CUDA must be 1 or 0, got '$FORCE_CUDA'." >&2
    exit 1
fi

step "installing build tools and mmengine"
"${pip[@]}" ${pinned[@]+"${pinned[@]}"} "setuptools<81" wheel ninja "numpy" mmengine==0.10.7

# Succeeds when mmcv 2.1.0 is installed with compiled ops, CUDA ops too for a CUDA build.
mmcv_ready() {
    "$py" - <<'PY' 2>/dev/null
import importlib.util
import os
import mmcv
from mmcv.ops import RoIAlign, nms  # noqa: F401  (needs mmcv._ext)
assert mmcv.__version__ == '2.1.0'
# a CUDA build's _ext links the CUDA runtime; mmcv.ops.get_compiling_cuda_version() would tell
# too, but it segfaults when mmcv is built against torch 2.11 and CUDA 13
ext = importlib.util.find_spec('mmcv._ext').origin
with open(ext, 'rb') as library:
    assert os.environ['FORCE_CUDA'] == '0' or b'libcudart' in library.read()
PY
}

if mmcv_ready; then
    step "mmcv 2.1.0 with compiled $flavour ops already installed"
else
    # an mmcv of another version or flavour: pip would call it satisfied and keep it
    "$py" -m pip uninstall --disable-pip-version-check -y -q mmcv 2>/dev/null || true
    # pip's wheel cache does not tell a CPU from a CUDA build of mmcv 2.1.0: CUDA builds skip it
    cache_opt=()
    [[ $FORCE_CUDA == 0 ]] || cache_opt=(--no-cache-dir)
    mmcv_log="$log_dir/mmcv_build.log"
    step "building mmcv 2.1.0 with $flavour ops from source (first time 5-32 min on 2 cores; log: $mmcv_log)"
    if ! MMCV_WITH_OPS=1 MAX_JOBS=${MAX_JOBS:-$(nproc)} "${pip[@]}" --no-build-isolation ${cache_opt[@]+"${cache_opt[@]}"} ${pinned[@]+"${pinned[@]}"} mmcv==2.1.0 >"$mmcv_log" 2>&1; then
        echo "[install] ERROR: the mmcv 2.1.0 build failed; the compiler output is in $mmcv_log" >&2
        exit 1
    fi
    if ! mmcv_ready; then
        echo "[install] ERROR: mmcv 2.1.0 installed but its compiled $flavour ops do not import (built without ops?); see $mmcv_log" >&2
        exit 1
    fi
fi

step "installing mmdet 3.3.0, the other requirements ($([[ ${#pinned[@]} -gt 0 ]] && echo 'versions of constraints.txt' || echo 'unpinned: MUM_UNPINNED=1')) and this package (editable)"
"${pip[@]}" ${pinned[@]+"${pinned[@]}"} mmdet==3.3.0 -r "$repo/requirements.txt"
"${pip[@]}" --no-build-isolation --no-deps -e "$repo"

step "checking the installation"
"$py" - <<'PY'
import mmcv, mmdet, mmengine, torch
from mmcv.ops import RoIAlign, nms  # noqa: F401
import mum  # noqa: F401  (registers the project's components)
print(f'torch {torch.__version__}, mmcv {mmcv.__version__} (ops ok), mmdet {mmdet.__version__}, '
      f'mmengine {mmengine.__version__}, cuda available: {torch.cuda.is_available()}')
PY
step "done in $SECONDS s"

#!/usr/bin/env bash
# Sets up the current Python environment for this project (activate a virtualenv first if you want one).
#
# Installs, in order: torch (an installed torch is kept, otherwise torch==2.13.0), setuptools<81
# (<82 is needed for pkg_resources; 81 also warns on every import),
# mmengine 0.10.7, mmcv 2.1.0 compiled from source WITH its C++/CUDA ops, mmdet 3.3.0, the
# remaining requirements, and this package in editable mode. mmcv has no prebuilt wheel for
# current torch, so the first run compiles it (13-22 minutes on 2 cores); pip caches the wheel and
# a re-run on a set-up machine rebuilds nothing.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
py=${PYTHON:-python}
pip=("$py" -m pip install --disable-pip-version-check)
log_dir="$repo/work_dirs/install"
mkdir -p "$log_dir"

step() { printf '\n[install] %s\n' "$*"; }

step "Python: $("$py" -c 'import sys; print(sys.executable, sys.version.split()[0])')"

if "$py" -c 'import torch' 2>/dev/null; then
    step "keeping installed torch $("$py" -c 'import torch; print(torch.__version__)')"
else
    step "installing torch==2.13.0"
    "${pip[@]}" torch==2.13.0
fi

step "installing build tools and mmengine"
"${pip[@]}" "setuptools<81" wheel ninja "numpy" mmengine==0.10.7

mmcv_ready() {
    "$py" - <<'PY' 2>/dev/null
import mmcv
from mmcv.ops import RoIAlign, nms  # noqa: F401  (needs the compiled mmcv._ext)
assert mmcv.__version__ == '2.1.0'
PY
}

if mmcv_ready; then
    step "mmcv 2.1.0 with compiled ops already installed"
else
    # A CUDA build only where it can run: nvcc on PATH and torch sees a GPU.
    if command -v nvcc >/dev/null && "$py" -c 'import torch,sys; sys.exit(not torch.cuda.is_available())'; then
        export FORCE_CUDA=1
        flavour="CUDA"
    else
        export FORCE_CUDA=0
        flavour="CPU"
    fi
    mmcv_log="$log_dir/mmcv_build.log"
    step "building mmcv 2.1.0 with $flavour ops from source (first time 13-22 min on 2 cores; log: $mmcv_log)"
    if ! MMCV_WITH_OPS=1 MAX_JOBS=${MAX_JOBS:-$(nproc)} "${pip[@]}" --no-build-isolation mmcv==2.1.0 >"$mmcv_log" 2>&1; then
        echo "[install] ERROR: the mmcv 2.1.0 build failed; the compiler output is in $mmcv_log" >&2
        exit 1
    fi
    if ! mmcv_ready; then
        echo "[install] ERROR: mmcv 2.1.0 installed but 'from mmcv.ops import RoIAlign, nms' fails (built without ops?); see $mmcv_log" >&2
        exit 1
    fi
fi

step "installing mmdet 3.3.0, the other requirements and this package (editable)"
"${pip[@]}" mmdet==3.3.0 -r "$repo/requirements.txt"
"${pip[@]}" --no-build-isolation --no-deps -e "$repo"

step "checking the installation"
"$py" - <<'PY'
import mmcv, mmdet, mmengine, torch
from mmcv.ops import RoIAlign, nms  # noqa: F401
import mum  # noqa: F401  (registers the project's components)
print(f'torch {torch.__version__}, mmcv {mmcv.__version__} (ops ok), mmdet {mmdet.__version__}, '
      f'mmengine {mmengine.__version__}, cuda available: {torch.cuda.is_available()}')
PY
step "done"

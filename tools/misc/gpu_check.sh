#!/usr/bin/env bash
# The GPU check, for a bare GPU machine without internet (Python 3.12, a CUDA build of torch,
# nvcc): installs the carried wheels, builds mmcv 2.1.0 with CUDA ops for the local GPU
# architecture only, runs the tests marked `cuda` (among them a MUM training step of the Faster
# R-CNN and of the DINO demo configs, in fp32 and in AMP) and benchmark_mum.py --device cuda at the
# paper's shapes, and writes one report, report.md, with each step's log beside it.
#
#   bash tools/misc/gpu_check.sh [all|build|test] [--dry-run] [--out-dir DIR]
#
# all (default) is build then test. Where both do not fit one 10-minute command, run `build` and
# then `test` on the same machine. --dry-run needs no GPU: it checks the carried files for the
# GPU machine's Python, lets pip resolve the wheels offline, and prints the commands it would
# run. The carried files come from tools/misc/fetch_gpu_wheels.sh (run it where there is
# internet). Reads PYTHON (default python3), GPU_WHEELS (default .gpu_wheels),
# GPU_PYTHON_VERSION (the dry run's target, default 3.12), MAX_JOBS (default: the core count)
# and TORCH_CUDA_ARCH_LIST (default: the local GPU's compute capability).
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
py=${PYTHON:-python3}
wheels=${GPU_WHEELS:-$repo/.gpu_wheels}
target_python=${GPU_PYTHON_VERSION:-3.12}
pins="$repo/tools/misc/gpu_wheels.txt"
mode=all
dry_run=0
out_dir="$repo/work_dirs/gpu_check"

usage="usage: bash tools/misc/gpu_check.sh [all|build|test] [--dry-run] [--out-dir DIR]"
while (($#)); do
    case $1 in
        all | build | test) mode=$1 ;;
        --dry-run) dry_run=1 ;;
        --out-dir)
            [[ $# -ge 2 ]] || { echo "$usage" >&2; exit 2; }
            out_dir=$2
            shift
            ;;
        -h | --help) echo "$usage"; exit 0 ;;
        *) echo "gpu_check: unknown argument '$1'; $usage" >&2; exit 2 ;;
    esac
    shift
done
mkdir -p "$out_dir"
out_dir=$(cd "$out_dir" && pwd)
report="$out_dir/report.md"
cd "$repo"

note() { printf '%s\n' "$*" | tee -a "$report"; }

# Ends the check: the sentence goes to the report and to stderr.
fail() {
    note ""
    note "RESULT: FAILED after $SECONDS s: $*"
    echo "[gpu_check] ERROR: $*" >&2
    exit 1
}

# run_step NAME LOG COMMAND...: runs COMMAND with its output in LOG; on failure copies the
# compiler's and Python's error lines and the end of LOG into the report, then stops.
run_step() {
    local name=$1 log="$out_dir/$2" start=$SECONDS status
    shift 2
    echo "[gpu_check] $name (log: $log)"
    "$@" >"$log" 2>&1
    status=$?
    if ((status == 0)); then
        note "- $name: ok, $((SECONDS - start)) s"
        return 0
    fi
    note "- $name: FAILED (exit $status) after $((SECONDS - start)) s, log $(basename "$log")"
    note ""
    note "First error lines of $(basename "$log"):"
    note '```'
    grep -n -m 40 -E '(error|Error):|FAILED|^ERROR' "$log" | tee -a "$report"
    note '```'
    note "Last 40 lines of $(basename "$log"):"
    note '```'
    tail -n 40 "$log" | tee -a "$report"
    note '```'
    fail "$name failed (exit $status); the exact error is above and the whole output in $log."
}

# Succeeds when mmcv 2.1.0 is installed with compiled CUDA ops that run on this GPU. It does not
# call mmcv.ops.get_compiling_cuda_version(): built against torch 2.11 and CUDA 13 that call
# segfaults (seen on an H100, 2026-11-27), while the ops themselves run.
mmcv_cuda_ready() {
    "$py" - <<'PY'
import mmcv, torch
from mmcv.ops import nms
assert mmcv.__version__ == '2.1.0', mmcv.__version__
boxes = torch.tensor([[0., 0., 10., 10.], [1., 1., 10., 10.], [20., 20., 30., 30.]]).cuda()
_, keep = nms(boxes, torch.tensor([0.9, 0.8, 0.7]).cuda(), 0.5)
assert keep.is_cuda and keep.tolist() == [0, 2], keep
print(f'mmcv {mmcv.__version__}: nms ran on the GPU (torch built with CUDA {torch.version.cuda})')
PY
}

# Stops, in one sentence, where the GPU path cannot run: nvcc missing (build only), a CPU build
# of torch, no visible GPU, or nvcc and torch from different CUDA major versions.
check_gpu_machine() {
    local needs_nvcc=$1 torch_state torch_cuda gpu nvcc_cuda
    if ((needs_nvcc)) && ! command -v nvcc >/dev/null; then
        fail "nvcc is not on PATH: building mmcv's CUDA ops needs the CUDA toolkit (put its bin folder on PATH)."
    fi
    torch_state=$("$py" -c 'import torch; print(torch.version.cuda or "none", int(torch.cuda.is_available()))' 2>&1) ||
        fail "$py cannot import torch: $(tail -n 1 <<<"$torch_state")"
    read -r torch_cuda gpu <<<"$(tail -n 1 <<<"$torch_state")"  # the last line: warnings come first
    [[ $torch_cuda != none ]] || fail "this torch is a CPU build: the GPU check needs a CUDA build of torch."
    ((gpu)) || fail "torch sees no GPU (torch.cuda.is_available() is False): run the GPU check on a GPU machine."
    if ((needs_nvcc)); then
        nvcc_cuda=$(nvcc --version | sed -n 's/.*release \([0-9][0-9.]*\).*/\1/p')
        [[ ${nvcc_cuda%%.*} == "${torch_cuda%%.*}" ]] ||
            fail "nvcc is CUDA ${nvcc_cuda:-unknown} but torch was built with CUDA $torch_cuda: put the matching nvcc on PATH."
    fi
}

describe_machine() {
    note "- host: $(uname -n), $(nproc) cores; commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
    note "- python: $("$py" -c 'import sys; print(sys.executable, sys.version.split()[0])' 2>&1)"
    local torch_info='import torch
gpu = torch.cuda.is_available()
print(torch.__version__, "CUDA", torch.version.cuda, "| GPU:",
      f"{torch.cuda.get_device_name()} {torch.cuda.get_device_capability()}" if gpu else "none")'
    note "- torch: $("$py" -c "$torch_info" 2>&1 | tail -n 1)"
    note "- nvcc: $(command -v nvcc >/dev/null && nvcc --version | tail -n 2 | head -n 1 || echo 'not on PATH')"
}

do_build() {
    local jobs=${MAX_JOBS:-$(nproc)} arch cuda_home includes cpath errors ready
    check_gpu_machine 1
    run_step "carried files" wheel_check.log "$py" tools/misc/gpu_wheels.py "$wheels"
    run_step "install carried wheels" install_wheels.log "$py" -m pip install \
        --disable-pip-version-check --no-index --no-deps --no-cache-dir --find-links "$wheels" -r "$pins"
    if ready=$(mmcv_cuda_ready 2>/dev/null); then
        note "- $ready: already installed, not rebuilt"
    else
        arch=${TORCH_CUDA_ARCH_LIST:-$("$py" -c 'import torch; print("%d.%d" % torch.cuda.get_device_capability())')}
        # torch takes CUDA_HOME from the folder above nvcc, wrong where nvcc is a wrapper script
        # (as /usr/local/bin/nvcc is on some machines): nvcc's dry run names its real folder
        cuda_home=${CUDA_HOME:-$(nvcc --dryrun -x cu -c /dev/null -o /dev/null 2>&1 |
            sed -n 's/^#\$ _HERE_=\(.*\)\/bin$/\1/p' | head -n 1)}
        [[ -n $cuda_home ]] || fail "could not tell the CUDA toolkit's folder from 'nvcc --dryrun': set CUDA_HOME."
        # headers a pip-assembled CUDA toolkit or a newer torch lacks (see that script)
        errors=$(mktemp)
        includes=$(CUDA_HOME=$cuda_home "$py" tools/misc/mmcv_cuda_includes.py \
            "$repo/work_dirs/gpu_check_include" 2>"$errors") ||
            fail "tools/misc/mmcv_cuda_includes.py failed: $(tail -n 1 "$errors")"
        rm -f "$errors"
        cpath=$includes
        [[ -z ${CPATH:-} ]] || cpath=${cpath:+$cpath:}$CPATH
        note "- building mmcv 2.1.0: TORCH_CUDA_ARCH_LIST=$arch MAX_JOBS=$jobs CUDA_HOME=$cuda_home"
        note "  extra include folders: ${includes:-none}"
        run_step "build mmcv 2.1.0 with CUDA ops" mmcv_build.log \
            env FORCE_CUDA=1 MMCV_WITH_OPS=1 MAX_JOBS="$jobs" TORCH_CUDA_ARCH_LIST="$arch" \
            CUDA_HOME="$cuda_home" CPATH="$cpath" \
            "$py" -m pip install --disable-pip-version-check --no-index --no-deps \
            --no-build-isolation --no-cache-dir -v "$wheels/mmcv-2.1.0.tar.gz"
        run_step "mmcv CUDA ops run (nms on the GPU)" mmcv_check.log mmcv_cuda_ready
        note "  $(tail -n 1 "$out_dir/mmcv_check.log")"
    fi
    # --use-pep517: without it pip may fall back to 'setup.py develop', which calls pip again
    # with build isolation and so reaches for the network (seen on the GPU machine, 2026-11-27)
    run_step "install this project (editable)" install_project.log "$py" -m pip install \
        --disable-pip-version-check --no-index --no-deps --no-build-isolation --use-pep517 -e "$repo"
}

do_test() {
    local ready
    check_gpu_machine 0
    ready=$(mmcv_cuda_ready 2>&1) ||
        fail "mmcv 2.1.0 with CUDA ops does not work here ($(tail -n 1 <<<"$ready")): run 'bash tools/misc/gpu_check.sh build' on this machine first."
    run_step "tests marked cuda" pytest.log "$py" -m pytest -m cuda -p no:cacheprovider -q tests
    note ""
    note "pytest: $(tail -n 1 "$out_dir/pytest.log")"
    run_step "benchmark_mum.py --device cuda (paper shapes)" benchmark.log \
        "$py" tools/analysis_tools/benchmark_mum.py --device cuda
    note ""
    note '```'
    tee -a "$report" <"$out_dir/benchmark.log"
    note '```'
}

do_dry_run() {
    local platforms=() glibc target
    for glibc in 28 27 24 17; do platforms+=(--platform "manylinux_2_${glibc}_x86_64"); done
    platforms+=(--platform manylinux2014_x86_64 --platform manylinux1_x86_64)
    target=$(mktemp -d)
    run_step "carried files for CPython $target_python" wheel_check.log \
        "$py" tools/misc/gpu_wheels.py "$wheels" --python-version "$target_python" --with-tree
    run_step "pip resolves the pinned wheels offline for CPython $target_python" pip_resolve.log \
        "$py" -m pip install --disable-pip-version-check --dry-run --no-index --no-deps \
        --only-binary=:all: --python-version "$target_python" --implementation cp \
        "${platforms[@]}" --target "$target" --find-links "$wheels" -r "$pins"
    rm -rf "$target"
    note "  $(grep '^Would install' "$out_dir/pip_resolve.log")"
    note "- the real run would: check nvcc and the GPU; pip install --no-index --no-deps"
    note "  --find-links $wheels -r tools/misc/gpu_wheels.txt; FORCE_CUDA=1 MMCV_WITH_OPS=1"
    note "  MAX_JOBS=${MAX_JOBS:-$(nproc)} TORCH_CUDA_ARCH_LIST=<local GPU> CPATH=<tools/misc/mmcv_cuda_includes.py>"
    note "  pip install --no-build-isolation $wheels/mmcv-2.1.0.tar.gz; pip install -e .; pytest -m cuda tests;"
    note "  python tools/analysis_tools/benchmark_mum.py --device cuda"
}

: >"$report"
note "# GPU check ($mode$( ((dry_run)) && echo ', dry run')), $(date -u '+%Y-%m-%d %H:%M UTC')"
note ""
describe_machine
note ""
if ((dry_run)); then
    do_dry_run
else
    [[ $mode == test ]] || do_build
    [[ $mode == build ]] || do_test
fi
note ""
note "RESULT: $( ((dry_run)) && echo 'DRY RUN OK' || echo PASSED) in $SECONDS s"

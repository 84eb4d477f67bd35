"""The GPU check's scripts as far as a machine without a GPU allows: the carried-wheel check
(tools/misc/gpu_wheels.py), the extra CUDA include folders (tools/misc/mmcv_cuda_includes.py),
tools/misc/gpu_check.sh's dry run and its refusals without nvcc or CUDA, and tools/install.sh's
refusals of a CUDA build it cannot make. Nothing is downloaded: the wheels are stand-ins with
real metadata."""
import io
import os
import os.path as osp
import subprocess
import sys
import tarfile
import zipfile

import pytest
import torch
from conftest import REPO

sys.path.insert(0, osp.join(REPO, 'tools', 'misc'))
import gpu_wheels  # noqa: E402
import mmcv_cuda_includes  # noqa: E402

GPU_CHECK = osp.join(REPO, 'tools', 'misc', 'gpu_check.sh')
INSTALL = osp.join(REPO, 'tools', 'install.sh')
CP312 = 'cp312-abi3-manylinux_2_17_x86_64'
# the stand-ins' requirements: real ones of the pinned wheels, markers included
REQUIRES = {
    'mmengine': ['addict', 'numpy', 'opencv-python>=3', 'yapf', 'regex; sys_platform == "win32"'],
    'mmdet': ['pycocotools', 'shapely', 'terminaltables', 'scipy'],
    'yapf': ['platformdirs>=3.5.1', 'tomli>=2.0.1; python_version < "3.11"'],
    'efficientnet-lite-pytorch': ['torch'],
}


def _write_wheel(folder, name, version, tag='py3-none-any', requires=()):
    """A minimal valid wheel of ``name`` (no code): METADATA, WHEEL and RECORD."""
    dist = f'{name.replace("-", "_")}-{version}'
    metadata = f'Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n' + ''.join(
        f'Requires-Dist: {r}\n' for r in requires)
    files = {f'{dist}.dist-info/METADATA': metadata,
             f'{dist}.dist-info/WHEEL': f'Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: {tag}\n'}
    path = osp.join(folder, f'{dist}-{tag}.whl')
    with zipfile.ZipFile(path, 'w') as wheel:
        for member, text in files.items():
            wheel.writestr(member, text)
        wheel.writestr(f'{dist}.dist-info/RECORD',
                       ''.join(f'{m},,\n' for m in files) + f'{dist}.dist-info/RECORD,,\n')
    return path


def _write_mmcv_sdist(folder):
    with tarfile.open(osp.join(folder, gpu_wheels.MMCV_SDIST), 'w:gz') as archive:
        data = b'from setuptools import setup\n'
        member = tarfile.TarInfo('mmcv-2.1.0/setup.py')
        member.size = len(data)
        archive.addfile(member, io.BytesIO(data))


@pytest.fixture
def wheel_folder(tmp_path):
    """A complete stand-in of .gpu_wheels/: every pinned wheel and the mmcv source archive."""
    folder = tmp_path / 'wheels'
    folder.mkdir()
    for name, version in gpu_wheels.read_pins().items():
        tag = CP312 if name in ('pycocotools', 'shapely') else 'py3-none-any'
        _write_wheel(folder, name, version, tag, REQUIRES.get(name, ()))
    _write_mmcv_sdist(folder)
    return folder


def _env(**changes):
    env = dict(os.environ, PYTHONWARNINGS='ignore')
    env.update({k: str(v) for k, v in changes.items()})
    return env


def _path_without_nvcc(*extra_dirs):
    dirs = [d for d in os.environ['PATH'].split(os.pathsep)
            if d and not osp.exists(osp.join(d, 'nvcc'))]
    return os.pathsep.join([*map(str, extra_dirs), *dirs])


def _fake_nvcc(tmp_path):
    """A folder holding an ``nvcc`` that reports CUDA 13.0, as the GPU machines' does."""
    bin_dir = tmp_path / 'fake_bin'
    bin_dir.mkdir()
    nvcc = bin_dir / 'nvcc'
    nvcc.write_text('#!/bin/sh\necho "Cuda compilation tools, release 13.0, V13.0.48"\n')
    nvcc.chmod(0o755)
    return bin_dir


def _python_without_pip(tmp_path):
    """This Python, except that ``-m pip`` fails: a script that gets past its refusals must not
    install or uninstall anything in the test's environment."""
    wrapper = tmp_path / 'python_without_pip'
    wrapper.write_text('#!/bin/sh\n'
                       'if [ "$1" = "-m" ] && [ "$2" = "pip" ]; then\n'
                       '    echo "pip must not run in this test" >&2; exit 99\n'
                       'fi\n'
                       f'exec "{sys.executable}" "$@"\n')
    wrapper.chmod(0o755)
    return wrapper


def _bash(script, *args, env):
    return subprocess.run(['bash', script, *map(str, args)], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)


def test_the_pins_match_requirements_txt():
    pins = gpu_wheels.read_pins()
    with open(osp.join(REPO, 'requirements.txt')) as f:
        lines = [line.split('#', 1)[0].strip() for line in f]
    for line in filter(None, lines):
        requirement = gpu_wheels.Requirement(line)
        name = gpu_wheels.canonicalize_name(requirement.name)
        if name in gpu_wheels.PROVIDED_BY_GPU_IMAGE:
            continue
        assert name in pins, f'{name} of requirements.txt is not carried to the GPU machine'
        assert requirement.specifier.contains(pins[name]), (name, pins[name])


def test_a_complete_folder_is_ready(wheel_folder, capsys):
    assert gpu_wheels.check_wheel_folder(str(wheel_folder), gpu_wheels.read_pins(), '3.12') == []
    assert gpu_wheels.main([str(wheel_folder), '--python-version', '3.12', '--with-tree']) == 0
    assert 'MiB of wheels' in capsys.readouterr().out


def test_each_problem_of_the_folder_is_named(wheel_folder):
    (wheel_folder / 'termcolor-3.3.0-py3-none-any.whl').unlink()
    (wheel_folder / 'addict-2.4.0-py3-none-any.whl').unlink()
    _write_wheel(wheel_folder, 'addict', '2.5.0')
    (wheel_folder / f'shapely-2.2.0-{CP312}.whl').unlink()
    _write_wheel(wheel_folder, 'shapely', '2.2.0', 'cp311-cp311-manylinux_2_17_x86_64')
    (wheel_folder / 'terminaltables-3.1.10-py3-none-any.whl').unlink()
    _write_wheel(wheel_folder, 'terminaltables', '3.1.10', requires=['colorclass'])
    _write_wheel(wheel_folder, 'requests', '2.0.0')
    (wheel_folder / 'notes.txt').write_text('')
    (wheel_folder / gpu_wheels.MMCV_SDIST).write_text('not an archive')
    pins_file = osp.relpath(gpu_wheels.PINS_FILE, REPO)
    problems = gpu_wheels.check_wheel_folder(str(wheel_folder), gpu_wheels.read_pins(), '3.12')
    assert sorted(problems) == sorted([
        'addict-2.5.0-py3-none-any.whl is not the pinned version addict==2.4.0: remove it.',
        f'notes.txt in {wheel_folder} is neither a wheel nor mmcv-2.1.0.tar.gz: remove it.',
        f'requests-2.0.0-py3-none-any.whl is not pinned in {pins_file}: remove it.',
        'shapely-2.2.0-cp311-cp311-manylinux_2_17_x86_64.whl cannot be installed on '
        'CPython 3.12 manylinux x86_64.',
        f'No wheel of termcolor==3.3.0 in {wheel_folder}.',
        f'terminaltables requires colorclass, which is neither pinned in {pins_file} nor on the '
        'GPU image.',
        f'{wheel_folder / gpu_wheels.MMCV_SDIST} is not a readable .tar.gz archive '
        '(not a gzip file).',
    ])


def test_a_missing_folder_says_how_to_fill_it(tmp_path):
    assert gpu_wheels.check_wheel_folder(str(tmp_path / 'none'), {}) == [
        f'The wheel folder {tmp_path / "none"} does not exist: run '
        'tools/misc/fetch_gpu_wheels.sh on a machine with internet first.']


def _headers(folder, names):
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text('')
    return folder


def test_the_mmcv_build_gets_the_headers_its_toolkit_and_torch_lack(tmp_path):
    libraries = _headers(tmp_path / 'site' / 'nvidia' / 'cu13' / 'include',
                         mmcv_cuda_includes.LIBRARY_HEADERS)
    toolkit = _headers(tmp_path / 'cuda' / 'include', ['cuda_runtime.h']).parent
    torch_include = _headers(tmp_path / 'torch_include', ['ATen/ATen.h'])
    shim = tmp_path / 'shim'
    assert mmcv_cuda_includes.extra_include_folders(
        str(toolkit), str(tmp_path / 'site'), str(torch_include), str(shim)) == [
            str(libraries), str(shim)]
    assert (shim / 'THC' / 'THCAtomics.cuh').read_text() == mmcv_cuda_includes.THC_SHIM


def test_nothing_is_added_where_the_toolkit_and_torch_have_the_headers(tmp_path):
    _headers(tmp_path / 'site' / 'nvidia' / 'cu13' / 'include', mmcv_cuda_includes.LIBRARY_HEADERS)
    toolkit = _headers(tmp_path / 'cuda' / 'include', mmcv_cuda_includes.LIBRARY_HEADERS).parent
    torch_include = _headers(tmp_path / 'torch_include', ['THC/THCAtomics.cuh'])
    shim = tmp_path / 'shim'
    assert mmcv_cuda_includes.extra_include_folders(
        str(toolkit), str(tmp_path / 'site'), str(torch_include), str(shim)) == []
    assert not shim.exists()


@pytest.mark.slow
def test_the_dry_run_resolves_the_carried_wheels_offline(wheel_folder, tmp_path):
    out = tmp_path / 'out'
    result = _bash(GPU_CHECK, '--dry-run', '--out-dir', out,
                   env=_env(GPU_WHEELS=wheel_folder, PYTHON=sys.executable))
    assert result.returncode == 0, result.stdout + result.stderr
    report = (out / 'report.md').read_text()
    assert '- pip resolves the pinned wheels offline for CPython 3.12: ok' in report
    assert 'Would install' in report and 'mmdet-3.3.0' in report and 'pycocotools-2.0.11' in report
    assert report.rstrip().splitlines()[-1].startswith('RESULT: DRY RUN OK')


@pytest.mark.slow
def test_the_dry_run_fails_on_a_missing_wheel(wheel_folder, tmp_path):
    (wheel_folder / 'yapf-0.43.0-py3-none-any.whl').unlink()
    out = tmp_path / 'out'
    result = _bash(GPU_CHECK, '--dry-run', '--out-dir', out,
                   env=_env(GPU_WHEELS=wheel_folder, PYTHON=sys.executable))
    assert result.returncode == 1
    assert 'ERROR: carried files for CPython 3.12 failed (exit 1)' in result.stderr
    assert f'No wheel of yapf==0.43.0 in {wheel_folder}.' in (out / 'report.md').read_text()


@pytest.mark.slow
def test_the_build_stops_without_nvcc(tmp_path):
    out = tmp_path / 'out'
    result = _bash(GPU_CHECK, 'build', '--out-dir', out,
                   env=_env(PATH=_path_without_nvcc(), PYTHON=_python_without_pip(tmp_path)))
    sentence = ("nvcc is not on PATH: building mmcv's CUDA ops needs the CUDA toolkit (put its "
                'bin folder on PATH).')
    assert result.returncode == 1
    assert result.stderr.strip() == f'[gpu_check] ERROR: {sentence}'
    assert (out / 'report.md').read_text().rstrip().endswith(sentence)


@pytest.mark.slow
@pytest.mark.skipif(torch.cuda.is_available(), reason='this machine has a GPU')
@pytest.mark.parametrize('mode', ['all', 'build', 'test'])
def test_each_step_stops_without_cuda(tmp_path, mode):
    result = _bash(GPU_CHECK, mode, '--out-dir', tmp_path / 'out',
                   env=_env(PATH=_path_without_nvcc(_fake_nvcc(tmp_path)),
                            PYTHON=_python_without_pip(tmp_path)))
    sentence = ('this torch is a CPU build: the GPU check needs a CUDA build of torch.'
                if torch.version.cuda is None else
                'torch sees no GPU (torch.cuda.is_available() is False): run the GPU check on a '
                'GPU machine.')
    assert result.returncode == 1
    assert result.stderr.strip() == f'[gpu_check] ERROR: {sentence}'


def test_an_unknown_argument_is_refused():
    result = _bash(GPU_CHECK, '--fast', env=_env())
    assert result.returncode == 2
    assert result.stderr.startswith("gpu_check: unknown argument '--fast'; usage:")


@pytest.mark.slow
def test_install_refuses_force_cuda_without_nvcc(tmp_path):
    result = _bash(INSTALL, env=_env(FORCE_CUDA=1, PATH=_path_without_nvcc(),
                                     PYTHON=_python_without_pip(tmp_path)))
    assert result.returncode == 1
    assert ('[install] ERROR: FORCE_CUDA=1 but nvcc is not on PATH: load or install the CUDA '
            'toolkit first.') in result.stderr
    assert '[install] keeping installed torch' in result.stdout
    assert 'failed after' in result.stderr  # the step's elapsed time, also on failure


@pytest.mark.slow
@pytest.mark.skipif(torch.version.cuda is not None, reason='this torch is a CUDA build')
def test_install_refuses_force_cuda_with_a_cpu_torch(tmp_path):
    result = _bash(INSTALL, env=_env(FORCE_CUDA=1, TORCH_CUDA_ARCH_LIST='9.0',
                                     PATH=_path_without_nvcc(_fake_nvcc(tmp_path)),
                                     PYTHON=_python_without_pip(tmp_path)))
    assert result.returncode == 1
    assert ('[install] ERROR: FORCE_CUDA=1 but the installed torch is a CPU build: install a '
            'CUDA build of torch first.') in result.stderr


@pytest.mark.slow
def test_install_refuses_a_force_cuda_that_is_not_0_or_1(tmp_path):
    result = _bash(INSTALL, env=_env(FORCE_CUDA='yes', PYTHON=_python_without_pip(tmp_path)))
    assert result.returncode == 1
    assert "[install] ERROR: FORCE_CUDA must be 1 or 0, got 'yes'." in result.stderr

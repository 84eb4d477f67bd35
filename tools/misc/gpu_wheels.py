"""Checks the folder of wheels that the GPU check carries to a GPU machine without internet.

    python tools/misc/gpu_wheels.py DIR [--python-version 3.12] [--with-tree]

tools/misc/fetch_gpu_wheels.sh fills DIR here (with internet) from tools/misc/gpu_wheels.txt;
tools/misc/gpu_check.sh checks DIR on the GPU machine before it installs from it. The check
fails, naming each problem in one sentence, unless:

* every pinned package has exactly one wheel of its pinned version in DIR, installable on the
  target Python (the running one, or CPython ``--python-version`` on manylinux x86_64);
* DIR holds nothing else but the mmcv source archive (two versions of a package stop pip);
* every requirement of those wheels (markers evaluated for the target) is pinned too or
  provided by the GPU machine's image (PROVIDED_BY_GPU_IMAGE), since they install with --no-deps;
* the mmcv source archive is there and holds mmcv's setup.py;
* with ``--with-tree``: DIR plus the repository's working tree fit in 64 MiB, the budget this
  project keeps for copying both to an offline GPU machine.
"""
import argparse
import email.parser
import os
import os.path as osp
import subprocess
import sys
import tarfile
import zipfile
from typing import Dict, Iterable, List, Optional, Set, Tuple

from packaging import tags
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
PINS_FILE = osp.join(REPO, 'tools', 'misc', 'gpu_wheels.txt')
MMCV_SDIST = 'mmcv-2.1.0.tar.gz'
COPY_BUDGET_BYTES = 64 * 1024 * 1024
# Packages preinstalled on the offline GPU machines the check was written for (their image's
# package list of 2026-11-17) that the pinned wheels require. opencv-python stands for the image's
# opencv-python-headless, which provides the same cv2 module.
PROVIDED_BY_GPU_IMAGE = frozenset({
    'torch', 'numpy', 'scipy', 'matplotlib', 'opencv-python', 'pillow', 'packaging', 'pyyaml',
    'rich', 'six', 'tqdm', 'tensorboard', 'pytest', 'hypothesis', 'typing-extensions', 'zipp',
    'wheel'
})


def read_pins(path: str = PINS_FILE) -> Dict[str, str]:
    """``{canonical name: version}`` of the ``name==version`` lines of the pins file."""
    pins = {}
    with open(path) as f:
        for line in f:
            line = line.split('#', 1)[0].strip()
            if not line:
                continue
            requirement = Requirement(line)
            specifiers = list(requirement.specifier)
            if len(specifiers) != 1 or specifiers[0].operator != '==':
                raise ValueError(f'{path}: {line!r} must pin one exact version (name==version).')
            pins[canonicalize_name(requirement.name)] = specifiers[0].version
    return pins


def target_tags_and_markers(python_version: Optional[str]) -> Tuple[Set[tags.Tag], dict]:
    """Wheel tags and marker environment of the running Python, or of CPython
    ``python_version`` on manylinux x86_64 (the GPU machines)."""
    if python_version is None:
        return set(tags.sys_tags()), default_environment()
    major, minor = (int(part) for part in python_version.split('.')[:2])
    platforms = ([f'manylinux_2_{glibc}_x86_64' for glibc in range(39, 16, -1)] +
                 ['manylinux2014_x86_64', 'manylinux2010_x86_64', 'manylinux1_x86_64',
                  'linux_x86_64'])
    target = set(tags.cpython_tags((major, minor), platforms=platforms))
    target |= set(tags.compatible_tags((major, minor), f'cp{major}{minor}', platforms))
    markers = dict(default_environment(), python_version=f'{major}.{minor}',
                   python_full_version=f'{major}.{minor}.0', implementation_name='cpython',
                   platform_python_implementation='CPython', sys_platform='linux',
                   platform_system='Linux', platform_machine='x86_64', os_name='posix')
    return target, markers


def wheel_requirements(path: str, markers: dict) -> List[str]:
    """Canonical names of the requirements of wheel ``path`` that apply in ``markers``
    (extras not requested)."""
    with zipfile.ZipFile(path) as wheel:
        metadata_name = next((n for n in wheel.namelist()
                              if n.count('/') == 1 and n.endswith('.dist-info/METADATA')), None)
        if metadata_name is None:
            raise ValueError(f'{osp.basename(path)} has no .dist-info/METADATA.')
        metadata = email.parser.Parser().parsestr(wheel.read(metadata_name).decode(),
                                                  headersonly=True)
    names = []
    for line in metadata.get_all('Requires-Dist') or []:
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate(dict(markers, extra='')):
            names.append(canonicalize_name(requirement.name))
    return names


def check_wheel_folder(folder: str,
                       pins: Dict[str, str],
                       python_version: Optional[str] = None) -> List[str]:
    """Problems of ``folder`` against ``pins`` (see the module docstring); empty when ready."""
    if not osp.isdir(folder):
        return [f'The wheel folder {folder} does not exist: run tools/misc/fetch_gpu_wheels.sh '
                'on a machine with internet first.']
    target_tags, markers = target_tags_and_markers(python_version)
    target = f'CPython {python_version} manylinux x86_64' if python_version else 'this Python'
    problems, found, present = [], {}, set()
    for name in sorted(os.listdir(folder)):
        if name == MMCV_SDIST:
            continue
        if not name.endswith('.whl'):
            problems.append(f'{name} in {folder} is neither a wheel nor {MMCV_SDIST}: remove it.')
            continue
        dist, version, _, wheel_tags = parse_wheel_filename(name)
        present.add(dist)
        if dist not in pins:
            problems.append(f'{name} is not pinned in {osp.relpath(PINS_FILE, REPO)}: remove it.')
        elif str(version) != pins[dist]:
            problems.append(f'{name} is not the pinned version {dist}=={pins[dist]}: remove it.')
        elif not wheel_tags & target_tags:
            problems.append(f'{name} cannot be installed on {target}.')
        elif dist in found:
            problems.append(f'{name} and {found[dist]} are two wheels of one package: keep one.')
        else:
            found[dist] = name
    for dist, version in pins.items():
        if dist not in present:
            problems.append(f'No wheel of {dist}=={version} in {folder}.')
    for dist, name in sorted(found.items()):
        for needed in wheel_requirements(osp.join(folder, name), markers):
            if needed not in pins and needed not in PROVIDED_BY_GPU_IMAGE:
                problems.append(f'{dist} requires {needed}, which is neither pinned in '
                                f'{osp.relpath(PINS_FILE, REPO)} nor on the GPU image.')
    problems.extend(_check_mmcv_sdist(osp.join(folder, MMCV_SDIST)))
    return problems


def _check_mmcv_sdist(path: str) -> List[str]:
    if not osp.isfile(path):
        return [f'The mmcv source archive {path} is missing.']
    try:
        with tarfile.open(path, 'r:gz') as archive:
            names = archive.getnames()
    except (tarfile.TarError, OSError) as error:
        return [f'{path} is not a readable .tar.gz archive ({error}).']
    if 'mmcv-2.1.0/setup.py' not in names:
        return [f'{path} holds no mmcv-2.1.0/setup.py: it is not the mmcv 2.1.0 source archive.']
    return []


def folder_bytes(folder: str) -> int:
    """Total size of the files directly in ``folder``."""
    return sum(osp.getsize(osp.join(folder, n)) for n in os.listdir(folder)
               if osp.isfile(osp.join(folder, n)))


def working_tree_bytes(repo: str = REPO) -> int:
    """Size of the working tree that is copied with the wheels: tracked files and untracked files
    that git does not ignore."""
    listing = subprocess.run(
        ['git', 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], cwd=repo,
        capture_output=True, check=True).stdout
    paths = [p for p in listing.decode().split('\0') if p]
    return sum(osp.getsize(osp.join(repo, p)) for p in paths if osp.isfile(osp.join(repo, p)))


def parse_args(argv: Optional[Iterable[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('folder', help='the wheel folder (e.g. .gpu_wheels)')
    parser.add_argument('--python-version',
                        help='check for CPython X.Y on manylinux x86_64 instead of this Python')
    parser.add_argument('--with-tree', action='store_true',
                        help='also check that the folder and the working tree fit in 64 MiB')
    return parser.parse_args(argv)


def main(argv: Optional[Iterable[str]] = None) -> int:
    args = parse_args(argv)
    problems = check_wheel_folder(args.folder, read_pins(), args.python_version)
    if not problems and args.with_tree:
        wheels, tree = folder_bytes(args.folder), working_tree_bytes()
        print(f'carried: {wheels / 2**20:.1f} MiB of wheels + {tree / 2**20:.1f} MiB of working '
              f'tree = {(wheels + tree) / 2**20:.1f} MiB (limit 64 MiB)')
        if wheels + tree > COPY_BUDGET_BYTES:
            problems.append(f'{args.folder} and the working tree hold '
                            f'{(wheels + tree) / 2**20:.1f} MiB, more than the 64 MiB budget '
                            'for copying them to the GPU machine.')
    for problem in problems:
        print(f'ERROR: {problem}', file=sys.stderr)
    if not problems:
        print(f'{args.folder}: {len(read_pins())} pinned wheels and {MMCV_SDIST}, ready')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())

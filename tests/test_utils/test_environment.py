"""The environment record of a training call: commit, packages, machine; one entry per call."""
import datetime
import json
import os
import subprocess

import mmengine
import torch
from conftest import REPO

from mum.utils import environment
from mum.utils.environment import append_environment_record, collect_environment

RECORD_KEYS = {'start_utc', 'command', 'git_commit', 'git_dirty', 'python', 'system', 'cpu_model',
               'cpu_count', 'gpu_models', 'torch', 'torch_cuda', 'torch_build', 'mmcv', 'mmdet',
               'mmengine', 'pip_freeze'}


def _git(repo, *args):
    subprocess.run(['git', '-c', 'user.name=test', '-c', 'user.email=test@example.com', *args],
                   cwd=repo, check=True, capture_output=True)


def test_the_commit_and_whether_the_tree_has_changes(tmp_path):
    _git(tmp_path, 'init', '-q')
    (tmp_path / 'code.py').write_text('x = 1\n')
    _git(tmp_path, 'add', 'code.py')
    _git(tmp_path, 'commit', '-q', '-m', 'first')
    head = subprocess.run(['git', 'rev-parse', 'HEAD'], cwd=tmp_path, capture_output=True,
                          text=True, check=True).stdout.strip()
    clean = collect_environment(str(tmp_path), ['train'])
    assert (clean['git_commit'], clean['git_dirty']) == (head, False)
    (tmp_path / 'results' / 'run').mkdir(parents=True)
    (tmp_path / 'results' / 'run' / 'results.json').write_text('{}')
    assert collect_environment(str(tmp_path), ['train'])['git_dirty'] is False, (
        'stored results are not code: they must not mark the tree as changed')
    (tmp_path / 'code.py').write_text('x = 2\n')
    assert collect_environment(str(tmp_path), ['train'])['git_dirty'] is True
    _git(tmp_path, 'checkout', '-q', 'code.py')
    (tmp_path / 'new_module.py').write_text('y = 1\n')
    assert collect_environment(str(tmp_path / 'results'), ['train'])['git_dirty'] is True


def test_outside_a_git_checkout_the_commit_is_null(tmp_path, monkeypatch):
    monkeypatch.setenv('GIT_CEILING_DIRECTORIES', str(tmp_path.parent))  # no repository above
    record = collect_environment(str(tmp_path), ['train'])
    assert record['git_commit'] is None and record['git_dirty'] is None


def test_the_packages_machine_command_and_start_time_and_no_host_name():
    before = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    record = collect_environment(REPO, ['python', 'tools/train.py', 'a.py'])
    # exactly these fields: nothing names the host
    assert set(record) == RECORD_KEYS
    json.dumps(record)  # JSON-ready
    assert record['command'] == ['python', 'tools/train.py', 'a.py']
    start = datetime.datetime.fromisoformat(record['start_utc'])
    assert start.utcoffset() == datetime.timedelta(0)
    assert before <= start <= datetime.datetime.now(datetime.timezone.utc)
    assert record['torch'] == torch.__version__ and record['torch_cuda'] == torch.version.cuda
    assert record['torch_build'] == [
        line for line in torch.__config__.show().splitlines() if line.strip()]
    assert record['mmengine'] == mmengine.__version__
    assert any(line.lower().startswith('mmengine') for line in record['pip_freeze'])
    assert record['cpu_count'] == os.cpu_count()
    assert record['cpu_model']


def test_the_cpu_model_is_read_from_cpuinfo_else_the_machine_type(tmp_path, monkeypatch):
    cpuinfo = tmp_path / 'cpuinfo'
    cpuinfo.write_text('processor\t: 0\nvendor_id\t: Vendor\nmodel name\t: Fancy CPU 9000\n')
    monkeypatch.setattr(environment, 'CPUINFO', str(cpuinfo))
    assert environment.cpu_model() == 'Fancy CPU 9000'
    monkeypatch.setattr(environment, 'CPUINFO', str(tmp_path / 'missing'))
    monkeypatch.setattr(environment.platform, 'machine', lambda: 'aarch64')
    assert environment.cpu_model() == 'aarch64'


def test_each_record_is_appended_to_the_list(tmp_path):
    path = tmp_path / 'run' / 'environment.json'
    append_environment_record(str(path), dict(command=['first']))
    append_environment_record(str(path), dict(command=['resumed']))
    assert json.loads(path.read_text()) == [dict(command=['first']), dict(command=['resumed'])]
    assert os.listdir(path.parent) == ['environment.json']

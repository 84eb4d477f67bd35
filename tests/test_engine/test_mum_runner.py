"""MUMRunner and SafeCheckpointHook: the checkpoint-file failure paths of a long run."""
import glob
import os
import os.path as osp

import mmengine.runner.runner as mmengine_runner
import pytest
import torch
from toy_runner import toy_runner

from mum.engine.hooks import CheckpointSaveError, SafeCheckpointHook
from mum.engine.runner import CheckpointFileError, MissingAnnotationFileError, MUMRunner


def _log(runner):
    with open(glob.glob(osp.join(runner.log_dir, '*.log'))[0]) as log_file:
        return log_file.read()


def test_resume_without_checkpoint_warns_in_one_line(tmp_path, capsys):
    runner = toy_runner(tmp_path, MUMRunner, max_iters=1, resume=True)
    runner.train()
    log = _log(runner) + capsys.readouterr().out  # mmengine prints some lines, not logs
    assert f'--resume: no checkpoint to resume in {tmp_path}, starting at iteration 0.' in log
    assert 'Auto resumed from the latest checkpoint None' not in log
    assert 'Did not find last_checkpoint' not in log
    assert runner.iter == 1


def test_truncated_checkpoint_is_named(tmp_path):
    toy_runner(tmp_path / 'a', MUMRunner, max_iters=2).train()
    path = str(tmp_path / 'a' / 'iter_2.pth')
    with open(path, 'rb') as whole:
        data = whole.read()
    with open(path, 'wb') as truncated:
        truncated.write(data[:len(data) // 2])
    runner = toy_runner(tmp_path / 'b', MUMRunner, max_iters=3, resume=True, load_from=path)
    with pytest.raises(CheckpointFileError, match=f'^Checkpoint {path} cannot be read: it is '
                       r'truncated or not a checkpoint \(.*\)\.$'):
        runner.train()


def test_shape_mismatch_is_refused_naming_the_parameters(tmp_path):
    toy_runner(tmp_path / 'a', MUMRunner, max_iters=1).train()
    path = str(tmp_path / 'a' / 'iter_1.pth')
    checkpoint = torch.load(path, weights_only=True)
    checkpoint['state_dict']['weight'] = torch.ones(3)
    torch.save(checkpoint, path)
    runner = toy_runner(tmp_path / 'b', MUMRunner, load_from=path)
    runner.refuse_shape_mismatch = True
    with pytest.raises(CheckpointFileError, match=rf'^Checkpoint {path} does not fit the model '
                       r'of this config: 1 parameter\(s\) differ in shape \(checkpoint vs '
                       r'model\): weight \(3,\) vs \(1,\)\.$'):
        runner.load_or_resume()


def _failing_save(monkeypatch, fail_at):
    """Makes the ``fail_at``-th checkpoint write stop half-way with a full disk."""
    save = mmengine_runner.save_checkpoint
    calls = []

    def save_or_fail(checkpoint, path, **kwargs):
        calls.append(path)
        if len(calls) != fail_at:
            return save(checkpoint, path, **kwargs)
        with open(path, 'wb') as half:
            half.write(b'PK\x03\x04 half a checkpoint')
        raise OSError(28, 'No space left on device')

    monkeypatch.setattr(mmengine_runner, 'save_checkpoint', save_or_fail)


# saves per iteration k: iter_k.pth, best_score_iter_k.pth, iter_k.pth again (best updated)
@pytest.mark.parametrize('fail_at, last_good', [(7, 'iter_2.pth'), (8, 'iter_3.pth')])
def test_failed_save_keeps_the_old_checkpoints(tmp_path, monkeypatch, fail_at, last_good):
    _failing_save(monkeypatch, fail_at)
    hook = SafeCheckpointHook(interval=1, by_epoch=False, max_keep_ckpts=2, save_best='score',
                              rule='greater')
    runner = toy_runner(tmp_path, MUMRunner, max_iters=4, validate=True,
                        default_hooks=dict(checkpoint=hook))
    with pytest.raises(CheckpointSaveError, match=r'No space left on device\); nothing was '
                       f'deleted, the last complete checkpoint is {tmp_path}/{last_good}.'):
        runner.train()
    kept = sorted(p for p in os.listdir(tmp_path) if p.endswith('.pth'))
    if fail_at == 7:  # iter_3.pth failed: mmengine would have deleted iter_1.pth first
        assert kept == ['best_score_iter_2.pth', 'iter_1.pth', 'iter_2.pth']
    else:  # best_score_iter_3.pth failed: mmengine would have deleted best_score_iter_2.pth
        assert kept == ['best_score_iter_2.pth', 'iter_2.pth', 'iter_3.pth']
    for name in kept:  # every file under a checkpoint's name is complete
        assert 'state_dict' in torch.load(tmp_path / name, weights_only=True)
    assert not glob.glob(str(tmp_path / '.*.tmp'))


def test_validation_without_training_keeps_no_best_checkpoint(tmp_path):
    hook = SafeCheckpointHook(interval=1, by_epoch=False, save_best='score', rule='greater')
    runner = toy_runner(tmp_path, MUMRunner, validate=True, default_hooks=dict(checkpoint=hook))
    assert runner.val() == dict(score=1.0)
    assert not glob.glob(str(tmp_path / '*.pth'))


@pytest.mark.parametrize('loop, shape, key', [
    ('val', 'metric', 'val_evaluator'),
    ('test', 'list', 'test_evaluator[1]'),
    ('val', 'evaluator', 'val_evaluator.metrics'),
    ('val', 'evaluator-list', 'val_evaluator.metrics[0]'),
])
def test_a_missing_evaluator_file_is_named_by_its_config_key(loop, shape, key, tmp_path):
    absent = str(tmp_path / 'instances_val.json')
    metric = dict(type='CocoMetric', ann_file=absent)
    evaluator = {'metric': metric, 'list': [dict(type='DumpDetResults'), metric],
                 'evaluator': dict(metrics=metric), 'evaluator-list': dict(metrics=[metric])}
    runner = toy_runner(tmp_path, MUMRunner)
    loader = dict(dataset=[dict(inputs=torch.ones(1))], batch_size=1,
                  sampler=dict(type='DefaultSampler', shuffle=False),
                  collate_fn=dict(type='pseudo_collate'))
    build_loop = runner.build_val_loop if loop == 'val' else runner.build_test_loop
    with pytest.raises(MissingAnnotationFileError) as error:
        build_loop(dict(type='ValLoop' if loop == 'val' else 'TestLoop', dataloader=loader,
                        evaluator=evaluator[shape]))
    assert str(error.value).startswith(f"{key}.ann_file '{absent}' does not exist")
    assert runner._evaluator_key == 'evaluator'  # a later evaluator is not named after it

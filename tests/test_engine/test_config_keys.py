"""A misspelt config key fails before training, naming the key and the nearest valid one."""
import os.path as osp

import pytest
from conftest import REPO, exit_in_process
from demo_batches import demo_config
from mmdet.registry import MODELS

from mum.utils.config_keys import check_component_keys, check_known_keys, init_arguments

TRAIN = osp.join(REPO, 'tools', 'train.py')
DEMO = osp.join(REPO, 'configs', 'mum', 'demo_mum.py')


def test_unknown_key_names_the_nearest_valid_one():
    with pytest.raises(ValueError, match=r"^model.semi_train_cfg.cls_pseudo_thresh is not a "
                       r"setting of MUMTeacher: did you mean 'cls_pseudo_thr'\?$"):
        check_known_keys(['cls_pseudo_thresh'], ['cls_pseudo_thr', 'unsup_weight'],
                         'model.semi_train_cfg', 'MUMTeacher')
    with pytest.raises(ValueError, match='x.zzz is not a setting of A: valid keys: a, b.'):
        check_known_keys(['a', 'zzz'], ['b', 'a'], 'x', 'A')
    check_known_keys(['a'], ['a', 'b'], 'x', 'A')


def test_semi_train_cfg_typo_is_refused_when_the_model_is_built(demo_workspace):
    cfg = demo_config('mum/demo_mum.py', osp.join(demo_workspace, 'data', 'demo'))
    cfg.model.semi_train_cfg.cls_pseudo_thresh = 0.5
    with pytest.raises(ValueError, match="model.semi_train_cfg.cls_pseudo_thresh is not a "
                       "setting of MUMTeacher: did you mean 'cls_pseudo_thr'"):
        MODELS.build(cfg.model)
    del cfg.model.semi_train_cfg.cls_pseudo_thresh
    cfg.model.semi_train_cfg.update(pseudo_label_source='teacher', pseudo_label_iou_thr=0.5)
    assert MODELS.build(cfg.model).cls_pseudo_thr == 0.7  # the other keys are all valid


def test_component_arguments_are_checked_along_the_mro():
    from mum.datasets import DemoShapesDataset
    from mum.engine.hooks import EMATeacherHook
    assert 'final_keep' in init_arguments(EMATeacherHook)
    # DemoShapesDataset(**kwargs) -> CocoDataset -> BaseDataset: their arguments count too
    assert {'generator_cfg', 'ann_file', 'pipeline'} <= \
        init_arguments(DemoShapesDataset)
    config = dict(custom_hooks=[dict(type='EMATeacherHook', final_keep=0.9),
                                dict(type='EMATeacherHook', final_kep=0.9)],
                  other=dict(type='CheckpointHook', anything=1))  # not ours: left to mmengine
    with pytest.raises(ValueError, match="^custom_hooks.1.final_kep is not a setting of "
                       "EMATeacherHook: did you mean 'final_keep'"):
        check_component_keys(config)


def test_train_refuses_a_typo_before_training(capsys):
    assert exit_in_process(TRAIN, DEMO, '--cfg-options', 'custom_hooks.0.ramp_iter=5') == \
        "custom_hooks.0.ramp_iter is not a setting of EMATeacherHook: did you mean 'ramp_iters'?"

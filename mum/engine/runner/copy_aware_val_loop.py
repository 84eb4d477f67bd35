"""mmdet's TeacherStudentValLoop, evaluating once where the teacher is an exact copy of the student.

At the end of burn-in the EMA hook copies the student into the teacher, so an evaluation there
runs the same weights twice; on a small CPU that second pass is seconds of every semi-supervised
run (mmdet's loop has no way to skip it, hence this subclass).
"""
from typing import Dict

import torch
from mmdet.engine.runner import TeacherStudentValLoop
from mmdet.registry import LOOPS
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper
from torch import nn


def same_weights(first: nn.Module, second: nn.Module) -> bool:
    """Whether two modules hold bit-identical parameters and buffers under the same names."""
    first_state, second_state = first.state_dict(), second.state_dict()
    return first_state.keys() == second_state.keys() and all(
        torch.equal(tensor, second_state[name]) for name, tensor in first_state.items())


@LOOPS.register_module()
class CopyAwareTeacherStudentValLoop(TeacherStudentValLoop):
    """Evaluates teacher and student, like mmdet's ``TeacherStudentValLoop``; when both hold the
    same weights it evaluates the teacher only and reports its metrics under both prefixes
    (``teacher/...`` and ``student/...``), with one log line saying so."""

    def run(self) -> None:
        model = self.runner.model
        if is_model_wrapper(model):
            model = model.module
        if not same_weights(model.teacher, model.student):
            super().run()
            return
        print_log('Teacher and student hold the same weights (the end of burn-in): evaluated '
                  'once, the student metrics are the teacher\'s.', logger='current')
        self.runner.call_hook('before_val')
        self.runner.call_hook('before_val_epoch')
        self.runner.model.eval()
        predict_on = model.semi_test_cfg.get('predict_on', None)
        model.semi_test_cfg['predict_on'] = 'teacher'
        for index, data_batch in enumerate(self.dataloader):
            self.run_iter(index, data_batch)
        metrics = self.evaluator.evaluate(len(self.dataloader.dataset))
        model.semi_test_cfg['predict_on'] = predict_on
        both: Dict[str, float] = {f'{role}/{name}': value for role in ('teacher', 'student')
                                  for name, value in metrics.items()}
        self.runner.call_hook('after_val_epoch', metrics=both)
        self.runner.call_hook('after_val')

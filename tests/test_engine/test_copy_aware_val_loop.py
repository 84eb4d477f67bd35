"""CopyAwareTeacherStudentValLoop: one pass when teacher and student are equal, two otherwise."""
import torch
from mmengine.evaluator import BaseMetric, Evaluator
from mmengine.hooks import Hook
from mmengine.model import BaseModel
from toy_runner import OneWeight, toy_runner

from mum.engine.runner import CopyAwareTeacherStudentValLoop

NUM_VAL_IMAGES = 8


class TeacherStudent(BaseModel):
    """Two OneWeight models; predictions come from the one ``semi_test_cfg.predict_on`` names."""

    def __init__(self, student_weight: float):
        super().__init__()
        self.teacher, self.student = OneWeight(), OneWeight()
        with torch.no_grad():
            self.student.weight.fill_(student_weight)
        self.semi_test_cfg = dict(predict_on='student')  # not what the loop sets: restored?

    def forward(self, inputs, data_samples=None, mode='loss'):
        return getattr(self, self.semi_test_cfg['predict_on'])(inputs, data_samples, mode)


class PredictedWeight(BaseMetric):
    """The mean predicted weight; counts every image it is given over all evaluations."""

    def __init__(self):
        super().__init__()
        self.images_seen = 0

    def process(self, data_batch, data_samples):
        self.images_seen += len(data_samples)
        self.results.extend(float(weight) for weight in data_samples)

    def compute_metrics(self, results):
        return dict(weight=sum(results) / len(results))


class MetricsRecorder(Hook):
    """Keeps the metrics the loop hands to ``after_val_epoch``."""

    def __init__(self):
        self.metrics = {}

    def after_val_epoch(self, runner, metrics=None):
        self.metrics.update(metrics)


def _validate(tmp_path, student_weight: float):
    model, metric = TeacherStudent(student_weight), PredictedWeight()
    loader = dict(dataset=[dict(inputs=torch.ones(1))] * NUM_VAL_IMAGES, batch_size=2,
                  sampler=dict(type='DefaultSampler', shuffle=False),
                  collate_fn=dict(type='pseudo_collate'))
    runner = toy_runner(tmp_path, model=model, val_dataloader=loader,
                        val_cfg=dict(type=CopyAwareTeacherStudentValLoop),
                        val_evaluator=Evaluator(metric))
    recorder = MetricsRecorder()
    runner.register_hook(recorder)
    runner.val()
    assert model.semi_test_cfg['predict_on'] == 'student'  # restored
    return recorder.metrics, metric.images_seen


def test_an_exact_copy_is_evaluated_once_and_reported_for_both(tmp_path):
    metrics, images_seen = _validate(tmp_path, student_weight=1.0)
    assert images_seen == NUM_VAL_IMAGES
    assert metrics == {'teacher/weight': 1.0, 'student/weight': 1.0}


def test_different_weights_are_evaluated_each(tmp_path):
    metrics, images_seen = _validate(tmp_path, student_weight=2.0)
    assert images_seen == 2 * NUM_VAL_IMAGES
    assert metrics == {'teacher/weight': 1.0, 'student/weight': 2.0}

from types import SimpleNamespace

import pytest
import torch
import torch.nn as nn

from mum.engine.hooks import EMATeacherHook


class _TeacherStudent(nn.Module):

    def __init__(self, burn_in_iters=0):
        super().__init__()
        self.student = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2))
        self.teacher = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2))
        self.semi_train_cfg = dict(burn_in_iters=burn_in_iters)


def _runner(model, iteration):
    return SimpleNamespace(model=model, iter=iteration)


def test_keep_rate_ramps_linearly_then_stays():
    hook = EMATeacherHook(final_keep=0.9996, ramp_iters=2000, start_keep=0.5)
    assert hook.keep_rate(1) == pytest.approx(0.5 + 0.4996 / 2000)
    assert hook.keep_rate(1000) == pytest.approx(0.5 + 0.4996 / 2)
    assert hook.keep_rate(2000) == pytest.approx(0.9996)
    assert hook.keep_rate(50000) == pytest.approx(0.9996)
    assert EMATeacherHook(final_keep=0.999, ramp_iters=0).keep_rate(1) == 0.999


def test_burn_in_freezes_then_copies_then_ramps_from_its_end():
    hook = EMATeacherHook(final_keep=0.9, ramp_iters=10)
    hook.before_train(_runner(_TeacherStudent(burn_in_iters=5), iteration=0))
    assert [hook.keep_rate(i) for i in (1, 4)] == [None, None]
    assert hook.keep_rate(5) == 0.0  # end of burn-in: exact copy of the student
    assert hook.keep_rate(10) == pytest.approx(0.5 + 0.4 * 5 / 10)
    assert hook.keep_rate(15) == pytest.approx(0.9)


def test_update_is_the_ema_formula_on_floats_and_copies_integers():
    model = _TeacherStudent()
    hook = EMATeacherHook(final_keep=0.9, ramp_iters=4)
    hook.before_train(_runner(model, iteration=0))
    pairs = zip(model.teacher.state_dict().values(), model.student.state_dict().values())
    assert all(torch.equal(t, s) for t, s in pairs)
    with torch.no_grad():
        for param in model.student.parameters():
            param.add_(torch.randn_like(param))
        # the float buffers (BN statistics) are averaged too, not copied or skipped
        model.student[1].running_mean.add_(torch.tensor([1.0, -2.0]))
        model.student[1].running_var.mul_(3.0)
    model.student[1].num_batches_tracked += 7
    teacher_before = {k: v.clone() for k, v in model.teacher.state_dict().items()}
    student = model.student.state_dict()
    hook.after_train_iter(_runner(model, iteration=1), batch_idx=1)  # 2 iterations completed
    keep = 0.5 + 0.4 * 2 / 4
    for key, value in model.teacher.state_dict().items():
        if value.dtype.is_floating_point:
            expected = teacher_before[key] * keep + student[key] * (1 - keep)
            assert torch.allclose(value, expected, atol=1e-7), key
            assert not torch.equal(value, teacher_before[key]), key
            assert not torch.equal(value, student[key]), key
        else:
            assert torch.equal(value, student[key]), key


def test_a_resumed_run_with_another_schedule_is_warned_about(mmengine_warnings):
    checkpoint = {}
    EMATeacherHook(final_keep=0.99, ramp_iters=10).before_save_checkpoint(None, checkpoint)
    EMATeacherHook(final_keep=0.99, ramp_iters=10).after_load_checkpoint(None, checkpoint)
    assert not mmengine_warnings
    EMATeacherHook(final_keep=0.9, ramp_iters=10).after_load_checkpoint(None, checkpoint)
    assert len(mmengine_warnings) == 1
    assert "trained with EMA schedule {'final_keep': 0.99" in mmengine_warnings[0]
    assert "this run uses {'final_keep': 0.9," in mmengine_warnings[0]


def test_schedule_is_saved_and_checked():
    hook = EMATeacherHook(final_keep=0.99, ramp_iters=10)
    checkpoint = {}
    hook.before_save_checkpoint(None, checkpoint)
    assert checkpoint['meta']['ema_teacher']['final_keep'] == 0.99


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match='final_keep must be in'):
        EMATeacherHook(final_keep=1.5)
    with pytest.raises(TypeError, match='needs a model with .teacher and .student'):
        EMATeacherHook().before_train(_runner(nn.Linear(1, 1), 0))


def test_interval_two_still_copies_at_the_end_of_an_odd_burn_in():
    model = _TeacherStudent(burn_in_iters=5)
    hook = EMATeacherHook(final_keep=0.9, ramp_iters=0, interval=2)
    hook.before_train(_runner(model, iteration=0))

    def perturb_student():
        with torch.no_grad():
            for param in model.student.parameters():
                param.add_(torch.randn_like(param))

    def teacher():
        return {k: v.clone() for k, v in model.teacher.state_dict().items()}

    for iteration in range(4):  # burn-in: completed 1..4, the teacher stays as it started
        before = teacher()
        perturb_student()
        hook.after_train_iter(_runner(model, iteration), batch_idx=iteration)
        assert all(torch.equal(v, before[k]) for k, v in model.teacher.state_dict().items())
    perturb_student()
    hook.after_train_iter(_runner(model, 4), batch_idx=4)  # completed 5 = burn-in: copy
    student = model.student.state_dict()
    assert all(torch.equal(v, student[k]) for k, v in model.teacher.state_dict().items())
    perturb_student()
    before = teacher()
    hook.after_train_iter(_runner(model, 5), batch_idx=5)  # completed 6: an EMA step
    weight = model.student[0].weight
    assert torch.allclose(model.teacher[0].weight, 0.9 * before['0.weight'] + 0.1 * weight)
    before = teacher()
    perturb_student()
    hook.after_train_iter(_runner(model, 6), batch_idx=6)  # completed 7: not on the interval
    assert torch.equal(model.teacher[0].weight, before['0.weight'])

"""EMA teacher update of Unbiased Teacher / MUM: keep-rate ramp, burn-in, float-only averaging."""
import logging
from typing import Optional

import torch
import torch.nn as nn
from mmdet.registry import HOOKS
from mmengine.dist import all_reduce_params, get_world_size
from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper
from mmengine.runner import Runner


@HOOKS.register_module()
class EMATeacherHook(Hook):
    """teacher <- keep(t) * teacher + (1 - keep(t)) * student, after every training iteration.

    Written on mmengine's Hook rather than mmdet's MeanTeacherHook: that one has a constant
    momentum and averages integer buffers too, so none of its update code would be kept.

    Schedule, with ``t`` the number of iterations completed after burn-in
    (``t = runner.iter + 1 - burn_in_iters``; the ramp counts from the end of burn-in):

    * during burn-in (``runner.iter + 1 <= burn_in_iters``) the teacher is not updated, and when
      the last burn-in iteration ends it becomes an exact copy of the student (also when
      ``burn_in_iters`` is not a multiple of ``interval``);
    * ``keep(t) = start_keep + (final_keep - start_keep) * min(t / ramp_iters, 1)``: a linear
      ramp from ``start_keep`` to ``final_keep`` (delta) over ``ramp_iters`` iterations, then
      constant (``ramp_iters=0``: constant ``final_keep``).

    Floating-point tensors of the state dict (parameters and buffers) are averaged; all other
    tensors (e.g. BN ``num_batches_tracked``, Swin's integer relative-position index) are copied.
    Under DDP the teacher's float buffers are then averaged over the ranks (BN statistics differ
    per rank), so every rank holds the same teacher.
    The burn-in length is read from the model's ``semi_train_cfg.burn_in_iters`` so that the
    detector and this hook cannot disagree. The schedule is a function of ``runner.iter``, which
    the checkpoint restores, and the hook's settings are saved in the checkpoint's meta and
    checked on resume.

    Args:
        final_keep (float): delta, the keep rate after the ramp. Defaults to 0.9996.
        ramp_iters (int): R, length of the linear ramp. Defaults to 2000.
        start_keep (float): Keep rate at the start of the ramp. Defaults to 0.5.
        interval (int): EMA step after every ``interval``-th completed iteration (the
            end-of-burn-in copy is made regardless). Defaults to 1.
    """

    def __init__(self,
                 final_keep: float = 0.9996,
                 ramp_iters: int = 2000,
                 start_keep: float = 0.5,
                 interval: int = 1) -> None:
        for name, value in dict(final_keep=final_keep, start_keep=start_keep).items():
            if not 0.0 <= value <= 1.0:
                raise ValueError(f'EMATeacherHook: {name} must be in [0, 1], got {value!r}.')
        if ramp_iters < 0 or interval < 1:
            raise ValueError('EMATeacherHook: ramp_iters must be >= 0 and interval >= 1, got '
                             f'{ramp_iters!r} and {interval!r}.')
        self.interval = interval
        self.final_keep = final_keep
        self.ramp_iters = ramp_iters
        self.start_keep = start_keep
        self.burn_in_iters = 0

    def before_train(self, runner: Runner) -> None:
        """Reads burn-in from the model; at iteration 0 the teacher starts as the student."""
        model = _unwrap(runner.model)
        if not (hasattr(model, 'teacher') and hasattr(model, 'student')):
            raise TypeError(f'EMATeacherHook needs a model with .teacher and .student, got '
                            f'{type(model).__name__}.')
        self.burn_in_iters = model.semi_train_cfg.get('burn_in_iters', 0)
        if runner.iter == 0:
            self.ema_update(model, keep=0.0)

    def after_train_iter(self,
                         runner: Runner,
                         batch_idx: int,
                         data_batch: Optional[dict] = None,
                         outputs: Optional[dict] = None) -> None:
        """Applies this iteration's EMA step (or the end-of-burn-in copy).

        The end-of-burn-in copy is made whatever the interval; EMA steps follow every
        ``interval`` completed iterations.
        """
        completed = runner.iter + 1
        keep = self.keep_rate(completed)
        if keep is None:
            return
        end_of_burn_in = completed == self.burn_in_iters
        if end_of_burn_in or completed % self.interval == 0:
            self.ema_update(_unwrap(runner.model), keep)

    def keep_rate(self, completed_iters: int) -> Optional[float]:
        """Keep rate applied after ``completed_iters`` iterations; None while in burn-in.

        Args:
            completed_iters (int): ``runner.iter + 1``.

        Returns:
            float | None: 0.0 (copy the student) at the end of burn-in, None before it.
        """
        steps_after_burn_in = completed_iters - self.burn_in_iters
        if steps_after_burn_in < 0:
            return None
        if steps_after_burn_in == 0:  # the last burn-in iteration (only when burn_in_iters > 0)
            return 0.0
        if self.ramp_iters == 0:
            return self.final_keep
        progress = min(steps_after_burn_in / self.ramp_iters, 1.0)
        return self.start_keep + (self.final_keep - self.start_keep) * progress

    @torch.no_grad()
    def ema_update(self, model: nn.Module, keep: float) -> None:
        """teacher = keep * teacher + (1 - keep) * student for float tensors; copy the others.

        Args:
            model (nn.Module): Holds ``teacher`` and ``student`` of identical structure.
            keep (float): Weight of the current teacher, in [0, 1].
        """
        student = model.student.state_dict()
        teacher = model.teacher.state_dict()
        if student.keys() != teacher.keys():
            raise RuntimeError('EMATeacherHook: teacher and student state dicts differ.')
        float_keys = [k for k in teacher if teacher[k].dtype.is_floating_point]
        teacher_floats = [teacher[k] for k in float_keys]
        student_floats = [student[k] for k in float_keys]
        torch._foreach_mul_(teacher_floats, keep)
        torch._foreach_add_(teacher_floats, student_floats, alpha=1.0 - keep)
        for key in teacher.keys() - set(float_keys):
            teacher[key].copy_(student[key])
        # DDP syncs the student's parameters but each rank's BN statistics come from its own
        # images: average the teacher's float buffers so that every rank holds one teacher.
        float_buffers = [b for b in model.teacher.buffers() if b.is_floating_point()]
        if float_buffers and get_world_size() > 1:
            all_reduce_params(float_buffers, op='mean')

    def before_save_checkpoint(self, runner: Runner, checkpoint: dict) -> None:
        """Records the schedule so a resumed run can check it continues the same one."""
        checkpoint.setdefault('meta', {})['ema_teacher'] = self._schedule()

    def after_load_checkpoint(self, runner: Runner, checkpoint: dict) -> None:
        """Warns when a resumed run changes the EMA schedule."""
        saved = checkpoint.get('meta', {}).get('ema_teacher')
        if saved is not None and saved != self._schedule():
            print_log(f'EMATeacherHook: the checkpoint was trained with EMA schedule {saved}, '
                      f'this run uses {self._schedule()}.', logger='current', level=logging.WARNING)

    def _schedule(self) -> dict:
        return dict(final_keep=self.final_keep, ramp_iters=self.ramp_iters,
                    start_keep=self.start_keep, interval=self.interval)


def _unwrap(model: nn.Module) -> nn.Module:
    return model.module if is_model_wrapper(model) else model

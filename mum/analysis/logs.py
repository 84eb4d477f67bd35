"""Reading mmengine's scalar logs (``<work_dir>/<timestamp>/vis_data/scalars.json``).

mmengine's LocalVisBackend writes one JSON object per line: training lines hold the loss terms,
``lr``, ``iter`` and ``step``; validation lines hold the metrics (for the teacher-student val
loop ``teacher/coco/bbox_mAP``, ``student/coco/bbox_mAP_50``, ...) and ``step``, the iteration
at which the evaluation ran.
"""
import glob
import json
import os.path as osp
import re
from typing import Dict, List, Tuple

SCALARS_NAME = 'scalars.json'
# the folder mmengine makes in a work dir each time a run starts: <YYYYMMDD_HHMMSS>
START_FOLDER = re.compile(r'^\d{8}_\d{6}$')
# Keys that are bookkeeping, not curves.
_INDEX_KEYS = ('step', 'iter', 'epoch')


class LogError(ValueError):
    """A missing or malformed scalar log; the message is one sentence naming the file."""


def read_scalars(path: str) -> Dict[str, Tuple[List[int], List[float]]]:
    """Every scalar of a scalars.json as a curve against the step (iteration).

    Args:
        path (str): A scalars.json.

    Returns:
        dict[str, tuple[list[int], list[float]]]: ``{key: (steps, values)}``, in file order;
        non-numeric values and the index keys (step, iter, epoch) are left out.

    Raises:
        LogError: If the file is missing, a line is not JSON, or a line has no step/iter.
    """
    if not osp.isfile(path):
        raise LogError(f'Scalar log {path} does not exist.')
    curves: Dict[str, Tuple[List[int], List[float]]] = {}
    last_step = 0
    with open(path, encoding='utf-8') as log_file:
        for line_number, line in enumerate(log_file, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise LogError(f'Line {line_number} of {path} is not JSON ({error.msg}).') from None
            if not isinstance(record, dict):
                raise LogError(f'Line {line_number} of {path} is not a JSON object.')
            step = record.get('step', record.get('iter'))
            if not isinstance(step, (int, float)):
                raise LogError(f'Line {line_number} of {path} has no numeric step or iter.')
            if step < last_step:
                # mmengine's LoggerHook logs metrics by epoch unless log_metric_by_epoch=False:
                # an iteration-based run's validation lines then say step 0. They follow the
                # training line of the iteration they were run at.
                step = last_step
            last_step = step
            for key, value in record.items():
                if key in _INDEX_KEYS or isinstance(value, bool) or not isinstance(
                        value, (int, float)):
                    continue
                steps, values = curves.setdefault(key, ([], []))
                steps.append(int(step))
                values.append(float(value))
    return curves


def run_scalars_files(work_dir: str) -> List[str]:
    """The scalars.json files of one training run, oldest start first.

    mmengine makes a ``<YYYYMMDD_HHMMSS>/vis_data/scalars.json`` in the work dir each time a
    run starts, so a run that was stopped and resumed (``--resume``) has one per start.
    ``work_dir`` may also name a single start: a run folder, its ``vis_data`` folder, or the
    scalars.json file itself.

    Args:
        work_dir (str): A training work dir (or a run folder, vis_data folder, scalars.json).

    Returns:
        list[str]: Paths of the scalars.json files, in the order the starts ran.

    Raises:
        LogError: If there is none.
    """
    if osp.isfile(work_dir):
        return [work_dir]
    if not osp.isdir(work_dir):
        raise LogError(f'Work dir {work_dir} does not exist.')
    for single_start in (osp.join(work_dir, SCALARS_NAME),
                         osp.join(work_dir, 'vis_data', SCALARS_NAME)):
        if osp.isfile(single_start):
            return [single_start]
    files = [path for path in glob.glob(osp.join(work_dir, '*', 'vis_data', SCALARS_NAME))
             if START_FOLDER.match(osp.basename(osp.dirname(osp.dirname(path))))]
    if not files:
        raise LogError(f'Work dir {work_dir} has no <timestamp>/vis_data/{SCALARS_NAME} '
                       '(was it written by mmengine with LocalVisBackend?).')
    return sorted(files, key=lambda path: osp.basename(osp.dirname(osp.dirname(path))))


def read_run_scalars(work_dir: str) -> Dict[str, Tuple[List[int], List[float]]]:
    """The curves of one training run over all its starts (see :func:`merge_start_scalars`).

    Args:
        work_dir (str): A training work dir, or a single start (see :func:`run_scalars_files`).

    Returns:
        dict[str, tuple[list[int], list[float]]]: ``{key: (steps, values)}``, by step.

    Raises:
        LogError: If there is no scalars.json or one is malformed.
    """
    return merge_start_scalars(run_scalars_files(work_dir))


def merge_start_scalars(paths: List[str]) -> Dict[str, Tuple[List[int], List[float]]]:
    """The curves of the starts of one run, read from their scalars.json files as one.

    Each start after the first resumed from a checkpoint, so from the first step it logs on, its
    values replace what an earlier start logged at the same or later steps (that part was
    trained again).

    Args:
        paths (list[str]): The starts' scalars.json files, oldest first (as
            :func:`run_scalars_files` gives them).

    Returns:
        dict[str, tuple[list[int], list[float]]]: ``{key: (steps, values)}``, by step.

    Raises:
        LogError: If a file is malformed.
    """
    merged: Dict[str, Tuple[List[int], List[float]]] = {}
    for path in paths:
        curves = read_scalars(path)
        if not curves:
            continue
        first_step = min(steps[0] for steps, _ in curves.values())
        for key, (steps, values) in list(merged.items()):
            kept = [index for index, step in enumerate(steps) if step < first_step]
            merged[key] = ([steps[i] for i in kept], [values[i] for i in kept])
        for key, (steps, values) in curves.items():
            merged.setdefault(key, ([], []))
            merged[key][0].extend(steps)
            merged[key][1].extend(values)
    return {key: curve for key, curve in merged.items() if curve[0]}

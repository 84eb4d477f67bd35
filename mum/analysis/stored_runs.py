"""The finished runs that ``compare_methods.py --results-dir`` stored in the repository.

A stored run is the folder ``RESULTS_DIR/RUN/seedK``: its config, scalar logs (one timestamped
folder per training leg), environment records, ``compare_methods.finished`` once training has
ended and ``test_data.json`` once its last teacher was scored on the held-out data; the folder's
``results.json`` holds every run's summary numbers. The report tools (bccd_report.py,
thresholds_report.py) build their tables from these files only.
"""
import json
import os
import os.path as osp
from typing import Dict, Iterable, Sequence

from .logs import SCALARS_NAME, START_FOLDER

# {run name: {seed or fold: numbers}}
RunResults = Dict[str, Dict[int, dict]]
# written by compare_methods.py into a run's work dir (and copied with its records): when its
# training ended normally, and when its last teacher was scored on the held-out data
FINISHED_MARK = 'compare_methods.finished'
TEST_DATA_RESULT = 'test_data.json'
# in a run's work dir: one record per training call, a leg (mum/utils/environment.py)
ENVIRONMENT_RECORD = 'environment.json'
HELD_OUT_AP50 = 'test-data teacher AP50'  # results.json: the teacher's AP50 on the held-out data


def training_seconds(run_folder: str, logger_interval: int) -> float:
    """Seconds of training iterations of the run in ``run_folder``, as if it ran in one go.

    Each logged training line gives the moving average of the iteration time over the
    ``logger_interval`` iterations up to it; iterations that a resumed leg trained again (from
    the last checkpoint) count once, with the later leg's time. Validation is not counted. The
    lines are read here rather than by :func:`~mum.analysis.logs.read_run_scalars`, whose curves
    cannot tell a validation line's ``time`` from a training line's at the same step.
    """
    times = {}
    for start in sorted(os.listdir(run_folder)):
        path = osp.join(run_folder, start, 'vis_data', SCALARS_NAME)
        if not (START_FOLDER.match(start) and osp.isfile(path)):
            continue
        with open(path, encoding='utf-8') as log_file:
            for line in log_file:
                record = json.loads(line) if line.strip() else {}
                if 'loss' in record and 'time' in record:  # a training line, not validation
                    times[record['iter']] = record['time']
    return logger_interval * sum(times.values())


def training_legs(run_folder: str) -> int:
    """How many times the run was started (1 when it was never resumed)."""
    return sum(START_FOLDER.match(name) is not None for name in os.listdir(run_folder))


def finished_runs(results_dirs: Sequence[str], last_iteration: int, run_order: Iterable[str],
                  seed_word: str = 'seed') -> RunResults:
    """The runs that finished ``last_iteration`` iterations and were scored on the test data.

    Args:
        results_dirs: Folders written by ``compare_methods.py --results-dir``; a missing one
            holds no run.
        last_iteration: The planned schedule; a run stored at another iteration is left out.
        run_order: The run names to keep, in the order the result lists them.
        seed_word: What a seed is called in the error message (BCCD's are folds).

    Returns:
        ``{run: {seed: numbers}}``, seeds ascending: each run's ``results.json`` entry plus
        ``test_metrics`` (the metrics of ``test_data.json``) and ``folder``.

    Raises:
        SystemExit: If two folders hold the same run and seed with different held-out AP50s.
    """
    runs: RunResults = {}
    for results_dir in results_dirs:
        summary_path = osp.join(results_dir, 'results.json')
        if not osp.isfile(summary_path):
            continue
        with open(summary_path, encoding='utf-8') as summary_file:
            summary = json.load(summary_file)
        for run, by_seed in summary.items():
            for seed, numbers in by_seed.items():
                folder = osp.join(results_dir, run, f'seed{seed}')
                test_path = osp.join(folder, TEST_DATA_RESULT)
                if not (osp.isfile(osp.join(folder, FINISHED_MARK)) and osp.isfile(test_path)) \
                        or numbers['iterations'] != last_iteration:
                    continue
                with open(test_path, encoding='utf-8') as test_file:
                    numbers = dict(numbers, test_metrics=json.load(test_file)['metrics'],
                                   folder=folder)
                earlier = runs.get(run, {}).get(int(seed))
                if earlier and earlier[HELD_OUT_AP50] != numbers[HELD_OUT_AP50]:
                    raise SystemExit(f'{results_dir}: {run} {seed_word} {seed} differs from the '
                                     'same run in an earlier folder; keep one of them.')
                runs.setdefault(run, {})[int(seed)] = numbers
    return {run: dict(sorted(runs[run].items())) for run in run_order if run in runs}

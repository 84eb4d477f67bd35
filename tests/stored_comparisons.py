"""Comparisons as compare_methods.py --results-dir stores them, for the report tools' tests."""
import json
import os
import os.path as osp
from typing import Dict, Tuple


def store_run(results_dir: str, run: str, seed: int, test_ap50: float, finished: bool = True,
              iterations: int = 1000, legs: int = 1, test_metrics: Dict[str, float] = None,
              pseudo_per_image: Dict[str, Tuple[float, float]] = None, **numbers) -> dict:
    """A run's folder; returns its results.json entry (the caller writes results.json).

    Each leg logs two training windows of 3 s per iteration (20 iterations each), with the
    pseudo-boxes per image of ``pseudo_per_image`` (``{class: (first, last)}``), and one
    validation line; ``numbers`` override the entry's default pseudo-label numbers."""
    folder = osp.join(results_dir, run, f'seed{seed}')
    windows = [{'loss': 1.0, 'time': 3.0, 'iter': step, 'step': step} for step in (20, 40)]
    for name, per_window in (pseudo_per_image or {}).items():
        for window, value in zip(windows, per_window):
            window[f'pseudo_per_img/{name}'] = value
    lines = windows + [{'teacher/coco/bbox_mAP_50': 0.5, 'time': 99.0, 'step': 40}]
    for leg in range(legs):
        os.makedirs(osp.join(folder, f'20261206_00000{leg}', 'vis_data'))
        with open(osp.join(folder, f'20261206_00000{leg}', 'vis_data', 'scalars.json'), 'w') as f:
            f.write(''.join(json.dumps(line) + '\n' for line in lines))
    if finished:
        with open(osp.join(folder, 'compare_methods.finished'), 'w') as mark:
            mark.write('tools/train.py ...\n')
        with open(osp.join(folder, 'test_data.json'), 'w') as test_file:
            json.dump({'metrics': {'coco/bbox_mAP_50': test_ap50, **(test_metrics or {})}},
                      test_file)
    return {'iterations': iterations, 'teacher AP50': 0.6, 'test-data teacher AP50': test_ap50,
            'test-data teacher AP': test_ap50 / 2, 'pseudo precision': 0.9,
            'pseudo recall': 0.5, 'pseudo-boxes / img': 8.0, **numbers}


def store_comparison(results_dir: str, test_ap50s: Dict[str, Dict[int, float]],
                     **run_args) -> None:
    """Every run of ``test_ap50s`` (``{run: {seed: AP50}}``), finished, with its results.json;
    ``run_args`` go to :func:`store_run` (a dict value there is looked up by run name)."""
    os.makedirs(results_dir, exist_ok=True)
    summary = {run: {str(seed): store_run(results_dir, run, seed, value, **{
                         key: arg[run] if isinstance(arg, dict) and run in arg else arg
                         for key, arg in run_args.items()})
                     for seed, value in by_seed.items()}
               for run, by_seed in test_ap50s.items()}
    with open(osp.join(results_dir, 'results.json'), 'w') as summary_file:
        json.dump(summary, summary_file)

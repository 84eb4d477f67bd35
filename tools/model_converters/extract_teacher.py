"""Turn a teacher-student (MUM / Unbiased Teacher) checkpoint into a plain mmdet detector.

Writes OUT, a checkpoint holding the teacher's weights (``teacher.`` prefix stripped; the
student's with ``--student``) and a minimal meta (class names, iteration), loadable with
``torch.load(weights_only=True)``; and OUT with a ``.py`` suffix, the plain detector config
(``UnmixNeck`` unwrapped, training-only keys dropped), so that::

    python tools/model_converters/extract_teacher.py work_dirs/demo_mum/iter_600.pth mum_r18.pth
    python -c "from mmdet.apis import init_detector, inference_detector; \
        m = init_detector('mum_r18.py', 'mum_r18.pth', device='cpu'); \
        print(inference_detector(m, 'demo.jpg').pred_instances)"

The config is the one mmengine stored in the checkpoint's meta, or ``--config``.
"""
import argparse
import os
import os.path as osp
import sys

import torch

from mum.analysis.checkpoint import (CheckpointError, config_from_checkpoint, load_checkpoint_file,
                                     plain_checkpoint, plain_detector_config)


def parse_args(argv=None) -> argparse.Namespace:
    """Parses the command line.

    Args:
        argv (list[str], optional): Arguments; ``sys.argv[1:]`` when None.

    Returns:
        argparse.Namespace: The parsed arguments.
    """
    parser = argparse.ArgumentParser(
        description='Extract the teacher (or student) of a teacher-student checkpoint as a '
        'plain mmdet detector checkpoint OUT, and write its config as OUT with a .py suffix.')
    parser.add_argument('checkpoint', metavar='CKPT', help='teacher-student checkpoint (.pth)')
    parser.add_argument('out', metavar='OUT', help='plain detector checkpoint to write (.pth)')
    parser.add_argument('--student', action='store_true',
                        help='extract the student instead of the teacher')
    parser.add_argument('--config',
                        help='training config of CKPT; defaults to the config stored in '
                        "CKPT's meta by mmengine")
    parser.add_argument('--no-config', action='store_true',
                        help='write the checkpoint only, not the plain config')
    return parser.parse_args(argv)


def extract(checkpoint_path: str, out_path: str, member: str = 'teacher',
            config_path: str = None, write_config: bool = True) -> dict:
    """Writes the plain checkpoint and (optionally) its config.

    Args:
        checkpoint_path (str): Teacher-student checkpoint.
        out_path (str): Plain checkpoint to write.
        member (str): 'teacher' or 'student'. Defaults to 'teacher'.
        config_path (str, optional): Training config; defaults to the one in the checkpoint.
        write_config (bool): Also write ``OUT`` with a ``.py`` suffix. Defaults to True.

    Returns:
        dict: ``checkpoint`` (path written), ``config`` (path written or None) and
        ``num_tensors``.

    Raises:
        CheckpointError: On a missing or unusable input.
    """
    if osp.abspath(checkpoint_path) == osp.abspath(out_path):
        raise CheckpointError(f'OUT {out_path} is the input checkpoint; choose another path.')
    checkpoint = load_checkpoint_file(checkpoint_path)
    plain = plain_checkpoint(checkpoint, member)
    config_out = None
    if write_config:
        if config_path is not None:
            if not osp.isfile(config_path):
                raise CheckpointError(f'Config {config_path} does not exist.')
            from mmengine.config import Config
            cfg = Config.fromfile(config_path)
        else:
            cfg = config_from_checkpoint(checkpoint, checkpoint_path)
            if cfg is None:
                raise CheckpointError(f'Checkpoint {checkpoint_path} stores no config: pass '
                                      '--config (or --no-config).')
        config_out = osp.splitext(out_path)[0] + '.py'
        if osp.abspath(config_out) == osp.abspath(config_path or ''):
            raise CheckpointError(f'Writing {config_out} would overwrite --config; choose '
                                  'another OUT.')
    os.makedirs(osp.dirname(osp.abspath(out_path)), exist_ok=True)
    torch.save(plain, out_path)
    torch.load(out_path, map_location='cpu', weights_only=True)  # the file is weights-only safe
    if config_out is not None:
        plain_detector_config(cfg).dump(config_out)
    return dict(checkpoint=out_path, config=config_out, num_tensors=len(plain['state_dict']))


def main(argv=None) -> None:
    """Runs the tool; a bad input prints one sentence and exits with status 2."""
    args = parse_args(argv)
    member = 'student' if args.student else 'teacher'
    try:
        written = extract(args.checkpoint, args.out, member, args.config, not args.no_config)
    except CheckpointError as error:
        print(f'extract_teacher: {error}', file=sys.stderr)
        sys.exit(2)
    print(f'Wrote the {member} ({written["num_tensors"]} tensors) to {written["checkpoint"]}')
    if written['config']:
        print(f'Wrote its plain detector config to {written["config"]}')


if __name__ == '__main__':
    main()

"""Cost of MUM's mix + unmix against clone() and against one detector training step.

Measured in one run on this machine, at the paper's shapes by default: 8 images of 3x800x1344
(padded to the tile-exact 832x1344), FPN levels of 256 channels at strides 4..64, NG = NT = 4.

    python tools/analysis_tools/benchmark_mum.py [--device cuda] [--step-images 8]

Prints: mix+unmix time / clone() time of the same tensors (target <= 2, i.e. at least half the
speed of a copy) and mix+unmix time / one Faster R-CNN R50-FPN training step (target <= 1 %).
"""
import argparse
import time
from typing import Callable, List

import torch
from mmdet.registry import MODELS
from mmdet.structures import DetDataSample
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.structures import InstanceData

import mum  # noqa: F401  (registers the project's components)
from mum.ops.tiles import mix_tiles, sample_tile_permutation, tile_exact_size, unmix_tiles

FPN_STRIDES = (4, 8, 16, 32, 64)
MODEL_CONFIG = 'configs/_base_/models/faster-rcnn_r50-caffe_fpn.py'


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--images', type=int, default=8, help='images mixed together (B)')
    parser.add_argument('--height', type=int, default=800)
    parser.add_argument('--width', type=int, default=1344)
    parser.add_argument('--channels', type=int, default=256, help='FPN channels')
    parser.add_argument('--group-size', type=int, default=4)
    parser.add_argument('--num-tiles', type=int, default=4)
    parser.add_argument('--repeats', type=int, default=5, help='timed repeats of mix/unmix')
    parser.add_argument('--step-images', type=int, default=8,
                        help='images in the timed training step (the ratio is scaled to '
                        '--images when fewer; default: the same batch)')
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    return parser.parse_args()


def timed(fn: Callable[[], object], repeats: int, device: str) -> float:
    """Mean seconds of ``fn`` over ``repeats`` calls after one warm-up call."""
    fn()
    _sync(device)
    start = time.perf_counter()
    for _ in range(repeats):
        fn()
    _sync(device)
    return (time.perf_counter() - start) / repeats


def _sync(device: str) -> None:
    if device.startswith('cuda'):
        torch.cuda.synchronize()


def mix_unmix_vs_clone(args) -> tuple:
    """Seconds of (mix image + unmix every FPN level) and of cloning the same tensors."""
    height, width = tile_exact_size(args.height, args.width, args.num_tiles, max(FPN_STRIDES))
    units = (height // max(FPN_STRIDES), width // max(FPN_STRIDES))
    images = torch.randn(args.images, 3, height, width, device=args.device)
    levels: List[torch.Tensor] = [
        torch.randn(args.images, args.channels, height // s, width // s, device=args.device)
        for s in FPN_STRIDES
    ]
    source = sample_tile_permutation(args.images, args.group_size, args.num_tiles,
                                     torch.Generator().manual_seed(0), device=args.device)

    def mix_and_unmix():
        mix_tiles(images, source, units)
        for level in levels:
            unmix_tiles(level, source, units)

    def clone_all():
        images.clone()
        for level in levels:
            level.clone()

    return timed(mix_and_unmix, args.repeats, args.device), timed(clone_all, args.repeats,
                                                                  args.device), (height, width)


def training_step_seconds(args, height: int, width: int) -> float:
    """Seconds of one forward + backward + SGD step of Faster R-CNN R50-FPN (random init)."""
    cfg = Config.fromfile(MODEL_CONFIG).model
    cfg.backbone.init_cfg = None
    model = MODELS.build(cfg).to(args.device).train()
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-4, momentum=0.9)
    inputs = torch.randn(args.step_images, 3, height, width, device=args.device)
    samples = []
    for _ in range(args.step_images):
        sample = DetDataSample(metainfo=dict(img_shape=(args.height, args.width),
                                             batch_input_shape=(height, width),
                                             pad_shape=(height, width), scale_factor=(1., 1.)))
        xy = torch.rand(5, 2, device=args.device) * 500
        boxes = torch.cat([xy, xy + 40 + torch.rand(5, 2, device=args.device) * 200], dim=1)
        sample.gt_instances = InstanceData(bboxes=boxes,
                                           labels=torch.randint(0, 80, (5, ),
                                                                device=args.device))
        samples.append(sample)

    def step():
        losses = model.loss(inputs, samples)
        loss, _ = model.parse_losses(losses)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    return timed(step, 1, args.device)


def main() -> None:
    args = parse_args()
    init_default_scope('mmdet')
    torch.manual_seed(0)
    mix_unmix, clone, (height, width) = mix_unmix_vs_clone(args)
    step = training_step_seconds(args, height, width) * args.images / args.step_images
    print(f'device {args.device}, threads {torch.get_num_threads()}, {args.images} images '
          f'{args.height}x{args.width} padded to {height}x{width}, FPN {args.channels} ch at '
          f'strides {FPN_STRIDES}, NG={args.group_size} NT={args.num_tiles}')
    print(f'mix+unmix {mix_unmix * 1e3:.1f} ms | clone {clone * 1e3:.1f} ms | '
          f'training step ({args.step_images} images, scaled to {args.images}) {step:.2f} s')
    print(f'mix+unmix / clone = {mix_unmix / clone:.2f}  (target <= 2.00)')
    print(f'mix+unmix / training step = {100 * mix_unmix / step:.3f} %  (target <= 1 %)')


if __name__ == '__main__':
    main()

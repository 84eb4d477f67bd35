"""Small image helpers of the analysis tools and galleries: batch tensors to pictures, boxes,
heatmaps, tile grids."""
from typing import List, Sequence

import numpy as np
import torch
from torch import Tensor


def batch_to_bgr_images(inputs: Tensor, data_preprocessor) -> List[np.ndarray]:
    """Undoes a DetDataPreprocessor's normalisation and channel swap.

    Args:
        inputs (Tensor): (B, 3, H, W) normalised batch (padding included).
        data_preprocessor: The mmengine/mmdet ``DetDataPreprocessor`` that produced it (or a
            multi-branch one wrapping it as ``.data_preprocessor``).

    Returns:
        list[np.ndarray]: B uint8 (H, W, 3) images in BGR order (as OpenCV writes them).
    """
    preprocessor = getattr(data_preprocessor, 'data_preprocessor', data_preprocessor)
    images = inputs.detach().float().cpu()
    if getattr(preprocessor, '_enable_normalize', False):
        images = images * preprocessor.std.cpu() + preprocessor.mean.cpu()
    if getattr(preprocessor, '_channel_conversion', False):
        images = images.flip(1)  # the batch is RGB: back to the BGR order images are loaded in
    images = images.clamp(0, 255).round().to(torch.uint8).permute(0, 2, 3, 1)
    return [np.ascontiguousarray(image.numpy()) for image in images]


# BGR colours of the class indices (cycled) in drawn detections
DETECTION_COLOURS = [(60, 20, 220), (200, 130, 0), (75, 180, 60), (48, 130, 245),
                     (180, 30, 145), (240, 240, 70), (0, 128, 128), (128, 0, 128)]


def draw_detections(image: np.ndarray, boxes: Sequence[Sequence[float]], labels: Sequence[int],
                    scores: Sequence[float], class_names: Sequence[str], thickness: int = 1,
                    font_scale: float = 0.3) -> np.ndarray:
    """A copy of ``image`` with boxes, class names and scores drawn in the class colours.

    Args:
        image (np.ndarray): (H, W, 3) uint8 BGR.
        boxes (Sequence): x1y1x2y2 boxes in pixels.
        labels (Sequence[int]): Class indices.
        scores (Sequence[float]): Scores.
        class_names (Sequence[str]): Names of the class indices.
        thickness (int): Box line width. Defaults to 1.
        font_scale (float): OpenCV font scale of the captions. Defaults to 0.3.

    Returns:
        np.ndarray: The picture.
    """
    import cv2
    image = image.copy()
    for box, label, score in zip(boxes, labels, scores):
        x1, y1, x2, y2 = (int(round(v)) for v in box)
        colour = DETECTION_COLOURS[label % len(DETECTION_COLOURS)]
        cv2.rectangle(image, (x1, y1), (x2, y2), colour, thickness)
        cv2.putText(image, f'{class_names[label]} {score:.2f}', (x1, max(y1 - 3, 9)),
                    cv2.FONT_HERSHEY_SIMPLEX, font_scale, colour, 1, cv2.LINE_AA)
    return image


def draw_tile_grid(image: np.ndarray, row_edges: Sequence[int], col_edges: Sequence[int],
                   color=(255, 255, 255), thickness: int = 1) -> np.ndarray:
    """A copy of ``image`` with the inner tile borders drawn.

    Args:
        image (np.ndarray): (H, W, 3) uint8.
        row_edges (Sequence[int]): Tile row borders in pixels (NT + 1 values).
        col_edges (Sequence[int]): Tile column borders in pixels.
        color (tuple): Line colour. Defaults to white.
        thickness (int): Line width in pixels. Defaults to 1.

    Returns:
        np.ndarray: The image with lines.
    """
    out = image.copy()
    half = max(thickness // 2, 0)
    for edge in list(row_edges)[1:-1]:
        out[max(edge - half, 0):edge - half + thickness, :] = color
    for edge in list(col_edges)[1:-1]:
        out[:, max(edge - half, 0):edge - half + thickness] = color
    return out


def channel_mean_maps(features: Tensor) -> List[np.ndarray]:
    """Mean over channels of a feature map, one 2-D array per image.

    Args:
        features (Tensor): (B, C, h, w).

    Returns:
        list[np.ndarray]: B float32 (h, w) maps.
    """
    return [m.numpy() for m in features.detach().float().mean(dim=1).cpu()]


def normalize_map(values: np.ndarray, low: float = None, high: float = None) -> np.ndarray:
    """Scales a map to [0, 1] (between ``low`` and ``high``, its own range by default)."""
    low = float(values.min()) if low is None else low
    high = float(values.max()) if high is None else high
    if high - low <= 1e-12:
        return np.zeros_like(values, dtype=np.float32)
    return np.clip((values - low) / (high - low), 0.0, 1.0).astype(np.float32)


def colorize(values01: np.ndarray, cmap: str = 'jet') -> np.ndarray:
    """A [0, 1] map as a uint8 (h, w, 3) BGR image through a matplotlib colormap."""
    from matplotlib import colormaps
    rgb = colormaps[cmap](values01)[..., :3]
    return np.ascontiguousarray((rgb[..., ::-1] * 255).round().astype(np.uint8))


def overlay_heatmap(image: np.ndarray, values01: np.ndarray, alpha: float = 0.5,
                    cmap: str = 'jet') -> np.ndarray:
    """Blends a [0, 1] heatmap (resized to the image) over a BGR image.

    Args:
        image (np.ndarray): (H, W, 3) uint8 BGR.
        values01 (np.ndarray): (h, w) map in [0, 1].
        alpha (float): Weight of the heatmap. Defaults to 0.5.
        cmap (str): Matplotlib colormap. Defaults to 'jet'.

    Returns:
        np.ndarray: (H, W, 3) uint8 BGR.
    """
    import cv2
    height, width = image.shape[:2]
    resized = cv2.resize(values01.astype(np.float32), (width, height),
                         interpolation=cv2.INTER_LINEAR)
    heat = colorize(np.clip(resized, 0.0, 1.0), cmap)
    return cv2.addWeighted(image, 1.0 - alpha, heat, alpha, 0.0)

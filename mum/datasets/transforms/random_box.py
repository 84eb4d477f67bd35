"""Drawing a random box by area and aspect ratio, shared by random erasing and random cropping."""
import math
from typing import Optional, Tuple

import numpy as np


def draw_area_box(img_height: int, img_width: int, scale: Tuple[float, float],
                  ratio: Tuple[float, float], attempts: int,
                  whole_image_allowed: bool) -> Optional[Tuple[int, int, int, int]]:
    """A box of uniform area fraction in ``scale`` and log-uniform height/width in ``ratio``.

    As torchvision does for random erasing and random resized crops: up to ``attempts`` draws,
    the first box that fits is placed uniformly; numpy's global RNG.

    Args:
        img_height (int): Image height in pixels.
        img_width (int): Image width in pixels.
        scale (tuple[float, float]): Range of the box area over the image area.
        ratio (tuple[float, float]): Range of the box height over its width.
        attempts (int): Draws before giving up.
        whole_image_allowed (bool): Whether a box as large as the image fits.

    Returns:
        tuple[int, int, int, int] | None: (top, left, height, width), or None if no draw fit.
    """
    img_area = img_height * img_width
    log_ratio_range = (math.log(ratio[0]), math.log(ratio[1]))
    for _ in range(attempts):
        area = img_area * np.random.uniform(*scale)
        aspect_ratio = math.exp(np.random.uniform(*log_ratio_range))
        height = int(round(math.sqrt(area * aspect_ratio)))
        width = int(round(math.sqrt(area / aspect_ratio)))
        if whole_image_allowed:
            fits = 0 < height <= img_height and 0 < width <= img_width
        else:
            fits = height < img_height and width < img_width
        if fits:
            top = np.random.randint(0, img_height - height + 1)
            left = np.random.randint(0, img_width - width + 1)
            return top, left, height, width
    return None

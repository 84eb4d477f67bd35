"""A hand-made COCO image and a detector's predictions on it, as tools/test.py --out writes them
(shared by the recall-by-kind tests of the library and of its tool)."""
import torch

# category ids are not label + 1: labels index the categories in file order
CATEGORIES = [dict(id=1, name='circle'), dict(id=5, name='square')]
# x, y, w, h: a small circle of the class's hue, a large square of any hue, a medium partly
# covered circle, and a crowd region that must not count
ANNOTATIONS = [
    dict(id=1, image_id=7, category_id=1, bbox=[0, 0, 10, 10], area=100, iscrowd=0,
         attributes=dict(hue='class', covered='no')),
    dict(id=2, image_id=7, category_id=5, bbox=[100, 0, 100, 100], area=10000, iscrowd=0,
         attributes=dict(hue='any', covered='no')),
    dict(id=3, image_id=7, category_id=1, bbox=[0, 100, 40, 40], area=1600, iscrowd=0,
         attributes=dict(hue='class', covered='partly')),
    dict(id=4, image_id=7, category_id=5, bbox=[0, 200, 50, 50], area=2500, iscrowd=1),
]
COCO = dict(images=[dict(id=7, file_name='7.jpg', width=256, height=256)],
            annotations=ANNOTATIONS, categories=CATEGORIES)


def prediction(rows):
    """rows: (x1, y1, x2, y2, score, label)."""
    table = torch.tensor(rows, dtype=torch.float32).reshape(-1, 6)
    return dict(img_id=7, pred_instances=dict(bboxes=table[:, :4], scores=table[:, 4],
                                              labels=table[:, 5].long()))


PREDICTION = prediction([
    (0, 0, 10, 10, 0.9, 0),  # finds the small circle
    (100, 0, 200, 100, 0.5, 1),  # the large square, but under the threshold
    (0, 100, 40, 140, 0.8, 1),  # on the covered circle with the wrong class
    (0, 200, 50, 250, 0.95, 1),  # on the crowd region: a false positive
])

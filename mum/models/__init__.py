from . import (backbones, classifiers, data_preprocessors, detectors, losses, necks,  # noqa: F401
               pseudo_thresholds)

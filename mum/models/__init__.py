from . import data_preprocessors, detectors, losses, necks  # noqa: F401

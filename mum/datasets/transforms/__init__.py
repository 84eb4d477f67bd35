from . import strong_aug  # noqa: F401

from . import classification, strong_aug  # noqa: F401

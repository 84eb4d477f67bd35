"""Reads a pickle of predictions (``tools/test.py --out``) without running code from it.

``pickle.load`` calls whatever a file names, so a predictions file from elsewhere could run
code. mmengine's ``DumpResults`` pickles dicts of tensors, which need only the globals allowed
below; a tensor's storage is read back with ``torch.load(weights_only=True)``. Written by hand:
``torch.load(weights_only=True)`` reads torch's own file format, not a plain pickle.
"""
import io
import pickle
from typing import Any, BinaryIO

import torch


def _storage_from_bytes(data: bytes):
    """``torch.storage._load_from_bytes``, weights-only (torch's own unpickles in full)."""
    return torch.load(io.BytesIO(data), weights_only=True)


ALLOWED_GLOBALS = {
    ('collections', 'OrderedDict'): lambda: __import__('collections').OrderedDict,
    ('_codecs', 'encode'): lambda: __import__('_codecs').encode,
    ('torch._utils', '_rebuild_tensor_v2'): lambda: torch._utils._rebuild_tensor_v2,
    ('torch.storage', '_load_from_bytes'): lambda: _storage_from_bytes,
}


class _DataOnlyUnpickler(pickle.Unpickler):
    """An Unpickler that resolves only :data:`ALLOWED_GLOBALS`."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in ALLOWED_GLOBALS:
            raise pickle.UnpicklingError(f'it names {module}.{name}, which a file of '
                                         'predictions never needs')
        return ALLOWED_GLOBALS[(module, name)]()


def load_data_pickle(file: BinaryIO) -> Any:
    """Unpickles ``file``, refusing any global but tensors' and containers' (see module doc).

    Raises:
        pickle.UnpicklingError: Naming the refused global.
    """
    return _DataOnlyUnpickler(file).load()

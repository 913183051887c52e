"""The import path `datajoint_interop.archive_model` (as in DataJoint 0.14 or earlier releases): sharing/archive_model.py.

The module object itself is registered under this name, so both paths name one module.
"""
import sys

from .sharing import archive_model as _module

sys.modules[__name__] = _module

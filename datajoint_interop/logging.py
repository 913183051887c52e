"""The import path `datajoint_interop.logging` (as in DataJoint 0.14): core/log.py.

The module object itself is registered under this name, so both paths name one module.
"""
import sys

from .core import log as _module

sys.modules[__name__] = _module

"""The import path `datajoint_interop.autopopulate` (as in DataJoint 0.14 or earlier releases): compute/autopopulate.py.

The module object itself is registered under this name, so both paths name one module.
"""
import sys

from .compute import autopopulate as _module

sys.modules[__name__] = _module

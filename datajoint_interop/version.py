"""The import path `datajoint_interop.version` (as in DataJoint 0.14 or earlier releases): core/version.py.

The module object itself is registered under this name, so both paths name one module.
"""
import sys

from .core import version as _module

sys.modules[__name__] = _module

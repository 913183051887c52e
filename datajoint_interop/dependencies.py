"""The import path `datajoint_interop.dependencies` (as in DataJoint 0.14 or earlier releases): core/dependencies.py.

The module object itself is registered under this name, so both paths name one module.
"""
import sys

from .core import dependencies as _module

sys.modules[__name__] = _module

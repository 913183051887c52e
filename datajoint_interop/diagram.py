"""The import path `datajoint_interop.diagram` (as in DataJoint 0.14 or earlier releases): pipeline/diagram.py.

The module object itself is registered under this name, so both paths name one module.
"""
import sys

from .pipeline import diagram as _module

sys.modules[__name__] = _module

"""The import path `datajoint_interop.naming` (as in DataJoint 0.14 or earlier releases): schema/naming.py.

The module object itself is registered under this name, so both paths name one module.
"""
import sys

from .schema import naming as _module

sys.modules[__name__] = _module

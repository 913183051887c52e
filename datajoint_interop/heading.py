"""The import path `datajoint_interop.heading` (as in DataJoint 0.14 or earlier releases): schema/heading.py.

The module object itself is registered under this name, so both paths name one module.
"""
import sys

from .schema import heading as _module

sys.modules[__name__] = _module

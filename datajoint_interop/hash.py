"""The import path `datajoint_interop.hash` (as in DataJoint 0.14 or earlier releases): codec/hash.py.

The module object itself is registered under this name, so both paths name one module.
"""
import sys

from .codec import hash as _module

sys.modules[__name__] = _module

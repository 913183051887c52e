"""The import path `datajoint_interop.grant_patterns` (as in DataJoint 0.14 or earlier releases): sharing/grant_patterns.py.

The module object itself is registered under this name, so both paths name one module.
"""
import sys

from .sharing import grant_patterns as _module

sys.modules[__name__] = _module

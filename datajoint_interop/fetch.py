"""The import path `datajoint_interop.fetch` (as in DataJoint 0.14 or earlier releases): query/fetch.py.

The module object itself is registered under this name, so both paths name one module.
"""
import sys

from .query import fetch as _module

sys.modules[__name__] = _module

"""The import path `datajoint_interop.external` (as in DataJoint 0.14 or earlier releases): storage/external.py.

The module object itself is registered under this name, so both paths name one module.
"""
import sys

from .storage import external as _module

sys.modules[__name__] = _module

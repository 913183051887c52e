"""The import path `datajoint_interop.schemas` (as in DataJoint 0.14 or earlier releases): pipeline/schemas.py.

The module object itself is registered under this name, so both paths name one module.
"""
import sys

from .pipeline import schemas as _module

sys.modules[__name__] = _module

"""The import path `datajoint_interop.user_tables` (as in DataJoint 0.14 or earlier releases): pipeline/user_tables.py.

The module object itself is registered under this name, so both paths name one module.
"""
import sys

from .pipeline import user_tables as _module

sys.modules[__name__] = _module

"""The import path `datajoint_interop.admin` (as in DataJoint 0.14 or earlier releases): sharing/admin.py.

The module object itself is registered under this name, so both paths name one module.
"""
import sys

from .sharing import admin as _module

sys.modules[__name__] = _module

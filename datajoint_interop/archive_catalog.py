"""The import path `datajoint_interop.archive_catalog` (as in DataJoint 0.14 or earlier releases): sharing/archive_catalog.py.

The module object itself is registered under this name, so both paths name one module.
"""
import sys

from .sharing import archive_catalog as _module

sys.modules[__name__] = _module

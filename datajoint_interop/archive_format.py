"""The import path `datajoint_interop.archive_format` (as in DataJoint 0.14 or earlier releases): sharing/archive_format.py.

The module object itself is registered under this name, so both paths name one module.
"""
import sys

from .sharing import archive_format as _module

sys.modules[__name__] = _module

"""The import path `datajoint_interop.sql` (as in DataJoint 0.14 or earlier releases): core/sql.py.

The module object itself is registered under this name, so both paths name one module.
"""
import sys

from .core import sql as _module

sys.modules[__name__] = _module

"""The import path `datajoint_interop.s3` (as in DataJoint 0.14 or earlier releases): storage/s3.py.

The module object itself is registered under this name, so both paths name one module.
"""
import sys

from .storage import s3 as _module

sys.modules[__name__] = _module

"""The import path `datajoint_interop.settings` (as in DataJoint 0.14 or earlier releases): core/settings.py.

The module object itself is registered under this name, so both paths name one module.
"""
import sys

from .core import settings as _module

sys.modules[__name__] = _module

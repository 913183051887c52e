"""The import path `datajoint_interop.matlab_package` (as in DataJoint 0.14 or earlier releases): pipeline/matlab_package.py.

The module object itself is registered under this name, so both paths name one module.
"""
import sys

from .pipeline import matlab_package as _module

sys.modules[__name__] = _module

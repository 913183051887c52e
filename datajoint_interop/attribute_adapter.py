"""The import path `datajoint_interop.attribute_adapter` (0.14's `datajoint.attribute_adapter`): codec/adapter.py.

The module object itself is registered under this name, so both paths name one module.
"""
import sys

from .codec import adapter as _module

sys.modules[__name__] = _module

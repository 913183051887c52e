"""User-defined attribute types (0.14's ``dj.AttributeAdapter`` and ``<name>`` attributes).

An adapter names a stored DataJoint type (``longblob``, ``varchar(64)``, ``blob@store``...) and
converts values on the way in (``put``) and out (``get``). The table stores the stored type, with
``:<name>:`` in the column comment so that every reader knows the values are adapted. As in 0.14,
the feature is off unless the environment variable ``DJ_SUPPORT_ADAPTED_TYPES`` is ``TRUE``.
"""
import os
import re

from ..core.errors import ADAPTED_TYPE_SWITCH, DataJointError

__all__ = ["AttributeAdapter", "ADAPTED_TYPE_SWITCH", "adapted_types_enabled", "get_adapter", "adapters_in"]

_STORED_TYPE = re.compile(r"^\w")


class AttributeAdapter:
    """Base class of adapters: set ``attribute_type`` and write ``put`` and ``get``."""

    @property
    def attribute_type(self):
        """The DataJoint type the values are stored as, e.g. ``"longblob"`` or ``"blob@store"``."""
        raise NotImplementedError("Undefined attribute adapter")

    def get(self, value):
        """The object of the adapted type made from ``value`` as fetched from the table."""
        raise NotImplementedError("Undefined attribute adapter")

    def put(self, obj):
        """The value to store for ``obj``, an object of the adapted type."""
        raise NotImplementedError("Undefined attribute adapter")


def adapted_types_enabled():
    """True when the user opted in (``DJ_SUPPORT_ADAPTED_TYPES=TRUE``), as 0.14 requires."""
    return os.getenv(ADAPTED_TYPE_SWITCH, "FALSE").upper() == "TRUE"


def adapters_in(context):
    """The adapters of a namespace (a class's declaration context), by name."""
    return {name: obj for name, obj in (context or {}).items() if isinstance(obj, AttributeAdapter)}


def get_adapter(context, adapter_name):
    """The adapter named ``<adapter_name>`` (or ``adapter_name``) in ``context``, checked."""
    if not adapted_types_enabled():
        raise DataJointError("Support for Adapted Attribute types is disabled.")
    name = adapter_name.strip().lstrip("<").rstrip(">")
    adapter = (context or {}).get(name)
    if adapter is None:
        raise DataJointError(f"Attribute adapter '{name}' is not defined.")
    if not isinstance(adapter, AttributeAdapter):
        raise DataJointError(f"Attribute adapter '{name}' must be an instance of datajoint.AttributeAdapter")
    stored = adapter.attribute_type
    if not isinstance(stored, str) or not _STORED_TYPE.match(stored):
        raise DataJointError(f"Invalid attribute type {stored!r} in attribute adapter '{name}'")
    return adapter

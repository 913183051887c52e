"""The import path `datajoint_interop.utils` of DataJoint 0.14: its naming helpers, which live in schema/naming.py."""
from .schema.naming import from_camel_case, to_camel_case  # noqa: F401

"""Class names <-> table names, and the tier a table name encodes (schema-conventions §2).

The tier of a table is not stored anywhere but in the prefix of its name, so this mapping is what
lets Python classes, MATLAB classes and virtual modules agree on which table is which.
"""
import re

from ..core.dependencies import extract_master
from ..core.errors import DataJointError

TIER_PREFIXES = {"manual": "", "lookup": "#", "imported": "_", "computed": "__"}
_CLASS_NAME = re.compile(r"^[A-Z][A-Za-z0-9]*$")
_BASE = r"[a-z][a-z0-9]*(?:_[a-z][a-z0-9]*)*"
# strict patterns (DataJoint 0.14) first, then the looser MATLAB ones ([a-z][a-z0-9_]*)
_TIER_PATTERNS = [
    ("part", re.compile(rf"^(?P<master>(?:#|__|_)?{_BASE})__(?P<part>{_BASE})$")),
    ("lookup", re.compile(rf"^#{_BASE}$")),
    ("computed", re.compile(rf"^__{_BASE}$")),
    ("imported", re.compile(rf"^_{_BASE}$")),
    ("manual", re.compile(rf"^{_BASE}$")),
    ("lookup", re.compile(r"^#[a-z][a-z0-9_]*$")),
    ("computed", re.compile(r"^__[a-z][a-z0-9_]*$")),
    ("imported", re.compile(r"^_[a-z][a-z0-9_]*$")),
    ("manual", re.compile(r"^[a-z][a-z0-9_]*$")),
]
MAX_TABLE_NAME = 64


def is_camel_case(name):
    """True for a valid table class name: an uppercase letter, then letters and digits."""
    return isinstance(name, str) and bool(_CLASS_NAME.match(name))


def check_class_name(name):
    if not is_camel_case(name):
        raise DataJointError(f"Invalid table class name {name!r}: ClassName must be alphanumeric in CamelCase, "
                             "begin with a capital letter (e.g. TwoPhotonScan)")


def from_camel_case(name):
    """``TwoPhotonScan`` -> ``two_photon_scan``; ``CamelCaseName2D`` -> ``camel_case_name2_d``."""
    check_class_name(name)
    return re.sub(r"[A-Z]", lambda m: "_" + m.group(0).lower(), name).lstrip("_")


def to_camel_case(name):
    """``two_photon_scan`` -> ``TwoPhotonScan`` (tier prefix removed; not always the inverse)."""
    name = name.lstrip("#_~")
    return re.sub(r"(?:^|[\W_]+)([a-zA-Z0-9])", lambda m: m.group(1).upper(), name)


def table_name(class_name, tier, master_table=None):
    """SQL table name of a class of the given tier; parts hang off their master's table name."""
    base = from_camel_case(class_name)
    if tier == "part":
        if master_table is None:
            raise DataJointError(f"Part table {class_name} has no master")
        name = f"{master_table}__{base}"
    elif tier in TIER_PREFIXES:
        name = TIER_PREFIXES[tier] + base
    else:
        raise DataJointError(f"Unknown tier {tier!r}")
    if len(name) > MAX_TABLE_NAME:
        raise DataJointError(f"Table name {name!r} of class {class_name} exceeds {MAX_TABLE_NAME} characters")
    return name


def parse_table_name(name):
    """Return (tier, master_table or None) for a user table name, or (None, None) for others."""
    for tier, pattern in _TIER_PATTERNS:
        match = pattern.match(name)
        if match:
            return tier, (match.group("master") if tier == "part" else None)
    return None, None


def get_master(full_table_name):
    """The master's full table name (`` `db`.`master` ``) of a part table's full name, else ``""`` (0.14's ``utils.get_master``)."""
    return extract_master(full_table_name) or ""


def class_name_of(table):
    """Class name for a table name: the part name for part tables, else the camel-cased name."""
    tier, master = parse_table_name(table)
    if tier == "part":
        return to_camel_case(table[len(master) + 2:])
    return to_camel_case(table)


#: the server's own databases: privileges, catalog and instrumentation, never user data
SYSTEM_SCHEMAS = frozenset({"mysql", "information_schema", "performance_schema", "sys"})


def is_system_schema(name):
    """Whether `name` is one of the server's own databases. Compared case-insensitively because a
    server with lower_case_table_names (or a case-insensitive file system) treats `MySQL` as `mysql`."""
    return isinstance(name, str) and name.strip().lower() in SYSTEM_SCHEMAS

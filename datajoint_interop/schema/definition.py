"""Table definitions, parsed from either language into one model.

A Python ``definition`` string and the comment block of a MATLAB classdef file describe the same
thing with slightly different grammars (schema-conventions §6). Both are parsed here into a
:class:`TableModel`, which knows nothing about the language it came from except where references
must be resolved differently. :mod:`declare` turns a model into SQL, so both languages end up with
byte-identical tables.

Parsing is purely syntactic: nothing here touches the database, and references (``-> Parent``)
are kept as text for the declaring side to resolve.
"""
import ast
import re
from dataclasses import dataclass, field
from typing import List, Optional

from ..core.errors import DefinitionError

PYTHON = "python"
MATLAB = "matlab"
TIERS = ("manual", "lookup", "imported", "computed", "part")

_NAME = r"[a-z][a-z0-9_]*"
_DIVIDER = re.compile(r"^(-{3,}|_{3,})\s*(#.*)?$")
_INDEX = re.compile(r"^(?P<unique>unique\s+)?index\s*\((?P<args>[^()]*)\)\s*(#.*)?$", re.I)
_INDEX_LIKE = re.compile(r"^(unique\s+)?index\b\s*[^\s:=]", re.I)
_LEGACY_HEADER = re.compile(
    r"^(?P<cls>[A-Za-z]\w*(\.[A-Za-z]\w*)+)\s*\(\s*(?P<tier>\w+)\s*\)\s*(#\s*(?P<comment>.*))?$"
)
_FK = re.compile(
    r"^(\(\s*(?P<new>[^()]*)\)\s*)?->\s*(\[(?P<options>[^\]]*)\])?\s*(?P<ref>.*)$"
)
_MATLAB_REF = re.compile(
    r"^(?P<cls>[A-Za-z]\w*(\.[A-Za-z]\w*)+)\s*(\(\s*(?P<old>[^()]*)\))?$"
)
_FK_OPTIONS = ("nullable", "unique")


@dataclass
class AttributeDef:
    """One declared column. ``default`` is the text as written (None: no default)."""

    name: str
    type: str
    default: Optional[str] = None
    comment: str = ""
    in_key: bool = False
    line_no: int = 0
    line: str = ""

    @property
    def nullable(self):
        return self.default is not None and self.default.strip().lower() == "null"


@dataclass
class ForeignKeyDef:
    """A ``->`` line. Renames come from ``.proj(new='old')`` (Python) or ``(new) -> P(old)``."""

    ref: str
    renames: dict = field(default_factory=dict)  # new name -> parent name (Python .proj form)
    new_names: List[str] = field(default_factory=list)  # MATLAB "(new, ...) ->"
    old_names: List[str] = field(default_factory=list)  # MATLAB "-> pkg.P(old, ...)"
    nullable: bool = False
    unique: bool = False
    in_key: bool = False
    line_no: int = 0
    line: str = ""


@dataclass
class IndexDef:
    attributes: List[str]
    unique: bool = False
    line_no: int = 0
    line: str = ""


@dataclass
class TableModel:
    """Everything a definition says, in declaration order, independent of its language."""

    comment: str = ""
    items: list = field(default_factory=list)  # AttributeDef | ForeignKeyDef, in line order
    indexes: List[IndexDef] = field(default_factory=list)
    language: str = PYTHON
    tier: Optional[str] = None  # from a legacy MATLAB header "pkg.Class (tier)"
    header_class: Optional[str] = None  # "pkg.Class" of that header

    @property
    def attributes(self):
        return [item for item in self.items if isinstance(item, AttributeDef)]

    @property
    def foreign_keys(self):
        return [item for item in self.items if isinstance(item, ForeignKeyDef)]


def _error(line_no, line, expected):
    return DefinitionError(f"Definition syntax error in line {line_no}: {line!r}: expected {expected}")


def _split_outside_quotes(text, separator):
    """Return (before, after) at the first ``separator`` that is not inside quotes, else (text, None)."""
    quote = None
    i = 0
    while i < len(text):
        char = text[i]
        if quote:
            if char == "\\":
                i += 2
                continue
            if char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif char == separator:
            return text[:i], text[i + 1:]
        i += 1
    return text, None


def logical_lines(text, language=PYTHON, first_line_no=1):
    """Yield (line_no, stripped_line), joining continuation lines.

    A line ending in ``\\`` continues on the next one (both languages, joined by one space); MATLAB
    also continues lines ending in ``...``. Python 0.14 rejects ``\\`` outright; accepting it costs
    nothing and lets one definition text serve both languages.
    """
    pending, start = None, None
    for offset, raw in enumerate(text.splitlines()):
        line = raw.strip()
        number = first_line_no + offset
        if pending is not None:
            line = pending + " " + line if line else pending
            number = start
        marker = None
        if line.endswith("\\"):
            marker = "\\"
        elif language == MATLAB and line.endswith("..."):
            marker = "..."
        if marker:
            pending, start = line[: -len(marker)].rstrip(), number
            continue
        pending = None
        yield number, line
    if pending is not None:
        yield start, pending


def parse_definition(text, language=PYTHON, first_line_no=1):
    """Parse a definition (Python string or the body of a MATLAB ``%{ %}`` block) into a TableModel."""
    if not isinstance(text, str):
        raise DefinitionError(f"A table definition must be a string, not {type(text).__name__}")
    model = TableModel(language=language)
    in_key = True
    first = True
    names = set()
    for line_no, line in logical_lines(text, language, first_line_no):
        if not line:
            continue
        if first:
            first = False
            header = _LEGACY_HEADER.match(line)
            if header:
                tier = header.group("tier").lower()
                if tier not in TIERS:
                    raise _error(line_no, line, f"a tier among {', '.join(TIERS)} in the header")
                model.tier, model.header_class = tier, header.group("cls")
                model.comment = _table_comment(header.group("comment") or "", line_no, line)
                continue
            if line.startswith("#"):
                model.comment = _table_comment(line[1:], line_no, line)
                continue
        if line.startswith("#"):
            continue
        if _DIVIDER.match(line):
            in_key = False  # a second divider changes nothing, as in both originals
        elif "->" in line and _is_foreign_key(line):
            model.items.append(_parse_foreign_key(line, line_no, in_key, language))
        elif _INDEX_LIKE.match(line) and ":" not in _split_outside_quotes(line, "#")[0]:
            model.indexes.append(_parse_index(line, line_no))
        else:
            attr = _parse_attribute(line, line_no, in_key)
            if attr.name in names:
                raise _error(line_no, line, f"a new attribute name ({attr.name!r} is declared twice)")
            names.add(attr.name)
            model.items.append(attr)
    return model


def _table_comment(text, line_no, line):
    comment = text.strip()
    if comment.startswith(":"):
        raise _error(line_no, line, "a table comment that does not start with ':'")
    return comment


def _is_foreign_key(line):
    """A ``->`` counts only when no quote or comment precedes it."""
    head = line[: line.index("->")]
    return not any(char in head for char in "\"'#")


def _names(text, line_no, line, what):
    names = [name.strip() for name in text.split(",")] if text.strip() else []
    for name in names:
        if not re.fullmatch(_NAME, name):
            raise _error(line_no, line, f"{what} as lowercase attribute names, found {name!r}")
    return names


def _parse_foreign_key(line, line_no, in_key, language):
    text = _split_outside_quotes(line, "#")[0].strip()
    match = _FK.match(text)
    if not match:
        raise _error(line_no, line, "a foreign key '-> [options] Parent'")
    fk = ForeignKeyDef(ref="", in_key=in_key, line_no=line_no, line=line)
    for option in (match.group("options") or "").split(","):
        option = option.strip().lower()
        if not option:
            continue
        if option not in _FK_OPTIONS:
            raise _error(line_no, line, f"foreign key options among {_FK_OPTIONS}, found {option!r}")
        setattr(fk, option, True)
    if fk.nullable and in_key:
        raise _error(line_no, line, "[nullable] only below the divider: primary-key references cannot be nullable")
    if match.group("new") is not None:
        fk.new_names = _names(match.group("new"), line_no, line, "renamed attributes")
        if not fk.new_names:
            raise _error(line_no, line, "at least one name inside '( ) ->'")
    ref = match.group("ref").strip()
    if not ref:
        raise _error(line_no, line, "a referenced table after '->'")
    if language == MATLAB:
        ref_match = _MATLAB_REF.match(ref)
        if not ref_match:
            raise _error(line_no, line, "a reference of the form package.ClassName[(attr, ...)]")
        fk.ref = ref_match.group("cls")
        if ref_match.group("old") is not None:
            fk.old_names = _names(ref_match.group("old"), line_no, line, "referenced attributes")
    else:
        fk.ref, fk.renames, fk.old_names = _parse_python_reference(ref, line_no, line)
    if fk.new_names and fk.renames:
        raise _error(line_no, line, "either '(new) -> Parent(old)' or '.proj(new=\"old\")', not both")
    if fk.old_names and not fk.new_names:
        raise _error(line_no, line, "the new names before '->' for the referenced attributes: (new) -> Parent(old)")
    if fk.old_names and len(fk.old_names) != len(fk.new_names):
        raise _error(line_no, line, "as many new names before '->' as referenced names after it")
    return fk


def _parse_python_reference(ref, line_no, line):
    """Split ``Expr.proj(new='old', ...)`` into ("Expr", {new: old}, []); check Expr is a plain name path.

    The MATLAB form ``Expr(old, ...)`` (with ``(new, ...) ->`` before the arrow) gives ("Expr", {}, [old]).
    """
    try:
        node = ast.parse(ref, mode="eval").body
    except SyntaxError:
        raise _error(line_no, line, "a Python reference such as Parent or Parent.proj(new='old')") from None
    renames = {}
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "proj":
        for arg in node.args:
            if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                raise _error(line_no, line, "only attribute renames new='old' inside .proj() of a reference")
        for keyword in node.keywords:
            value = keyword.value
            if keyword.arg is None or not (isinstance(value, ast.Constant) and isinstance(value.value, str)):
                raise _error(line_no, line, "renames of the form new='old' inside .proj()")
            if not re.fullmatch(_NAME, keyword.arg) or not re.fullmatch(_NAME, value.value.strip()):
                raise _error(line_no, line, "lowercase attribute names in .proj(new='old')")
            renames[keyword.arg] = value.value.strip()
        node = node.func.value
    old_names = []
    if isinstance(node, ast.Call) and not node.keywords and all(isinstance(a, ast.Name) for a in node.args):
        old_names = [arg.id for arg in node.args]  # Parent() is the same table as Parent
        for name in old_names:
            if not re.fullmatch(_NAME, name):
                raise _error(line_no, line, f"lowercase attribute names in Parent(old, ...), found {name!r}")
        node = node.func
    path = []
    while isinstance(node, ast.Attribute):
        path.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        raise _error(line_no, line, "a table class, an instance, or .proj() of one (no restrictions or joins)")
    path.append(node.id)
    if renames and old_names:
        raise _error(line_no, line, "either Parent(old) or Parent.proj(new='old'), not both")
    return ".".join(reversed(path)), renames, old_names


def _parse_index(line, line_no):
    match = _INDEX.match(line)
    if not match:
        raise _error(line_no, line, "an index 'index(attr, ...)' or 'unique index(attr, ...)'")
    attributes = _names(match.group("args"), line_no, line, "indexed attributes")
    if not attributes:
        raise _error(line_no, line, "at least one attribute inside index( )")
    return IndexDef(attributes=attributes, unique=bool(match.group("unique")), line_no=line_no, line=line)


def _parse_attribute(line, line_no, in_key):
    body, comment = _split_outside_quotes(line, "#")
    name_match = re.match(r"^([A-Za-z_]\w*)\s*(?=[=:])", body)
    if not name_match:
        raise _error(line_no, line, "an attribute 'name [= default] : type [# comment]', a foreign key '->', "
                     "an index, or the divider '---'")
    name = name_match.group(1)
    if not re.fullmatch(_NAME, name):
        raise _error(line_no, line, f"an attribute name of lowercase letters, digits and '_', found {name!r}")
    rest = body[name_match.end():]
    default = None
    if rest.startswith("="):
        default, type_text = _split_outside_quotes(rest[1:], ":")
        default = default.strip()
        if type_text is None:
            raise _error(line_no, line, "':' followed by the attribute type")
        if not default:
            raise _error(line_no, line, "a default value after '='")
    else:
        type_text = rest[1:]
    type_text = type_text.strip()
    if not type_text:
        raise _error(line_no, line, "an attribute type after ':'")
    comment = (comment or "").strip().rstrip("#").strip()
    if comment.startswith(":"):
        raise _error(line_no, line, "an attribute comment that does not start with ':'")
    attr = AttributeDef(name=name, type=type_text, default=default, comment=comment, in_key=in_key,
                        line_no=line_no, line=line)
    if attr.nullable and in_key:
        raise _error(line_no, line, "no '= null' in the primary key: key attributes cannot be nullable")
    return attr


def format_definition(model, language=PYTHON, name_of=None):
    """Render a TableModel as definition text in either language's syntax.

    ``name_of(ref)`` turns a foreign key's ``ref`` into the reference text (a class name for
    Python, ``pkg.Class`` for MATLAB); without it the ref is written as it is.
    """
    lines = [f"# {model.comment}"] if model.comment else []
    in_key = True
    for item in model.items:
        if in_key and not item.in_key:
            lines.append("---")
            in_key = False
        if isinstance(item, AttributeDef):
            default = "" if item.default is None else f" = {item.default}"
            comment = f"  # {item.comment}" if item.comment else ""
            lines.append(f"{item.name}{default} : {item.type}{comment}")
            continue
        ref = name_of(item.ref) if name_of else item.ref
        options = [option for option in _FK_OPTIONS if getattr(item, option)]
        options = f"[{', '.join(options)}] " if options else ""
        if item.renames and language == MATLAB:
            lines.append(f"({', '.join(item.renames)}) -> {options}{ref}({', '.join(item.renames.values())})")
        elif item.renames:
            renames = ", ".join(f"{new}='{old}'" for new, old in item.renames.items())
            lines.append(f"-> {options}{ref}.proj({renames})")
        else:
            lines.append(f"-> {options}{ref}")
    for index in model.indexes:
        lines.append(f"{'unique ' if index.unique else ''}index({', '.join(index.attributes)})")
    return "\n".join(lines) + "\n"


# --- MATLAB classdef files ---------------------------------------------------------------------------
_BLOCKS = {"%{": "%}", "%<": "%>"}


@dataclass
class MatlabClass:
    """What a MATLAB classdef file tells us: name, tier, master (parts) and the definition."""

    name: str
    package: Optional[str]
    tier: Optional[str]
    model: TableModel
    master: Optional[str] = None  # "pkg.Master" for dj.Part classes
    path: Optional[str] = None
    contents: Optional[list] = None  # rows of a Lookup's contents property

    @property
    def qualified_name(self):
        return f"{self.package}.{self.name}" if self.package else self.name


def extract_matlab_definition(source):
    """Return (text, first_line_no) of the first ``%{ ... %}`` (or ``%< ... %>``) block, or (None, 0)."""
    lines = source.splitlines()
    for i, line in enumerate(lines):
        opener = line.strip()
        if opener in _BLOCKS:
            closer = _BLOCKS[opener]
            for j in range(i + 1, len(lines)):
                if lines[j].strip() == closer:
                    return "\n".join(lines[i + 1:j]), i + 2
            raise DefinitionError(f"The definition block opened by {opener!r} on line {i + 1} is never closed "
                                  f"by {closer!r}")
    return None, 0


_CLASSDEF = re.compile(r"^\s*classdef\s*(\([^)]*\)\s*)?(?P<name>[A-Za-z]\w*)\s*(<\s*(?P<supers>[^%\n]*))?", re.M)
_MASTER = re.compile(r"^\s*master\s*=\s*(?P<master>[A-Za-z]\w*(\.[A-Za-z]\w*)+)", re.M)


def parse_matlab_class(source, package=None, path=None):
    """Parse a MATLAB classdef file. Returns a MatlabClass, or None when it is not a table class."""
    text, first_line_no = extract_matlab_definition(source)
    match = _CLASSDEF.search(_strip_matlab_comments(source))
    if not match:
        return None
    supers = [s.strip().lower() for s in (match.group("supers") or "").split("&") if s.strip()]
    tier = next((s[3:] for s in supers if s[3:] in TIERS and s.startswith("dj.")), None)
    if text is None:
        if tier:
            raise DefinitionError(f"{path or match.group('name')}: the {tier} class has no %{{ ... %}} definition block")
        return None
    if not tier and not any(s in ("dj.relvar", "dj.internal.usertable") for s in supers):
        return None
    model = parse_definition(text, MATLAB, first_line_no)
    if model.tier and tier and model.tier != tier:
        raise DefinitionError(f"{path or match.group('name')}: the header says tier {model.tier!r} but the class "
                              f"derives from dj.{tier.capitalize()}")
    tier = tier or model.tier
    if tier is None:
        raise DefinitionError(f"{path or match.group('name')}: cannot tell the tier: derive from dj.Manual, "
                              "dj.Lookup, dj.Imported, dj.Computed or dj.Part, or use a header 'pkg.Class (tier)'")
    name = match.group("name")
    if model.header_class and model.header_class.split(".")[-1] != name:
        raise DefinitionError(f"{path or name}: the header names {model.header_class} but the class is {name}")
    master = None
    if tier == "part":
        found = _MASTER.search(source)
        if not found:
            raise DefinitionError(f"{path or name}: a dj.Part class needs a property 'master = pkg.Master'")
        master = found.group("master")
    contents = parse_matlab_contents(source) if tier == "lookup" else None
    return MatlabClass(name=name, package=package, tier=tier, model=model, master=master, path=path,
                       contents=contents)


def _strip_matlab_comments(source):
    out, skip = [], False
    for line in source.splitlines():
        stripped = line.strip()
        if stripped in _BLOCKS:
            skip = True
            continue
        if skip:
            skip = stripped not in _BLOCKS.values()
            continue
        out.append(line.split("%", 1)[0])
    return "\n".join(out)


_CONTENTS = re.compile(r"^\s*contents\s*=\s*\{", re.M)
_CELL_TOKEN = re.compile(r"""[ \t\r]*(?:(?P<str>'(?:[^']|'')*')|(?P<num>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)
                             |(?P<bool>true|false)|(?P<sep>[,;\n])|(?P<end>\}))""", re.X)


def parse_matlab_contents(source):
    """Rows of a Lookup's ``contents = {...}`` property (numbers, 'strings', true/false), or None.

    MATLAB inserts these rows when it declares the table; reading them lets a Python declaration of
    the same file produce the same table contents.
    """
    code = "\n".join(line if line.strip() in _BLOCKS else _drop_comment(line) for line in source.splitlines())
    match = _CONTENTS.search(code)
    if not match:
        return None
    text = re.sub(r"\.\.\.[^\n]*\n", " ", code[match.end():])  # continuation lines
    rows, row, position = [], [], 0
    while True:
        token = _CELL_TOKEN.match(text, position)
        if not token:
            snippet = text[position:position + 20].strip()
            raise DefinitionError(f"Cannot read Lookup contents near {snippet!r}: only numbers, 'strings' and "
                                  "true/false are supported")
        position = token.end()
        if token.group("str") is not None:
            row.append(token.group("str")[1:-1].replace("''", "'"))
        elif token.group("num") is not None:
            number = token.group("num")
            row.append(float(number) if re.search(r"[.eE]", number) else int(number))
        elif token.group("bool") is not None:
            row.append(token.group("bool") == "true")
        elif token.group("sep") in (";", "\n"):
            if row:
                rows.append(tuple(row))
            row = []
        elif token.group("end"):
            if row:
                rows.append(tuple(row))
            return rows


def _drop_comment(line):
    """A MATLAB code line without its % comment (a % inside a 'string' is kept)."""
    quote = False
    for i, char in enumerate(line):
        if char == "'":
            quote = not quote
        elif char == "%" and not quote:
            return line[:i]
    return line

"""No Octave-only syntax in the MATLAB toolbox: it must also parse and run under MATLAB R2019b+.

Octave accepts a superset of MATLAB's language; code written and tested only under Octave easily
slips into Octave-only forms (``#`` comments, ``!``/``!=``, ``++``/``+=``, ``endif``-style block
ends, double-quoted strings with escapes, ``printf``/``puts``). Each file is tokenized the way
MATLAB reads it, so that a ``#`` inside a quoted SQL string or a ``%{ ... %}`` table definition,
a ``!`` in a comment, and ``'`` used as transpose versus as a quote are told apart.
"""
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent / "matlab"

# the toolbox itself, the folders it adds at start, the build script, the examples and the tests
CHECKED = sorted(
    [*ROOT.glob("+dj/**/*.m"), *ROOT.glob("builtin-names/**/*.m"), *ROOT.glob("matlab-only/**/*.m"),
     *ROOT.glob("*.m"), *ROOT.glob("examples/**/*.m"), *ROOT.glob("tests/**/*.m")])

OCTAVE_BLOCK_ENDS = {
    "endfunction", "endif", "endwhile", "endfor", "endparfor", "endswitch", "end_try_catch",
    "end_unwind_protect", "unwind_protect", "unwind_protect_cleanup", "endclassdef", "endmethods",
    "endproperties", "endevents", "endenumeration", "do", "until",
}
OCTAVE_FUNCTIONS = {"printf", "puts", "fputs", "fdisp"}
OCTAVE_OPERATORS = {"!=": "'!=' (write ~=)", "!": "'!' (write ~)", "++": "'++'", "--": "'--'",
                    "+=": "'+=' (write x = x + ...)", "-=": "'-='", "*=": "'*='", "/=": "'/='",
                    "^=": "'^='", "**": "'**' (write ^)"}

_IDENT = re.compile(r"[A-Za-z_]\w*")
_NUMBER = re.compile(r"(?:\d+\.?\d*|\.\d+)(?:[eEdD][+-]?\d+)?[ij]?")


def octave_only(text):
    """``[(line, what)]``: every Octave-only form in MATLAB source ``text``."""
    found = []
    lines = text.split("\n")
    in_block = 0  # nesting depth of %{ ... %} block comments
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if stripped in ("%{", "#{"):  # a line holding only %{ opens a block comment, as in MATLAB
            if stripped == "#{":
                found.append((number, "'#{' block comment (write %{)"))
            in_block += 1
            continue
        if in_block:
            if stripped in ("%}", "#}"):
                if stripped == "#}":
                    found.append((number, "'#}' block comment end (write %})"))
                in_block -= 1
            continue
        found.extend((number, what) for what in _scan_line(line))
    return found


def _scan_line(line):
    """The Octave-only forms in one line of code (no block comment)."""
    out = []
    i, n = 0, len(line)
    prev = ""  # the previous token: "value" (may be transposed), "op", "space" or "command"
    brackets = 0  # inside [] or {} whitespace separates elements, so "a '" starts a string
    first = True  # the next token begins a statement (command syntax: disp 'text')
    while i < n:
        c = line[i]
        if c == "%":
            break  # comment to the end of the line
        if c == "#":
            out.append("'#' comment (write %)")
            break
        if line.startswith("...", i):
            break  # continuation: the rest of the line is a comment
        if c in " \t":
            i += 1
            if brackets and prev == "value":
                prev = "space"
            continue
        if c == "'":
            if prev == "value":  # transpose
                i += 1
                continue
            end = _string_end(line, i, "'")
            if end is None:
                out.append("unterminated ' string")
                break
            i = end
            prev = "value"
            continue
        if c == '"':
            out.append('double-quoted string (write \'...\')')
            end = _string_end(line, i, '"', backslash=True)
            if end is None:
                break
            i = end
            prev = "value"
            continue
        m = _IDENT.match(line, i)
        if m:
            word = m.group()
            command = first and not brackets and m.end() < n and line[m.end()] in " \t"
            first = False
            if word in OCTAVE_BLOCK_ENDS:
                out.append(f"Octave keyword {word!r} (write end / try-catch)")
            elif word in OCTAVE_FUNCTIONS and not _is_field(line, i):
                out.append(f"Octave function {word!r} (write fprintf/disp)")
            i = m.end()
            prev = "command" if command else "value"
            continue
        first = False if c not in ",;" else first
        m = _NUMBER.match(line, i)
        if m and (c.isdigit() or (c == "." and i + 1 < n and line[i + 1].isdigit())):
            i = m.end()
            prev = "value"
            continue
        two = line[i:i + 2]
        if two in ("!=", "++", "--", "+=", "-=", "*=", "/=", "^=", "**"):
            out.append(f"Octave operator {OCTAVE_OPERATORS[two]}")
            i += 2
            prev = "op"
            continue
        if c == "!":
            out.append(f"Octave operator {OCTAVE_OPERATORS['!']}")
            i += 1
            prev = "op"
            continue
        if two in (".'", ):
            i += 2
            prev = "value"
            continue
        if c in ")]}":
            brackets = max(0, brackets - (c in "]}"))
            i += 1
            prev = "value"
            continue
        if c in "[{":
            brackets += 1
        if c in ",;" and not brackets:
            first = True
        i += 1
        prev = "op"
    return out


def _is_field(line, i):
    return i > 0 and line[i - 1] == "."


def _string_end(line, start, quote, backslash=False):
    """Index just past the string opened at ``start`` (a doubled quote stays inside it)."""
    i = start + 1
    while i < len(line):
        if backslash and line[i] == "\\":
            i += 2
            continue
        if line[i] == quote:
            if i + 1 < len(line) and line[i + 1] == quote:
                i += 2
                continue
            return i + 1
        i += 1
    return None


# ---------------------------------------------------------------- the tokenizer itself
@pytest.mark.parametrize("source", [
    "x = a';", "y = a'' + b';", "s = 'it''s # not a comment';", "z = x.';", "w = {a', 'b'};",
    "q = [a' b'];", "if a ~= b, end", "% comment with # and ! and \"quotes\"",
    "%{\n# a table definition\nid : int  # comment\n%}\nx = 1;", "s = sprintf('%d!', 3);",
    "c = 'SELECT \"{S}\" FROM `t` # x';", "fprintf('a') % printf", "x = s.printf;",
    "a = b ... # continuation comment\n + c;", "v = 1e-3 + .5' - 2i;", "y = -(-x);", "z = [1 -2];",
    "disp 'No? #1'", "fprintf 'optimizing ...'", "x = 1; disp 'a # b'", "case 'x#y'",
])
def test_matlab_forms_pass(source):
    assert octave_only(source) == []


@pytest.mark.parametrize("source, what", [
    ("x = 1; # comment", "'#' comment"), ("if !ok, end", "'!'"), ("if a != b, end", "'!='"),
    ("i++;", "'++'"), ("n += 1;", "'+='"), ("n -= 1;", "'-='"), ("y = x ** 2;", "'**'"),
    ("s = \"text\\n\";", "double-quoted"), ("endif", "endif"), ("endfunction", "endfunction"),
    ("end_try_catch", "end_try_catch"), ("endwhile", "endwhile"), ("printf('x');", "printf"),
    ("puts('x');", "puts"), ("#{\ncomment\n#}", "'#{'"), ("x = a' # c", "'#' comment"),
    ("y = {a 'b' # c}", "'#' comment"),
])
def test_octave_forms_found(source, what):
    found = octave_only(source)
    assert found and what in found[0][1], found


# ---------------------------------------------------------------- the toolbox
def test_files_are_checked():
    names = {p.relative_to(ROOT).as_posix() for p in CHECKED}
    assert "+dj/conn.m" in names and "build_mex.m" in names and "+dj/+internal/Table.m" in names
    assert len(CHECKED) > 100


@pytest.mark.parametrize("path", CHECKED, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_octave_only_syntax(path):
    found = octave_only(path.read_text(encoding="utf-8"))
    assert not found, "\n".join(f"{path.relative_to(ROOT)}:{line}: {what}" for line, what in found)

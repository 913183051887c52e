"""Schema patterns as written in ``GRANT ... ON `pattern`.*`` and what they reach.

In the database part of a grant, MySQL and MariaDB read ``%`` as any text, ``_`` as any one
character, and a backslash as "the next character is literal" (``lab\\_%`` is every schema whose
name starts with ``lab_``; a trailing backslash is itself literal). The server applies these rules
whenever it authorizes a statement, so every decision about what a pattern may reach (system
schemas, what an administrator may pass on) must use exactly the same rules.

A pattern is run as a small automaton over positions in the pattern: matching costs
len(name) x len(pattern) steps at most (no regular-expression backtracking, which is exponential
for patterns such as ``%a%a%a%b``), and the same automaton answers whether one pattern covers
another.
"""
from ..core.errors import DataJointError


class _Wildcard:
    """A wildcard token; compared by identity, never equal to a character."""

    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return self.text


ANY_ONE = _Wildcard("_")
ANY_TEXT = _Wildcard("%")
#: stands for every character that is not a literal of the patterns being compared
_OTHER = _Wildcard("<other>")
#: pairs of automaton states explored by `covers` before giving up (patterns such as
#: '%a____________' have exponentially many); ample for patterns people write
MAX_STATES = 4000


def _fold(ch, fold_case):
    return ch.lower() if fold_case else ch


def tokens(pattern, fold_case=False):
    """The pattern as a tuple of literal characters and the wildcards ANY_ONE and ANY_TEXT."""
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            i += 1
            out.append(_fold(pattern[i], fold_case))
        elif ch == "%":
            out.append(ANY_TEXT)
        elif ch == "_":
            out.append(ANY_ONE)
        else:
            out.append(_fold(ch, fold_case))
        i += 1
    return tuple(out)


def _closure(toks, states):
    """States reachable without reading a character: a '%' may match nothing."""
    result, stack = set(), list(states)
    while stack:
        i = stack.pop()
        if i not in result:
            result.add(i)
            if i < len(toks) and toks[i] is ANY_TEXT:
                stack.append(i + 1)
    return frozenset(result)


def _step(toks, states, ch):
    """States after reading one character."""
    following = set()
    for i in states:
        if i < len(toks):
            token = toks[i]
            if token is ANY_TEXT:
                following.add(i)
            elif token is ANY_ONE or token == ch:
                following.add(i + 1)
    return _closure(toks, following)


def matches(pattern, name, *, fold_case=False):
    """Whether the grant pattern reaches the schema `name` (optionally ignoring letter case)."""
    toks = tokens(pattern, fold_case)
    states = _closure(toks, {0})
    for ch in name:
        states = _step(toks, states, _fold(ch, fold_case))
        if not states:
            return False
    return len(toks) in states


def covers(outer, inner, *, fold_case=False):
    """Whether every schema name that `inner` matches is also matched by `outer`.

    Searches for a counterexample: a name `inner` accepts and `outer` rejects. A search state is
    one position in `inner` (any accepting path will do) and the set of positions `outer` may be
    in (all of them must reject); characters are the patterns' literals plus one stand-in for
    every other character (which both patterns treat alike). Raises DataJointError when `outer`
    is too intricate to decide within MAX_STATES states, so that a caller never guesses.
    """
    out_toks, in_toks = tokens(outer, fold_case), tokens(inner, fold_case)
    alphabet = {t for t in out_toks + in_toks if isinstance(t, str)} | {_OTHER}
    start = (0, _closure(out_toks, {0}))
    seen, todo = {start}, [start]
    while todo:
        position, out_states = todo.pop()
        if position == len(in_toks):
            if len(out_toks) not in out_states:
                return False
            continue
        token = in_toks[position]
        moves = [(position + 1, out_states)] if token is ANY_TEXT else []  # '%' matching nothing
        for ch in alphabet:
            if token is ANY_TEXT:
                moves.append((position, _step(out_toks, out_states, ch)))
            elif token is ANY_ONE or token == ch:
                moves.append((position + 1, _step(out_toks, out_states, ch)))
        for state in moves:
            if state not in seen:
                if len(seen) >= MAX_STATES:
                    raise DataJointError(
                        f"Schema pattern {outer!r} is too intricate to decide whether it covers "
                        f"{inner!r}: grant on a pattern with fewer '_' wildcards")
                seen.add(state)
                todo.append(state)
    return True

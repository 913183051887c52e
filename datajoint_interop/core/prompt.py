"""Asking the person at the terminal to choose (confirmations before destructive or config-changing
steps). Lives in core so that every layer asks the same way; ``datajoint_interop.utils.user_choice``
is the same function under 0.14's name."""
from .errors import DataJointError


def user_choice(prompt, choices=("yes", "no"), default=None):
    """Ask until the answer is one of ``choices`` (case-insensitive); an empty answer is ``default``."""
    if default is not None and default not in choices:
        raise DataJointError(f"user_choice: default {default!r} is not one of {list(choices)}")
    shown = ", ".join(c.title() if c == default else c for c in choices)
    response = None
    while response not in choices:
        response = input(f"{prompt} [{shown}]: ")
        response = response.strip().lower() if response else default
    return response

"""The marker for text the rules hold as data and people read: names, labels, units.

It lives apart so that every rules module can use it, params.py included, which entry.py itself imports.
"""

from __future__ import annotations


def gettext_noop(message: str) -> str:
    """Marks a name for the translation catalogue (makemessages looks for this name); the rules stay
    free of Django, and the Django side translates the name where it shows it (policy/programs.py,
    policy/parameters.py)."""
    return message

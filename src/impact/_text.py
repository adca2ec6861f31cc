"""Small private text helpers shared across stages."""

from __future__ import annotations

__all__ = ["first_line"]


def first_line(error: object, *, limit: int = 300) -> str:
    """The first non-blank line of an error (or any text), cut to ``limit`` characters; for an
    exception with no message, its type name.

    >>> first_line(ValueError("bad value\\nmore detail"))
    'bad value'
    """
    text = str(error).strip()
    if not text:
        return type(error).__name__ if isinstance(error, BaseException) else ""
    return text.splitlines()[0][:limit]

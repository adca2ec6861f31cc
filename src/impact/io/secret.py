"""Where the pseudonymisation secret comes from (never the secret itself in a message)."""

from __future__ import annotations

import os
from pathlib import Path

from impact import config
from impact.errors import SecretError

__all__ = ["resolve_secret"]


def resolve_secret(
    raw_dir: str | Path, *, secret: str | None = None, secret_file: str | Path | None = None
) -> tuple[str, str]:
    """The pseudonymisation secret and where it came from.

    Order: ``secret`` argument, ``secret_file``, the ``IMPACT_SECRET`` environment
    variable; the documented demo secret only for a synthetic sample folder (one
    holding ``SYNTHETIC_SAMPLE.txt``). Otherwise :class:`~impact.errors.SecretError`.
    """
    if secret:
        return secret, "argument"
    if secret_file is not None:
        try:
            text = Path(secret_file).read_text().strip()
        except OSError as e:
            raise SecretError(f"{secret_file}: secret file cannot be read ({e.strerror})") from None
        if not text:
            raise SecretError(f"{secret_file}: secret file is empty")
        return text, "secret file"
    env = os.environ.get(config.SECRET_ENV, "").strip()
    if env:
        return env, f"${config.SECRET_ENV}"
    if (Path(raw_dir) / config.SAMPLE_MARKER).is_file():
        return config.DEMO_SECRET, "demo secret (synthetic sample)"
    raise SecretError(
        f"no pseudonymisation secret: set {config.SECRET_ENV} or pass --secret-file "
        "(keep it outside the data folder; the same secret gives the same pseudonyms)"
    )

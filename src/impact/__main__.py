"""``python -m impact`` is the same as the ``impact`` command."""

from impact.cli import main

__all__: list[str] = []

raise SystemExit(main())

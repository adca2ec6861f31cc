"""``python -m impact`` is the same as the ``impact`` command."""

from impact.cli import main

raise SystemExit(main())

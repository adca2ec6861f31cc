"""Quality checks of outputs: personal data (:mod:`~impact.qa.pii`) and rendered reports in a
browser (:mod:`~impact.qa.browser`)."""

from __future__ import annotations

__all__: list[str] = []

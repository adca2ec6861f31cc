"""What a run of reports produced (shared by the runner and the index page)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from impact.config import ReportParams

__all__ = ["RunSummary"]


@dataclass
class RunSummary:
    """What a run produced: reports that worked, those that failed (with partial notebooks), timings."""

    ok: list[ReportParams] = field(default_factory=list)
    #: (spec, message, partial notebook path or None)
    failed: list[tuple[ReportParams, str, Path | None]] = field(default_factory=list)
    seconds: float = 0.0
    #: slug -> wall seconds for the whole report (execute + HTML + PDF)
    report_seconds: dict[str, float] = field(default_factory=dict)
    #: slug -> {"execute": s, "html": s, "pdf": s}
    timings: dict[str, dict[str, float]] = field(default_factory=dict)
    annexes: list[Path] = field(default_factory=list)
    annex_errors: list[str] = field(default_factory=list)
    #: notices for the user (e.g. PDF skipped)
    messages: list[str] = field(default_factory=list)
    stamp: dict[str, Any] = field(default_factory=dict)
    #: cohort code → display name (from the programme configuration), for the index page
    cohort_names: dict[str, str] = field(default_factory=dict)
    index: Path | None = None

    @property
    def exit_code(self) -> int:
        return 1 if self.failed or self.annex_errors else 0

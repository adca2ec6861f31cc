"""What the command line prints around a cleaning run: the progress bar while sales exports are
parsed, the per-file audit table, and the rows/s note. Text only; the commands are in
:mod:`impact.cli`."""

from __future__ import annotations

import sys
import time

__all__ = ["SPEED_AFTER_SECONDS", "ProgressBar", "format_audit", "speed_note"]

#: runs longer than this (seconds) report their speed in rows per second
SPEED_AFTER_SECONDS = 5.0


class ProgressBar:
    """A one-line progress bar of the sales exports on a terminal (standard error); nothing otherwise.

    Called as ``bar(rows, done, total)`` while exports are parsed; :meth:`close` clears the line.
    """

    WIDTH = 24

    def __init__(self, stream=None, *, started: float | None = None) -> None:
        self.stream = stream or sys.stderr
        self.on = bool(getattr(self.stream, "isatty", lambda: False)())
        self.started = time.perf_counter() if started is None else started
        self.shown = False

    def __call__(self, rows: int, done: int, total: int) -> None:
        if not self.on or not total:
            return
        filled = round(self.WIDTH * done / total)
        seconds = max(time.perf_counter() - self.started, 1e-9)
        after = "; de-duplicating, linking, writing the tables" if done == total else ""
        line = (
            f"sales exports [{'#' * filled}{'.' * (self.WIDTH - filled)}] {done}/{total}, "
            f"{rows:,} rows, {rows / seconds:,.0f} rows/s{after}"
        )
        self.stream.write("\r\x1b[K" + line)
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False


def speed_note(rows: int, seconds: float) -> str:
    """`` (N rows, R rows/s)`` for runs longer than :data:`SPEED_AFTER_SECONDS`, else nothing."""
    if seconds < SPEED_AFTER_SECONDS or not rows:
        return ""
    return f" ({rows:,} rows read, {rows / seconds:,.0f} rows/s)"


def format_audit(audit: dict) -> str:
    """A plain-text audit summary: one line per raw file, then totals and linkage."""
    lines = [
        f"pseudonymisation secret: {audit['secret_source']}",
        "",
        f"{'file':52} {'read':>8} {'clean':>8} {'quarant.':>8} {'dupl.':>6} {'cells':>6}",
    ]
    rows = [*audit["files"].items(), ("total", audit["totals"])]
    for name, f in rows:
        lines.append(
            f"{name:52} {f['rows_read']:>8,} {f['rows_clean']:>8,} {f['rows_quarantined']:>8,} "
            f"{f['rows_duplicate']:>6,} {f['cells_set_missing']:>6,}"
        )
    ok = all(f["reconciled"] for f in audit["files"].values())
    lines.append(f"every row accounted for (read = clean + quarantined + duplicate): {'yes' if ok else 'NO'}")
    if "cache" in audit:
        c = audit["cache"]
        if c["enabled"]:
            lines.append(
                f"sales exports from the cache: {len(c['from_cache'])}; parsed: {len(c['parsed'])}"
                + (f" ({', '.join(c['parsed'])})" if 0 < len(c["parsed"]) <= 3 else "")
            )
        else:
            lines.append(f"cache not used (--no-cache): {len(c['parsed'])} sales export(s) parsed")
    lk = audit["linkage"]
    lines.append(
        f"participants: {lk['participants_in_survey']}; follow-ups linked: {lk['followups_linked']} "
        f"({lk['followups_linked_by_phone']} by phone); orders linked to participants: {lk['orders_linked']:,} "
        f"of {lk['orders_linked'] + lk['orders_not_in_survey']:,}"
    )
    return "\n".join(lines)

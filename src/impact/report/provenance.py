"""What a report was made from: package version, git commit, input hashes, parameters, time."""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from impact import io
from impact._version import __version__

__all__ = [
    "reproducibility_stamp",
    "stamp_text",
]

# --- provenance ----------------------------------------------------------------------------------


def reproducibility_stamp(processed_dir: Path, parameters: dict[str, Any]) -> dict[str, Any]:
    """What a report was made from: package version, git commit, input hashes, parameters, time.

    ``input_sha256`` comes from ``processed_dir/audit.json`` (written by ``impact clean``);
    ``git_commit`` is the commit of the working tree the command runs in, None outside git.
    """
    audit = io.read_audit(processed_dir)
    return {
        "impact_version": __version__,
        "git_commit": _git_commit(),
        "processed_by": audit.get("impact_version"),
        "input_sha256": dict(audit.get("input_sha256", {})),
        "parameters": dict(parameters),
        "generated_utc": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _git_commit(cwd: Path | None = None) -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=cwd, capture_output=True, text=True, timeout=3, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = out.stdout.strip()
    return commit if re.fullmatch(r"[0-9a-f]{40,64}", commit) else None


def stamp_text(stamp: dict[str, Any]) -> str:
    """The stamp as a short footer text (what the HTML reports end with). Pure."""
    commit = (stamp.get("git_commit") or "")[:12] or "no git commit"
    params = stamp.get("parameters", {})
    shown = ", ".join(f"{k}={v}" for k, v in params.items() if k != "processed_dir")
    hashes = stamp.get("input_sha256", {})
    inputs = "; ".join(f"{name} sha256:{h[:12]}" for name, h in hashes.items()) or "input hashes not recorded"
    return (
        f"Generated {stamp.get('generated_utc')} by impact {stamp.get('impact_version')} ({commit}). "
        f"Parameters: {shown or 'none'}.\nInputs: {inputs}."
    )

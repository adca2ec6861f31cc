"""What a report was made from: package version, git commit, input hashes, parameters, time."""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from impact import io
from impact._version import __version__

__all__ = [
    "for_cohort",
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


def for_cohort(stamp: dict[str, Any], processed_dir: Path, cohort: str) -> dict[str, Any]:
    """``stamp`` with only the inputs a cohort's report is made from: the survey files that hold
    rows of its participants (from the processed folder's lineage), and every other input (sales
    exports, programme.toml, corrections, forms — shared by all cohorts). Without lineage the stamp
    is returned as it is, and so it is for the programme report (every cohort's inputs)."""
    if cohort == "programme":
        return stamp
    processed_dir = Path(processed_dir)
    files: set[str] = set()
    try:
        people = pd.read_parquet(processed_dir / "participants.parquet", columns=["participant_id", "cohort"])
        lineage = pd.read_parquet(processed_dir / io.LINEAGE_DIR / "participants.parquet")
        followups = pd.read_parquet(processed_dir / "followups.parquet", columns=["participant_id"])
        fu_lineage = pd.read_parquet(processed_dir / io.LINEAGE_DIR / "followups.parquet")
    except (OSError, ValueError, KeyError):
        return stamp
    if len(lineage) != len(people) or len(fu_lineage) != len(followups):
        return stamp
    mine = people["cohort"].astype(str).to_numpy() == cohort
    files |= set(lineage["source_file"].astype(str)[mine])
    ids = set(people["participant_id"][mine])
    files |= set(fu_lineage["source_file"].astype(str)[followups["participant_id"].isin(ids).to_numpy()])
    survey = {f for f in files if f.startswith("survey/")}
    inputs = {
        name: h
        for name, h in stamp.get("input_sha256", {}).items()
        if name in files or not (name.startswith("survey/") and name not in survey and _is_data(name))
    }
    return {**stamp, "input_sha256": inputs}


def _is_data(name: str) -> bool:
    """A survey data file (not a form or a note): those belong to one cohort or another."""
    return not name.startswith("survey/forms/") and name.rsplit(".", 1)[-1].lower() in {
        "csv",
        "xlsx",
        "xls",
        "tsv",
        "txt",
        "json",
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


def stamp_text(stamp: dict[str, Any], lang: str = "en") -> str:
    """The stamp as a short footer text in the report's language (what the HTML reports end with). Pure."""
    from impact.publish.i18n import Text

    t = Text(lang)
    commit = (stamp.get("git_commit") or "")[:12] or t.t("stamp_no_commit")
    params = stamp.get("parameters", {})
    shown = ", ".join(f"{k}={v}" for k, v in params.items() if k != "processed_dir")
    hashes = stamp.get("input_sha256", {})
    inputs = "; ".join(f"{name} sha256:{h[:12]}" for name, h in hashes.items()) or t.t("stamp_no_hashes")
    return t.t(
        "stamp",
        time=stamp.get("generated_utc"),
        version=stamp.get("impact_version"),
        commit=commit,
        params=shown or "–",
        inputs=inputs,
    )

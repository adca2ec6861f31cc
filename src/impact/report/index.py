"""``reports/index.html``: every cohort's reports, annexes and failures, offline."""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

from impact import vocab
from impact._version import __version__
from impact.config import AUDIENCES, LANGUAGES
from impact.report.html import INTERNAL_BANNER
from impact.report.manifest import ALL, parse_slug
from impact.report.provenance import reproducibility_stamp
from impact.report.summary import RunSummary

__all__ = [
    "write_index",
]

# --- index ----------------------------------------------------------------------------------------

_INDEX_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; max-width: 60rem;
  margin: 2rem auto; padding: 0 1rem; color: #1d1d1f; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; } h2 { margin-top: 2rem; font-size: 1.25rem; }
.meta { color: #555; font-size: 0.9rem; }
table { border-collapse: collapse; width: 100%; margin-top: 0.5rem; }
th, td { text-align: left; padding: 0.35rem 0.6rem; border-bottom: 1px solid #e3e3e3; vertical-align: top; }
th { font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.04em; color: #666; }
a { color: #0b57d0; } a + a { margin-left: 0.6rem; }
.badge { display: inline-block; padding: 0.05rem 0.5rem; border-radius: 0.8rem; font-size: 0.78rem; }
.public { background: #e6f4ea; color: #137333; } .internal { background: #fce8e6; color: #a50e0e; }
.warn { color: #a50e0e; font-weight: 600; font-size: 0.85rem; }
.failed { background: #fff4f4; } .error { color: #a50e0e; font-size: 0.85rem; white-space: pre-wrap; }
@media print { a { color: inherit; } }
"""


def _index_rows(reports_dir: Path, summary: RunSummary) -> dict[str, dict[str, dict[str, Any]]]:
    """cohort -> slug -> {"files": {kind: relative path}, "failed": message} from disk and the summary."""
    rows: dict[str, dict[str, dict[str, Any]]] = {}
    folders = [p for p in reports_dir.iterdir() if p.is_dir() and not p.name.startswith(".")]
    order = {c: i for i, c in enumerate(summary.cohort_names)}
    for folder in sorted(folders, key=lambda p: (order.get(p.name, len(order)), p.name)):
        for f in sorted(folder.iterdir()):
            stem, _, kind = f.name.partition(".")
            if parse_slug(stem) and f.is_file():
                entry = rows.setdefault(folder.name, {}).setdefault(stem, {"files": {}})
                entry["files"][kind] = f"{folder.name}/{f.name}"
    for spec, message, partial in summary.failed:
        entry = rows.setdefault(spec.cohort, {}).setdefault(spec.slug, {"files": {}})
        entry["failed"] = message
        if partial is not None:
            entry["files"]["failed.ipynb"] = f"{spec.cohort}/{Path(partial).name}"
    return rows


def write_index(reports_dir: Path, summary: RunSummary) -> Path:
    """Write ``reports/index.html``: every cohort's reports (HTML/PDF/notebook), annexes and failures.

    Lists what is on disk (so a single-report run keeps the other reports listed), plus this
    run's failures. Offline: inline CSS, relative links only. Written atomically.
    """
    reports_dir = Path(reports_dir)
    reports_dir.mkdir(parents=True, exist_ok=True)
    esc = html.escape
    stamp = summary.stamp or reproducibility_stamp(reports_dir, {})
    commit = (stamp.get("git_commit") or "")[:12]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>impact reports</title><style>{_INDEX_CSS}</style></head><body>",
        "<h1>Income-recovery reports</h1>",
        f'<p class="meta">Generated {esc(str(stamp.get("generated_utc", "")))} by impact '
        f"{esc(str(stamp.get('impact_version', __version__)))}"
        + (f" (commit {esc(commit)})" if commit else "")
        + f" · {len(summary.ok)} report(s) made, {len(summary.failed)} failed in this run"
        + (f" · {summary.seconds:.0f} s" if summary.seconds else "")
        + "</p>",
    ]
    parts += [f'<p class="warn">{esc(m)}</p>' for m in summary.messages + summary.annex_errors]
    labels = {"html": "HTML", "pdf": "PDF", "ipynb": "notebook", "failed.ipynb": "partial notebook"}
    rows = _index_rows(reports_dir, summary)
    if not rows:
        parts.append("<p>No reports yet.</p>")
    for cohort, reports in rows.items():
        name = summary.cohort_names.get(cohort, cohort)
        parts.append(f"<h2>{esc(name)} <span class='meta'>({esc(cohort)})</span></h2>")
        annexes = (
            sorted((reports_dir / cohort).glob("indicators_*.xlsx"))
            if (reports_dir / cohort).is_dir()
            else []
        )
        if annexes:
            links = " ".join(
                f'<a href="{quote(f"{cohort}/{a.name}")}">{esc(a.stem.removeprefix("indicators_"))} (Excel)</a>'
                for a in annexes
            )
            parts.append(f"<p>Indicator tables: {links}</p>")
        parts.append("<table><tr><th>Report</th><th>Audience</th><th>Language</th><th>Files</th></tr>")
        for slug, entry in sorted(reports.items(), key=lambda kv: _slug_order(kv[0])):
            _, conf, audience, lang = parse_slug(slug) or (cohort, slug, "public", "en")
            conf_name = "All confederations" if conf == ALL else vocab.CONFEDERATIONS.get(conf, conf)
            links = " ".join(
                f'<a href="{quote(path)}">{labels[kind]}</a>'
                for kind in labels
                if (path := entry["files"].get(kind))
            )
            badge = f'<span class="badge {audience}">{esc(audience)}</span>'
            if audience == "internal":
                badge += f'<br><span class="warn">{esc(INTERNAL_BANNER)}</span>'
            failed = entry.get("failed")
            cls = ' class="failed"' if failed else ""
            error = f'<div class="error">FAILED: {esc(failed)}</div>' if failed else ""
            secs = summary.report_seconds.get(slug)
            took = f' <span class="meta">{secs:.1f} s</span>' if secs and not failed else ""
            parts.append(
                f"<tr{cls}><td>{esc(conf_name)}{took}{error}</td><td>{badge}</td>"
                f"<td>{esc(_LANGUAGE_NAMES.get(lang, lang))}</td><td>{links or '—'}</td></tr>"
            )
        parts.append("</table>")
    parts.append("</body></html>")
    path = reports_dir / "index.html"
    tmp = reports_dir / f".index.html.tmp-{os.getpid()}"
    tmp.write_text("\n".join(parts) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


_LANGUAGE_NAMES = {"en": "English", "id": "Bahasa Indonesia"}


def _slug_order(slug: str) -> tuple[int, int, int]:
    parsed = parse_slug(slug)
    if parsed is None:
        return (99, 99, 99)
    codes = [ALL, *vocab.CONFEDERATIONS]
    _, conf, audience, lang = parsed
    return (codes.index(conf), AUDIENCES.index(audience), LANGUAGES.index(lang))

"""Checks of rendered reports in headless Chromium: charts drawn, network requests, plotly bundles."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from impact.errors import ReportError
from impact.report.pdf import _chromium_errors, _run_chromium

__all__ = [
    "count_rendered_charts",
    "page_requests",
    "rendered_dom",
]


def rendered_dom(
    html_path: Path, *, chromium: str | None = None, netlog: Path | None = None, timeout: float = 120
) -> str:
    """The DOM of an HTML file after headless Chromium ran its scripts, network blocked.

    With ``netlog``, Chromium also writes its network log there (read it with :func:`page_requests`).
    """
    html_path = Path(html_path).resolve()
    extra = [f"--log-net-log={Path(netlog).resolve()}"] if netlog else []
    proc = _run_chromium([*extra, "--dump-dom", html_path.as_uri()], chromium=chromium, timeout=timeout)
    if proc.returncode != 0:
        raise ReportError(
            f"{html_path.name}: Chromium failed (exit {proc.returncode}): {_chromium_errors(proc.stderr)}"
        )
    return proc.stdout


class _ClassCounter(HTMLParser):
    def __init__(self, cls: str) -> None:
        super().__init__()
        self.cls, self.count = cls, 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = next((v or "" for k, v in attrs if k == "class"), "").split()
        self.count += self.cls in classes


def count_rendered_charts(dom: str) -> int:
    """Plotly charts drawn in a rendered DOM (elements of class ``js-plotly-plot``). Pure."""
    counter = _ClassCounter("js-plotly-plot")
    counter.feed(dom)
    return counter.count


def page_requests(netlog: Path) -> list[str]:
    """URLs the page itself asked the network for, from a Chromium net log (browser housekeeping excluded).

    Chromium's own background requests carry no initiator (``"not an origin"``); a ``file://``
    page's requests carry its opaque origin ``"null"``.
    """
    doc = json.loads(Path(netlog).read_text(encoding="utf-8"))
    start = doc["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return [
        p["url"]
        for e in doc.get("events", [])
        if e.get("type") == start
        and "url" in (p := e.get("params", {}))
        and p.get("initiator") != "not an origin"
        and urlsplit(p["url"]).scheme not in {"file", "data", "blob"}
    ]

"""HTML → PDF with headless Chromium (no network), one-shot or one browser kept open.

Pages are A4 with :data:`PAGE_MARGINS_MM`; the report template's ``@page`` rule uses the same
margins (:mod:`impact.report.html` passes them in). With :class:`PageMarks` every page carries a
running header (the report title and its audience marking) and footer (the marking and
"page X of Y" in the report's language), drawn by Chromium in the top and bottom margins.
Before printing, the page is laid out as it prints (print media, :data:`CONTENT_WIDTH_PX` wide),
so plotly — which does not relayout for print — draws its charts at the printable width.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from impact._text import first_line as _first_line
from impact.errors import ReportError

if TYPE_CHECKING:
    from impact.config import ReportParams

__all__ = [
    "A4_MM",
    "CHROMIUM_CANDIDATES",
    "CHROMIUM_ENV",
    "CONTENT_WIDTH_PX",
    "PAGE_MARGINS_MM",
    "PDF_WINDOW",
    "ChromiumPrinter",
    "PageMarks",
    "chromium_flags",
    "find_chromium",
    "footer_template",
    "header_template",
    "html_to_pdf",
    "page_margin_css",
]

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_ENV = "IMPACT_CHROMIUM"
#: window size of a one-shot print (:func:`html_to_pdf` without marks): plotly lays charts out at
#: the window width and does not relayout for print, so a window about A4's printable width
#: (≈ 680 CSS px) keeps legends inside the page. :class:`ChromiumPrinter` sets the exact width.
PDF_WINDOW = (700, 1000)
#: A4 page margins (top, right, bottom, left), mm: the top and bottom ones hold the running
#: header and footer
PAGE_MARGINS_MM = (20.0, 15.0, 18.0, 15.0)
#: A4 (width, height), mm
A4_MM = (210.0, 297.0)
#: the printable width of an A4 page in CSS px (96 per inch): 180 mm ≈ 680 px
CONTENT_WIDTH_PX = (A4_MM[0] - PAGE_MARGINS_MM[1] - PAGE_MARGINS_MM[3]) / 25.4 * 96


def page_margin_css() -> str:
    """The ``margin`` of the report's ``@page`` rule: ``20mm 15mm 18mm 15mm``. Pure."""
    return " ".join(f"{m:g}mm" for m in PAGE_MARGINS_MM)


# --- running header and footer -----------------------------------------------------------------


@dataclass(frozen=True)
class PageMarks:
    """What the running header and footer of every PDF page say.

    ``page_of`` holds ``{page}`` and ``{pages}``, which Chromium fills per page.
    """

    title: str
    marking: str
    page_of: str = "page {page} of {pages}"
    internal: bool = False

    @classmethod
    def for_report(cls, params: ReportParams, cohort_name: str = "") -> PageMarks:
        """The marks of one report, in its language (the catalogue of :mod:`impact.publish.i18n`).

        The title is the report's own (as its title block shows it): ``params.title``, else
        "Income recovery after layoff — <cohort name>", with the confederation when the report is
        for one.
        """
        from impact import vocab
        from impact.publish.i18n import Text

        t = Text(params.lang)
        title = params.title or f"{t.t('report_title')} — {cohort_name or params.cohort}"
        if params.confederation != "all":
            title += f" · {vocab.CONFEDERATIONS.get(params.confederation, params.confederation)}"
        return cls(
            title=title,
            marking=t.t("audience_internal" if params.internal else "audience_public"),
            page_of=t.t("page_x_of_y", page="{page}", pages="{pages}"),
            internal=params.internal,
        )


_MARK_STYLE = (
    "font-family: 'DejaVu Sans', 'Liberation Sans', Arial, sans-serif; font-size: 9px; color: #444; "
    "width: 100%; box-sizing: border-box; padding: 0 {right}mm 0 {left}mm; "
    "-webkit-print-color-adjust: exact; print-color-adjust: exact;"
)
_INTERNAL_STYLE = "color: #b00020; font-weight: bold;"


def _bar(left: str, right: str, *, rule: str) -> str:
    """Two texts at the ends of the printable width (Chromium draws the template across the page)."""
    style = _MARK_STYLE.format(right=PAGE_MARGINS_MM[1], left=PAGE_MARGINS_MM[3])
    cell = "white-space: nowrap; overflow: hidden; text-overflow: ellipsis;"
    return (
        f'<div style="{style}"><div style="display: flex; justify-content: space-between; '
        f'align-items: baseline; gap: 6mm; {rule}"><span style="{cell} min-width: 0;">{left}</span>'
        f'<span style="{cell} flex: none;">{right}</span></div></div>'
    )


def _marking(marks: PageMarks) -> str:
    return f'<span style="{_INTERNAL_STYLE if marks.internal else ""}">{html.escape(marks.marking)}</span>'


def header_template(marks: PageMarks) -> str:
    """Chromium ``headerTemplate``: the title on the left, the audience marking on the right. Pure."""
    return _bar(
        html.escape(marks.title),
        _marking(marks),
        rule="padding-bottom: 1.5mm; border-bottom: 0.4px solid #999;",
    )


def footer_template(marks: PageMarks) -> str:
    """Chromium ``footerTemplate``: the audience marking, and "page X of Y" (Chromium's ``pageNumber``
    and ``totalPages`` classes) in the report's language. Pure."""
    spans = {"{page}": '<span class="pageNumber"></span>', "{pages}": '<span class="totalPages"></span>'}
    parts = re.split(r"(\{page\}|\{pages\})", marks.page_of)
    return _bar(_marking(marks), "".join(spans.get(p) or html.escape(p) for p in parts), rule="")


# --- HTML → PDF (headless Chromium) -----------------------------------------------------------


def find_chromium() -> str | None:
    """Path of a Chromium/Chrome executable: ``$IMPACT_CHROMIUM``, else the first on PATH; None if none."""
    env = os.environ.get(CHROMIUM_ENV, "").strip()
    if env:
        return shutil.which(env)
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def chromium_flags(profile_dir: Path, *, window: tuple[int, int] = PDF_WINDOW) -> list[str]:
    """Headless Chromium flags: no network at all (every host name fails to resolve), fresh profile. Pure.

    One-shot runs (:func:`html_to_pdf`, :func:`rendered_dom`) add ``--virtual-time-budget=10000``;
    :class:`ChromiumPrinter` waits for the charts itself (virtual time would stall its timers).
    """
    return [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--no-first-run",
        "--no-default-browser-check",
        "--mute-audio",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        f"--user-data-dir={profile_dir}",
        f"--window-size={window[0]},{window[1]}",
    ]


def _run_chromium(args: list[str], *, chromium: str | None, timeout: float) -> subprocess.CompletedProcess:
    exe = chromium or find_chromium()
    if exe is None:
        raise ReportError(
            "no Chromium found: install it (Debian: apt-get install chromium) or set "
            f"{CHROMIUM_ENV}=/path/to/chrome"
        )
    with tempfile.TemporaryDirectory(prefix="impact-chromium-", ignore_cleanup_errors=True) as profile:
        # one-shot runs: up to 10 s of virtual time for scripts to settle before printing or dumping
        cmd = [exe, *chromium_flags(Path(profile)), "--virtual-time-budget=10000", *args]
        try:
            return subprocess.run(
                cmd, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL, check=False
            )
        except subprocess.TimeoutExpired:
            raise ReportError(f"Chromium did not finish within {timeout:.0f} s: {' '.join(args)}") from None


def _chromium_errors(stderr: str) -> str:
    """Chromium's stderr without the harmless dbus noise, last lines only."""
    lines = [ln for ln in stderr.splitlines() if ln.strip() and "dbus" not in ln.lower()]
    return " | ".join(lines[-3:])


def html_to_pdf(
    html_path: Path,
    pdf_path: Path,
    *,
    chromium: str | None = None,
    timeout: float = 120,
    marks: PageMarks | None = None,
) -> Path:
    """Print an HTML file to PDF with a Chromium of its own (A4 from the page CSS, offline).

    With ``marks``, through a one-shot :class:`ChromiumPrinter` (Chromium's command line cannot
    draw a header or footer): every page gets the running header and footer. Without, by
    ``--print-to-pdf``: no header or footer.
    """
    html_path, pdf_path = Path(html_path).resolve(), Path(pdf_path).resolve()
    if not html_path.is_file():
        raise ReportError(f"{html_path}: HTML file not found")
    if marks is not None:
        with ChromiumPrinter(chromium=chromium, timeout=timeout) as printer:
            return printer.print_pdf(html_path, pdf_path, marks=marks)
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    pdf_path.unlink(missing_ok=True)
    proc = _run_chromium(
        ["--no-pdf-header-footer", f"--print-to-pdf={pdf_path}", html_path.as_uri()],
        chromium=chromium,
        timeout=timeout,
    )
    if proc.returncode != 0 or not pdf_path.is_file() or pdf_path.stat().st_size == 0:
        pdf_path.unlink(missing_ok=True)
        raise ReportError(
            f"{html_path.name}: Chromium could not print a PDF (exit {proc.returncode}): "
            f"{_chromium_errors(proc.stderr) or 'no message'}"
        )
    return pdf_path


#: run in the page before printing: resolves once every plotly div is drawn (or after 10 s)
_CHARTS_DRAWN_JS = """new Promise(resolve => {
  const t0 = Date.now();
  const check = () => {
    const divs = [...document.querySelectorAll('.plotly-graph-div')];
    const done = divs.every(d => d.classList.contains('js-plotly-plot') && d._fullLayout);
    if (done || Date.now() - t0 > 10000) {
      requestAnimationFrame(() => requestAnimationFrame(() => resolve(divs.length)));
      setTimeout(() => resolve(divs.length), 500);
    } else { setTimeout(check, 25); }
  };
  check();
})"""

#: run in the page once it is laid out as printed (print media, printable width): charts redrawn
#: at that width; a table wider than the page gets the class ``impact-wrap`` (the template's print
#: CSS then lets its cells wrap; each figure — "Rp 3,250,000", an interval's "(0.55–0.96)" — is put
#: in a ``impact-nb`` span that does not) and, if still too wide, ``impact-narrow`` (smaller type).
#: Resolves to the number of tables changed.
_PREPARE_PRINT_JS = """(async () => {
  const divs = [...document.querySelectorAll('.js-plotly-plot')];
  if (window.Plotly && Plotly.Plots) {
    await Promise.all(divs.map(d => Promise.resolve(Plotly.Plots.resize(d)).catch(() => null)));
  }
  const tooWide = t => t.getBoundingClientRect().width > (t.parentElement || document.body).clientWidth + 0.5;
  let changed = 0;
  for (const t of document.querySelectorAll('table')) {
    if (!tooWide(t)) continue;
    changed += 1;
    t.classList.add('impact-wrap');
    for (const td of t.querySelectorAll('td')) {  // figures stay whole: "Rp 3,250,000", "(0.55–0.96)"
      const parts = td.textContent.split(/(Rp\\s[-\\d.,]+|\\([^()]*\\))/);
      if (parts.length < 2 || td.children.length) continue;
      td.replaceChildren(...parts.map((text, i) => {
        if (i % 2 === 0) return text;
        const span = document.createElement('span');
        span.className = 'impact-nb';
        span.textContent = text;
        return span;
      }));
    }
    if (tooWide(t)) t.classList.add('impact-narrow');
  }
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  return changed;
})()"""

#: run in the page laid out as printed: what is wider than the printable width (the page itself,
#: tables, charts, images), as "tag.class#id: left–right px of width". Chromium would shrink every
#: page to fit such content, or clip it.
_OVERFLOW_JS = """(() => {
  const limit = document.documentElement.clientWidth + 0.5;
  const out = [];
  const page = document.documentElement.scrollWidth;
  if (page > limit) out.push(`page: 0–${page} px of ${Math.round(limit)}`);
  for (const el of document.querySelectorAll('table, .plotly-graph-div, .js-plotly-plot svg.main-svg, img, pre')) {
    const box = el.getBoundingClientRect();
    const width = Math.max(box.width, el.scrollWidth || 0);
    if (box.left < -0.5 || box.left + width > limit) {
      const name = el.tagName.toLowerCase() + (el.className && el.className.baseVal === undefined
        ? '.' + String(el.className).trim().split(/\\s+/).join('.') : '') + (el.id ? '#' + el.id : '');
      out.push(`${name}: ${Math.round(box.left)}–${Math.round(box.left + width)} px of ${Math.round(limit)}`);
    }
  }
  return out;
})()"""


class ChromiumPrinter:
    """One headless Chromium kept open to print many HTML files to PDF (DevTools protocol on a pipe).

    What :func:`html_to_pdf` does, without starting a browser per report: same flags (no network,
    fresh profile), each page in its own tab, laid out as printed (print media, printable width)
    and printed once its charts are drawn; A4 with :data:`PAGE_MARGINS_MM`, and the running header
    and footer when given :class:`PageMarks`. Use as a context manager.
    """

    def __init__(self, *, chromium: str | None = None, timeout: float = 120) -> None:
        exe = shutil.which(chromium) if chromium else find_chromium()
        if exe is None:
            raise ReportError(
                f"no Chromium found ({chromium or 'none on PATH'}): install it or set {CHROMIUM_ENV}"
            )
        self.timeout = timeout
        self._profile = tempfile.mkdtemp(prefix="impact-chromium-")
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        argv = [exe, *chromium_flags(Path(self._profile)), "--remote-debugging-pipe", "about:blank"]
        actions = [
            (os.POSIX_SPAWN_DUP2, to_browser_r, 3),  # Chromium reads commands on fd 3 ...
            (os.POSIX_SPAWN_DUP2, from_browser_w, 4),  # ... and writes replies on fd 4
            (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
            (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
            (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),
        ]
        try:
            self._pid: int | None = os.posix_spawn(exe, argv, dict(os.environ), file_actions=actions)
        finally:
            os.close(to_browser_r)
            os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        self._events: list[dict[str, Any]] = []

    def __enter__(self) -> ChromiumPrinter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _send(self, method: str, params: dict[str, Any] | None = None, *, session: str | None = None) -> dict:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        try:
            os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        except OSError as e:
            raise ReportError(f"Chromium is gone ({e.strerror})") from None
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._receive(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise ReportError(f"Chromium {method}: {reply['error'].get('message', reply['error'])}")
                return reply.get("result", {})
            self._events.append(reply)

    def _receive(self, deadline: float) -> dict[str, Any]:
        import select

        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._from_browser], [], [], left)[0]:
                raise ReportError(f"Chromium did not answer within {self.timeout:.0f} s")
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise ReportError("Chromium closed the DevTools pipe (it exited)")
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        return json.loads(message)

    def _wait_event(self, method: str, session: str) -> None:
        deadline = time.monotonic() + self.timeout
        while True:
            for i, event in enumerate(self._events):
                if event.get("method") == method and event.get("sessionId") == session:
                    del self._events[i]
                    return
            self._events.append(self._receive(deadline))

    @contextlib.contextmanager
    def _page(self, html_path: Path) -> Iterator[str]:
        """A tab showing ``html_path`` laid out as printed, charts drawn; yields its session id."""
        target = self._send("Target.createTarget", {"url": "about:blank"})["targetId"]
        try:
            session = self._send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            self._send("Page.enable", session=session)
            # print media at the printable width: charts are drawn at the width they print at
            self._send("Emulation.setEmulatedMedia", {"media": "print"}, session=session)
            metrics = {"width": round(CONTENT_WIDTH_PX), "height": PDF_WINDOW[1], "deviceScaleFactor": 1}
            self._send("Emulation.setDeviceMetricsOverride", metrics | {"mobile": False}, session=session)
            self._send("Emulation.setScrollbarsHidden", {"hidden": True}, session=session)
            self._send("Page.navigate", {"url": html_path.as_uri()}, session=session)
            self._wait_event("Page.loadEventFired", session)
            for script in (_CHARTS_DRAWN_JS, _PREPARE_PRINT_JS):
                self._evaluate(script, session)
            yield session
        finally:
            self._events.clear()
            with contextlib.suppress(ReportError, OSError):
                self._send("Target.closeTarget", {"targetId": target})

    def _evaluate(self, expression: str, session: str) -> Any:
        reply = self._send(
            "Runtime.evaluate",
            {"expression": expression, "awaitPromise": True, "returnByValue": True},
            session=session,
        )
        if "exceptionDetails" in reply:
            details = reply["exceptionDetails"]
            message = details.get("exception", {}).get("description") or details.get("text", "")
            raise ReportError(f"script failed in the page: {_first_line(message)}")
        return reply.get("result", {}).get("value")

    def print_pdf(self, html_path: Path, pdf_path: Path, *, marks: PageMarks | None = None) -> Path:
        """Print one HTML file to ``pdf_path``; returns the path.

        With ``marks``, every page carries the running header and footer (see :class:`PageMarks`).
        """
        import base64

        html_path, pdf_path = Path(html_path).resolve(), Path(pdf_path).resolve()
        if not html_path.is_file():
            raise ReportError(f"{html_path}: HTML file not found")
        top, right, bottom, left = (mm / 25.4 for mm in PAGE_MARGINS_MM)
        options: dict[str, Any] = {
            "preferCSSPageSize": True,
            "printBackground": True,
            "paperWidth": A4_MM[0] / 25.4,
            "paperHeight": A4_MM[1] / 25.4,
            "marginTop": top,
            "marginRight": right,
            "marginBottom": bottom,
            "marginLeft": left,
            "displayHeaderFooter": marks is not None,
        }
        if marks is not None:
            options |= {"headerTemplate": header_template(marks), "footerTemplate": footer_template(marks)}
        with self._page(html_path) as session:
            data = self._send("Page.printToPDF", options, session=session)["data"]
        pdf = base64.b64decode(data)
        if not pdf.startswith(b"%PDF"):
            raise ReportError(f"{html_path.name}: Chromium returned no PDF")
        pdf_path.parent.mkdir(parents=True, exist_ok=True)
        pdf_path.write_bytes(pdf)
        return pdf_path

    def overflow(self, html_path: Path) -> list[str]:
        """Tables, charts and images wider than the printable width when the page is laid out as
        printed (after the same preparation as :meth:`print_pdf`); empty when everything fits."""
        html_path = Path(html_path).resolve()
        if not html_path.is_file():
            raise ReportError(f"{html_path}: HTML file not found")
        with self._page(html_path) as session:
            return list(self._evaluate(_OVERFLOW_JS, session) or [])

    def close(self) -> None:
        """Close the browser (politely, then by force) and remove its profile."""
        if self._pid is None:
            return
        with contextlib.suppress(ReportError, OSError):
            self.timeout = 5
            self._send("Browser.close")
        with contextlib.suppress(ChildProcessError):
            for _ in range(50):
                if os.waitpid(self._pid, os.WNOHANG) != (0, 0):
                    break
                time.sleep(0.1)
            else:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self._pid, 9)
                os.waitpid(self._pid, 0)
        self._pid = None
        for fd in (self._to_browser, self._from_browser):
            with contextlib.suppress(OSError):
                os.close(fd)
        shutil.rmtree(self._profile, ignore_errors=True)

"""HTML → PDF with headless Chromium (no network), one-shot or one browser kept open."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from impact.errors import ReportError

__all__ = [
    "CHROMIUM_CANDIDATES",
    "CHROMIUM_ENV",
    "PDF_WINDOW",
    "ChromiumPrinter",
    "chromium_flags",
    "find_chromium",
    "html_to_pdf",
]

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_ENV = "IMPACT_CHROMIUM"
#: window size for printing: plotly lays charts out at the window width and does not relayout for
#: print, so a window narrower than A4's printable width (≈ 680 CSS px) keeps legends inside the page
PDF_WINDOW = (700, 1000)


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
    html_path: Path, pdf_path: Path, *, chromium: str | None = None, timeout: float = 120
) -> Path:
    """Print an HTML file to PDF with headless Chromium (A4 from the page CSS, no header/footer, offline)."""
    html_path, pdf_path = Path(html_path).resolve(), Path(pdf_path).resolve()
    if not html_path.is_file():
        raise ReportError(f"{html_path}: HTML file not found")
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


class ChromiumPrinter:
    """One headless Chromium kept open to print many HTML files to PDF (DevTools protocol on a pipe).

    What :func:`html_to_pdf` does, without starting a browser per report: same flags (no network,
    fresh profile, 700 px wide window), each page in its own tab, printed once its charts are
    drawn, A4 from the page CSS, no header/footer. Use as a context manager.
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

    def print_pdf(self, html_path: Path, pdf_path: Path) -> Path:
        """Print one HTML file to ``pdf_path``; returns the path."""
        import base64

        html_path, pdf_path = Path(html_path).resolve(), Path(pdf_path).resolve()
        if not html_path.is_file():
            raise ReportError(f"{html_path}: HTML file not found")
        target = self._send("Target.createTarget", {"url": "about:blank"})["targetId"]
        try:
            session = self._send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            self._send("Page.enable", session=session)
            self._send("Page.navigate", {"url": html_path.as_uri()}, session=session)
            self._wait_event("Page.loadEventFired", session)
            self._send(
                "Runtime.evaluate",
                {"expression": _CHARTS_DRAWN_JS, "awaitPromise": True, "returnByValue": True},
                session=session,
            )
            options = {"preferCSSPageSize": True, "printBackground": True, "displayHeaderFooter": False}
            data = self._send("Page.printToPDF", options, session=session)["data"]
        finally:
            self._events.clear()
            with contextlib.suppress(ReportError, OSError):
                self._send("Target.closeTarget", {"targetId": target})
        pdf = base64.b64decode(data)
        if not pdf.startswith(b"%PDF"):
            raise ReportError(f"{html_path.name}: Chromium returned no PDF")
        pdf_path.parent.mkdir(parents=True, exist_ok=True)
        pdf_path.write_bytes(pdf)
        return pdf_path

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

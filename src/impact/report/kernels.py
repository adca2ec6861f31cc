"""Jupyter kernels for report runs: started ahead, warm imports, shut down at once."""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from impact.errors import ReportError

__all__ = [
    "KERNEL_BLOCKED_MODULES",
    "WARM_IMPORTS",
    "Kernel",
    "start_kernel",
]

# --- kernels -------------------------------------------------------------------------------------

#: modules a report kernel imports while it boots, before the notebook runs. The notebook still
#: imports what it uses (nothing is bound in its namespace); it just finds them loaded already.
#: ``plotly.io._renderers`` is what the first ``fig.show()`` loads: it imports nbformat, whose
#: jsonschema import alone takes ≈ 1.3 s.
WARM_IMPORTS = ("pandas", "plotly.graph_objects", "plotly.io._renderers", "impact")
#: modules report kernels never import: ``rfc3987_syntax`` builds a Lark grammar at import (≈ 1.5 s
#: of CPU per kernel, when nbformat → jsonschema loads it) and serves only jsonschema's IRI formats
KERNEL_BLOCKED_MODULES = ("rfc3987_syntax",)


class Kernel:
    """A Jupyter kernel started for one notebook run (see :func:`start_kernel`).

    Its process boots in the background; :func:`execute_notebook` connects when it needs it
    and shuts it down after. One kernel per report, never reused.
    """

    def __init__(self, km: Any, name: str, cwd: Path) -> None:
        self.km, self.name, self.cwd = km, name, cwd

    def alive(self) -> bool:
        from jupyter_core.utils import run_sync

        try:
            return bool(run_sync(self.km.is_alive)())
        except Exception:  # a kernel we cannot ask is as good as dead
            return False

    def shutdown(self) -> None:
        """Stop the kernel at once (its outputs are all in) and close its clients' sockets."""
        from jupyter_core.utils import run_sync

        for client in getattr(self.km, "impact_clients", []):
            with contextlib.suppress(Exception):
                client.stop_channels()
        with contextlib.suppress(Exception):
            if run_sync(self.km.is_alive)():
                run_sync(self.km.shutdown_kernel)(now=True)
            else:
                run_sync(self.km.cleanup_resources)()


@functools.cache
def _kernel_manager_class() -> type:
    from jupyter_client.manager import AsyncKernelManager

    class ImpactKernelManager(AsyncKernelManager):
        """Keeps the clients it hands out, so that their sockets can be closed after the run."""

        def client(self, **kwargs: Any) -> Any:
            c = super().client(**kwargs)
            self.impact_clients = [*getattr(self, "impact_clients", []), c]
            return c

    return ImpactKernelManager


def start_kernel(
    kernel_name: str = "python3", *, cwd: Path, warm_imports: Iterable[str] = WARM_IMPORTS
) -> Kernel:
    """Launch a kernel for one notebook run; returns at once, while it boots.

    For ipykernel kernels: start-up warnings quietened, history kept in memory, ``warm_imports``
    imported while booting (one that fails is skipped), :data:`KERNEL_BLOCKED_MODULES` made
    unimportable. plotly's default renderer is set to
    ``plotly_mimetype``: figures stay JSON in the notebook and :func:`to_html` draws them.
    """
    from jupyter_client.kernelspec import NoSuchKernel
    from jupyter_core.utils import run_sync

    km = _kernel_manager_class()(kernel_name=kernel_name)
    try:
        argv = km.kernel_spec.argv
    except NoSuchKernel:
        raise ReportError(
            f"Jupyter kernel {kernel_name!r} not found (see `jupyter kernelspec list`; 'python3' is this Python)"
        ) from None
    args: list[str] = []
    if any("ipykernel" in a for a in argv):
        modules = tuple(warm_imports)
        warm = (
            "def _impact_warm():\n    import importlib, sys\n"
            f"    for m in {KERNEL_BLOCKED_MODULES!r}:\n        sys.modules.setdefault(m, None)\n"
            f"    for m in {modules!r}:\n"
            "        try:\n            importlib.import_module(m)\n        except Exception:\n            pass\n"
            "_impact_warm()\ndel _impact_warm"
        )
        args = [
            "--IPKernelApp.log_level=ERROR",
            "--HistoryManager.hist_file=:memory:",
            f"--IPKernelApp.exec_lines={warm}",
        ]
    env = {**os.environ, "PLOTLY_RENDERER": "plotly_mimetype"}
    run_sync(km.start_kernel)(extra_arguments=args, cwd=str(cwd), env=env)
    return Kernel(km, kernel_name, Path(cwd))

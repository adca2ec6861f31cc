"""Worker processes keep the memory they free for their next allocation (glibc), instead of fresh pages.

By default glibc gives every allocation above its mmap threshold (at most 32 MB) pages of its own and
returns them to the system when freed, so each of the many million-row temporaries of parsing an
export is new memory the kernel must zero and map page by page, and numpy asks for huge pages, which
makes the kernel compact memory while the process waits. A worker that parses export after export
gains from neither: :data:`WORKER_ENV` (read by glibc and numpy when the worker starts) keeps freed
memory in its heap and leaves numpy's huge-page advice off. Measured on the 2-core VM of
``benchmarks/README.md``: the 10M-row Parquet exports parsed in 4.0-4.2 s instead of 4.5-5.3 s.
Other C libraries ignore the variables; ``IMPACT_HEAP_RETAINED=0`` in the environment turns them off.
"""

from __future__ import annotations

__all__ = ["WORKER_ENV", "worker_env"]

#: environment of a worker process (see the module's text)
WORKER_ENV = {
    "MALLOC_MMAP_THRESHOLD_": str(1 << 30),
    "MALLOC_TRIM_THRESHOLD_": str(1 << 36),
    "NUMPY_MADVISE_HUGEPAGE": "0",
}


def worker_env(env: dict[str, str]) -> dict[str, str]:
    """``env`` with :data:`WORKER_ENV` added (what ``env`` already sets is kept)."""
    if env.get("IMPACT_HEAP_RETAINED", "1") == "0":
        return env
    return {**WORKER_ENV, **env}

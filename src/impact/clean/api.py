"""The front door of cleaning: a raw folder in, clean pseudonymised tables and an audit out.

>>> data = clean("data/sample/raw")                       # doctest: +SKIP
>>> data.participants.groupby("gender", observed=False).size()  # doctest: +SKIP

:func:`clean` returns the tables in memory; :func:`clean_to` writes the processed folder.
Either runs the ``pandas`` engine (default) or the ``dask`` engine (see
:mod:`impact.clean.engines`); both give the same result.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from impact import config, io
from impact.clean.engines import ENGINES
from impact.contract import CleanData
from impact.errors import ParameterError
from impact.programme import Programme

__all__ = ["check", "clean", "clean_to"]


def _check_engine(engine: str) -> None:
    if engine not in ENGINES:
        raise ParameterError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")


def clean(
    raw_dir: str | Path,
    *,
    secret: str | None = None,
    secret_file: str | Path | None = None,
    params: config.CleaningParams | None = None,
    engine: str = "pandas",
    scheduler: str | None = None,
    programme: str | Path | Programme | None = None,
    cache_dir: str | Path | None = None,
    progress: Callable[[int, int, int], None] | None = None,
) -> CleanData:
    """Clean a raw folder laid out by the data contract (see ``docs/data-contract.md``).

    Reads every export as text, cleans and links survey and sales records, and
    pseudonymises participants (``participant_id``) and reseller accounts
    (``reseller_key``) with HMAC-SHA256 keyed by the secret (argument, secret file,
    ``$IMPACT_SECRET``, or the demo secret for the synthetic sample only). ``programme``: the
    programme configuration, or its ``programme.toml`` (default: the one in ``raw_dir``, if any).
    Raises :class:`~impact.errors.InputError` for unreadable files or missing required columns
    and :class:`~impact.errors.SecretError` without a secret. Raw files are never written.

    ``cache_dir`` (pandas engine): keep each large sales export's parsed rows there and reuse them
    in later runs while the file, the code, the parameters, its corrections and the secret are the
    same (see :mod:`impact.clean.sales_exports`); None (default): no cache. ``progress(rows,
    done, total)`` is called as sales exports are parsed (rows read, exports done, in all).

    ``engine="dask"`` runs the sales part on a Dask cluster (``scheduler`` address, or a
    local one) and loads the result into memory; for data larger than memory use
    :func:`clean_to`, which writes partitioned tables instead.
    """
    _check_engine(engine)
    if engine == "pandas":
        from impact.clean.engines import pandas as engine_pandas

        return engine_pandas.clean(
            raw_dir,
            secret=secret,
            secret_file=secret_file,
            params=params,
            programme=programme,
            cache_dir=cache_dir,
            progress=progress,
        )
    with tempfile.TemporaryDirectory(prefix="impact-dask-") as tmp:
        out = Path(tmp) / "processed"
        clean_to(
            raw_dir,
            out,
            secret=secret,
            secret_file=secret_file,
            params=params,
            engine=engine,
            scheduler=scheduler,
        )
        return io.load(out, lineage=True)


def clean_to(
    raw_dir: str | Path,
    out_dir: str | Path,
    *,
    engine: str = "pandas",
    scheduler: str | None = None,
    workers: int | None = None,
    memory_limit: str | None = "auto",
    secret: str | None = None,
    secret_file: str | Path | None = None,
    params: config.CleaningParams | None = None,
    blocksize: int | None = None,
    part_rows: int | None = None,
    programme: str | Path | Programme | None = None,
    cache: bool = True,
    cache_dir: str | Path | None = None,
    progress: Callable[[int, int, int], None] | None = None,
) -> dict:
    """Clean a raw folder and write the processed-data contract into ``out_dir``; returns the audit.

    ``engine="pandas"`` (default): cleaned in memory, then written atomically. Large sales exports'
    parsed rows are cached in ``cache_dir`` (default ``OUT_DIR.cache`` beside ``out_dir``; see
    :func:`clean`) unless ``cache`` is False.
    ``engine="dask"``: the sales part runs on a Dask cluster — ``scheduler`` (``tcp://host:8786``)
    or a local cluster of ``workers`` processes with ``memory_limit`` each — and ``orders`` and
    ``reseller_monthly`` are written as directories of Parquet parts; ``raw_dir`` may be an
    fsspec URL. :func:`impact.io.load` reads both layouts. See ``docs/scaling.md``.
    """
    _check_engine(engine)
    if engine == "pandas":
        from impact.clean.engines import pandas as engine_pandas
        from impact.clean.sales_exports import default_cache_dir

        with io.processed_writer(out_dir) as writer:  # orders are written while the rest is made
            data = engine_pandas.clean(
                raw_dir,
                secret=secret,
                secret_file=secret_file,
                params=params,
                programme=programme,
                cache_dir=(cache_dir or default_cache_dir(out_dir)) if cache else None,
                progress=progress,
                early=writer.early,
            )
            writer.finish(data)
        return data.audit
    from impact.clean.engines import dask as engine_dask

    sizes = {k: v for k, v in (("blocksize", blocksize), ("part_rows", part_rows)) if v}
    with engine_dask.connect(
        scheduler, workers=workers or engine_dask.DEFAULT_WORKERS, memory_limit=memory_limit
    ) as client:
        return engine_dask.clean_to(
            raw_dir,
            out_dir,
            client=client,
            secret=secret,
            secret_file=secret_file,
            params=params,
            programme=programme,
            **sizes,
        )


def check(
    raw_dir: str | Path,
    *,
    secret: str | None = None,
    secret_file: str | Path | None = None,
    params: config.CleaningParams | None = None,
    programme: str | Path | Programme | None = None,
) -> dict:
    """Everything ``clean`` needs, checked without writing anything; returns what was found.

    Reads the programme configuration, the corrections log, the form definitions and every
    export, resolves the secret, cleans the survey (small) and resolves every sales export's
    columns — so it raises the same one-line :class:`~impact.errors.InputError` (or
    :class:`~impact.errors.SecretError`) wherever :func:`clean` would. Returns
    ``{"files": {name: {"kind", "rows", ...notes}}, "programme": source, "cohorts": [...],
    "corrections": n}``.
    """
    from impact.clean import sales_parse
    from impact.clean.audit import Ledger
    from impact.clean.core import Corrections, clean_survey

    if io.is_url(raw_dir):
        raise io.InputError(f"{raw_dir}: check reads local folders")
    raw_dir = Path(raw_dir)
    files = io.list_raw_files(raw_dir)
    key, _ = io.resolve_secret(raw_dir, secret=secret, secret_file=secret_file)
    prog = io.programme_for(raw_dir, programme)
    ledger = Ledger()
    corrections = Corrections(io.read_corrections(raw_dir), ledger, [])
    sv = clean_survey(
        raw_dir,
        files,
        ledger,
        params=params or config.CleaningParams(),
        secret=key,
        programme=prog,
        corrections=corrections,
    )
    found = {
        name: {"kind": sv.notes[name].get("kind"), "rows": n, **sv.notes[name]}
        for name, n in sv.rows_read.items()
    }
    for path in files["sales"]:
        name = path.relative_to(raw_dir).as_posix()
        rf = io.read_sales_file(path, name)
        sales_parse.field_columns(rf.frame.columns, name)
        found[name] = {"kind": "sales", "rows": len(rf.frame), **rf.notes}
    return {
        "files": found,
        "forms": [p.relative_to(raw_dir).as_posix() for p in files["forms"]],
        "programme": sv.programme.source,
        "cohorts": {code: sorted(c.inferred) for code, c in sv.programme.cohorts.items()},
        "corrections": len(corrections.log),
        "participants": len(sv.participants),
        "followups": len(sv.followups),
    }

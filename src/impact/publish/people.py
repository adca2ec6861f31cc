"""One row per participant, and subsets of a cohort: internal views (``r.participants_view``, ``r.subset``).

Both show or count single people, so a public audience gets a
:class:`~impact.errors.ParameterError` saying how to ask instead; see :mod:`impact.publish.workbench`.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from impact import vocab
from impact.errors import ParameterError

__all__ = ["participants_view", "subset"]


def _internal_only(r, what: str, instead: str) -> None:
    if r.rules.public:
        raise ParameterError(
            f"{what} is internal only ({instead}); build with audience='internal' (not for publication)"
        )


def participants_view(r, *, recent_months: int = 3) -> pd.DataFrame:
    """One row per participant (internal only): who they are, their last answered wave with its
    recovery ratio and whether they had recovered (real terms when the results are), whether they
    said they still sell, platform activity in the last ``recent_months`` months of platform data
    (orders, months with a sale, commission) and in all, and own-target attainment.

    Columns added to ``r.participants`` come along. Missing stays missing: no answer, no ratio; no
    reseller account, no platform figures (``has_account`` False).

    >>> v = r.participants_view()                                                 # doctest: +SKIP
    >>> v[v["recovered"].eq(False) & (v["months_active_recent"] > 0)]            # doctest: +SKIP
    """
    _internal_only(r, "participants_view()", "it shows each person's answers")
    if isinstance(recent_months, bool) or not isinstance(recent_months, int) or recent_months < 1:
        raise ParameterError(f"recent_months must be a whole number of months >= 1, not {recent_months!r}")
    real = r.params.real_terms
    ratio, recovered = ("real_recovery_ratio", "real_recovered") if real else ("recovery_ratio", "recovered")
    p = r.participants.assign(has_account=r.participants["reseller_key"].notna()).drop(columns="reseller_key")
    w = r.waves
    answered = w[w["responded"]].sort_values(["participant_id", "months_after_training"], kind="stable")
    last = answered.groupby("participant_id", sort=False).tail(1)
    wanted = {
        "wave": "last_wave",
        "interview_date": "last_interview_date",
        "income_total_idr": "income_last_month_idr",
        ratio: "recovery_ratio",
        recovered: "recovered",
        "still_active": "still_selling_reported",
        "reemployed": "reemployed",
        "target_attainment_survey": "target_attainment_survey",
        "target_attainment_platform": "target_attainment_platform",
    }
    last = last[["participant_id", *(c for c in wanted if c in last.columns)]].rename(columns=wanted)
    last = last.assign(
        last_wave=last["last_wave"].astype(vocab.WAVE_DTYPE),
        waves_answered=last["participant_id"].map(answered.groupby("participant_id").size()).astype("Int64"),
    )
    out = p.merge(last, on="participant_id", how="left")
    out["waves_answered"] = out["waves_answered"].fillna(0)
    m = r.months
    if len(m):
        start = (m["month"].max().to_period("M") - (recent_months - 1)).to_timestamp()
        recent = (
            m[m["month"] >= start]
            .groupby("participant_id")
            .agg(
                orders_recent=("orders_completed", "sum"),
                months_active_recent=("active", "sum"),
                commission_recent_idr=("commission_idr", "sum"),
            )
        )
        overall = m.groupby("participant_id").agg(
            months_active=("active", "sum"), commission_total_idr=("commission_idr", "sum")
        )
        first = m[m["active"]].groupby("participant_id")["month"].min().rename("first_sale_month")
        platform = recent.join(overall, how="outer").join(first).reset_index()
        out = out.merge(platform, on="participant_id", how="left")
        for c in ("orders_recent", "months_active_recent", "commission_recent_idr", "months_active"):
            out[c] = out[c].astype("Int64")
        out["commission_total_idr"] = out["commission_total_idr"].astype("Int64")
        out["ever_sold"] = out["first_sale_month"].notna().astype("boolean").mask(~out["has_account"])
        target = out["target_monthly_idr"].astype("Float64")
        out["target_attainment_recent"] = (
            out["commission_recent_idr"].astype("Float64") / recent_months / target.where(target > 0)
        )
    return out.reset_index(drop=True)


def subset(r, **columns):
    """The same results for some participants only (internal only): ``r.subset(gender="female")``,
    ``r.subset(district=["Kota Sukabumi"])``; ``"all"`` or ``None`` keeps everyone (so a notebook
    parameter can be passed as it is). Every table, chart and view of the subset counts only them.

    >>> r.subset(gender="female").table(by="confederation")                      # doctest: +SKIP
    """
    p = r.participants
    keep = pd.Series(True, index=p.index)
    described = []
    for name, value in columns.items():
        if name not in p.columns:
            valid = [c for c in p.columns if c not in ("participant_id", "reseller_key")]
            raise ParameterError(f"subset: no participant column {name!r}; valid: {', '.join(valid)}")
        if value is None or (isinstance(value, str) and value == "all"):
            continue
        values = (
            [value] if isinstance(value, str) or not isinstance(value, list | tuple | set) else list(value)
        )
        text = p[name].astype("string")
        present = sorted(text.dropna().unique())
        missing = [v for v in values if str(v) not in present]
        if missing:
            raise ParameterError(
                f"subset: {name}={value!r}: nobody has {', '.join(map(str, missing))}; "
                f"values present: {', '.join(present)}"
            )
        keep &= text.isin([str(v) for v in values]).fillna(False)
        described.append(f"{name} = {', '.join(map(str, values))}")
    if not described:
        return r
    _internal_only(
        r, "r.subset(...)", "a subset's breakdowns are two-way tables; for the public use r.table(by=...)"
    )
    ids = set(p.loc[keep, "participant_id"])

    def only(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["participant_id"].isin(ids)] if "participant_id" in frame.columns else frame

    note = f"Subset: {'; '.join(described)} ({len(ids)} of {len(p)} participants)."
    return replace(
        r,
        participants=p[keep],
        waves=only(r.waves),
        months=only(r.months),
        sales=only(r.sales),
        notes=[*r.notes, note],
        _cache={},
    )

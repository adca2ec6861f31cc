# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Exploring cohorts
# For analysts: load the processed tables, slice any cohort, confederation or gender, and
# compute new indicators with the library. **Internal use**: this notebook shows small
# groups; publish only through the cohort report (`impact report`).

# %% tags=["parameters"]
processed_dir = "../data/sample/processed"  # folder written by `impact clean`
cohort = "sukabumi-2023"  # cohort to explore
confederation = "all"  # "all" or a confederation code
gender = "all"  # "all", "female" or "male"

# %%
import pandas as pd
import plotly.express as px

import impact
from impact.measure import indicators, tables
from impact.publish import disclosure

data = impact.load(processed_dir)
data.participants.groupby(["cohort", "confederation"], observed=False).size().unstack()

# %% [markdown]
# ## Slice a cohort
# `impact.build` filters to a cohort (and confederation) and computes every indicator;
# its frames are ordinary DataFrames to slice further.

# %%
r = impact.build(data, cohort=cohort, confederation=confederation, audience="internal")
waves = r.waves if gender == "all" else r.waves[r.waves["gender"] == gender]
waves.groupby("wave", observed=True)[["responded", "recovered", "partially_recovered"]].mean()

# %% [markdown]
# ## Interactive: recovery ratio by wave
# Hover for a participant's pseudonym; click legend entries to hide groups.

# %%
fig = px.box(
    waves.dropna(subset=["recovery_ratio"]).astype({"wave": str, "gender": str}),
    x="wave",
    y="recovery_ratio",
    color="gender",
    points="all",
    hover_data=["participant_id", "confederation"],
    title="Income now / pre-layoff wage",
    category_orders={"wave": r.wave_list},
)
fig.add_hline(y=1, line_dash="dot")
fig

# %% [markdown]
# ## Monthly platform activity

# %%
curve = indicators.activity_curve(r.months, by=["gender"])
px.line(
    curve.astype({"gender": str}), x="months_since_training", y="share_active", color="gender", markers=True
)

# %% [markdown]
# ## A new indicator with the library
# Example: the share of participants earning at least **half the regional minimum wage**
# from reselling alone, by wave. Build it from the per-participant × wave frame (vectorised
# column arithmetic), then publish it with the same disclosure control as the report.

# %%
new = r.waves.assign(
    half_umk_from_reselling=(
        r.waves["income_reseller_idr"].astype("Float64") >= 0.5 * r.waves["min_wage_idr"].astype("Float64")
    )
)
rows = [
    {
        "wave": w,
        **labels,
        "n": int(g["half_umk_from_reselling"].notna().sum()),
        "share_half_umk": g["half_umk_from_reselling"].mean(),
    }
    for w, gw in new[new["responded"]].groupby("wave", observed=True)
    for labels, g in tables.group_cells(gw, ["gender"])
]
published = disclosure.apply_audience(
    pd.DataFrame(rows),
    audience="public",
    count="n",
    value_columns=["share_half_umk"],
    group_columns=["wave", "gender"],
)
impact.present(published)

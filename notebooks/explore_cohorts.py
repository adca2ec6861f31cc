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
#     display_name: impact (project)
#     language: python
#     name: impact
# ---

# %% [markdown]
# # Exploring cohorts
# For analysts: seven everyday questions, each answered in a few lines with `import impact`.
# The parameters below filter **every** section (cohort, confederation, sex, as-of day), and
# every summary shows how many people it is about (n).
#
# **Internal use**: this notebook shows small groups and single participants ("not for
# publication"). For the donor, build with `audience="public"`: the same calls then hide small
# groups by the release's rules, and `impact.export(..., audience="public")` accepts only
# protected tables. Publish through the cohort report (`impact report`).

# %% tags=["parameters"]
processed_dir = "../data/sample/processed"  # folder written by `impact clean`
cohort = "sukabumi-2023"  # cohort to explore
other_cohort = "bekasi-2024"  # cohort to set beside it (questions 1 and 7)
compare_wave = "m3"  # follow-up wave at which the two cohorts are compared (question 7)
confederation = "all"  # "all" or a confederation code
gender = "all"  # "all", "female" or "male"
as_of = None  # "YYYY-MM-DD": data up to the end of that day only; None: everything
export_dir = None  # folder for the safe export (question 6); None: write no file

# %%
import pandas as pd

import impact

data = impact.load(processed_dir)  # orders included, so `as_of` cuts platform data by day
r = impact.build(data, cohort=cohort, confederation=confederation, as_of=as_of, audience="internal")
r = r.subset(gender=gender)  # "all" keeps everyone
r

# %% [markdown]
# ## 1. Headcounts and response, by cohort
# Each cohort at the latest follow-up both have answers for: registered, answered, with income
# data (n), response rate.

# %%
impact.compare(
    data,
    cohorts=[cohort, other_cohort],
    measures=["registered", "answered", "response_rate"],
    confederation=confederation,
    subset={"gender": gender},
    as_of=as_of,
    audience="internal",
)

# %% [markdown]
# ## 2. Recovery by wave for women and men, nominal and real
# Recovery ratio = income last month ÷ pre-layoff wage. In real terms the wage is first brought
# to the prices of the interview month (CPI); the captions and column labels say which.

# %%
r.table(by="gender", wave="all", measures=["median_recovery_ratio", "share_recovered"])

# %%
r.table(by="gender", wave="all", measures=["median_recovery_ratio", "share_recovered"], real_terms=True)

# %%
r.trajectory_figure(by="gender")  # interactive: hover for n, click a legend entry to hide a group

# %% [markdown]
# ## 3. Who has not recovered but is still selling?
# The drill-down has one row per participant: last answer, recovered or not, platform activity
# in the last three months of platform data, target attainment.

# %%
people = r.participants_view(recent_months=3)
stuck = people[people["recovered"].eq(False) & (people["months_active_recent"] > 0)]
print(f"n = {len(stuck)} of {len(people)} participants")
stuck[
    [
        "participant_id",
        "gender",
        "last_wave",
        "recovery_ratio",
        "months_active_recent",
        "commission_recent_idr",
    ]
]

# %% [markdown]
# ## 4. The top quarter of sellers: their commission, month by month
# A column you add to `r.participants` groups like any other.

# %%
threshold = people["commission_total_idr"].quantile(0.75)
top = people.loc[people["commission_total_idr"].ge(threshold).fillna(False), "participant_id"]
r.participants = r.participants.assign(
    seller=r.participants["participant_id"].isin(top).map({True: "top quarter", False: "others"})
)
r.trend_figure(by="seller", measure="median_commission_idr")  # hover for n accounts with a sale

# %%
r.trend(by="seller", measures=["active", "median_commission_idr"])

# %% [markdown]
# ## 5. Recovery by training attendance
# A number with many values is binned first (the table says so if you forget).

# %%
r.participants = r.participants.assign(
    attendance=pd.cut(r.participants["sessions_attended"], [-1, 1, 2, 3], labels=["0–1", "2", "3"])
)
by_attendance = r.table(by="attendance", wave="all", measures=["median_recovery_ratio", "share_recovered"])
by_attendance

# %% [markdown]
# ## 6. A safe export
# One call: CSV or XLSX, formulas neutralised, notes (caption, legend, cohort, as-of day, data
# notes) on their own sheet, "INTERNAL — not for publication" on every sheet of an internal file.

# %%
if export_dir:
    r.export(
        {"attendance": by_attendance, "not_recovered_selling": stuck}, f"{export_dir}/explore_{cohort}.xlsx"
    )
r.notes

# %% [markdown]
# ## 7. Two cohorts as they stood on the same day
# Trained at different times, compared at the same follow-up wave, each with only what was known
# by `as_of`.

# %%
impact.compare(
    data,
    cohorts=[cohort, other_cohort],
    wave=compare_wave,
    by="gender",
    measures=["answered", "median_recovery_ratio", "share_recovered"],
    as_of=as_of,
    confederation=confederation,
    subset={"gender": gender},
    audience="internal",
)

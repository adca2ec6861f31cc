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

# %% tags=["parameters"]
processed_dir = "../data/sample/processed"  # folder written by `impact clean`
cohort = "sukabumi-2023"  # cohort code, e.g. "sukabumi-2023"
confederation = "all"  # "all" or one confederation code (kspsi_rek, kspsi_caitu, ksbsi, sarbumusi, kspn)
audience = "public"  # "public" (small cells hidden) or "internal" (everything shown, not for publication)
recovery_threshold = 1.0  # recovered when income now / pre-layoff wage is at least this
partial_threshold = 0.5  # partially recovered at or above this ratio
min_cell_size = 5  # smallest group shown in a public report (5; strict: 10)
real_terms = False  # True: compare with the pre-layoff wage deflated by the CPI
as_of = None  # "YYYY-MM-DD" to ignore data after that date, or None for everything
title = ""  # report title; empty for the default

# %% tags=["remove"]
from IPython.display import Markdown, display

import impact
from impact.publish import format as fmt
from impact.report import provenance

data = impact.load(processed_dir, orders=False)  # the report uses the monthly table, not each order
params = impact.ReportParams(
    cohort=cohort,
    confederation=confederation,
    audience=audience,
    recovery_threshold=recovery_threshold,
    partial_threshold=partial_threshold,
    min_cell_size=min_cell_size,
    real_terms=real_terms,
    as_of=as_of,
    title=title,
)
r = impact.build(data, params)

# %%
display(Markdown(fmt.heading(r, title)))

# %% [markdown]
# ## Executive summary
# The key figures, each with its 95% confidence interval. With groups this small the
# intervals are wide: read them as ranges, not points.

# %%
display(Markdown(fmt.summary_markdown(r)))

# %% [markdown]
# ## Cohort profile
# Participants by confederation and gender, and their situation at registration.

# %%
impact.present(r.profile())

# %%
impact.present(r.baseline_profile())

# %% [markdown]
# ## Income trajectories
# Median income at each follow-up relative to the participant's last normal monthly wage
# before the layoff (1.0 = fully recovered), with 95% bootstrap confidence intervals.

# %%
r.trajectory_figure(by="gender")

# %%
r.trajectory_figure(by="confederation")

# %% [markdown]
# ## Recovery at the latest follow-up
# *Ratio of sums* is the group's total income now divided by its total pre-layoff wages.

# %%
impact.present(r.recovery(by=["gender"]))

# %%
impact.present(r.recovery(by=["confederation"]))

# %%
impact.present(r.recovery(by=["confederation", "gender"]))

# %% [markdown]
# ### Logframe
# Programme indicators against their targets, disaggregated by sex (value and number of people).

# %%
r.logframe_display()

# %% [markdown]
# ### Comparisons
# Tests on small samples have little power: a large p-value does not show that there is no difference.

# %%
r.comparisons()

# %% [markdown]
# ## Time to recovery
# Share of participants whose income reached the pre-layoff wage, by months after training
# (Kaplan–Meier; those not yet recovered are counted until their last interview).
# People who stopped answering are treated as "not yet recovered when last seen"; if those
# doing badly were more likely to stop answering, the curves are optimistic.

# %%
r.survival_figure()

# %%
shares, logrank_sentence = fmt.survival_summary(r)
display(shares, Markdown(logrank_sentence))

# %% [markdown]
# ## Reseller activity and earnings
# From the platform's order exports. Commission is the reseller's earning; the value of
# goods sold (GMV) is not income and is not shown as such.

# %%
r.activity_figure()

# %%
r.commission_figure()

# %% [markdown]
# ## Income targets
# Participants set their own income targets in training (converted to a month).

# %%
impact.present(r.target_attainment())

# %% [markdown]
# ## Attrition and data quality
# Response by wave, and how those who answered the latest follow-up differed at
# registration from those who did not (normalised difference above 0.25 is large).

# %%
impact.present(r.response(by=["gender"]))

# %%
fmt.balance_published(r)

# %%
r.data_quality()

# %%
r.quarantine_summary()

# %% [markdown]
# ## Methods and definitions

# %%
display(Markdown(fmt.methods_markdown(r)))

# %%
display(Markdown("\n".join(f"- {n}" for n in r.notes) or "No further notes."))

# %% [markdown]
# ## Suppression legend

# %%
impact.legend(min_cell_size, audience=audience)

# %% [markdown]
# ## Reproducibility

# %%
display(Markdown(provenance.stamp_text(provenance.reproducibility_stamp(processed_dir, params.as_dict()))))

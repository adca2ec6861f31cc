"""The programme's release read with its cohorts' (``impact.qa.release_joint``): a pooled count
is the sum of the cohorts' counts, so what one release hides can follow from another's."""

from __future__ import annotations

from impact.qa import release_audit as ra
from impact.qa.release_joint import Stacked, View, reduced, solve_bounds
from impact.qa.release_read import Figure


def _release(name: str, registered: dict[str, int | None]) -> tuple[ra._Model, dict[int, Figure]]:
    """A release showing the number registered by confederation (None: shown as "c")."""
    model = ra._Model(["a", "b"], ["all"], [])
    model.structure()
    hidden = {}
    for conf, n in registered.items():
        i = model.var(ra.REG, "", (conf, "all"))
        figure = Figure(f"{name}.html", name, "all", "en", "profile", "", "confederation", conf, "n", "c")
        if n is None:
            hidden[i] = figure
            model.add({i: 1.0}, 1, float("inf"), "listed")
        else:
            model.add({i: 1.0}, n, n, f"{conf} = {n}")
    return model, hidden


def _findings(releases, *, cohorts=("one", "two")) -> list[ra.Finding]:
    result = ra.AuditResult()
    stacked = Stacked(
        {c: m for c, (m, _) in releases.items()}, programme="programme", pooled=(ra.REG,), cohorts=cohorts
    )
    for name, (model, hidden) in releases.items():
        ra._judge(name, View(model, stacked, name), hidden, 100, k=5, protection=2, result=result)
    return result.findings


def test_a_pooled_count_gives_back_a_group_one_cohort_hides():
    # cohort one hides a (3) and b (17); cohort two shows a = 10; the programme shows a = 13
    releases = {
        "one": _release("one", {"all": 20, "a": None, "b": None}),
        "two": _release("two", {"all": 30, "a": 10, "b": 20}),
        "programme": _release("programme", {"all": 50, "a": 13, "b": None}),
    }
    found = _findings(releases)
    assert [(f.kind, f.message.split(":")[0]) for f in found][:1] == [("derived", "one")]
    assert "registered (a) is hidden but must be 3" in found[0].message
    # each release alone gives nothing away
    for name, (model, hidden) in releases.items():
        result = ra.AuditResult()
        ra._judge(name, model, hidden, 100, k=5, protection=2, result=result)
        assert result.findings == [], name


def test_with_a_pooled_cohorts_report_missing_the_pooled_count_is_only_a_lower_bound():
    releases = {
        "one": _release("one", {"all": 20, "a": None, "b": None}),
        "programme": _release("programme", {"all": 50, "a": 13, "b": None}),
    }
    assert _findings(releases) == []  # cohort two is pooled but not read: a of one ≤ 13


def test_reduced_program_substitutes_published_counts():
    rows = [({0: 1.0}, 5, 5, ""), ({0: 1.0, 1: 1.0, 2: -1.0}, 0, 0, ""), ({2: 1.0}, 12, 12, "")]
    kept, fixed, free = reduced(rows, 3)
    assert fixed == {0: 5.0, 2: 12.0}
    assert free == {1: 0}
    assert kept == [({0: 1.0}, 7.0, 7.0, "")]  # 5 + x1 − 12 = 0
    assert solve_bounds(kept, 1, [0], 100)[0] == {0: (7, 7)}
    assert reduced([({0: 1.0}, 5, 5, ""), ({0: 1.0}, 6, 6, "")], 1) is None  # contradictory

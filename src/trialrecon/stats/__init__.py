"""The statistics layer: pure functions of numbers, with the paper each implements.

:mod:`.proportions` (confidence intervals of a proportion), :mod:`.rounding` (printed numbers
as intervals, rounding schemes), :mod:`.single_arm` (A'Hern and Simon designs, normal
approximations), :mod:`.km` (Kaplan-Meier step functions, R's ``timefix``), :mod:`.twoarm`
(Cox hazard ratio and log-rank test in numpy), :mod:`.lifelines_fit` (the same numbers by
lifelines, with R's conventions, for what a report shows), :mod:`.curves` (cleaning digitized
clicks and numbers at risk), :mod:`.guyot` (Guyot's reconstruction), :mod:`.survmodel`
(parametric curves calibrated to printed summaries), :mod:`.events` (event-driven designs of
two-arm trials: events, power, detectable hazard ratios), :mod:`.sample_size` (the patients
that deliver the events: accrual, follow-up, survival, dropout; Lakatos) and
:mod:`.group_sequential` (Lan-DeMets and classical group-sequential boundaries).

May import: nothing of the project outside this package. Knows no dossier, file or trial.
"""

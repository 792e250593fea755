"""The cross-trial stage (rule ``crosstrial``): tables and figures across every trial.

:mod:`.stage` writes ``results/crosstrial/`` (hazard ratios by setting, subgroup forest
plots); :mod:`.rates` the response and adverse-event rates; :mod:`.common` holds what both
share (settings, labels, and which statement each row shows).

May import: what the stage layer may (:mod:`trialrecon.stages`).
"""

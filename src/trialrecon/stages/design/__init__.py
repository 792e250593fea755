"""The design stage (rule ``design``): design, power and proportion confidence intervals.

:mod:`.stage` writes ``results/<trial>/design/``; :mod:`.tables` computes the single-arm
designs, decision rules and CI methods; :mod:`.events` the power, events and boundaries of
randomized designs, which :mod:`.plan` sets against the transcribed design; :mod:`.report`
draws the figures and writes the Markdown fragment.

May import: what the stage layer may (:mod:`trialrecon.stages`).
"""

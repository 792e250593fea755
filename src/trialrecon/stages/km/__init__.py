"""The Kaplan-Meier stage (rules ``km`` and ``km_validation``).

:mod:`.stage` writes ``results/<trial>/km/``: :mod:`.inputs` gathers each endpoint's printed
summaries and digitized curves, :mod:`.models` fits and chooses the reconstruction,
:mod:`.report` draws the figures and writes the Markdown fragment. :mod:`.validation` (the
Guyot reconstruction) and :mod:`.validation_models` (the model-based one) measure them on
data sets with known patient data and write ``results/validation/km/``.

May import: what the stage layer may (:mod:`trialrecon.stages`).
"""

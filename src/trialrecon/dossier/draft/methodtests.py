"""The test behind a table's P value, from the model the Methods name for that kind of outcome.

The data dictionary's ``test`` is the test the paper names for a value: a footnote, or "the
Methods for that kind of analysis"; "a regression model named without its test gives the
model's Wald test". Methods often name one model per kind of outcome ("linear regression for
continuous outcomes, binary logistic regression for binary outcomes, and Cox proportional
hazards regression for time-to-event data"; "Count outcomes were analysed using Poisson
regression ..., with treatment effects expressed as ratios of means"). Each clause of a
statistical-methods sentence that names a model is read as (kind of outcome, test):

- the kind is the model's own (a linear model's outcomes are continuous, a Cox model's times
  to an event); a clause whose words name another kind (continuous, binary, count, ordinal,
  time-to-event, or the effect it expresses: differences in means, relative risks, ratios of
  means), or whose sentence does, uses the model for something else and is left out;
- a log-rank test (``stratified_log_rank`` when stratified: "the log-rank test with
  stratification for institution", "adjusted for the stratification factors") compares
  times to an event;
- the test of the model: linear regression is an ANCOVA when adjusted and a t test when
  not; logistic regression its Wald test (``logistic_wald``); an ordinal (proportional odds)
  model ``proportional_odds``; Cox regression ``cox_wald``; Poisson or negative binomial
  regression ``poisson``; a log-binomial model ``other``.

A P value of an effect takes the test of the model that estimates it (a mean difference:
linear; a risk ratio: log-binomial; a ratio of means or rates: Poisson; a hazard ratio: the
log-rank test named, else Cox; an odds ratio: logistic, or the ordinal model when its row or
notes say the outcome is ordinal, or when it is the only one named) when the Methods name
it; it stays a guess (the clause may speak of other outcomes).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from trialrecon.dossier.draft.normalise import fold

if TYPE_CHECKING:
    from trialrecon.dossier.draft.document import Document

_KINDS = (("ordinal", r"\bordinal\b|\bshift\b|of higher severity"),
          ("count", r"\bcount (?:outcomes|data|variables)|ratios? of means|rate ratios?"),
          ("mean", r"\bcontinuous\b|differences? (?:in|of|between) means|mean differences?"),
          ("binary", r"\bbinary\b|\bdichotomous\b|relative risks?|risk ratios?|\bproportions\b"),
          ("time", r"time[- ]to[- ]event|\bsurvival\b|hazard ratios?"))
_MODELS = (("stratified_log_rank", "time", r"stratified log[- ]?rank|log[- ]?rank tests? "
            r"(?:with|after|using) stratification|log[- ]?rank tests?,? (?:stratified|adjusted) "
            r"(?:by|for)"),
           ("log_rank", "time", r"log[- ]?rank"),
           ("proportional_odds", "ordinal", r"proportional odds|ordinal logistic|ordered logistic"),
           ("linear", "mean", r"linear (?:regression|model)|\bancova\b|analysis of covariance"),
           ("logistic_wald", "binary", r"logistic regression"),
           ("cox_wald", "time", r"\bcox\b|proportional hazards? regression"),
           ("poisson", "count", r"\bpoisson\b|negative binomial"),
           ("other", "binary", r"log[- ]binomial"))
# the models that estimate each effect measure
_FITS = {"mean_difference": ("linear",), "risk_ratio": ("other",),
         "ratio_of_means": ("poisson",), "rate_ratio": ("poisson",),
         "odds_ratio": ("logistic_wald", "proportional_odds")}


def _first(table: tuple[tuple[str, str], ...], text: str) -> str:
    return next((kind for kind, pattern in table if re.search(pattern, text)), "")


def method_models(doc: Document) -> tuple[tuple[str, str], ...]:
    """(kind of outcome, test or ``linear``) of each clause of the statistical methods that
    names a model."""
    out: list[tuple[str, str]] = []
    for block in doc.blocks:
        path = " ".join(fold(s.heading) for s in doc.section_path(block.section))
        if not re.search(r"statistic|analys|methods", path) or \
                doc.section_path(block.section)[:1] and \
                doc.section_path(block.section)[0].kind == "abstract":
            continue
        for sentence in re.split(r"(?<=[.;])\s+", fold(block.plain)):
            sentence_kind = _first(_KINDS, sentence)
            for clause in re.split(r",\s*(?:and\s+|or\s+)?|;\s*|\s+whereas\s+", sentence):
                for test, own, pattern in _MODELS:
                    if re.search(pattern, clause):
                        # a clause naming another kind uses the model for something else
                        # ("continuous covariates" of a Cox model)
                        if (_first(_KINDS, clause) or sentence_kind) in ("", own):
                            out.append((own, test))
                        break
    return tuple(dict.fromkeys(out))


def model_test(models: tuple[tuple[str, str], ...], quantity: str, adjustment: str,
               words: str) -> str:
    """The test of a P value of ``quantity`` (with ``adjustment``; ``words``: its row's
    label and notes) from the Methods' models, or "" when they name none or several."""
    fits = _hazard_fits(models, adjustment) if quantity.endswith("_hr") else \
        _FITS.get(quantity, ())
    tests = {test for _, test in models if test in fits}
    if len(tests) > 1:  # an odds ratio: of an ordinal outcome where its row or notes say so
        tests = {"proportional_odds" if re.search(_KINDS[0][1], fold(words)) else
                 "logistic_wald"}
    if len(tests) != 1:
        return ""
    test = tests.pop()
    if test != "linear":
        return test
    return "ancova" if adjustment.startswith("adjusted") else \
        "t_test" if adjustment == "unadjusted" else ""


def _hazard_fits(models: tuple[tuple[str, str], ...], adjustment: str) -> tuple[str, ...]:
    """The tests of a hazard ratio's P value: the log-rank test the methods name for the
    comparison of survival (the Cox model estimates the ratio), else the Cox model's; an
    adjusted ratio's is the Cox model's (a log-rank test adjusts for no covariate)."""
    named = {test for _, test in models}
    ranks = tuple(t for t in ("stratified_log_rank", "log_rank") if t in named)
    return ("cox_wald",) if adjustment.startswith("adjusted") or not ranks else ranks


def table_models(models: tuple[tuple[str, str], ...], regression: bool,
                 column: str) -> tuple[tuple[str, str], ...]:
    """The methods' models a table's P values may come from: a regression table's (or a
    "Wald's p" column's) are its model's, not the log-rank test's the methods name."""
    if regression or "wald" in fold(column):
        return tuple(m for m in models if "log_rank" not in m[1])
    return models

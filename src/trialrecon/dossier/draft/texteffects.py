"""The effects a sentence prints between the arms, read into labels (:mod:`.sentences`).

"(RR 0.75, 95% CI 0.51–1.11; P = 0.14)", "adjusted odds ratio 0.88", "HR for death 0.7":
the effect quantity (a hazard ratio is the endpoint's ``_hr``), its adjustment, and as
category the outcome the sentence names as a table names it (:mod:`.textnames`); a P value
printed right after an effect's CI is its own; an effect in a sentence about factors or
predictors, naming no arms, may be a covariate's and is flagged.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from trialrecon.dossier.draft import cues, textrules
from trialrecon.dossier.draft.drafter import Draft
from trialrecon.dossier.draft.normalise import fold
from trialrecon.dossier.draft.textnames import Named
from trialrecon.dossier.draft.textrules import guess, sure
from trialrecon.dossier.vocabulary import vocabulary

if TYPE_CHECKING:
    from trialrecon.dossier.draft.sentences import Sentence

# statistics that belong to another number of their group (or to no arm)
BETWEEN = ("ci_low", "ci_high", "pair_low", "pair_high", "p_value", "range_high",
            "range_low", "iqr_low", "iqr_high", "sd", "se")

EFFECTS = frozenset(("risk_ratio", "odds_ratio", "rate_ratio", "ratio_of_means",
                     "risk_difference", "rate_difference", "mean_difference",
                     "median_difference", "std_mean_difference", "win_difference",
                     "win_ratio", "nnt", "nnh"))
_RATIO_UNIT = ("risk_ratio", "odds_ratio", "rate_ratio", "ratio_of_means", "win_ratio")
_ESTIMATE_PATTERNS = ("estimate and ci", "ratio and ci", "estimate and interval")
_OUTCOME_QUANTITIES = None  # every table quantity may be the outcome compared


def _window_before(s: Sentence, d: Draft, width: int = 60) -> tuple[int, str]:
    start = s.group_span(d)[0]
    prev = max((s.group_span(r)[1] for r in s.rows if r.item is not None and d.item is not None
                and r.item.group != d.item.group and s.span(r)[1] <= start), default=0)
    lo = max(prev, start - width)
    return lo, s.unit.text[lo:start]


def effect_of(s: Sentence, d: Draft) -> str:
    """The effect measure printed right before the number's group ("RR", "odds ratio"): of
    two named, the nearer ("relative risk of death (hazard ratio 0.75)" is a hazard ratio)."""
    lo, before = _window_before(s, d)
    found = cues.last_effect(before)
    if found:
        return found
    if re.search(r"\b(?:treatment )?difference\b", before, re.IGNORECASE):
        return "risk_difference" if "%" in s.unit.text[s.group_span(d)[0]:s.group_span(d)[1]] \
            else "mean_difference"
    return ""


def _adjustment(before: str) -> str:
    low = fold(before)
    if re.search(r"\bunadjusted\b|\bcrude\b", low):
        return "unadjusted"
    if re.search(r"\badjusted\b|\ba(?:or|rr|hr)\b", low):
        return "adjusted"
    return ""


def label_effects(s: Sentence) -> None:
    """Effect estimates, their CI and P value: quantity, unit, adjustment, category."""
    by_group: dict[int, tuple[str, str, str]] = {}
    for d in s.rows:
        if d.item is None or d.item.statistic in BETWEEN:
            continue
        plain = d.item.pattern in _ESTIMATE_PATTERNS or d.item.statistic in ("value",
                                                                              "estimate")
        if not plain:
            continue
        measure = effect_of(s, d)
        if not measure:
            continue
        lo, before = _window_before(s, d)
        if measure == "hazard_ratio":
            quantity = textrules.hr_quantity(s.unit.text, s.group_span(d), s.ctx.names,
                                             d.fields["quantity"])
            if not quantity:
                continue
        else:
            quantity = measure
        by_group[d.item.group] = (quantity, _adjustment(before), measure)
    for d in s.rows:
        if d.item is None:
            continue
        got = by_group.get(d.item.group)
        if got is None and d.item.statistic == "p_value":
            got = _p_of_previous(s, d, by_group)
        if got is None:
            continue
        quantity, adjustment, measure = got
        d.fields["quantity"] = quantity
        d.fields["adjustment"] = adjustment
        if d.fields["statistic"] in ("value", "median", "mean", "percent", "count"):
            d.fields["statistic"] = "estimate"
        if d.fields["statistic"].startswith(("pair_", "range_")):
            d.fields["statistic"] = "ci_" + d.fields["statistic"].split("_")[1]
        if d.fields["statistic"] == "p_value":
            d.fields["unit"] = "probability"
        elif quantity in _RATIO_UNIT or quantity.endswith("_hr"):
            d.fields["unit"] = "ratio"
        elif quantity == "risk_difference" and d.item.unit == "percent":
            d.fields["unit"] = "percentage_points"
        d.fields["denominator"] = ""
        if _COVARIATE.search(s.low) or not (s.arms or _ARMS_COMPARED.search(s.low)):
            guess(d, "quantity: the effect may be a covariate's, not the arms'")
        sure(d, "quantity", f"effect: {measure}")
        sure(d, "statistic", "an effect's estimate, CI and P value")
        if not quantity.endswith("_hr") or not textrules.hr_named(s.unit.text, s.group_span(d),
                                                                  s.ctx.names):
            _effect_category(s, d)


_COVARIATE = re.compile(r"\b(?:factors?|associated|predict\w*|prognos\w*|multivariat\w*|"
                       r"univariat\w*|multivariable|univariable|regression|per unit|"
                       r"increase in|levels?|concentrations?|high|low)\b")
_ARMS_COMPARED = re.compile(r"\b(?:treatment|arms?|groups?|randomi[sz]\w*|versus|vs\.?|"
                            r"compared|favou?ring)\b")


def _p_of_previous(s: Sentence, d: Draft,
                   by_group: dict[int, tuple[str, str, str]]) -> tuple[str, str, str] | None:
    """A P value printed right after an effect's CI ("..., 0.51-1.11; P = 0.14") is its own."""
    start = s.span(d)[0]
    before = [r for r in s.rows if r.item is not None and s.span(r)[1] <= start
              and r.item.statistic != "p_value"]
    if not before:
        return None
    last = before[-1]
    gap = s.low[s.span(last)[1]:start]
    if last.item is not None and last.item.group in by_group and len(gap) < 20 and \
            not re.search(r"\b(?:and|vs|versus)\b", gap):
        return by_group[last.item.group]
    return None


_CHARACTERISTICS = ("baseline", "baseline_value", "age", "male", "female")


def _effect_category(s: Sentence, d: Draft) -> None:
    """The outcome an effect compares: the table's effect row or outcome the sentence names."""
    start = s.group_span(d)[0]
    q = d.fields["quantity"]
    found = s.ctx.tables.named(s.unit.text, start)
    same = [(e, sc) for e, sc in found if e.quantity == q]
    # a baseline characteristic ("Tobacco use" among a model's covariates) is no outcome
    # an effect between the arms compares
    outcomes = [(e, sc) for e, sc in found if e.quantity not in EFFECTS
                and not e.quantity.endswith("_hr") and e.quantity not in _characteristics()]
    pick = _best(same) or _best(outcomes)
    if pick is None:
        if not d.fields["category"]:
            guess(d, "category: the outcome the effect compares (no table row named)")
        return
    d.fields["category"] = pick.category
    d.rules.append(f"category: the table's '{pick.category}' named in the sentence")
    if pick.quantity in _CHARACTERISTICS or pick.unsure:
        # a baseline table's row names what is measured, not which outcome (when, how) an
        # effect compares; a row the table was unsure of is no surer here
        guess(d, "category: the outcome compared is named as a baseline characteristic or "
                 "as a table row that is itself a guess")
    else:
        sure(d, "category", "the outcome compared, named as a table names it")


@lru_cache(maxsize=1)
def _characteristics() -> frozenset[str]:
    """The quantities the vocabulary calls patients' characteristics (``baseline``, ``age``)."""
    return frozenset(q for q, spec in vocabulary().quantities.items()
                     if spec.get("kind") == "characteristic")


def _best(found: list[tuple[Named, float]]) -> Named | None:
    """The best entry, when no other with another category scores as well."""
    if not found:
        return None
    top = found[0]
    rivals = [e for e, sc in found[1:] if sc >= top[1] - 1e-9 and e.category != top[0].category]
    return None if rivals else top[0]

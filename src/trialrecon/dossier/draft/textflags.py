"""The last pass over a sentence's rows: another study's quantity, the safety set of adverse
events, and the flags that say which label of a row is still a guess.

Split from :mod:`.sentences` (which calls these once per row, after every labeller has run).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from trialrecon.dossier.draft.drafter import Draft
from trialrecon.dossier.draft.otherstudies import is_external
from trialrecon.dossier.draft.texteffects import EFFECTS
from trialrecon.dossier.draft.textnames import SAFETY_QUANTITY
from trialrecon.dossier.draft.textrules import guess, is_sure

if TYPE_CHECKING:
    from trialrecon.dossier.draft.sentences import Sentence

# numbers of how the trial was run: never one arm's, and their statistic is a plain value
CONDUCT = frozenset((
    "centers", "countries", "enrollment_start", "enrollment_end", "data_cutoff",
    "analysis_cutoff", "criteria_version", "eligibility", "allocation_ratio",
    "significance_level", "study_start", "study_completion", "primary_completion"))


def between_arms(d: Draft) -> bool:
    """A statistic between the arms (a P value, a hazard ratio, an effect) or another
    study's number: never one arm's."""
    q = d.fields["quantity"]
    return (d.fields["statistic"] == "p_value" or q.endswith("_hr") or q in EFFECTS
            or q.startswith("external"))


def external_quantity(s: Sentence, d: Draft) -> None:
    """A number of another study (a sentence of the Introduction, or citing one in the
    Discussion) stays ``external_*`` whatever the sentence's shape made of it (an odds
    ratio, a dose, an outcome): ``external_pfs`` and ``external_orr`` only where the sentence
    names progression-free survival or a response rate, else ``external_other``."""
    start, end = s.group_span(d)
    prev = max((s.group_span(r)[1] for r in s.rows if r.item is not None and d.item is not None
                and r.item.group != d.item.group and s.group_span(r)[1] <= start), default=0)
    before, after = s.low[prev:start], s.low[end:end + 30]
    # "Response rate was 35-67%, PFS was 12-13 months": the endpoint named since the last
    # number, or right after the number ("25% partial response")
    if re.match(r"^\s*%?\)?\s*(?:partial |complete |objective |overall )?respon", after) or \
            re.search(r"\brespon\w*(?: rates?)?[^,;]*$", before) and not re.search(
                r"progression[- ]free|\bpfs\b|surviv", before[before.rfind("respon"):]):
        d.fields["quantity"] = "external_orr"
    elif re.search(r"progression[- ]free|\bpfs\b", before) and \
            re.match(r"^\s*(?:%|(?:-|to|and)?\s*[\d.]*\s*(?:months?|weeks?|years?|mo)\b)", after):
        # a median (time) or a rate of PFS, not a count of the same sentence
        d.fields["quantity"] = "external_pfs"
    else:
        d.fields["quantity"] = "external_other"
    d.fields["arm"] = ""


def safety_set(s: Sentence, d: Draft) -> None:
    """An adverse event in the text is over the safety set, as in the tables (the data
    dictionary: "on adverse events ... the safety set the paper defines"); when the tables
    give adverse events several sets, the one most of their cells use, as a guess."""
    sets = s.ctx.tables.safety_sets
    if not sets or is_external(s.unit.external_spans, d.offset) or \
            d.fields.get("population") or \
            not SAFETY_QUANTITY.match(d.fields["quantity"]):
        return
    d.fields["population"] = sets[0]
    d.rules.append(f"population: the set of the tables' adverse events ({sets[0]})")
    if len(sets) > 1:
        guess(d, "population: the tables give adverse events several analysis sets")


_EFFICACY = re.compile(r"^(?:outcome|orr|dcr|pcr|cr_rate|responders|best_response|deaths|"
                       r"[a-z0-9]+_(?:hr|rate|events)|pfs|os|dfs|efs|rfs|ttp|dor|dss|mfs|ttf|"
                       r"pfs2|idfs|rpfs|ttr)$|" + "|".join(sorted(EFFECTS)))


# quantities whose category names what the number is about (the rest leave it empty)
_WITH_CATEGORY = re.compile(r"^(?:outcome|baseline|baseline_value|t?r?ae_.*|external_.*|"
                            r".*_rate|dose|median_dose|dose_level|schedule|eligibility|"
                            r"assessment_time|criteria_version|prior_treatment|"
                            r"subsequent_therapy|stable_disease_lasting|best_response)$")


def flag_row(s: Sentence, d: Draft) -> None:
    q, stat = d.fields["quantity"], d.fields["statistic"]
    if not q:
        guess(d, "quantity: no term names it")
    elif not is_sure(d, "quantity"):
        guess(d, "quantity: read from the nearest term")
    if q and (q in EFFECTS or _WITH_CATEGORY.match(q)) and not is_sure(d, "category"):
        guess(d, "category: what the number is about, in the words of the table")
    if stat in ("value",) and not is_sure(d, "statistic") and q and \
            not q.startswith(("design_", "external")) and q not in CONDUCT:
        guess(d, "statistic: median or mean, range, IQR or CI, as the words say")
    if d.item is not None and d.item.pattern == "estimate and interval" and \
            not is_sure(d, "statistic"):
        guess(d, "statistic: an interval the sentence does not name")
    if len(s.ctx.names.cohorts) > 1 and any("pooled cohort" in r for r in d.rules):
        guess(d, "cohort: none named")
    if stat.startswith(("range_", "iqr_")) and s.arms and not d.fields["arm"] and \
            not between_arms(d):
        guess(d, "arm: the spread of an arm's number (the sentence names arms)")
    if d.item is not None and d.item.words:
        guess(d, "a number in words: data, or a word of the prose (\"the two sites who\")?")
    if is_external(s.unit.external_spans, d.offset):
        guess(d, "external: a number of another study (name it in category)")
    elif not d.fields.get("population") and _EFFICACY.match(q):
        if s.ctx.method_population:
            guess(d, f"population: the methods analyse by '{s.ctx.method_population}' "
                     "(write it where this number is of that set)")
        elif any(r.startswith("population of the table:") for r in d.rules):
            guess(d, "population: the table reports this row for an analysis set")
    d.needs_review = any(r.startswith("guess:") for r in d.rules)

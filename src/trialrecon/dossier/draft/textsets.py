"""The analysis set a sentence names for its own numbers (:mod:`.sentences`).

"Median PFS in the intention-to-treat population was 8.4 months", "of evaluable
patients, 31 (42%) responded", "in the per-protocol analysis the difference was 5.06": the
data dictionary writes ``population`` when "the value's own ... sentence names the analysis
set" (a paper-wide Methods sentence is not copied onto rows that do not say it). The set
named in the number's own clause is its ``population`` (one of the built-in sets: a
declared set's label describes it in words a sentence uses for other things). Only numbers an
analysis set describes take it (outcomes, effects, endpoints, the patients analysed), not
the randomized counts, the design or the conduct of the trial.

Written from the data dictionary's analysis sets, not from any one paper.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from trialrecon.dossier.draft.texteffects import EFFECTS

if TYPE_CHECKING:
    from trialrecon.dossier.draft.sentences import Sentence

# the built-in sets as a sentence names them (the more specific first)
_SETS = (
    ("modified_itt", re.compile(r"modified intention[- ]to[- ]treat|\bmitt\b|modified itt")),
    ("itt", re.compile(r"intention[- ]to[- ]treat|intent[- ]to[- ]treat|\bitt\b")),
    ("per_protocol", re.compile(r"per[- ]protocol")),
    ("as_treated", re.compile(r"as[- ]treated (?:population|analysis|set)")),
    ("safety", re.compile(r"safety (?:population|set|analysis set)")),
    ("full_analysis", re.compile(r"full analysis set")),
    ("evaluable", re.compile(r"\b(?:of|among|in) (?:the |all )?(?:\d+ )?evaluable "
                             r"(?:patients|participants|subjects|population)|"
                             r"evaluable (?:population|set)")),
)
_DESCRIBED = re.compile(r"^(?:outcome|orr|dcr|pcr|cr_rate|responders|best_response|deaths|"
                        r"analysed|excluded_from_analysis|[a-z0-9]+_(?:hr|rate|events)|pfs|"
                        r"os|dfs|efs|rfs|ttp|dor|dss|mfs|ttf|pfs2|idfs|rpfs|ttr|[a-z0-9]+)$")
_NOT_DESCRIBED = re.compile(r"^(?:design_.*|external_.*|randomized|enrolled|screened|"
                            r"screen_failure|allocated|eligibility|schedule|dose|dose_level|"
                            r"median_dose|assessment_time|follow_up|centers|countries|"
                            r"allocation_ratio|significance_level|criteria_version|age|male|"
                            r"female|ecog|baseline|baseline_value|prior_treatment|"
                            r"safety_population|evaluable_response|treated|not_treated|"
                            r"completed|discontinued|lost_to_follow_up|withdrew_consent|"
                            r"enrollment_.*|data_cutoff|analysis_cutoff|study_.*|"
                            r"primary_completion|crossover)$")


def _clauses(low: str) -> list[tuple[int, int]]:
    """The spans of a sentence's clauses (cut at semicolons)."""
    cuts = [0] + [m.end() for m in re.finditer(r";", low)] + [len(low) + 1]
    return [(a, b) for a, b in zip(cuts[:-1], cuts[1:], strict=True)]


def _named(s: Sentence, start: int, end: int) -> str:
    # a declared set's label is a description ("participants with the primary outcome
    # at day 90"): its words name too much in a sentence, so only the built-in sets' names
    text = s.low[start:end]
    return next((ident for ident, rx in _SETS if rx.search(text)), "")


def label_population(s: Sentence) -> None:
    """The analysis set named in a number's clause is the number's ``population``."""
    for start, end in _clauses(s.low):
        found = _named(s, start, end)
        if not found:
            continue
        for d in s.rows:
            q = d.fields["quantity"]
            if d.item is None or not start <= d.item.start < end or \
                    d.fields.get("population") or s.unit.external or \
                    _NOT_DESCRIBED.match(q) or not (q in EFFECTS or _DESCRIBED.match(q)):
                continue
            d.fields["population"] = found
            d.rules.append(f"population: the clause names the analysis set ({found})")

"""What a sentence says of its own numbers that a table's labels cannot know.

- **a standard error after ±**: "Mean values (mean ± SE) ... were 4.75 ± 0.02 vs. 5.32 ±
  0.02 mmol/L": the number after ± is a standard error (statistic ``se``), not the standard
  deviation ± is read as by default, when the sentence says so and names no SD;
- **a later time**: a sentence naming a row of the baseline table while it speaks of values
  during follow-up, at a later visit or after treatment ("systolic blood pressure during
  follow-up was 134.1 ± 0.38"): the characteristic's name is the outcome's too, so the
  baseline labels it borrows are a guess.

Written from the data dictionary's statistics and quantities, not from any one paper.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from trialrecon.dossier.draft.textrules import guess, sure

if TYPE_CHECKING:
    from trialrecon.dossier.draft.sentences import Sentence

_SE_SAID = re.compile(r"(?:±|\+/-|\+-)\s*(?:se|sem|s\.e\.(?:m\.)?)\b|\bmeans?\s*[(\[]\s*"
                      r"(?:se|sem)\s*[)\]]|\bstandard errors?\b")
_SD_SAID = re.compile(r"(?:±|\+/-|\+-)\s*(?:sd|s\.d\.)\b|\bmeans?\s*[(\[]\s*sd\s*[)\]]|"
                      r"\bstandard deviations?\b")


def label_se(s: Sentence) -> None:
    """The spread after ± is a standard error where the sentence says so (and names no SD)."""
    if not _SE_SAID.search(s.low) or _SD_SAID.search(s.low):
        return
    for d in s.rows:
        if d.item is not None and d.item.pattern == "mean and sd" and \
                d.fields["statistic"] == "sd":
            d.fields["statistic"] = "se"
            sure(d, "statistic", "the sentence says ± gives a standard error")


_BASELINE = ("baseline", "baseline_value")
# a time after randomization the sentence's values are measured at
_LATER = re.compile(r"\bduring (?:the )?(?:follow-?up|treatment|the study)\b|\bfollow-?up "
                    r"(?:periods?|visits?)\b|\bat (?:the )?(?:end of|final|last|week|month|day|"
                    r"year)\b|\bafter (?:\d+|one|two|three|four|six|twelve) (?:days?|weeks?|"
                    r"months?|years?)\b|\bon[- ]treatment\b|\bpost-?treatment\b|"
                    r"\bchanges? (?:from|since) baseline\b")


def flag_later_baseline(s: Sentence) -> None:
    """A baseline row's labels borrowed by a sentence about later values are a guess."""
    if not _LATER.search(s.low):
        return
    for d in s.rows:
        if d.fields["quantity"] in _BASELINE and any(
                r.startswith("labels: the table's 'baseline") for r in d.rules):
            guess(d, "quantity: a baseline characteristic named with values measured later "
                     "(an outcome?)")

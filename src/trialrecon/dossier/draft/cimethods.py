"""The method of a proportion's confidence interval, as the statistical methods name it.

"Response rates are given with exact (Clopper-Pearson) 95% confidence intervals", "95% CIs by
the Wilson score method": the data dictionary writes the interval's method in ``test`` on its
``ci_low`` and ``ci_high`` rows, so the ``proportion-ci`` check can try the named method first
(Clopper and Pearson 1934; Wilson 1927; Newcombe 1998, Stat Med 17:857). Only a methods
sentence that speaks of an interval counts ("an exact binomial test" is a test), and only one
method named in the whole of the methods: two (a Wilson interval for rates, an exact one for a
single arm) leave every bound empty. A Kaplan-Meier rate's interval, a ratio's or a
difference's is no binomial interval and is left alone.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from trialrecon.dossier.draft.normalise import fold

if TYPE_CHECKING:
    from trialrecon.dossier.draft.drafter import Draft

_INTERVAL = re.compile(r"confidence intervals?|\bcis?\b|\bintervals?\b")
# (method, pattern over folded text); the continuity-corrected Wilson before the plain one
_METHODS = (("clopper_pearson", r"clopper[- ]?pearson|\bexact (?:binomial )?(?:95% )?"
                                r"(?:confidence intervals?|cis?\b|intervals?)"),
            ("wilson_cc", r"\bwilson\b[^.;]{0,40}continuity correct"),
            ("wilson", r"\bwilson(?:'s)?\b(?! [^.;]{0,40}continuity)"),
            ("agresti_coull", r"agresti[- ]coull"),
            ("jeffreys", r"\bjeffreys\b"),
            ("mid_p", r"\bmid[- ]p\b"))
_PROPORTION_UNITS = frozenset({"percent", "proportion"})


def stated_ci_method(sentences: list[str]) -> str:
    """The one interval method the sentences of the statistical methods name, or "" (none,
    or several)."""
    found: set[str] = set()
    for sentence in sentences:
        low = fold(sentence)
        if not _INTERVAL.search(low):
            continue
        for method, pattern in _METHODS:
            if re.search(pattern, low):
                found.add(method)
                if method == "wilson_cc":
                    break  # the plain pattern would also see this sentence's "Wilson"
    return next(iter(found)) if len(found) == 1 else ""


def apply_ci_method(drafts: list[Draft], method: str) -> None:
    """Write ``method`` on the CI bounds of proportions that do not name their own."""
    if not method:
        return
    for d in drafts:
        f = d.fields
        if (f["statistic"] in ("ci_low", "ci_high") and f.get("unit") in _PROPORTION_UNITS
                and not f.get("test") and not f["quantity"].endswith("_rate")
                and not f["quantity"].startswith("design_")):
            f["test"] = method
            d.rules.append(f"test: the methods name the {method.replace('_', ' ')} interval")

"""Readable titles and words for findings, built in one place for every check.

:meth:`Context.finding <trialrecon.checks.context.Context.finding>` passes each finding's
rows and the check's short claim here, so a new check gets titles of the same form without
code of its own. Two forms:

- statements of one number (same quantity, statistic, cohort, arm, subgroup, category):
  ``Median OS, panNET: 32 months (Results) vs 31 months (Discussion)``; an update reads
  ``... 3.9 months (abstract) updated to 4.2 months (label)``;
- anything else: the rows' common subject and location, then the claim with vocabulary ids
  turned into words: ``Ki-67, panNET (Table 1): percentages sum to 101``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from trialrecon.checks.findings import ValueRef
from trialrecon.dossier import vocabulary

Row = dict[str, Any]

# Short labels a reader expects; other quantities fall back to their vocabulary description.
LABELS: dict[str, str] = {
    "os": "OS", "pfs": "PFS", "dor": "DoR", "orr": "ORR", "dcr": "DCR",
    "orr_investigator": "ORR (investigator)", "pfs_hr": "HR for PFS", "os_hr": "HR for OS",
    "pfs_rate": "PFS rate", "os_rate": "OS rate", "pfs_events": "PFS events",
    "ki67": "Ki-67", "ki67_stratum": "Ki-67", "ecog": "ECOG performance status",
    "enrolled": "Enrolled", "randomized": "Randomized", "treated": "Treated",
    "evaluable_response": "Evaluable for response", "safety_population": "Safety population",
    "best_response": "Best response", "responders": "Responders",
    "ae_grade12": "grade 1/2", "ae_grade34": "grade 3/4", "ae_grade3plus": "grade 3 or higher",
    "ae_grade5": "grade 5", "ae_any_grade": "any grade", "centers": "Centers",
    "countries": "Countries", "design_n_total": "Planned total sample size",
    "design_n_per_group": "Planned sample size per cohort", "primary_site": "Primary site",
    "tumor_grade": "Tumor grade", "follow_up": "Follow-up", "deaths": "Deaths",
    # outcomes, effects, grades and flow of any trial (issue 21)
    "outcome": "Outcome", "baseline_value": "Baseline", "risk_ratio": "Risk ratio",
    "odds_ratio": "Odds ratio",
    "risk_difference": "Risk difference", "nnt": "NNT", "nnh": "NNH",
    "mean_difference": "Mean difference", "std_mean_difference": "Standardized mean difference",
    "median_difference": "Median difference", "ratio_of_means": "Ratio of means",
    "rate_ratio": "Rate ratio", "rate_difference": "Rate difference",
    "ae_grade1": "grade 1", "ae_grade2": "grade 2", "ae_grade3": "grade 3",
    "ae_grade4": "grade 4", "ae_grade2plus": "grade 2 or higher", "ae_grade0": "grade 0",
    "screened": "Screened", "screen_failure": "Screen failures", "allocated": "Allocated",
    "not_treated": "Not treated", "discontinued": "Discontinued", "completed": "Completed",
    "lost_to_follow_up": "Lost to follow-up", "analysed": "Analysed",
    "excluded_from_analysis": "Excluded from analysis", "withdrew_consent": "Withdrew consent",
    "design_conclusion": "Stated conclusion on the primary end point",
    **{f"trae_{g}": f"treatment-related {w}" for g, w in (
        ("any_grade", "any grade"), ("grade1", "grade 1"), ("grade2", "grade 2"),
        ("grade3", "grade 3"), ("grade4", "grade 4"), ("grade5", "grade 5"),
        ("grade12", "grade 1/2"), ("grade34", "grade 3/4"), ("grade3plus", "grade 3 or higher"),
        ("grade2plus", "grade 2 or higher"))},
}
STATISTIC_FORMS: dict[str, str] = {
    "median": "Median {q}", "mean": "Mean {q}", "ci_low": "{q}, lower CI bound",
    "ci_high": "{q}, upper CI bound", "range_low": "{q}, lower end of range",
    "range_high": "{q}, upper end of range", "p_value": "P value, {q}",
}
SCHEME_WORDS: dict[str, str] = {
    "round_twice": "rounding twice", "half_up": "half up", "half_even": "half even",
    "truncate": "truncation",
}
_TOKEN = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b|\b(?:os|pfs|dor|orr|dcr)\b")


def quantity_label(quantity: str, vocab: Any = None) -> str:
    """``os`` -> ``OS``; ``ae_grade34`` -> ``grade 3/4``; unknown ids from the description."""
    if quantity in LABELS:
        return LABELS[quantity]
    desc = str((vocab or vocabulary()).quantities.get(quantity, {}).get("description", "") or "")
    desc = re.sub(r"\s*\([^)]*\)", "", desc).split(",")[0].strip()
    text = desc or quantity.replace("_", " ")
    return text[:1].upper() + text[1:]


def inline(label: str) -> str:
    """A label inside a sentence: ``Follow-up`` -> ``follow-up``; ``DoR``, ``Ki-67`` kept."""
    first = label.split(" ", 1)[0]
    if any(ch.isupper() or ch.isdigit() for ch in first[1:]):
        return label
    return label[:1].lower() + label[1:]


def humanize(text: str, vocab: Any = None) -> str:
    """Vocabulary ids and scheme names in a sentence turned into words."""
    vocab = vocab or vocabulary()
    quantities = vocab.quantities

    def word(m: re.Match[str]) -> str:
        token = m.group(0)
        if token in SCHEME_WORDS:
            return SCHEME_WORDS[token]
        if token in quantities:
            return inline(quantity_label(token, vocab))
        return token.replace("_", " ")

    return _TOKEN.sub(word, text).replace(" != ", " vs ").replace(" -> ", " \u2192 ")


def _cohort_text(row: Row, cohorts: dict[str, str]) -> str:
    cohort = str(row.get("cohort") or "")
    return cohorts.get(cohort, cohort)


def subject(row: Row, cohorts: dict[str, str] | None = None, *, with_category: bool = True,
            with_statistic: bool = True, vocab: Any = None) -> str:
    """What a row measures, for a reader: ``Median OS, panNET`` or ``Hypertension, grade 3/4``."""
    cohorts = cohorts or {}
    vocab = vocab or vocabulary()
    q = quantity_label(str(row["quantity"]), vocab)
    kind = str(vocab.quantities.get(row["quantity"], {}).get("kind", ""))
    category = str(row.get("category") or "") if with_category else ""
    if kind == "safety" and category:
        q = f"{category[:1].upper()}{category[1:]}, {q}"
    elif kind == "safety" and q.startswith(("grade", "any grade")):
        q = f"{q} adverse events"
    elif category:
        q = f"{q} {category}"
    form = STATISTIC_FORMS.get(str(row.get("statistic") or ""), "{q}") if with_statistic else "{q}"
    if not form.startswith("{q}"):
        q = inline(q)  # "Median follow-up", but "Median OS"
    head = form.format(q=q)
    head = head[:1].upper() + head[1:]
    bits = [head]
    who = " ".join(x for x in (_cohort_text(row, cohorts), str(row.get("arm") or "")) if x)
    if who:
        bits.append(who)
    if row.get("subgroup"):
        bits.append(str(row["subgroup"]))
    return ", ".join(bits)


def where(row: Row, with_source: bool) -> str:
    loc = str(row.get("location") or "")
    return f"{row['source']}, {loc}" if with_source and loc else (loc or str(row["source"]))


def _same_number(rows: list[Row]) -> bool:
    keys = ("quantity", "category", "statistic", "cohort", "arm", "subgroup")
    places = {(r["source"], r["location"], r.get("anchor", "")) for r in rows}
    return len(rows) >= 2 and len(places) == len(rows) and all(
        all(str(r.get(k) or "") == str(rows[0].get(k) or "") for k in keys) for r in rows)


def _common(rows: Iterable[Row], key: str) -> str:
    values = {str(r.get(key) or "") for r in rows}
    return values.pop() if len(values) == 1 else ""


def _strip_subject(claim: str, quantity: str) -> str:
    """Drop a claim's leading quantity id or label: the title's subject already says it."""
    for lead in (quantity, quantity_label(quantity), quantity_label(quantity).lower()):
        if lead and claim.startswith(lead + " "):
            return claim[len(lead) + 1:]
    return claim


def make_title(claim: str, rows: list[Row], cohorts: dict[str, str] | None = None,
               vocab: Any = None) -> str:
    """The title of a finding from its rows and the check's short claim."""
    cohorts = cohorts or {}
    vocab = vocab or vocabulary()
    if not rows:
        return humanize(claim, vocab)
    if _same_number(rows) and len(rows) == 2:
        a, b = rows
        with_source = a["source"] != b["source"]
        newer = a if a.get("supersedes") else b if b.get("supersedes") else None
        va, vb = ValueRef.from_row(a).printed(), ValueRef.from_row(b).printed()
        if newer is not None and bool(a.get("supersedes")) != bool(b.get("supersedes")):
            older = b if newer is a else a
            return (f"{subject(a, cohorts, vocab=vocab)}: {ValueRef.from_row(older).printed()} "
                    f"({where(older, with_source)}) updated to "
                    f"{ValueRef.from_row(newer).printed()} ({where(newer, with_source)})")
        return (f"{subject(a, cohorts, vocab=vocab)}: {va} ({where(a, with_source)}) vs {vb} "
                f"({where(b, with_source)})")
    if _same_number(rows):
        claim = _strip_subject(claim, rows[0]["quantity"])
        return f"{subject(rows[0], cohorts, vocab=vocab)}: {humanize(claim, vocab)}"
    quantity = str(rows[0]["quantity"])
    rows = [r for r in rows if r["quantity"] == quantity]
    common = {
        "quantity": quantity,
        "category": _common(rows, "category"),
        "statistic": _common(rows, "statistic"),
        "cohort": _common(rows, "cohort") or str(rows[0]["cohort"]),
        "arm": _common(rows, "arm"),
        "subgroup": _common(rows, "subgroup"),
    }
    if common["statistic"] in ("count", "percent"):
        common["statistic"] = ""
    head = subject(common, cohorts, vocab=vocab)
    locations = list(dict.fromkeys(str(r.get("location") or "") for r in rows if
                                   r.get("location") and r["quantity"] == quantity))
    place = f" ({', '.join(locations[:2])}{', ...' if len(locations) > 2 else ''})" \
        if locations else ""
    return f"{head}{place}: {humanize(_strip_subject(claim, quantity), vocab)}"


def human_free_of_ids(text: str, vocab: Any = None) -> bool:
    """True when ``text`` holds no snake_case vocabulary id (``ki67_stratum``, ``half_up``)."""
    quantities = (vocab or vocabulary()).quantities
    return not any(t in quantities or t in SCHEME_WORDS
                   for t in re.findall(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b", text))

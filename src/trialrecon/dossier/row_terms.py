"""The rules of one ``values.csv`` row that the vocabulary's entries state as data.

Which statistics a quantity may hold (``statistics:``), which units fit a statistic and a
quantity (closed units, event-rate units such as ``per_1000_person_years``, units as printed
for the quantities marked ``free_unit``), what an effect measure's value can be (a ratio is
positive), and the closed lists of the optional columns ``adjustment``, ``test``,
``hypothesis`` and ``population`` and of some categories (follow-up terms, a duration, a
design type). Each rule reports through the caller's ``bad(column, rule, message)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trialrecon.dossier import names
from trialrecon.dossier.vocabulary import Vocabulary

Row = dict[str, str]
Bad = Callable[[str, str, str], None]
TIME_UNITS = frozenset(names.TIME_UNIT_MONTHS)
# The units each statistic may carry (statistics not listed take any unit but 'date').
FIXED_STATISTIC_UNITS: dict[str, frozenset[str]] = {
    "percent": frozenset({"percent"}),
    "proportion": frozenset({"proportion", "probability"}),
    "p_value": frozenset({"probability", "none"}),
    "date": frozenset({"date"}),
    "cv": frozenset({"percent", "none"}),
}
# Statistics whose unit may be one as printed, for a quantity marked free_unit.
FREE_UNIT_STATISTICS = frozenset({"mean", "sd", "se", "median", "iqr_low", "iqr_high",
                                  "range_low", "range_high", "ci_low", "ci_high", "estimate",
                                  "value", "geometric_mean"})
# Units of an effect measure's estimate and bounds, by its scale (free units come on top for
# differences marked free_unit: a mean difference in g/dL).
EFFECT_UNITS: dict[str, frozenset[str]] = {
    "ratio": frozenset({"ratio", "none"}),
    "number_needed": frozenset({"patients", "none"}),
    "difference": frozenset({"percentage_points", "proportion", "none", "points",
                             "percent_change"}) | TIME_UNITS,
}
# The optional columns with a closed list, and the vocabulary attribute holding it.
CLOSED_COLUMNS = (("adjustment", "adjustments"), ("test", "tests"),
                  ("hypothesis", "hypotheses"), ("population", "analysis_sets"))
# Statistics a P-value-like column (test, hypothesis) may sit on, besides design rows.
TEST_STATISTICS = frozenset({"p_value", "test_statistic", "df"})
# On the bounds of a confidence interval, ``test`` names the interval's method (``ci_methods``).
CI_STATISTICS = frozenset({"ci_low", "ci_high"})
HYPOTHESIS_STATISTICS = frozenset({"p_value", "estimate", "ci_low", "ci_high", "test_statistic"})
# Statistics that are never adjusted (a count is what it is; a date or label has no model).
NO_ADJUSTMENT_STATISTICS = frozenset({"count", "date", "label"})


def count_units(vocab: Vocabulary) -> frozenset[str]:
    return vocab.count_units or frozenset({"patients", "events", "none"})


def allowed_statistics(vocab: Vocabulary, quantity: str) -> tuple[str, ...]:
    """The statistics a row of ``quantity`` may hold (every statistic when unrestricted)."""
    listed = vocab.attribute(quantity, "statistics")
    return tuple(listed) if listed else tuple(vocab.statistics)


def fixed_units(vocab: Vocabulary, quantity: str, statistic: str) -> frozenset[str] | None:
    """The closed set of units a row may use, or None when the closed list is open to it."""
    if statistic == "count":
        return count_units(vocab)
    if statistic in FIXED_STATISTIC_UNITS:
        return FIXED_STATISTIC_UNITS[statistic]
    entry = vocab.quantities.get(quantity, {})
    scale = entry.get("scale")
    if scale and statistic in ("estimate", "ci_low", "ci_high", "se"):
        return EFFECT_UNITS[str(scale)]
    return None


def unit_problem(vocab: Vocabulary, row: Row) -> tuple[str, str] | None:
    """(rule, message) when the row's unit is unknown or does not fit; None when it fits."""
    unit, stat, q = row["unit"], row["statistic"], row["quantity"]
    if not unit or stat not in vocab.statistics:
        return None
    entry = vocab.quantities.get(q, {})
    free = bool(entry.get("free_unit")) and stat in FREE_UNIT_STATISTICS
    rate = names.rate_scale(unit) is not None
    known = unit in vocab.units or rate
    if not known and not free:
        return "unknown-unit", f"unknown unit '{unit[:60]}' (see data/raw/README.md)"
    if not known and not names.FREE_UNIT.fullmatch(unit):
        return "unit-format", (f"unit '{unit[:60]}' as printed must be ASCII letters, digits, "
                               "space and / . % ^ ( ) * _ - (at most 40; write umol/L for "
                               "\u00b5mol/L)")
    if not known and _near_closed(unit, vocab):
        return "unit-near-miss", (f"unit '{unit[:60]}' is written '{_near_closed(unit, vocab)}'"
                                  " in the vocabulary")
    if stat == "rate" and not rate:
        return "unit-statistic", (f"a rate is in a unit saying per what (per_1000, "
                                  f"per_100_person_years), not '{unit}'")
    allowed = fixed_units(vocab, q, stat)
    extra = free and entry.get("scale") == "difference"
    if entry.get("scale") in ("difference",) and rate:
        extra = True  # a rate or risk difference per 1000
    if allowed is not None and unit not in allowed and not extra:
        return "unit-statistic", (f"a {stat} of {q} cannot be in unit '{unit}' (allowed: "
                                  f"{', '.join(sorted(allowed))})")
    if allowed is None and unit == "date":
        return "unit-statistic", f"a {stat} cannot be in unit 'date'"
    return _quantity_unit(entry, q, stat, unit)


def _quantity_unit(entry: dict[str, Any], q: str, stat: str, unit: str) -> tuple[str, str] | None:
    if entry.get("endpoint") and stat in ("median", "mean", "range_low", "range_high",
                                          "ci_low", "ci_high", "iqr_low", "iqr_high") \
            and unit not in TIME_UNITS:
        return "unit-quantity", (f"a {stat} of {q} is a time; unit '{unit}' is not one of "
                                 f"{', '.join(sorted(TIME_UNITS))}")
    if entry.get("ratio_of") and stat in ("estimate", "ci_low", "ci_high") and unit not in (
            "ratio", "none"):
        return "unit-quantity", f"a hazard ratio is in unit 'ratio', not '{unit}'"
    return None


def _near_closed(unit: str, vocab: Vocabulary) -> str:
    """The closed unit a printed unit only misspells (``Months``, ``month``), or ''."""
    low = unit.lower().replace(" ", "_")
    for known in vocab.units:
        k = known.lower()
        if low in (k, k + "s", k.rstrip("s")) or (low == "%" and known == "percent"):
            return known
    return ""


def statistic_problem(vocab: Vocabulary, row: Row) -> tuple[str, str] | None:
    q, stat = row["quantity"], row["statistic"]
    if q not in vocab.quantities or stat not in vocab.statistics:
        return None
    allowed = allowed_statistics(vocab, q)
    if stat not in allowed:
        return "statistic-quantity", (f"{q} takes the statistics {', '.join(allowed)}, "
                                      f"not '{stat}'")
    return None


def column_problems(vocab: Vocabulary, row: Row, bad: Bad, populations_known: bool = True) -> None:
    """The closed lists of adjustment, test, hypothesis and population, and where they fit.

    ``populations_known`` is False when trial.yaml could not be read: its declared analysis
    sets are unknown, so the population column is not judged (trial.yaml's problem is).
    """
    design = vocab.attribute(row["quantity"], "kind") == "design"
    for col, attr in CLOSED_COLUMNS:
        if col == "population" and not populations_known:
            continue
        allowed = getattr(vocab, attr)
        if col == "test" and row["statistic"] in CI_STATISTICS and not design:
            allowed = vocab.ci_methods  # a design row keeps the design's tests
        text = adjustment_kind(row[col]) if col == "adjustment" else row[col]
        if col == "adjustment" and text in allowed and not names.MODEL_LABEL.fullmatch(
                row[col].partition(":")[2].strip() or "x"):
            bad(col, "adjustment-model", f"the model named in '{row[col][:60]}' must be "
                "ASCII letters, digits, space and , . ( ) + - / (at most 60)")
        if text and text not in allowed:
            bad(col, f"unknown-{col}", f"unknown {col} '{row[col][:60]}' (allowed: "
                f"{', '.join(allowed)}; see data/raw/README.md)")
    if row["adjustment"] and (row["statistic"] in NO_ADJUSTMENT_STATISTICS or design):
        bad("adjustment", "adjustment-statistic", "'adjustment' says whether an estimate, a "
            f"mean or a P value is adjusted, not a {row['statistic']}"
            + (" of a design" if design else ""))
    if row["test"] and row["statistic"] not in TEST_STATISTICS | CI_STATISTICS and not design:
        bad("test", "test-statistic", "'test' names the test behind a P value or a test "
            "statistic (or a design's alpha and power), or the method of a CI bound, not a "
            f"{row['statistic']}")
    if row["hypothesis"] and row["statistic"] not in HYPOTHESIS_STATISTICS and not design:
        bad("hypothesis", "hypothesis-statistic", "'hypothesis' applies to a P value, an "
            f"estimate or its CI, or a design row, not a {row['statistic']}")


def category_problems(vocab: Vocabulary, row: Row, bad: Bad) -> None:
    """Categories the vocabulary constrains: follow-up terms, durations, design labels."""
    entry = vocab.quantities.get(row["quantity"], {})
    cat = row["category"]
    terms = entry.get("category_terms")
    if terms and cat:
        known = {t.lower() for t in vocab.closed_list(str(terms))} | {
            e.lower() for e in vocab.endpoints}
        unknown = [t for t in (x.strip() for x in cat.split(";")) if t.lower() not in known]
        if unknown:
            bad("category", "category-terms", f"'{unknown[0][:60]}' is not a term of "
                f"{row['quantity']} (terms: {', '.join(vocab.closed_list(str(terms)))}, or an "
                "endpoint id; join several with '; ')")
    if entry.get("category_is") == "duration" and names.duration_months(cat) is None:
        bad("category", "category-duration", f"the category of {row['quantity']} is a time "
            f"such as '16 weeks' or '6 months', not '{cat[:60]}'")
    label_of = entry.get("label_of")
    if label_of and row["value"] and row["value"] not in vocab.closed_list(str(label_of)):
        bad("value", f"unknown-{str(label_of).rstrip('s').replace('_', '-')}",
            f"'{row['value'][:60]}' is not one of {', '.join(vocab.closed_list(str(label_of)))}")


def value_problems(vocab: Vocabulary, row: Row, number: float, sic: bool, bad: Bad) -> None:
    """What the vocabulary says of a number: whole, a positive ratio, a positive NNT."""
    entry = vocab.quantities.get(row["quantity"], {})
    if entry.get("whole") and number != int(number):
        bad("value", "not-whole", f"{row['quantity']} {row['value']} is not a whole number")
    scale = entry.get("scale")
    if scale in ("ratio", "number_needed") and row["statistic"] in (
            "estimate", "ci_low", "ci_high") and number <= 0 and not sic:
        what = "ratio" if scale == "ratio" else "number needed to treat"
        bad("value", "effect-not-positive", f"a {what} of {row['value']} is impossible (write "
            "[sic] in the note if the source prints it)")
    if row["statistic"] in ("sd", "se", "cv") and number < 0 and not sic:
        bad("value", "spread-negative", f"a {row['statistic']} of {row['value']} is negative")
    if row["statistic"] == "rate" and number < 0 and not sic:
        bad("value", "rate-negative", f"a rate of {row['value']} is negative")


def adjustment_kind(text: str) -> str:
    """``adjusted: model 2`` -> ``adjusted``: the closed word before a model's name."""
    return text.partition(":")[0].strip()


def may_exceed_100(vocab: Vocabulary, quantity: str) -> bool:
    return bool(vocab.attribute(quantity, "may_exceed_100"))

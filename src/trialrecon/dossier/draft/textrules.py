"""The shapes of a trial report's sentences, each read into labels (:mod:`.sentences`).

Each rule reads one shape the CONSORT items make papers print, and says whether what it read
is sure (``text: ...`` in the row's rules) or a guess (``guess: ...``, which flags the row):

- hazard ratios: the endpoint a sentence names for them ("HR for death", "... for PFS");
- landmark rates: "the 2-year overall survival was 56%", "PFS rate at 3 months";
- what a number names in the tables (:func:`label_named`): "diarrhoea (35.9% vs 35.1%)"
  takes the quantity and category of the adverse-event row ``Diarrhea``;
- the units printed after a number ("3·6 h", "250 mg", "15 cm/sec", "45 Gy");
- an endpoint ``trial.yaml`` declares whose name holds the vocabulary's term ("local
  progression-free survival" is ``lpfs``, not ``pfs``);
- a duration of treatment ("the median duration of A administration was 1.8 (range ...)
  months") with its median and spread;
- comparators in words: "about 10%", "at least 4 days", "up to 8 h", "18 weeks or more";
- a mean and the SD printed after it ("68·9 years (SD 13·8)");
- the test named at a P value ("(Fisher's exact test, p = 0.082)").

Designs, flow, doses, schedules, dates and follow-up are in :mod:`.textshapes`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from trialrecon.dossier.draft import cues
from trialrecon.dossier.draft.drafter import Draft
from trialrecon.dossier.draft.lexicon import Names, lexicon
from trialrecon.dossier.draft.normalise import fold
from trialrecon.dossier.draft.textnames import Named

if TYPE_CHECKING:
    from trialrecon.dossier.draft.sentences import Sentence


def guess(d: Draft, why: str) -> None:
    """Mark a label of ``d`` as a guess (the row is flagged, the reason in its rules)."""
    rule = f"guess: {why}"
    if rule not in d.rules:
        d.rules.append(rule)


def sure(d: Draft, what: str, why: str) -> None:
    """Record that ``what`` (quantity, category, arm, statistic, unit) was read for sure."""
    d.rules.append(f"sure {what}: {why}")


def is_sure(d: Draft, what: str) -> bool:
    return any(r.startswith(f"sure {what}:") for r in d.rules)


# --------------------------------------------------------------------------- hazard ratios

_ENDPOINT_AFTER = re.compile(r"^[^()\[\]]{0,40}?\bfor\s+(?:the\s+)?([a-z][a-z -]{1,40})")


def _endpoint_in(text: str, names: Names) -> str:
    found = cues.endpoint_of(text, names.endpoints)
    if found:
        return found
    low = fold(text)
    if re.search(r"\b(?:death|deaths|died|mortality|fatality)\b", low):
        return "os"
    if re.search(r"\bprogression\b", low):
        return "pfs"
    if _BARE_SURVIVAL.search(low):
        return "os"  # "survival did not differ": survival with no qualifier is overall
    return ""


_BARE_SURVIVAL = re.compile(r"(?<![a-z]-)(?<!free )(?<!specific )\bsurvival\b")


def hr_named(text: str, span: tuple[int, int], names: Names) -> str:
    """The endpoint a hazard ratio's own words name: "HR for death", "(... for PFS)", the
    clause before it ("median PFS ... (HR 0.7"), or ""."""
    tail = re.split(r"\b(?:hr|hazard|or|rr)\b", fold(text[span[1]:span[1] + 60]))[0]
    after = _ENDPOINT_AFTER.match(tail)
    if after:
        found = _endpoint_in(after.group(1), names)
        if found:
            return found
    before = text[max(0, span[0] - 50):span[0]]
    m = re.search(r"(?:hazard ratio|\bHR)\s*(?:\(HR\))?\s*(?:for|of)\s+([^,;()0-9]{2,40})$",
                  before, re.IGNORECASE)
    if m:
        return _endpoint_in(m.group(1), names)
    clause = re.split(r"\.\s", text[:span[0]])[-1]
    # the declared endpoint named last before the number ("overall survival" names no
    # declared "survival post relapse" by its word "survival")
    declared = [(start, ident) for start, _, ident in
                cues.endpoint_names_at(clause, names.endpoints)]
    if declared:
        return max(declared)[1]
    spots = [(m.start(), _endpoint_in(m.group(), names)) for m in re.finditer(
        r"progression[- ]free survival|overall survival|\b[a-z]{0,3}pfs\b|\bos\b|"
        r"disease[- ]free survival|\bdfs\b|\befs\b|\brfs\b|time to progression|\bttp\b|"
        r"\bdeaths?\b|\bdied\b|mortality|fatality|" + _BARE_SURVIVAL.pattern, fold(clause))]
    named = {e for _, e in spots if e}
    declared = {i for i, _ in names.endpoints}
    own = cues.endpoint_of(clause, names.endpoints)
    if own in declared:
        return own
    return named.pop() if len(named) == 1 else ""


def hr_quantity(text: str, span: tuple[int, int], names: Names, current: str) -> str:
    """``<endpoint>_hr`` of a hazard ratio printed at ``span``."""
    named = hr_named(text, span, names)
    if named:
        return f"{named}_hr"
    return current if current.endswith("_hr") else ""


# --------------------------------------------------------------------------- landmarks

_LANDMARK = re.compile(r"(\d+(?:\.\d+)?)(?:-| (?=(?:years?|months?) (?:overall |progression-free |"
                       r"event-free |disease-free )?surviv))(year|month|week|day)s?\b|"
                       r"\b(?:at|after|by)\s+(\d+(?:\.\d+)?)\s+(years?|months?|weeks?|days?)\b")
_TTE = re.compile(r"\b(?:survival|pfs|os|dfs|efs|rfs|free|alive|survived)\b")


def landmark(text: str) -> str:
    """The landmark of a rate ("2-year", "at 3 months") as a category: "2 years"."""
    found = list(_LANDMARK.finditer(fold(text)))
    if not found:
        return ""
    m = found[-1]
    number, unit = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
    unit = unit.rstrip("s")
    return f"{number} {unit}s"


def label_landmarks(s: Sentence) -> None:
    """A percentage of a time-to-event endpoint at a time: ``<endpoint>_rate`` "2 years"."""
    for d in s.rows:
        if d.item is None or d.item.unit != "percent" or d.item.statistic not in (
                "value", "estimate", "ci_low", "ci_high", "pair_low", "pair_high", "percent"):
            continue
        start = s.group_span(d)[0]
        clause = re.split(r"[.;]\s|\(", s.unit.text[:start])[-1]
        clause = s.unit.text[max(0, start - 90):start] if len(clause) < 8 else clause
        if not _TTE.search(fold(clause)) or re.search(r"\b(?:hr|hazard)\b", fold(clause)):
            continue
        endpoint = _endpoint_in(clause, s.ctx.names) or (
            "os" if re.search(r"\bsurviv|\balive\b", fold(clause)) else "")
        when = landmark(clause)
        if not endpoint or not when:
            continue
        d.fields["quantity"], d.fields["category"] = f"{endpoint}_rate", when
        d.fields["unit"] = "percent"
        if d.fields["statistic"] in ("value", "estimate"):
            d.fields["statistic"] = "percent"
        elif d.fields["statistic"].startswith("pair_"):
            d.fields["statistic"] = "ci_" + d.fields["statistic"].split("_")[1]
        sure(d, "quantity", f"a rate of {endpoint} at {when}")
        sure(d, "category", "the landmark printed")


# --------------------------------------------------------------- what the tables name

_NAMED_STATS = {"count": ("count", "percent"), "percent": ("count", "percent"),
                "value": ("count", "percent", "mean", "median", "value"),
                "estimate": ("mean", "median", "percent", "value"),
                "median": ("median",), "mean": ("mean",), "sd": ("mean", "sd"),
                "range_low": ("median", "range_low"), "range_high": ("median", "range_high"),
                "iqr_low": ("median", "iqr_low"), "iqr_high": ("median", "iqr_high"),
                "pair_low": ("median", "mean", "iqr_low", "range_low", "ci_low"),
                "pair_high": ("median", "mean", "iqr_high", "range_high", "ci_high"),
                "ci_low": ("ci_low", "percent", "mean", "median"),
                "ci_high": ("ci_high", "percent", "mean", "median")}
# a sentence's own reading of these is kept: they name the number more exactly than a row
_OWN = re.compile(r"^(?:design_|external_|.*_hr$|.*_rate$|pfs$|os$|dor$|follow_up$|"
                  r"randomized$|enrolled$|screened$|centers$|countries$|enrollment_|"
                  r"allocation_ratio$|significance_level$|criteria_version$)")
_GENERIC = ("", "outcome", "baseline", "baseline_value")


def _grade_choice(s: Sentence, tops: list[Named], start: int) -> Named | None:
    if len({e.quantity for e in tops}) == 1:
        return tops[0]
    window = s.unit.text[max(0, start - 80):start]
    grade = cues.grade(window) if re.search(r"grade|gr\.?\s*\d|severe|any", fold(window)) \
        else ""
    if grade:
        fit = [e for e in tops if re.search(rf"_{grade}$", e.quantity)]
        if len(fit) == 1:
            return fit[0]
    return None


def label_named(s: Sentence) -> None:
    """A number whose sentence names a table's row takes the row's quantity and category."""
    from trialrecon.dossier.draft.texteffects import EFFECTS

    last: dict[int, Draft] = {}
    for d in s.rows:
        if d.item is None:
            continue
        q = d.fields["quantity"]
        if is_sure(d, "quantity") or q in EFFECTS or _OWN.match(q) and d.confidence >= 0.6:
            continue
        if d.item.statistic == "p_value":
            _p_after(s, d, last)
            continue
        stat = d.fields["statistic"]
        allowed = _NAMED_STATS.get(stat)
        if allowed is None:
            continue
        start, end = s.group_span(d)
        clause_end = _clause_end(s.low, end)
        found = [(e, sc) for e, sc in s.ctx.tables.named(s.unit.text, start, after=clause_end)
                 if e.statistics & set(allowed) and e.quantity not in EFFECTS
                 and not e.quantity.endswith("_hr")]
        if not found:
            continue
        best = found[0][1]
        tops = [e for e, sc in found if sc >= best - 1e-9]
        if len({(e.category, e.stub) for e in tops}) > 1:
            guess(d, "category: the sentence names several table rows")
            continue
        pick = _grade_choice(s, tops, start)
        if pick is None:
            d.fields["category"] = tops[0].category
            guess(d, "quantity: the table reports this row in several columns (grades)")
            continue
        _take(d, pick, best)
        last[d.item.group] = d
    for d in s.rows:
        if d.item is not None and d.item.group in last and last[d.item.group] is not d and \
                d.item.statistic != "p_value":
            src = last[d.item.group]
            d.fields["quantity"], d.fields["category"] = src.fields["quantity"], \
                src.fields["category"]
            d.fields["population"] = src.fields.get("population", "")


def _take(d: Draft, pick: Named, score: float) -> None:
    d.fields["quantity"], d.fields["category"] = pick.quantity, pick.category
    if pick.quantity.startswith(("ae_", "trae_")) or pick.quantity == "safety_population":
        d.fields["population"] = pick.population  # the safety set adverse events are over
    elif pick.population:
        d.rules.append(f"population of the table: {pick.population}")
    if d.fields["statistic"] not in ("count", "percent", "p_value") and pick.unit and (
            d.fields["unit"] in ("", "none", "patients") or not is_sure(d, "unit")):
        # (a unit not printed by the number came with the quantity the row had before)
        d.fields["unit"] = pick.unit
    d.rules.append(f"labels: the table's '{pick.quantity}' row '{pick.category}' named")
    if pick.unsure:  # the sentence is no surer of the row than the table is
        guess(d, "quantity: the table's row named is itself a guess")
    elif score >= 1.0:
        sure(d, "quantity", "a table row named in full")
        sure(d, "category", "a table row named in full")
    else:
        guess(d, "category: most words of a table row named")


def _clause_end(low: str, end: int) -> int:
    m = re.search(r"[;]|\band\b|\bwhile\b|\bwhereas\b|\d", low[end:])
    return end + (m.start() if m else len(low) - end)


def _p_after(s: Sentence, d: Draft, last: dict[int, Draft]) -> None:
    """A P value after per-arm numbers of one row ("35.9% vs 35.1%, P = 0.52") is that
    row's comparison, with no arm."""
    start = s.span(d)[0]
    before = [r for r in s.rows if r.item is not None and s.span(r)[1] <= start
              and r.item.statistic != "p_value"]
    if not before or before[-1].item is None or before[-1].item.group not in last:
        return
    src = last[before[-1].item.group]
    d.fields["quantity"], d.fields["category"] = src.fields["quantity"], src.fields["category"]
    d.fields["population"] = src.fields.get("population", "")
    d.rules.append("labels: the P value of the row compared before it")
    if is_sure(src, "quantity"):
        sure(d, "quantity", "the P value of the numbers before it")
        sure(d, "category", "the P value of the numbers before it")


# ---------------------------------------------------------------------- units after numbers

_UNIT_AFTER = (
    (r"h(?:ours?|rs?)?\b", "hours"), (r"min(?:utes?)?\b", "min"), (r"days?\b", "days"),
    (r"weeks?\b", "weeks"), (r"months?\b", "months"), (r"years?\b", "years"),
    (r"m[lL]\b", "mL"), (r"mg/m2\b|mg/m²|mg/m\^2|mg/m(?![a-z0-9/])", "mg/m2"),
    (r"mg/kg\b", "mg/kg"),
    (r"mg(?:/d(?:ay)?\b| daily\b| per day\b| a day\b)", "mg/day"), (r"mg\b", "mg"),
    (r"g\b", "g"), (r"Gy\b", "Gy"), (r"kg\b", "kg"), (r"cm/s(?:ec)?\b", None),
    (r"cm\b", "cm"), (r"mm\s?Hg\b", "mmHg"), (r"mm\b", "mm"), (r"μg\b|mcg\b|µg\b", "ug"),
    (r"IU\b", "IU"), (r"fractions?\b", "fractions"), (r"cycles?\b", "cycles"),
    (r"sessions?\b", "sessions"), (r"centres?\b|centers?\b", "centers"),
    (r"countries\b", "countries"),
)
_UNIT_RES = tuple((re.compile(r"\s?(?:" + rx + ")"), unit) for rx, unit in _UNIT_AFTER)


def unit_after(text: str, end: int) -> str:
    """The unit printed right after a number ending at ``end`` (as the dossier writes it)."""
    tail = text[end:end + 16]
    for rx, unit in _UNIT_RES:
        m = rx.match(tail)
        if m:
            return unit or m.group().strip()
    return ""


def label_units(s: Sentence) -> None:
    """The unit printed after a number, or after its group ("8 (7 to 10) days")."""
    for d in s.rows:
        if d.item is None or d.fields["statistic"] in ("percent", "p_value", "date", "label"):
            continue
        if d.item.unit == "percent":
            continue
        end = s.group_span(d)[1]
        unit = unit_after(s.unit.text, d.item.end) or unit_after(s.unit.text, end)
        if not unit:
            continue
        if d.fields["statistic"] == "count" and unit not in ("centers", "countries", "cycles",
                                                             "fractions", "sessions"):
            continue
        d.fields["unit"] = unit
        sure(d, "unit", "printed after the number")


# ------------------------------------------------------------------- levels of best response


@lru_cache(maxsize=1)
def _level_rx() -> tuple[tuple[str, re.Pattern[str], re.Pattern[str]], ...]:
    """(level, its words right after a number, its words right before one) per level of
    best response (the lexicon's response categories; abbreviations only in capitals)."""
    out = []
    for level, terms in lexicon().response_categories.items():
        words = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)
                         if len(t) > 3)
        after = re.compile(rf"^%?\s*[)\]]?\s*(?:patients?\s+)?(?:had|with|achieved|showed|"
                           rf"experienced)?\s*(?:an?\s+)?(?:{words})\b")
        before = re.compile(rf"\b(?:{words})s?\s*(?:\([^()]*\))?\s*[,:]?\s*(?:in|of)?\s*$")
        out.append((level, after, before))
    return tuple(out)


def label_responses(s: Sentence) -> None:
    """"30 patients (21%) had stable disease and 15 (10.5%) progressive disease",
    "(complete response, 3.5%; partial response, 35%)": a number of best response is of the
    level named right after it, else of the level named right before it (the lexicon's
    terms); the nearest term alone would give 3.5% the partial response printed after it."""
    levels = _level_rx()
    for d in s.rows:
        if d.item is None or d.fields["quantity"] != "best_response" or \
                d.fields["statistic"] not in ("count", "percent"):
            continue
        start, end = s.group_span(d)
        tail, head = s.low[end:end + 40], s.low[max(0, start - 40):start]
        found = [lv for lv, after, _ in levels if after.match(tail)] or \
            [lv for lv, _, before in levels if before.search(head)]
        if len(found) == 1:
            d.fields["category"] = found[0]
            sure(d, "quantity", f"a level of best response named at the number ({found[0]})")
            sure(d, "category", f"a level of best response named at the number ({found[0]})")


# ------------------------------------------------------------- a declared set's own counts


def label_declared_set(rows: list[Draft], names: Names) -> None:
    """"155/406 [38.2%] in the progesterone group and 152/393 [38.7%] in the placebo group,
    adjusted RR 0.98": the per-arm denominators a passage prints are those a declared
    analysis set's label gives ("infants ... (406 and 393)"), so its numbers are of that set,
    as a table column whose n is that set's (data dictionary, ``population``)."""
    counts = {d.fields.get("denominator", "") for d in rows
              if d.fields.get("arm") and d.fields["statistic"] in ("count", "percent")} - {""}
    declared = names.population_of_counts(counts)
    if not declared:
        return
    for d in rows:
        q = d.fields["quantity"]
        if not d.fields.get("population") and \
                not q.startswith(("design_", "external_")) and d.fields["statistic"] != "date":
            d.fields["population"] = declared
            d.rules.append(f"population: the declared set whose counts the passage prints "
                           f"({declared})")


# ------------------------------------------------------------------- declared endpoints

_BUILT_IN_TTE = re.compile(r"^(pfs|os|dfs|efs|rfs|ttp|dor|idfs|pfs2|mfs|rpfs|ttf|dss|ttr)"
                           r"(_hr|_rate|_events)?$")


def label_declared_endpoints(s: Sentence) -> None:
    """"local progression-free survival was 20.7 months": the term of the vocabulary
    ("progression-free survival") stands inside the name of an endpoint ``trial.yaml``
    declares ("local progression-free survival"), so the number is of the declared one (its
    median, hazard ratio, rate or events, as the vocabulary's term said)."""
    declared = s.ctx.names.endpoints
    if not declared:
        return
    own = {ident for ident, _ in declared}
    for d in s.rows:
        m = _BUILT_IN_TTE.match(d.fields["quantity"])
        term = next((re.search(r"text-term '([^'+]+)'", r) for r in d.rules
                     if r.startswith("quantity: text-term")), None)
        if not m or m.group(1) in own or term is None:
            continue
        start = s.group_span(d)[0]
        # "median local progression-free survival was 20.7 months (95% CI 16.1-27.9) in the
        # A group versus 17.9 months": the other arm's number stands far from the name
        lo = max(0, start - 200)
        window = s.low[lo:start]
        at = window.rfind(term.group(1))
        if at < 0:
            continue
        for ident, aliases in declared:
            inside = [a for a in aliases if len(a) > len(term.group(1)) and term.group(1) in a
                      and 0 <= window.rfind(a) <= at < window.rfind(a) + len(a)]
            if inside:
                d.fields["quantity"] = ident + (m.group(2) or "")
                d.rules.append(f"quantity: the declared endpoint '{max(inside, key=len)}' "
                               f"names the term")
                break


# ------------------------------------------------------------------- duration of treatment

_DURATION = re.compile(r"\b(?:duration of (?:the )?[a-z0-9 +/-]{0,60}?(?:treatment|therapy|"
                       r"administration|use|exposure|dosing)|(?:treatment|therapy|exposure) "
                       r"duration|(?:days|weeks|months) (?:of|on) (?:use|treatment|therapy|"
                       r"study drug)|median (?:use|exposure)|time on (?:study )?(?:treatment|"
                       r"therapy|drug))\b")
_TIME_UNITS = ("days", "weeks", "months", "years")


_SPREAD = re.compile(r"^\s*(?:days|weeks|months|years)?\s*[,;]?\s*[(\[]?\s*(?:range|iqr|"
                     r"interquartile range|95% ci)?(?:\s*[\[(]iqr[\])])?[\s,:=;]*$")


def label_duration(s: Sentence) -> None:
    """"The median duration of drug A and drug B administration was 1.8 (range, 0.2-31.5
    months) and 2.8 ...", "median use ... (51.0 days, IQR 28.0-69.0)": a time printed after
    words naming how long the treatment was taken is ``treatment_duration``, and so are the
    median and the spread printed with it."""
    groups: dict[int, list[Draft]] = {}
    for d in s.rows:
        if d.item is not None:
            groups.setdefault(d.item.group, []).append(d)
    order = sorted(groups, key=lambda g: s.group_span(groups[g][0])[0])
    chosen: dict[int, tuple[str, str, bool]] = {}
    for g in order:
        head = groups[g][0]
        unit = next((d.fields["unit"] for d in groups[g] if d.fields["unit"] in _TIME_UNITS), "")
        if not unit or any(is_sure(d, "quantity") or d.fields["statistic"] in (
                "p_value", "date", "count", "percent") for d in groups[g]):
            continue
        start = s.group_span(head)[0]
        before = s.low[max(0, start - 120):start]
        found = list(_DURATION.finditer(before))
        if found and not re.search(r"[;.]\s|\b(?:whereas|while)\b", before[found[-1].end():]):
            # "the median duration ...": this trial's summary; "the average duration of IV
            # therapy is 5-6 days" may be what is usual anywhere
            chosen[g] = (unit, found[-1].group(), bool(re.search(r"\b(?:median|mean)\b",
                                                                 before)))
    for k, g in enumerate(order):  # the median and the spread printed with a chosen time
        for j in (k - 1, k + 1):
            if g in chosen or not 0 <= j < len(order) or order[j] not in chosen:
                continue
            a, b = sorted((g, order[j]), key=lambda x: s.group_span(groups[x][0])[0])
            gap = s.low[s.group_span(groups[a][0])[1]:s.group_span(groups[b][0])[0]]
            if _SPREAD.match(gap):
                chosen[g] = chosen[order[j]]
    for g, (unit, words, summary) in chosen.items():
        for d in groups[g]:
            d.fields["quantity"], d.fields["category"] = "treatment_duration", ""
            d.fields["unit"] = unit
            if d.fields["statistic"] in ("value", "estimate") and "median" in s.low:
                d.fields["statistic"] = "median"
            if summary:
                sure(d, "quantity", f"a duration of treatment: '{words}'")
            else:
                d.rules.append(f"quantity: a duration of treatment: '{words}'")
                guess(d, "quantity: a duration of treatment, or a usual one (no median/mean)")


# ------------------------------------------------------------------ comparators in words

_WORDS_BEFORE = (
    ("~", r"(?:about|approximately|approx\.?|around|almost|nearly|roughly|an estimated|"
          r"circa|ca\.)"),
    (">=", r"(?:at least|no (?:fewer|less) than|higher or equal(?: to)?|greater than or equal "
           r"to|not less than)"),
    ("<=", r"(?:up to|at most|no more than|not more than|within|less than or equal to)"),
    (">", r"(?:more than|greater than|longer than|higher than|in excess of|exceeding)"),
    ("<", r"(?:less than|fewer than|shorter than|lower than|below)"),
)
_WORDS_BEFORE_RE = tuple((c, re.compile(r"\b" + rx + r"\s*$")) for c, rx in _WORDS_BEFORE)
_WORDS_AFTER_RE = ((">=", re.compile(r"^\s*%?\s*(?:[a-z/²'’]+\s+){0,2}?or (?:more|longer|above|"
                                     r"greater|higher|older|over)\b")),
                   ("<=", re.compile(r"^\s*%?\s*(?:[a-z/²'’]+\s+){0,2}?or (?:less|fewer|shorter|"
                                     r"below|lower|younger|under)\b")))
_COMPARED = ("value", "count", "percent", "median", "mean", "estimate")


def label_comparators(s: Sentence) -> None:
    """"about 10%", "at least four days", "more than 30% of those", "up to 8 h", "18 weeks'
    gestation or more": the words right before (or right after) a number say how it
    compares, as the data dictionary's ``comparator`` writes a printed sign."""
    for d in s.rows:
        if d.item is None or d.fields.get("comparator") or d.item.pattern == "comparison" \
                or d.fields["statistic"] not in _COMPARED or d.fields["statistic"] == "date":
            continue
        start, end = s.span(d)
        before = s.low[max(0, start - 40):start]
        after = s.low[end:end + 40]
        found = next((c for c, rx in _WORDS_BEFORE_RE if rx.search(before)), "") or \
            next((c for c, rx in _WORDS_AFTER_RE if rx.match(after)), "")
        if not found and d.fields["statistic"] == "percent" and re.search(r"\bover\s*$",
                                                                        before):
            found = ">"  # "Over 36% of the women" (not "over 45 days", a duration)
        if found:
            d.fields["comparator"] = found
            d.rules.append(f"comparator: '{found}' in words at the number")


# ------------------------------------------------------------------- a mean and its SD

_SD_BEFORE = re.compile(r"\b(?:sd|s\.d\.|standard deviation)\s*[,:=]?\s*$")


def label_sd(s: Sentence) -> None:
    """"The mean age was 68·9 years (SD 13·8)", "(3·72 mL, SD 15·9)": the number after "SD"
    is the standard deviation of the number before it, which is then a mean (data
    dictionary: a mean and its SD are two rows of one quantity, category and unit)."""
    rows = [d for d in s.rows if d.item is not None]
    for k, d in enumerate(rows):
        start = s.span(d)[0]
        if k == 0 or d.fields["statistic"] in ("p_value", "date", "percent") or \
                not _SD_BEFORE.search(s.low[max(0, start - 25):start]):
            continue
        mean = rows[k - 1]
        if mean.fields["statistic"] not in ("value", "mean", "estimate") or \
                len(s.low[s.span(mean)[1]:start]) > 25:
            continue
        mean.fields["statistic"] = "mean"
        d.fields["statistic"] = "sd"
        for key in ("quantity", "category", "unit", "population"):
            d.fields[key] = mean.fields.get(key, "")
        d.rules = [r for r in d.rules if not r.startswith(("guess: quantity", "guess: category"))]
        d.rules += [r for r in mean.rules if r.startswith(("sure quantity", "sure category",
                                                          "guess: quantity", "guess: category"))]
        sure(d, "statistic", "'SD' printed before the number")
        sure(mean, "statistic", "a number with its SD is a mean")


# ------------------------------------------------------------------- a test named at a P

def label_tests(s: Sentence) -> None:
    """"(Fisher's exact test, p = 0.082)", "(KM with log rank, P = 0.53)", "(P = 0.03,
    Mann-Whitney test)", "(χ²(5) = 6.6, P = 0.247)": the test named in the clause of a P
    value (or of a test statistic) is its ``test``, the one named nearest before it, else
    right after it in the same parenthesis."""
    for d in s.rows:
        if d.item is None or d.fields.get("test") or d.fields["statistic"] not in (
                "p_value", "test_statistic"):
            continue
        start, end = s.span(d)
        before = s.unit.text[max(0, start - 80):start]
        before = re.split(r"[.;]\s", before)[-1]
        after = re.split(r"[);]|\.\s", s.unit.text[end:end + 50])[0]
        test = cues.last_test(before) or cues.test_of(after)
        if test:
            d.fields["test"] = test
            d.rules.append(f"test: '{test}' named at the P value")

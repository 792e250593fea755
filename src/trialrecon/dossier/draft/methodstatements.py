"""What the statistical methods say once for every value of a kind, carried to those values.

The data dictionary writes ``adjustment``, ``test`` and ``sided`` where the paper says them,
and ``test`` is the test it names "for that value (a footnote, the Methods for that kind of
analysis)". A Methods section often says it once for every value of a kind:

- "hazard ratios were estimated with a Cox model stratified by the stratification factors",
  "odds ratios from logistic regression adjusted for centre": the adjustment of every
  estimate of that kind (its CI and P value too) that does not print its own;
- "P values from the log-rank test with stratification for institution": the test (and the
  ``stratified`` adjustment) of every hazard ratio's P value, and of a P value comparing
  the arms' times to an event ("median PFS 10.2 and 10.8 months, p = 0.74"); when the
  methods name a Cox model too, a P value in the text that does not say which is flagged
  and left empty, and an adjusted ratio's is the Cox model's;
- "all P values are two-sided", "all tests were two-sided": the side of every P value.

Each sentence of the statistical methods (not the Abstract, not a Results section's
"analyses", not a sentence of the design's power) is cut into clauses; a clause
naming an effect or its model (hazard ratios, Cox, log-rank; odds ratios, logistic; ...)
opens a *segment* that the clauses after it without a kind of their own continue ("a Cox
model, stratified by centre"). A segment's adjustment is what its words say: stratified,
adjusted (adjusting, multivariable, covariance), unadjusted (crude, univariable). A value
takes a kind's adjustment only when the methods state one and only one for it, or when a
clause speaks of all the kind's models ("all other logistic regression models included terms
for treatment group, country and age") with one adjustment no other clause contradicts (not
for adverse events: the efficacy models' words do not reach a safety table): a kind
stated both ways, or stated with an adjustment and also without one ("compared using the
OR, and logistic models were used to adjust for ..."), is ambiguous and its values are
flagged instead. A Cox model the methods fit to weigh prognostic factors (multivariable,
prognostic, independent predictors) besides a log-rank comparison is such another analysis.
A threshold ("two-sided P < 0.05 was considered significant") speaks of the threshold, not of
every P value, and gives no side; a side stated both ways gives none. Values of a subgroup
and P values of an interaction are left alone (a subgroup analysis may drop the strata).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from trialrecon.dossier.draft.cimethods import stated_ci_method
from trialrecon.dossier.draft.methodtests import method_models, model_test
from trialrecon.dossier.draft.normalise import fold

if TYPE_CHECKING:
    from trialrecon.dossier.draft.document import Document
    from trialrecon.dossier.draft.drafter import Draft

# the kinds of effect estimate, as a methods clause names them (folded text) and as a
# row's quantity does
_KIND_WORDS = (("hr", r"hazard ratios?|\bcox\b|proportional hazards? (?:regression|model)|"
                r"log[- ]?rank"),
               ("odds", r"odds ratios?|logistic (?:regression|model)|proportional odds "
                r"(?:regression|models?)"),
               ("risk", r"relative risks?|risk ratios?|log[- ]binomial"),
               ("mean", r"mean differences?|differences? (?:in|of|between) means|"
                r"linear (?:regression|model)|\bancova\b|analysis of covariance"),
               ("rate", r"rate ratios?|ratios? of means|\bpoisson\b|negative binomial"))
_KIND_ABBREVIATIONS = (("hr", r"\bHRs?\b"), ("odds", r"\b[aA]?ORs?\b"), ("risk", r"\bRRs?\b"))
_QUANTITY_KINDS = {"odds_ratio": "odds", "risk_ratio": "risk", "mean_difference": "mean",
                   "rate_ratio": "rate", "ratio_of_means": "rate"}
_KIND_NAMES = {"hr": "hazard ratio", "odds": "odds ratio", "risk": "risk ratio",
               "mean": "mean difference", "rate": "rate ratio or ratio of means"}

# adjustment for multiplicity is no adjustment of an estimate
_MULTIPLICITY = re.compile(r"(?:no |not )?adjust\w* (?:was |were )?(?:made )?for multipl\w*"
                           r"(?: comparisons| testing| tests)?|adjust\w* (?:for )?(?:the )?"
                           r"(?:alpha|type i error|significance level|p values?)|bonferroni")
_UNADJUSTED = re.compile(r"\bunadjusted\b|\bwithout (?:any )?adjust\w*|\bno adjustment\b|"
                         r"\bnot adjusted\b|\bcrude\b|\buni-?variable\b|\buni-?variate\b")
_ADJUSTED = re.compile(r"\badjust(?:ed|ing|ment)?\b|\bmulti-?variable\b|\bmulti-?variate\b|"
                       r"\bcontrolling for\b|\bancova\b|analysis of covariance|"
                       r"\b(?:includ\w*|with) (?:the )?(?:terms?|covariates?) for\b")
# a clause speaking of every model or estimate of its kind ("all other logistic regression
# models included terms for ...", "all odds ratios were adjusted for ..."): it states the
# kind's adjustment though other clauses name the kind without one
_EVERY_ONE = re.compile(r"\ball (?:other |the |of the )?(?:[\w-]+ ){0,3}?(?:models?|analyses|"
                        r"estimates|ratios|regressions)\b")
# ("stratification factors" as what a model adjusts for is an adjustment: the data
# dictionary's ``stratified`` is a model or test stratified by the strata)
_STRATIFIED = re.compile(r"\bstratified\b|\bwith stratification\b|\bstratification (?:by|for|on)\b")
# a Cox model fitted to weigh prognostic factors, not only the arms
_PROGNOSTIC = re.compile(r"\bmulti-?variable\b|\bmulti-?variate\b|prognostic|independent(?:ly)?"
                         r" (?:associated|predict|risk|factors?)|risk factors|confounders?")
_LOG_RANK = re.compile(r"log[- ]?rank")
_FOR_STRATA = re.compile(r"adjust\w* (?:by |for )?(?:the |such |these |all )?(?:\w+ )?"
                         r"(?:stratification|randomi[sz]ation) (?:factors|variables|criteria)|"
                         r"adjust\w* (?:by|for) (?:the )?strata")
# a clause that states something (not a bare list of what is presented: "Hazard ratios
# (HR), confidence intervals (CI), and P values from unadjusted Cox models were presented")
_VERB = re.compile(r"\b(?:is|are|was|were|be|been|used|using|estimated|calculated|compared|"
                   r"analy[sz]ed|fitted|performed|derived|obtained|presented|reported|"
                   r"expressed|assessed|adjust\w*|stratified)\b")
_CLAUSES = re.compile(r",\s*(?:and\s+|or\s+|while\s+|whereas\s+)?|;\s*|\s+whereas\s+")
# "all P values are two-sided", "all reported tests were two-sided", "P values are 2-sided"
_SIDE = r"(one|two|1|2)[- ](?:sided|tailed)"
_EVERY_P = re.compile(rf"\ball\b[^.;]{{0,60}}?\b(?:p[- ]?values?|p|tests?|analyses)\b[^.;]{{0,40}}?"
                      rf"\b{_SIDE}|\bp[- ]?values?\b (?:are|were) (?:all )?(?:reported as |"
                      rf"calculated as |given as |(?:calculated |computed |obtained )?(?:using|"
                      rf"from|with|by) (?:a )?)?{_SIDE}|\b{_SIDE} (?:p[- ]?values|tests) "
                      rf"(?:are|were) (?:used|reported|calculated|given) (?:throughout|for all)")
_ANY_SIDE = re.compile(rf"\b{_SIDE}\b")
# sections whose "analyses" report results ("Results / Mortality analyses")
_NOT_METHODS = re.compile(r"results|discussion|conclusion|findings")
# a P value of an interaction or trend, whose test is not the effect's
_OTHER_HYPOTHESIS = re.compile(r"interaction|heterogeneity|\btrend\b")
# a sentence of the design (the effect it powers the trial to detect) states no analysis
_DESIGN = re.compile(r"\bpower\b|sample size|to detect|(?:were|was|be|is|are) (?:required|"
                     r"needed)|events? (?:required|needed)")


@dataclass
class MethodStatements:
    """What the statistical methods say for each kind of estimate, and for every P value."""

    # kind -> adjustments its segments state ("" for a segment naming the kind with none)
    adjustments: dict[str, set[str]] = field(default_factory=dict)
    # the log-rank comparisons' adjustments ("stratified" or "")
    log_rank: set[str] = field(default_factory=set)
    cox_prognostic: bool = False  # a Cox model fitted to weigh prognostic factors
    sides: set[str] = field(default_factory=set)  # sides stated for every P value
    other_sides: set[str] = field(default_factory=set)  # sides named anywhere else
    models: tuple[tuple[str, str], ...] = ()  # :func:`.methodtests.method_models`
    ci_method: str = ""  # the one CI method named for proportions (:mod:`.cimethods`)
    # kind -> adjustments stated by a clause speaking of all its models or estimates
    every_one: dict[str, set[str]] = field(default_factory=dict)


def methods_sentences(doc: Document) -> list[str]:
    """The sentences of the statistical methods (not the Abstract), as printed."""
    out = []
    for block in doc.blocks:
        sections = doc.section_path(block.section)
        path = " ".join(fold(s.heading) for s in sections)
        if not re.search(r"statistic|analys|methods", path) or \
                (sections and (sections[0].kind == "abstract" or
                               _NOT_METHODS.search(fold(sections[0].heading)))):
            continue
        out.extend(re.split(r"(?<=[.;])\s+", block.plain))
    return out


def _kinds(clause: str) -> tuple[str, ...]:
    low = fold(clause)
    found = [k for k, pattern in _KIND_WORDS if re.search(pattern, low)]
    found += [k for k, pattern in _KIND_ABBREVIATIONS if re.search(pattern, clause)]
    return tuple(dict.fromkeys(found))


def _adjustments(low: str) -> set[str]:
    """The adjustments a folded clause states (multiplicity aside)."""
    low = _MULTIPLICITY.sub(" ", low)
    out = set()
    if _UNADJUSTED.search(low):
        out.add("unadjusted")
        low = _UNADJUSTED.sub(" ", low)
    if _ADJUSTED.search(low):
        out.add("adjusted")
    if _STRATIFIED.search(low):
        out.add("stratified")
        if _FOR_STRATA.search(low):  # "stratified hazard ratios adjusted by the 4
            out.discard("adjusted")  # stratification factors": stratified
    return out


def _segments(sentence: str) -> list[tuple[tuple[str, ...], str]]:
    """(kinds, folded text) of each segment of a sentence: a clause naming a kind and the
    clauses after it naming none; clauses before the first kind join the first segment."""
    out: list[tuple[tuple[str, ...], str]] = []
    lead = ""
    for clause in _CLAUSES.split(sentence):
        kinds = _kinds(clause)
        if kinds and out and not _VERB.search(out[-1][1]):  # a bare list goes on
            out[-1] = (tuple(dict.fromkeys(out[-1][0] + kinds)), f"{out[-1][1]} {fold(clause)}")
        elif kinds:
            out.append((kinds, f"{lead} {fold(clause)}"))
            lead = ""
        elif out:
            out[-1] = (out[-1][0], f"{out[-1][1]} {fold(clause)}")
        else:
            lead = f"{lead} {fold(clause)}"
    return out


def read_statements(doc: Document) -> MethodStatements:
    """What the statistical methods of ``doc`` say for each kind of estimate."""
    sentences = methods_sentences(doc)
    found = MethodStatements(models=method_models(doc), ci_method=stated_ci_method(sentences))
    for sentence in sentences:
        low = fold(sentence)
        every = {("one_sided" if m.group(1) in ("one", "1") else "two_sided")
                 for m in _EVERY_P.finditer(low)}
        found.sides |= every
        if not every:
            found.other_sides |= {"one_sided" if m.group(1) in ("one", "1") else "two_sided"
                                  for m in _ANY_SIDE.finditer(low)}
        if _DESIGN.search(low):
            continue
        for kinds, text in _segments(sentence):
            adjustments = _adjustments(text)
            if _LOG_RANK.search(text):  # a log-rank test "adjusted for the strata" is stratified
                found.log_rank.add("stratified" if adjustments & {"stratified", "adjusted"}
                                   else "")
                if kinds == ("hr",) and not re.search(r"\bcox\b|hazard ratio", text):
                    continue  # a log-rank comparison: its P values only
            if "hr" in kinds and re.search(r"\bcox\b|proportional hazard", text) and \
                    _PROGNOSTIC.search(text):
                found.cox_prognostic = True
            for kind in kinds:
                found.adjustments.setdefault(kind, set()).update(adjustments or {""})
                if adjustments and _EVERY_ONE.search(text):
                    found.every_one.setdefault(kind, set()).update(adjustments)
    return found


def _kind(quantity: str) -> str:
    return "hr" if quantity.endswith("_hr") else _QUANTITY_KINDS.get(quantity, "")


def _estimate_adjustment(s: MethodStatements, kind: str, safety: bool = False
                         ) -> tuple[str, bool]:
    """(the one adjustment the methods state for estimates of ``kind`` or "", whether they
    state several). A clause on all models of the kind settles it, for efficacy values
    (``safety``: an adverse event's, which the efficacy models' words do not reach)."""
    stated = s.adjustments.get(kind, set())
    every = s.every_one.get(kind, set())
    if len(every) == 1 and stated - {""} == every and kind != "hr" and not safety:
        return next(iter(every)), False  # "all other logistic models included terms for"
    several = len(stated) > 1
    if kind == "hr" and s.log_rank and s.cox_prognostic:
        several = several or bool(stated - {""})
        return "", several
    if len(stated) == 1 and "" not in stated:
        return next(iter(stated)), False
    return "", several and bool(stated - {""})


def _p_adjustment(s: MethodStatements, kind: str, safety: bool = False) -> tuple[str, bool]:
    """The same for a P value: a hazard ratio's is the log-rank test's when one is named."""
    if kind == "hr" and s.log_rank:
        if len(s.log_rank) > 1:
            return "", True
        return next(iter(s.log_rank)), False
    return _estimate_adjustment(s, kind, safety)


def _cox_besides_log_rank(s: MethodStatements) -> bool:
    """The methods name a log-rank test and a Cox model: a hazard ratio's P value may be
    either's."""
    return bool(s.log_rank) and any(t == "cox_wald" for _, t in s.models)


def _flag(d: Draft, why: str) -> None:
    d.rules.append(f"guess: {why}")
    d.needs_review = True


def _adjust(d: Draft, s: MethodStatements, kind: str) -> None:
    if d.fields.get("adjustment") or any(r.startswith("guess: adjustment") for r in d.rules):
        return
    p_value = d.fields["statistic"] == "p_value"
    safety = bool(re.match(r"t?r?ae_", d.fields["quantity"]) or d.fields.get("population")
                  == "safety")
    value, several = (_p_adjustment if p_value else _estimate_adjustment)(s, kind, safety)
    if value and p_value and kind == "hr" and _cox_besides_log_rank(s) and \
            "log_rank" not in d.fields.get("test", ""):
        # the log-rank test's adjustment, on a P value that may be the Cox model's
        _flag(d, "adjustment: the methods name a log-rank test and a Cox model (say which "
                 "this P value is)")
    elif value:
        d.fields["adjustment"] = value
        d.rules.append(f"adjustment: the methods state '{value}' for every "
                       f"{_KIND_NAMES[kind]}{' P value' if p_value else ''}")
    elif several:
        _flag(d, f"adjustment: the methods state several analyses of the {_KIND_NAMES[kind]}s "
                 "(say which this one is)")


def _test(d: Draft, s: MethodStatements) -> None:
    """The test of a P value in the text: the log-rank test the methods name for a hazard
    ratio (when they name a Cox model besides, the P value may be either's: flagged, left
    empty), else the model they name for that kind of effect (a guess, as in a table)."""
    if d.fields.get("test") or d.fields["row"] or d.fields["column"]:
        return  # a table's P values have theirs from the table or its methods already
    test = model_test(s.models, d.fields["quantity"], d.fields.get("adjustment", ""),
                      d.fields.get("category", ""))
    if "log_rank" in test and _cox_besides_log_rank(s):
        _flag(d, "test: the methods name a log-rank test and a Cox model (say which this P "
                 "value is)")
        return
    if not test:
        return
    d.fields["test"] = test
    d.rules.append(f"test: '{test}', the methods' test of this kind of effect")
    if "log_rank" not in test:  # a model named for a kind of outcome: a guess, as in a table
        _flag(d, "test: the methods name tests, the sentence does not say which")


def _endpoint_p(d: Draft, s: MethodStatements) -> None:
    """A P value comparing times to an event ("median PFS 10.2 and 10.8 months, p = 0.74")
    is the log-rank test's when the methods name one and no Cox model besides (with a Cox
    model for prognostic factors, the P value of groups by a factor may be either's: left
    alone)."""
    f = d.fields
    if not s.log_rank or _cox_besides_log_rank(s) or f.get("test") and f.get("adjustment"):
        return
    test = model_test(s.models, f"{f['quantity']}_hr", "", "")
    if not test or len(s.log_rank) > 1:
        _flag(d, "test: the methods name several log-rank tests (stratified and not)")
        return
    if not f.get("test"):
        f["test"] = test
        d.rules.append(f"test: '{test}', the log-rank test the methods name")
    if not f.get("adjustment") and next(iter(s.log_rank)):
        f["adjustment"] = next(iter(s.log_rank))
        d.rules.append("adjustment: the methods' log-rank test is stratified")


def _other_hypothesis(f: dict[str, str]) -> bool:
    """A P value whose words just before it say it tests an interaction or a trend."""
    anchor = fold(f.get("anchor", ""))
    value = f.get("value", "")
    at = anchor.rfind(value.lstrip("0") or value) if value else -1
    before = anchor[:at] if at > 0 else anchor
    return bool(_OTHER_HYPOTHESIS.search(" ".join(before.split()[-4:])))


def apply_statements(drafts: list[Draft], s: MethodStatements,
                     endpoints: frozenset[str] = frozenset()) -> None:
    """Write what the methods say for every value of a kind on the values of that kind that
    do not say it themselves (or flag them where the methods say several things);
    ``endpoints``: the quantities that are times to an event (``pfs``, a declared one)."""
    side = next(iter(s.sides)) if len(s.sides) == 1 and not (s.other_sides - s.sides) else ""
    for d in drafts:
        f = d.fields
        if f["statistic"] == "p_value" and side and not f.get("sided"):
            f["sided"] = side
            d.rules.append(f"sided: the methods say every P value is {side.replace('_', '-')}")
        if f.get("subgroup") or f.get("hypothesis") or _other_hypothesis(f):
            continue
        if f["statistic"] == "p_value" and f["quantity"] in endpoints and \
                not (f["row"] or f["column"]):
            _endpoint_p(d, s)
            continue
        kind = "" if f["quantity"].startswith("design_") else _kind(f["quantity"])
        if not kind or f["statistic"] not in ("estimate", "ci_low", "ci_high", "p_value"):
            continue
        _adjust(d, s, kind)
        if f["statistic"] == "p_value":
            _test(d, s)

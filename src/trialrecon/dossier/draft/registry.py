"""A ClinicalTrials.gov study record (API version 2, JSON) as ``values_registry.csv`` rows.

The record's structured fields map to the vocabulary directly: the status module's dates
(``startDateStruct`` -> ``study_start`` with the date type, ACTUAL or ESTIMATED, as the
category), the design module's ``enrollmentInfo`` (``enrolled``), the eligibility module's
ages, the count of listed sites and countries, and, when results are posted, the
participant flow (patients who started), baseline measures, outcome measures with their
analyses (hazard ratios, CIs, P values) and adverse events. Free text (arm and intervention
descriptions, the detailed description, the eligibility criteria, outcome definitions) is
drafted like a paper (:mod:`.drafter`), numbers in the eligibility criteria taking the
quantity ``eligibility``. Every row's ``location`` is the record's field path.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

from trialrecon.dossier.draft.drafter import Draft, Unit, draft_unit
from trialrecon.dossier.draft.lexicon import Names, lexicon
from trialrecon.dossier.draft.normalise import fold, normalise
from trialrecon.dossier.draft.reader import SourceError, _check_size

_DATES = (("startDateStruct", "study_start"),
          ("primaryCompletionDateStruct", "primary_completion"),
          ("completionDateStruct", "study_completion"),
          ("studyFirstPostDateStruct", "first_posted"),
          ("lastUpdatePostDateStruct", "last_update"))
_PARAM = {"MEDIAN": "median", "MEAN": "mean", "COUNT_OF_PARTICIPANTS": "count",
          "NUMBER": "value", "GEOMETRIC_MEAN": "mean", "LEAST_SQUARES_MEAN": "mean"}
_DISPERSION = {"FULL_RANGE": "range", "CONFIDENCE_95": "ci", "INTER_QUARTILE_RANGE": ""}


def read_record(path: str | Path) -> dict[str, Any]:
    """The study object of a v2 record file (``{"protocolSection": ...}`` or its list form).

    The file goes through the gate (:func:`.reader._check_size`); JSON nested deeper than
    Python can parse, a number that is not finite, and every field the reader uses with a
    type other than the API's (:data:`RECORD_SHAPE`) are refused naming the field.
    """
    data = _check_size(Path(path))
    try:
        raw = json.loads(data.decode("utf-8-sig"), parse_constant=_no_constant)
    except (UnicodeDecodeError, json.JSONDecodeError, ValueError) as exc:
        raise SourceError(f"{path}: not a JSON study record ({str(exc)[:200]})") from None
    except RecursionError:
        raise SourceError(f"{path}: JSON nested too deeply to be a study record") from None
    if isinstance(raw, dict) and isinstance(raw.get("studies"), list) and raw["studies"]:
        raw = raw["studies"][0]
    if not isinstance(raw, dict) or not isinstance(raw.get("protocolSection"), dict):
        raise SourceError(f"{path}: not a ClinicalTrials.gov study record (API v2): "
                          "no protocolSection")
    why = shape_problem(raw, RECORD_SHAPE, "")
    if why:
        raise SourceError(f"{path}: not a study record of API v2: {why}")
    return raw


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


# The fields the reader uses, with their types in API v2: "text" is a string, "scalar" a
# string or a number (the API prints counts either way), a dict maps keys to shapes, a
# one-element list is a list of that shape. Null stands for an absent field anywhere.
_GROUP = {"id": "scalar", "title": "scalar"}
_MEASURE = {
    "title": "scalar", "paramType": "scalar", "dispersionType": "scalar",
    "unitOfMeasure": "scalar", "groups": [_GROUP],
    "classes": [{"title": "scalar", "categories": [{"title": "scalar", "measurements": [
        {"groupId": "scalar", "value": "scalar", "lowerLimit": "scalar",
         "upperLimit": "scalar"}]}]}],
    "analyses": [{"paramType": "scalar", "paramValue": "scalar", "ciLowerLimit": "scalar",
                  "ciUpperLimit": "scalar", "ciPctValue": "scalar", "pValue": "scalar"}],
}
RECORD_SHAPE: dict[str, Any] = {
    "protocolSection": {
        "statusModule": {key: {"date": "scalar", "type": "scalar"} for key, _ in _DATES},
        "designModule": {"enrollmentInfo": {"count": "scalar", "type": "scalar"}},
        "descriptionModule": {"detailedDescription": "text"},
        "armsInterventionsModule": {"armGroups": [{"label": "scalar", "description": "text"}]},
        "outcomesModule": {"primaryOutcomes": [{"measure": "scalar", "description": "scalar",
                                                "timeFrame": "scalar"}]},
        "eligibilityModule": {"eligibilityCriteria": "text", "minimumAge": "scalar",
                              "maximumAge": "scalar"},
        "contactsLocationsModule": {"locations": [{"country": "scalar"}]},
    },
    "resultsSection": {
        "participantFlowModule": {"groups": [_GROUP], "periods": [{"milestones": [
            {"type": "scalar", "achievements": [{"groupId": "scalar",
                                                 "numSubjects": "scalar"}]}]}]},
        "baselineCharacteristicsModule": {"groups": [_GROUP], "measures": [_MEASURE]},
        "outcomeMeasuresModule": {"outcomeMeasures": [_MEASURE]},
        "adverseEventsModule": {"eventGroups": [_GROUP], **{kind: [{"term": "scalar", "stats": [
            {"groupId": "scalar", "numAffected": "scalar", "numAtRisk": "scalar"}]}]
            for kind in ("seriousEvents", "otherEvents")}},
    },
}
_NAMES = {dict: "an object", list: "a list", str: "a text", bool: "true/false"}


def shape_problem(value: Any, shape: Any, where: str) -> str:
    """Why ``value`` does not have ``shape`` (the first field that differs), or ""."""
    if value is None:
        return ""
    got = _NAMES.get(type(value), "a number")
    if isinstance(shape, dict):
        if not isinstance(value, dict):
            return f"{where or 'the record'} is {got}, not an object"
        for key, sub in shape.items():
            why = shape_problem(value.get(key), sub, f"{where}.{key}" if where else key)
            if why:
                return why
        return ""
    if isinstance(shape, list):
        if not isinstance(value, list):
            return f"{where} is {got}, not a list"
        for i, item in enumerate(value):
            why = shape_problem(item, shape[0], f"{where}[{i}]")
            if why:
                return why
        return ""
    if shape == "text" and not isinstance(value, str):
        return f"{where} is {got}, not a text"
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return f"{where} is {got}, not a text or a number"
    if isinstance(value, float) and not math.isfinite(value):
        return f"{where} is not a finite number"
    return ""


def _get(obj: Any, *keys: str | int) -> Any:
    for key in keys:
        if isinstance(key, int):
            obj = obj[key] if isinstance(obj, list) and len(obj) > key else None
        else:
            obj = obj.get(key) if isinstance(obj, dict) else None
    return obj


def _row(source: str, location: str, anchor: str, cohort: str, quantity: str, statistic: str,
         value: str, unit: str, rule: str, **extra: str) -> Draft:
    fields = {"source": source, "location": location, "row": "", "column": "",
              "anchor": " ".join(anchor.split()[:12]), "cohort": cohort, "arm": "",
              "quantity": quantity, "category": "", "statistic": statistic, "value": value,
              "comparator": "", "unit": unit, "denominator": "", "marker": "", "sided": "",
              "level": "", "footnote": "", "supersedes": "", "note": ""}
    fields.update(extra)
    return Draft(fields, -1, [f"registry field: {rule}"], 0.9)


def _group_names(names: Names, title: str) -> tuple[str, str]:
    """(cohort, arm) that a results group title names (pooled cohort when none)."""
    folded = fold(title)
    cohort = next((h.name for h in names.find(folded, "cohort")), names.pooled)
    arm = next((h.name for h in names.find(folded, "arm")), "")
    return cohort, arm


def _text_rows(text: str, location: str, names: Names, source: str, cohort: str = "",
               quantity: str = "") -> list[Draft]:
    """Draft rows of a free-text field, one unit per line (criteria are one per line)."""
    out: list[Draft] = []
    lex = lexicon()
    pos = 0
    for line in text.split("\n"):
        norm = normalise(line, lower=False, signs=False)
        if re.search(r"\d", norm.text):
            unit = Unit(norm.text, tuple(pos + o for o in norm.offsets), location)
            for d in draft_unit(unit, names, lex, source):
                if cohort:
                    d.fields["cohort"] = cohort
                if quantity and d.fields["quantity"] != "criteria_version":
                    d.fields["quantity"] = quantity
                    d.rules.append(f"quantity: the field is {quantity}")
                    d.needs_review = False
                d.offset = -1
                out.append(d)
        pos += len(line) + 1
    return out


def _protocol_rows(study: dict[str, Any], names: Names, source: str) -> list[Draft]:
    p = "protocolSection"
    proto = study[p]
    total = names.pooled
    out: list[Draft] = []
    status = proto.get("statusModule") or {}
    for key, quantity in _DATES:
        date = _get(status, key, "date")
        if date:
            kind = str(_get(status, key, "type") or "")
            out.append(_row(source, f"{p}.statusModule.{key}", f"{date} {kind}".strip(), total,
                            quantity, "date", str(date), "date", key, category=kind.lower()))
    enrollment = _get(proto, "designModule", "enrollmentInfo") or {}
    if enrollment.get("count") is not None:
        kind = str(enrollment.get("type") or "")
        out.append(_row(source, f"{p}.designModule.enrollmentInfo", f"{enrollment['count']} {kind}"
                        .strip(), total, "enrolled", "count", str(enrollment["count"]),
                        "patients", "enrollmentInfo", category=kind.lower()))
    detailed = _get(proto, "descriptionModule", "detailedDescription")
    if detailed:
        out += _text_rows(detailed, f"{p}.descriptionModule.detailedDescription", names, source,
                          total)
    for i, arm in enumerate(_get(proto, "armsInterventionsModule", "armGroups") or []):
        cohort, _ = _group_names(names, f"{arm.get('label', '')} {arm.get('description', '')}")
        if arm.get("description"):
            out += _text_rows(arm["description"], f"{p}.armsInterventionsModule.armGroups[{i}]"
                              ".description", names, source, cohort)
    for i, outcome in enumerate(_get(proto, "outcomesModule", "primaryOutcomes") or []):
        text = " ".join(str(outcome.get(k, "")) for k in ("measure", "description", "timeFrame"))
        out += _text_rows(text, f"{p}.outcomesModule.primaryOutcomes[{i}]", names, source, total)
    eligibility = proto.get("eligibilityModule") or {}
    if eligibility.get("eligibilityCriteria"):
        out += _text_rows(eligibility["eligibilityCriteria"],
                          f"{p}.eligibilityModule.eligibilityCriteria", names, source,
                          quantity="eligibility")
    for key, category, comparator in (("minimumAge", "minimum age", ">="),
                                      ("maximumAge", "maximum age", "<=")):
        m = re.match(r"(\d+)\s*(year|month|week|day)", str(eligibility.get(key) or ""), re.I)
        if m:
            out.append(_row(source, f"{p}.eligibilityModule.{key}", eligibility[key], total,
                            "eligibility", "value", m.group(1), m.group(2).lower() + "s", key,
                            category=category, comparator=comparator))
    sites = _get(proto, "contactsLocationsModule", "locations") or []
    if sites:
        countries = sorted({str(s.get("country")) for s in sites if s.get("country")})
        loc = f"{p}.contactsLocationsModule.locations"
        out.append(_row(source, loc, f"{len(sites)} locations", total, "centers", "value",
                        str(len(sites)), "centers", "locations (counted)",
                        note="no total printed: count of the sites listed"))
        if countries:
            out.append(_row(source, loc, " ".join(countries), total, "countries", "value",
                            str(len(countries)), "countries", "locations[].country (counted)",
                            note="no total printed: count of the countries listed"))
    for d in out:
        if d.fields["cohort"] == "":
            d.fields["cohort"] = total
    return out


def _measure_rows(measure: dict[str, Any], location: str, groups: dict[str, tuple[str, str]],
                  names: Names, source: str, default_quantity: str) -> list[Draft]:
    lex = lexicon()
    title = str(measure.get("title", ""))
    hits = lex.hits(fold(title))
    quantity = max(hits, key=lambda h: len(h.term)).name if hits else default_quantity
    statistic = _PARAM.get(str(measure.get("paramType", "")), "value")
    spread = _DISPERSION.get(str(measure.get("dispersionType", "")), "")
    unit = "percent" if "percent" in str(measure.get("unitOfMeasure", "")).lower() else (
        "patients" if statistic == "count" else lex.unit(quantity))
    out = []
    for c, klass in enumerate(measure.get("classes") or []):
        for k, cat in enumerate(klass.get("categories") or []):
            category = str(cat.get("title") or klass.get("title") or "")
            for m in cat.get("measurements") or []:
                cohort, arm = groups.get(str(m.get("groupId")), (names.pooled, ""))
                where = f"{location}.classes[{c}].categories[{k}]"
                for key, stat in (("value", statistic), ("lowerLimit", f"{spread}_low"),
                                  ("upperLimit", f"{spread}_high")):
                    if m.get(key) in (None, "") or (key != "value" and not spread):
                        continue
                    out.append(_row(source, where, f"{title} {category} {m.get(key)}", cohort,
                                    quantity, stat, str(m[key]), unit, f"{location} {key}",
                                    arm=arm, category=category if category != title else ""))
    for a, analysis in enumerate(measure.get("analyses") or []):
        kind = str(analysis.get("paramType", "")).lower()
        ratio = {"hazard ratio (hr)": "_hr", "hazard ratio": "_hr"}.get(kind, "")
        q = (quantity + ratio) if ratio and quantity in ("pfs", "os") else quantity
        where = f"{location}.analyses[{a}]"
        for key, stat in (("paramValue", "estimate"), ("ciLowerLimit", "ci_low"),
                          ("ciUpperLimit", "ci_high")):
            if analysis.get(key) not in (None, ""):
                out.append(_row(source, where, f"{analysis.get('paramType', '')} "
                                f"{analysis[key]}", names.pooled, q, stat, str(analysis[key]),
                                "ratio" if ratio else unit, f"{where} {key}",
                                level=str(analysis.get("ciPctValue") or "")))
        pv = re.match(r"\s*([<>]=?|=)?\s*(\d*\.?\d+)", str(analysis.get("pValue") or ""))
        if pv:
            out.append(_row(source, where, f"p-value {analysis['pValue']}", names.pooled, q,
                            "p_value", str(float(pv.group(2))), "probability", f"{where} pValue",
                            comparator=pv.group(1) if pv.group(1) and pv.group(1) != "=" else ""))
    return out


def _results_rows(study: dict[str, Any], names: Names, source: str) -> list[Draft]:
    r = "resultsSection"
    results = study.get(r) or {}
    out: list[Draft] = []
    flow = results.get("participantFlowModule") or {}
    groups = {str(g.get("id")): _group_names(names, str(g.get("title", "")))
              for g in flow.get("groups") or []}
    for p, period in enumerate(flow.get("periods") or []):
        for m, milestone in enumerate(period.get("milestones") or []):
            if str(milestone.get("type", "")).upper() != "STARTED":
                continue
            for a in milestone.get("achievements") or []:
                cohort, arm = groups.get(str(a.get("groupId")), (names.pooled, ""))
                out.append(_row(source, f"{r}.participantFlowModule.periods[{p}].milestones[{m}]",
                                f"STARTED {a.get('numSubjects')}", cohort,
                                "randomized" if names.arms else "enrolled", "count",
                                str(a.get("numSubjects")), "patients", "milestone STARTED",
                                arm=arm))
    baseline = results.get("baselineCharacteristicsModule") or {}
    groups = {str(g.get("id")): _group_names(names, str(g.get("title", "")))
              for g in baseline.get("groups") or []}
    for i, measure in enumerate(baseline.get("measures") or []):
        out += _measure_rows(measure, f"{r}.baselineCharacteristicsModule.measures[{i}]",
                             groups, names, source, "")
    for i, measure in enumerate(_get(results, "outcomeMeasuresModule", "outcomeMeasures") or []):
        groups = {str(g.get("id")): _group_names(names, str(g.get("title", "")))
                  for g in measure.get("groups") or []}
        out += _measure_rows(measure, f"{r}.outcomeMeasuresModule.outcomeMeasures[{i}]",
                             groups, names, source, "")
    events = results.get("adverseEventsModule") or {}
    groups = {str(g.get("id")): _group_names(names, str(g.get("title", "")))
              for g in events.get("eventGroups") or []}
    for kind in ("seriousEvents", "otherEvents"):
        for i, event in enumerate(events.get(kind) or []):
            for stat in event.get("stats") or []:
                cohort, arm = groups.get(str(stat.get("groupId")), (names.pooled, ""))
                if stat.get("numAffected") is None:
                    continue
                out.append(_row(source, f"{r}.adverseEventsModule.{kind}[{i}]",
                                f"{event.get('term', '')} {stat['numAffected']}", cohort,
                                "ae_any_grade", "count", str(stat["numAffected"]), "patients",
                                f"{kind} numAffected", arm=arm, category=str(event.get("term")),
                                denominator=str(stat.get("numAtRisk") or ""),
                                note="serious adverse event" if kind == "seriousEvents" else ""))
    return out


def registry_rows(study: dict[str, Any], names: Names, source_id: str) -> list[Draft]:
    """Every row the record gives: protocol fields, then posted results."""
    rows = _protocol_rows(study, names, source_id) + _results_rows(study, names, source_id)
    if not rows:
        raise SourceError("the record holds no field with a number; nothing to draft")
    return rows

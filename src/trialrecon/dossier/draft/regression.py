"""A table of a regression model: its covariates, their levels and the level each is against.

Multivariable tables (a Cox model of survival, a logistic model of an outcome) print one row
per covariate, or a heading naming a categorical covariate with one row per level; one level
is the *reference*, printed with the ratio 1 (``1``, ``1.00``) or a word (``reference``,
``ref``) and no CI or P value, or with ``(reference)`` in its stub. The data dictionary
("Regression models", ``data/raw/README.md``) writes each estimate of such a table:

- ``category``: ``Variable: level vs reference`` for a level (``Performance status: 1–2 vs
  0``), ``Variable: level (reference)`` for the reference row's printed 1 (an ``estimate``
  with no ``adjustment`` or ``test``: the model fixes it, it estimates nothing); a covariate
  on a row of its own keeps its stub;
- a covariate whose levels are the trial's arms gives the between-arm effect: no category,
  ``arm`` and ``versus`` as any between-arm ratio (empty both in a two-arm trial when the
  experimental arm is compared with the comparator); its reference row has the reference arm;
- ``adjustment``: ``adjusted`` for a multivariable model, ``unadjusted`` for a univariable
  one, as the column's header or else the caption or a note says (naming both leaves it to
  the header, and flags it when no header says); ``adjusted: model 2`` when the header names
  one of several models.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from trialrecon.dossier.draft import cues
from trialrecon.dossier.draft.lexicon import Names
from trialrecon.dossier.draft.normalise import fold
from trialrecon.dossier.draft.quantities import Label
from trialrecon.dossier.draft.stubs import name_of
from trialrecon.dossier.draft.tableview import Column, Row, TableView, is_data, label_text

# an effect cell of a reference level: the ratio 1, a word, or both ("1.00 (reference)")
_REFERENCE_CELL = re.compile(
    r"^(?:1(?:[.·,]0+)?\s*)?[(\[]?\s*(?:ref\.?|reference(?: (?:group|category|level))?|"
    r"referent)?\s*[)\]]?$", re.IGNORECASE)
# a stub saying it is the reference level ("0 (reference)", "Female (ref)")
_REFERENCE_STUB = re.compile(r"\s*[(\[]\s*(?:ref\.?|reference(?: (?:group|category|level))?|"
                             r"referent)\s*[)\]]\s*$", re.IGNORECASE)
# a stub row printing the P value of its heading's covariate as a whole ("Site / p value")
_P_STUB = re.compile(r"^(?:p|p[- ]?values?|p for (?:trend|heterogeneity)|overall p)$",
                     re.IGNORECASE)
# a table of the treatment's effect in subgroups (a forest table), not of covariates
_BY_SUBGROUP = re.compile(r"\bsub-?groups?\b|\bsubsets?\b|\bby (?:baseline )?"
                          r"characteristics?\b", re.IGNORECASE)
_MODEL = re.compile(r"\bmodel\s*([0-9]+|[a-d])\b", re.IGNORECASE)
_ADJUSTED = re.compile(r"\badjusted\b|multivariat|multivariable|multiple (?:cox|logistic|"
                       r"regression)", re.IGNORECASE)
_UNADJUSTED = re.compile(r"unadjusted|\bcrude\b|univariat|univariable", re.IGNORECASE)


@dataclass(frozen=True)
class Reference:
    """The reference level of a covariate printed under a heading: its row and its level."""

    row: int
    level: str


Refs = dict[str, Reference]  # {group heading: its reference level}

def _reference_cell(text: str) -> bool:
    """An effect cell printing the ratio 1 or a reference word, nothing else."""
    return bool(text.strip()) and bool(_REFERENCE_CELL.match(text.strip()))


def level_name(stub: str) -> str:
    """A level's name: the stub's name without a ``(reference)`` it carries."""
    return name_of(_REFERENCE_STUB.sub("", stub)).strip()


def _is_reference(v: TableView, r: int, stub: str) -> bool:
    """Row ``r`` is printed as its covariate's reference: its stub says so, or each effect
    cell it prints is a 1 or a reference word and its CI and P cells print no number."""
    if _REFERENCE_STUB.search(stub):
        return True
    t = v.table
    cells = [(c, t.cell_at(r, c.index).plain) for c in v.data_columns()
             if t.is_origin(r, c.index)]
    effects = [text for c, text in cells if c.effect and text.strip()]
    others = [text for c, text in cells if (c.ci or c.p) and not c.effect]
    return bool(effects) and all(_reference_cell(x) for x in effects) and \
        not any(is_data(x) for x in others)


def references(v: TableView) -> Refs:
    """{group heading: its reference level} of a regression table: a heading with exactly
    one row printed as the reference (:func:`_is_reference`); headings with none or several
    have none."""
    if v.kind != "regression":
        return {}
    found: dict[str, list[tuple[int, str]]] = {}
    for row in v.rows.values():
        if row.group and not row.heading and not row.n_row and not p_row(row):
            found.setdefault(row.group, [])
            if _is_reference(v, row.index, row.stub):
                found[row.group].append((row.index, row.stub))
    t = v.table
    for r in range(v.header_rows, t.n_rows):  # "Female (reference) | Reference": no number
        group = label_text(t.row_groups[r])
        if r in v.rows or r in t.group_rows or group not in found:
            continue
        stub = label_text(t.row_labels[r].split(" / ")[-1])
        if stub and _is_reference(v, r, stub):
            found[group].append((r, stub))
    return {g: Reference(rows[0][0], level_name(rows[0][1]))
            for g, rows in found.items() if len(rows) == 1}


def p_row(row: Row) -> bool:
    """A row under a covariate's heading printing the covariate's P value ("p value")."""
    return bool(row.group) and bool(_P_STUB.match(row.stub.strip(" :")))


def prepare(v: TableView) -> Refs:
    """Read a regression table's model columns into ``v`` (:func:`model_columns`) and return
    its covariates' references (:func:`references`); nothing for other tables."""
    v.columns = model_columns(v)
    return references(v)


def model_columns(v: TableView) -> list[Column]:
    """The columns of a regression table, with an effect column wherever a header names no
    measure but the table's notes or caption name the one its estimates are ("Overall
    survival" over "1·19 (0·99–1·45)", note "Data are ... hazard ratio (95% CI)"): a column
    naming no arm, P value, CI, format or n, in a table naming one effect measure."""
    if v.kind != "regression":
        return v.columns
    columns = [replace(c, ci=True) if ci_bound(c.label) else c for c in v.columns]
    notes = " ".join(n.text for n in v.table.footnotes if not n.mark)
    measure = cues.effect(notes) or cues.effect(v.caption)
    if not measure or any(c.effect for c in columns):
        return columns
    return [replace(c, effect=measure) if c.index >= v.stub_columns and not (
        c.arm or c.p or c.ci or c.n_column or c.formats or cues.formats_of(c.label)) and
        c.label else c for c in columns]


_BOUNDS = {"lower": "ci_low", "upper": "ci_high", "ll": "ci_low", "ul": "ci_high",
           "lower limit": "ci_low", "upper limit": "ci_high", "lower bound": "ci_low",
           "upper bound": "ci_high"}


def ci_bound(label: str) -> str:
    """``ci_low`` or ``ci_high`` for a column of one bound under a CI's spanning header ("95%
    CI / Lower"), else ""."""
    parts = [p.strip() for p in label.split(" / ")]
    if len(parts) < 2 or not cues.is_ci_header(parts[-2]):
        return ""
    return _BOUNDS.get(fold(parts[-1]).strip(" ."), "")


def model_adjustment(v: TableView, col: Column, lab: Label) -> str:
    """``adjusted`` or ``unadjusted`` as the column's header says, else as the caption and
    unmarked notes say ("Model further adjusted for ..."; a guess when they name both
    kinds); ``adjusted: model 2`` when the headers name several models and this column one
    of them."""
    header = col.label
    models = {m.group(1).lower() for c in v.columns for m in [_MODEL.search(c.label)] if m}
    own = _MODEL.search(header)
    if own and len(models) > 1:
        return f"adjusted: model {own.group(1).lower()}"
    kind = col.adjustment or cues.adjustment_of(header)
    if kind:
        return kind
    said = " ".join([v.caption, *(n.text for n in v.table.footnotes if not n.mark)])
    adjusted, unadjusted = _ADJUSTED.search(said), _UNADJUSTED.search(said)
    if adjusted and unadjusted:
        lab.guess("adjustment: the caption or notes name univariable and multivariable "
                  "models, the header not which this column is")
        return ""
    return "adjusted" if adjusted else "unadjusted" if unadjusted else ""


def _model_test(v: TableView, col: Column, lab: Label) -> None:
    """The Wald test of the model the caption or the header names (the data dictionary: a
    model named without its test gives the model's Wald test), when no note names a test."""
    words = fold(f"{v.caption} {col.label}")
    model = "cox_wald" if re.search(r"\bcox\b|proportional hazards?", words) else \
        "logistic_wald" if re.search(r"\blogistic\b", words) else ""
    if not model or lab.test not in ("", "cox_wald", "logistic_wald"):
        return
    lab.test = model
    lab.guesses[:] = [g for g in lab.guesses if not g.startswith("test: the methods name")]


def _arm_pair(names: Names, level: str, reference: str) -> tuple[str, str]:
    """(arm, versus) of a level of the randomized arm against the reference arm, or ("", "")
    when either names no declared arm."""
    arm, _ = names.arm_of_header(level)
    versus, _ = names.arm_of_header(reference)
    return (arm, versus) if arm and versus and arm != versus else ("", "")


def label_model_row(v: TableView, row: Row, col: Column, lab: Label, names: Names,
                    refs: Refs) -> None:
    """Relabel an estimate, CI bound or P value of a regression table's row (a between-arm
    column of a table of kind ``regression``) by the data dictionary's rules above."""
    ref = refs.get(row.group)
    if p_row(row):  # the covariate's P value as a whole: its variable, no level
        lab.statistic, lab.unit, ref = "p_value", "probability", None
        lab.category = name_of(row.group.split(" / ")[-1])
        lab.guesses[:] = [g for g in lab.guesses if not g.startswith(
            ("statistic: a plain number", "category: whether"))]
    reference_row = ref is not None and ref.row == row.index
    if reference_row:
        lab.adjustment, lab.test = "", ""
        if lab.statistic == "value":
            lab.statistic = "estimate"
    else:
        lab.adjustment = model_adjustment(v, col, lab)
        if lab.statistic == "p_value":
            _model_test(v, col, lab)
    if ref is None:
        if not p_row(row) and not lab.category and not names.arm_of_header(row.stub)[0] and \
                not _BY_SUBGROUP.search(v.caption):
            lab.category = level_name(row.stub)  # a covariate on a row of its own ("Age")
        return
    variable = name_of(row.group.split(" / ")[-1])
    level = level_name(row.stub)
    arm, versus = _arm_pair(names, level, ref.level)
    if reference_row:
        lab.category = f"{variable}: {level} (reference)"
        lab.arm, lab.versus = names.arm_of_header(level)[0], ""
    elif arm:
        roles = {a.ident: a.role for a in names.randomized_arms}
        usual = len(roles) == 2 and roles.get(arm) == "experimental" and \
            roles.get(versus) == "comparator"
        lab.category = ""
        lab.arm, lab.versus = ("", "") if usual else (arm, versus)
    else:
        lab.category = f"{variable}: {level} vs {ref.level}"
    lab.rules.append(f"category: a level of '{variable}' against its reference "
                     f"'{ref.level}' in a regression table")
    lab.guesses[:] = [g for g in lab.guesses if not g.startswith(
        ("quantity: a hazard ratio of a covariate", "category: whether"))]


def is_model_cell(v: TableView, col: Column, lab: Label) -> bool:
    """A number of a regression table's effect, CI or P value column (not a count)."""
    return v.kind == "regression" and col.between and \
        lab.statistic in ("estimate", "ci_low", "ci_high", "p_value", "value") and \
        not fold(lab.quantity).startswith(("analysed", "baseline"))

"""``values*.csv``: one row per printed number, read and checked rule by rule.

Structural rules (a header with every column once, bounded fields without NUL bytes, as many
fields as the header) come first; then each row on its own (ids, vocabulary, the value's
form and range, units that fit the statistic and the quantity); then rules across rows
(duplicate ids, ``supersedes`` that point nowhere, at the row itself or in a circle, bounds
out of order). Every problem names the file, the line and the column.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from pathlib import Path

from trialrecon.dossier import cuts, names, row_terms
from trialrecon.dossier.model import Problem, Trial
from trialrecon.dossier.vocabulary import Vocabulary

COLUMNS: tuple[str, ...] = (
    "id", "source", "location", "row", "column", "anchor", "cohort", "arm", "subgroup",
    "quantity", "category", "statistic", "value", "comparator", "unit", "denominator",
    "marker", "sided", "level", "footnote", "supersedes", "note",
)  # fmt: skip
# Columns a dossier may add (older dossiers do without them).
OPTIONAL_COLUMNS: tuple[str, ...] = ("data_cut", "versus", "adjustment", "test", "population",
                                     "hypothesis")
REQUIRED: tuple[str, ...] = (
    "id", "source", "location", "anchor", "cohort", "quantity", "statistic", "unit",
)  # fmt: skip
MAX_ANCHOR_WORDS = 12
MAX_FIELD_CHARS = {"note": 4000, "anchor": 400}
DEFAULT_FIELD_CHARS = 400
MAX_ROWS = 100_000
# Columns a header may have: the dictionary's, with room for misspelt or unknown ones.
MAX_COLUMNS = 100
# A reviewer who checked a value against the source and kept an impossible one as
# printed writes "[sic]" in its note: validation then lets it through so the
# reconciliation report can flag it, instead of refusing the dossier.
SIC = "[sic]"
# Values of these rows are paired bound by bound (lower, upper) for the order checks.
PAIRS = {"ci_low": "ci_high", "range_low": "range_high", "iqr_low": "iqr_high"}
TIME_UNITS = row_terms.TIME_UNITS
Row = dict[str, str]


def read_rows(fname: str, text: str, problems: list[Problem]) -> list[tuple[int, Row]]:
    """Rows of a values file as (line, {column: text}); structural problems appended."""
    # The csv module refuses fields over its limit with an unhelpful error; the file is
    # already size-limited, so lift the limit and check each field's length ourselves.
    csv.field_size_limit(max(len(text), 131072))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        problems.append(Problem(fname, None, None, "header", "file is empty"))
        return []
    except csv.Error as exc:
        problems.append(Problem(fname, 1, None, "csv", f"header is not valid CSV: {exc}"))
        return []
    if not _header_ok(fname, header, problems):
        return []
    rows: list[tuple[int, Row]] = []
    try:
        for fields in reader:
            line = reader.line_num
            if not any(f.strip() for f in fields):
                continue
            if len(fields) != len(header):
                problems.append(Problem(fname, line, None, "field-count",
                                        f"row has {len(fields)} fields, the header "
                                        f"{len(header)}"))
                continue
            row = {h: f.strip() for h, f in zip(header, fields, strict=True)}
            if _fields_ok(fname, line, row, problems):
                rows.append((line, {**dict.fromkeys(OPTIONAL_COLUMNS, ""), **row}))
            if len(rows) > MAX_ROWS:
                problems.append(Problem(fname, line, None, "too-many-rows",
                                        f"more than {MAX_ROWS} rows; split the dossier"))
                return rows
    except csv.Error as exc:
        problems.append(Problem(fname, reader.line_num, None, "csv", f"not valid CSV: {exc}"))
    return rows


def _header_ok(fname: str, header: list[str], problems: list[Problem]) -> bool:
    allowed = set(COLUMNS) | set(OPTIONAL_COLUMNS)
    if len(header) > MAX_COLUMNS:
        # Counted once, refused whole: a header of 200,000 names is no dossier's.
        problems.append(Problem(fname, 1, None, "header", f"header has {len(header)} columns, "
                                f"at most {MAX_COLUMNS} (the data dictionary's columns)"))
        return False
    ok = True
    counts = Counter(header)
    for col in sorted(c for c, k in counts.items() if k > 1):
        problems.append(Problem(fname, 1, col[:60], "header", f"column '{col[:60]}' appears "
                                f"{counts[col]} times"))
        ok = False
    for col in (c for c in COLUMNS if c not in counts):
        problems.append(Problem(fname, 1, col, "header", f"column '{col}' is missing"))
        ok = False
    for col in (c for c in header if c not in allowed):
        problems.append(Problem(fname, 1, col[:60], "header", f"unknown column '{col[:60]}'"))
        ok = False
    return ok


def _fields_ok(fname: str, line: int, row: Row, problems: list[Problem]) -> bool:
    ok = True
    for col, text in row.items():
        limit = MAX_FIELD_CHARS.get(col, DEFAULT_FIELD_CHARS)
        if len(text) > limit:
            problems.append(Problem(fname, line, col, "too-long",
                                    f"{len(text)} characters, at most {limit}"))
            ok = False
        if "\x00" in text:
            problems.append(Problem(fname, line, col, "nul-byte", "contains a NUL byte"))
            ok = False
    return ok


# --------------------------------------------------------------------------- one row


class _RowRules:
    """The rules a single row can break on its own."""

    def __init__(self, trial: Trial | None, vocab: Vocabulary):
        self.trial = trial
        self.vocab = vocab
        self.ids = {} if trial is None else {
            "source": {s.id for s in trial.sources},
            "cohort": {c.id for c in trial.cohorts},
            "arm": {a.id for a in (*trial.arms, *trial.pooled_arms)},
        }
        self.cut_labels = set() if trial is None else cuts.known_labels(trial)
        self.published = {} if trial is None else {s.id: s.published for s in trial.sources
                                                   if s.published}

    def check(self, fname: str, line: int, row: Row) -> list[Problem]:
        out: list[Problem] = []

        def bad(column: str, rule: str, message: str) -> None:
            out.append(Problem(fname, line, column, rule, message))

        for col in REQUIRED:
            if not row[col]:
                bad(col, "required", f"'{col}' is empty")
        if row["id"] and not names.ROW_ID.fullmatch(row["id"]):
            bad("id", "id-format", f"id '{row['id'][:60]}' must be lower case letters, digits "
                "and '_' (at most 128)")
        for col, known in self.ids.items():
            if row[col] and row[col] not in known:
                bad(col, f"unknown-{col}", f"unknown {col} '{row[col][:60]}' (trial.yaml lists: "
                    f"{', '.join(sorted(known))})")
        vocab = self.vocab
        for col, allowed in (("quantity", vocab.quantities), ("statistic", vocab.statistics),
                             ("marker", vocab.markers), ("comparator", vocab.comparators),
                             ("sided", vocab.sided)):
            if row[col] and row[col] not in allowed:
                bad(col, f"unknown-{col}", f"unknown {col} '{row[col][:60]}' (see "
                    "data/raw/README.md)")
        for col, found in (("statistic", row_terms.statistic_problem(vocab, row)),
                           ("unit", row_terms.unit_problem(vocab, row))):
            if found is not None:
                bad(col, *found)
        row_terms.column_problems(vocab, row, bad, populations_known=self.trial is not None)
        row_terms.category_problems(vocab, row, bad)
        words = len(row["anchor"].split())
        if words > MAX_ANCHOR_WORDS:
            bad("anchor", "anchor-length", f"anchor has {words} words, at most "
                f"{MAX_ANCHOR_WORDS}")
        self._relations(row, bad)
        _value_rules(row, vocab, bad)
        return out

    def _relations(self, row: Row, bad) -> None:  # noqa: ANN001 - the local reporter
        if row["supersedes"] and row["supersedes"] == row["id"]:
            bad("supersedes", "self-supersedes", "a row cannot supersede itself")
        if row["versus"]:
            if self.trial is not None and row["versus"] not in self.ids["arm"]:
                bad("versus", "unknown-arm", f"unknown arm '{row['versus'][:60]}'")
            if not row["arm"]:
                bad("versus", "versus-without-arm", "'versus' names the arm compared against; "
                    "'arm' must name the other arm")
            elif row["versus"] == row["arm"]:
                bad("versus", "versus-same-arm", "an arm cannot be compared with itself")
        if row["data_cut"] and not names.is_date(row["data_cut"]) \
                and row["data_cut"] not in self.cut_labels:
            bad("data_cut", "unknown-data-cut", f"data_cut '{row['data_cut'][:60]}' is neither a "
                "real date (YYYY, YYYY-MM, YYYY-MM-DD) nor the data_cut or analysis of a source "
                "in trial.yaml")
        pub = self.published.get(row["source"], "")
        if row["data_cut"] and pub and names.is_date(row["data_cut"]) \
                and cuts.after(row["data_cut"], pub):
            bad("data_cut", "cut-after-publication", f"data_cut {row['data_cut']} is after the "
                f"publication of source '{row['source']}' ({pub}), which cannot report it")
        q = self.vocab.quantities.get(row["quantity"], {})
        if q.get("rate_of") and row["category"] and names.landmark_origin(
                row["category"]) is None:
            bad("category", "landmark", f"the landmark '{row['category'][:60]}' of a rate must "
                "be a time such as '12 months' or '5 years', optionally followed by what it is "
                "counted from ('3 years after completing treatment')")


def _value_rules(row: Row, vocab: Vocabulary, bad) -> None:  # noqa: ANN001
    """Rules on the value itself: presence, form, range, unit."""
    value, stat, sic = row["value"], row["statistic"], SIC in row["note"]
    if row["marker"] and value:
        bad("value", "marker-and-value", f"value '{value}' given together with a marker")
    if not row["marker"] and not value:
        bad("value", "value-missing", "value is empty and no marker says why")
    _number_columns(row, bad)
    if not value or stat not in vocab.statistics:
        return
    if not vocab.is_numeric(stat):
        if stat == "date" and not names.is_date(value):
            bad("value", "malformed-date", f"date '{value[:60]}' is not a real date written "
                "YYYY, YYYY-MM or YYYY-MM-DD")
        return
    if not names.is_number(value):
        hint = " (write .001 as 0.001)" if value.startswith(".") else ""
        bad("value", "malformed-number", f"value '{value[:60]}' is not a plain decimal number "
            f"(ASCII digits, at most 15 before and 20 after the point){hint}")
        return
    _range_rules(row, float(value), vocab, sic, bad)


def _number_columns(row: Row, bad) -> None:  # noqa: ANN001
    for col in ("denominator", "level"):
        if row[col] and not names.is_number(row[col]):
            bad(col, "malformed-number", f"{col} '{row[col][:60]}' is not a number")
    if row["denominator"] and names.is_number(row["denominator"]):
        den = float(row["denominator"])
        if den <= 0 or den != int(den):
            bad("denominator", "denominator", f"denominator {row['denominator']} is not a "
                "positive whole number")
    if row["level"] and names.is_number(row["level"]) and not 0 < float(row["level"]) < 100:
        bad("level", "ci-level", f"confidence level {row['level']} is not between 0 and 100 "
            "(write 95 for a 95% CI)")


def _range_rules(row: Row, number: float, vocab: Vocabulary, sic: bool, bad) -> None:  # noqa: ANN001
    stat, q = row["statistic"], vocab.quantities.get(row["quantity"], {})
    if stat == "count":
        if number < 0:
            bad("value", "negative-count", f"count {row['value']} is negative")
        elif number != int(number):
            bad("value", "count-not-whole", f"count {row['value']} is not a whole number")
        den = row["denominator"]
        if den and names.is_number(den) and number > float(den) and not sic:
            bad("value", "count-above-denominator",
                f"count {row['value']} is above its denominator {den}")
    limits = {"percent": 100.0, "proportion": 1.0}
    if stat in limits and not (0 <= number <= limits[stat]) and not sic:
        bad("value", f"{stat}-range", f"{stat} {row['value']} is outside 0-{limits[stat]:g}")
    if row["unit"] == "percent" and stat != "percent" and not (0 <= number <= 100) and not sic \
            and q.get("kind") != "design" and not q.get("may_exceed_100") and stat != "cv":
        hint = " (a difference of percentages is in percentage_points)" if number < 0 else ""
        bad("value", "percent-range", f"{row['value']} percent is outside 0-100{hint}")
    if stat == "p_value" and not (0 <= number <= 1):
        bad("value", "p-value-range", f"P value {row['value']} is outside 0-1")
    if q.get("endpoint") and stat in ("median", "mean") and number <= 0 and not sic:
        bad("value", "time-not-positive", f"a {stat} {row['quantity']} of {row['value']} is not "
            "a positive time (write [sic] in the note if the source prints it)")
    if q.get("ratio_of") and stat in ("estimate", "ci_low", "ci_high") and number <= 0 \
            and not sic:
        bad("value", "ratio-not-positive", f"a hazard ratio of {row['value']} is impossible "
            "(ratios are positive; write [sic] in the note if the source prints it)")
    row_terms.value_problems(vocab, row, number, sic, bad)


# --------------------------------------------------------------------------- across rows


def bound_problems(fname: str, rows: list[tuple[int, Row]]) -> list[Problem]:
    """Lower bounds above their upper bounds (CIs and ranges of the same statement)."""
    groups: dict[tuple[str, ...], dict[str, list[tuple[int, Row]]]] = defaultdict(
        lambda: defaultdict(list))
    key_cols = ("source", "location", "row", "column", "cohort", "arm", "subgroup",
                "quantity", "category", "level", "versus", "data_cut", "adjustment",
                "population", "hypothesis")
    for line, row in rows:
        groups[tuple(row[c] for c in key_cols)][row["statistic"]].append((line, row))
    out = []
    for stats in groups.values():
        for low_stat, high_stat in PAIRS.items():
            for (line, low), (_, high) in zip(stats.get(low_stat, []), stats.get(high_stat, []),
                                              strict=False):
                lo, hi = low["value"], high["value"]
                if (names.is_number(lo) and names.is_number(hi) and float(lo) > float(hi)
                        and SIC not in low["note"]):
                    kind = {"ci_low": "CI", "range_low": "range"}.get(low_stat, "IQR")
                    out.append(Problem(fname, line, "value", f"{kind.lower()}-order",
                                       f"{kind} lower bound {lo} exceeds its upper bound {hi}"))
    return out


def cross_problems(rows: list[tuple[str, int, Row]]) -> list[Problem]:
    """Rules across rows and files: duplicate ids; 'supersedes' unknown or circular."""
    out = []
    first: dict[str, tuple[str, int]] = {}
    for fname, line, row in rows:
        ident = row["id"]
        if ident in first:
            f0, l0 = first[ident]
            out.append(Problem(fname, line, "id", "duplicate-id",
                               f"id '{ident}' is already used in {Path(f0).name}, row {l0}"))
        else:
            first[ident] = (fname, line)
    target = {row["id"]: row["supersedes"] for _, _, row in rows if row["supersedes"]}
    circular = _on_cycles(target)
    for fname, line, row in rows:
        sup = row["supersedes"]
        if sup and sup not in first:
            out.append(Problem(fname, line, "supersedes", "unknown-supersedes",
                               f"supersedes unknown id '{sup[:60]}'"))
        elif sup and sup != row["id"] and row["id"] in circular:
            out.append(Problem(fname, line, "supersedes", "supersedes-cycle",
                               f"'{row['id']}' supersedes '{sup}', which leads back to it"))
    return out


def _on_cycles(target: dict[str, str]) -> set[str]:
    """Ids that lead back to themselves through ``supersedes``, each link followed once.

    Every id points at most one way, so a walk from each unvisited id either reaches a
    visited id (whose fate is known) or comes back onto its own path, closing a cycle: all
    the ids from that point of the path on are on it. Linear in the rows, where walking each
    chain from each of its ids is quadratic in a chain's length.
    """
    state: dict[str, int] = {}  # 1: on the current walk, 2: done
    circular: set[str] = set()
    for start in target:
        path: list[str] = []
        node: str | None = start
        while node is not None and node not in state:
            state[node] = 1
            path.append(node)
            node = target.get(node)
        if node is not None and state.get(node) == 1:
            circular.update(path[path.index(node):])
        for n in path:
            state[n] = 2
    return circular

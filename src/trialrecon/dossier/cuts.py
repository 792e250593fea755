"""Data cuts: which analysis of the trial each printed number belongs to.

A trial is published several times: the primary analysis, interim and final overall
survival, a five-year update, a label quoting one of them. A number belongs to the data cut
of its row (the optional ``data_cut`` column) or else of its source (``data_cut`` and
``analysis`` in ``trial.yaml``). A cut is known by its cut-off date when one is printed, by
its analysis' name otherwise; a name that some source also dates ("final OS" on a source
with ``data_cut: 2014-02``) resolves to that date, so the abstract, the paper and the label of
one analysis fall into one cut. Cuts are ordered in time: by their date, or for an undated cut
by the first publication of a source that reports it (a little after the cut itself), then
by the order of ``trial.yaml``.

Ambiguous cuts are refused, not guessed (:func:`name_problems`, :func:`date_problems`): one
analysis name dated twice; an analysis named like a date other than its own (it would take
that cut's rows); a cut after the publication of the source that reports it (after the last
publication of the dossier for a quoted cut; after today only when the dossier dates no
publication); a cut before the earliest start of the trial the dossier prints
(``study_start`` or ``enrollment_start``). Dates are compared at the coarser of their two
precisions, so ``2019-05`` is not after ``2019``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from trialrecon.dossier import names
from trialrecon.dossier.model import DataCut, Problem, Trial

UNKNOWN = ""


def label_dates(trial: Trial) -> dict[str, str]:
    """Analysis names that a source dates: ``{"final OS": "2014-02"}`` (first source wins)."""
    out: dict[str, str] = {}
    for s in trial.sources:
        if s.analysis and s.data_cut:
            out.setdefault(s.analysis, s.data_cut)
    for label, date in trial.quoted_cuts:
        if date:
            out.setdefault(label, date)
    return out


def resolve(text: str, trial: Trial, dates: dict[str, str] | None = None) -> str:
    """The cut key of a ``data_cut`` text (row or source): a date, a dated name, or the name."""
    if not text:
        return UNKNOWN
    dates = label_dates(trial) if dates is None else dates
    return dates.get(text, text)


def source_cut(source_id: str, trial: Trial, dates: dict[str, str] | None = None) -> str:
    """The cut key of a source: its date, else its (possibly dated) analysis name."""
    s = trial.source(source_id)
    return resolve(s.data_cut or s.analysis, trial, dates)


def row_cut(row_cut_text: str, source_id: str, trial: Trial,
            dates: dict[str, str] | None = None) -> str:
    """The cut key of a row: its own ``data_cut``, else its source's."""
    if row_cut_text:
        return resolve(row_cut_text, trial, dates)
    return source_cut(source_id, trial, dates)


def known_labels(trial: Trial) -> set[str]:
    """Texts a row's ``data_cut`` may name besides a date: the sources' analyses and cuts."""
    return ({s.analysis for s in trial.sources if s.analysis}
            | {s.data_cut for s in trial.sources if s.data_cut}
            | {label for label, _ in trial.quoted_cuts})


def build_cuts(trial: Trial, row_keys: Iterable[tuple[str, str]]) -> tuple[DataCut, ...]:
    """Every cut the sources and rows name, in time order.

    ``row_keys`` are (cut key, source id) of the rows, so a cut named only by rows is still
    listed, with the sources whose rows name it.
    """
    dates = label_dates(trial)
    labels: dict[str, list[str]] = defaultdict(list)
    sources: dict[str, list[str]] = defaultdict(list)
    for s in trial.sources:
        key = source_cut(s.id, trial, dates)
        if key == UNKNOWN:
            continue
        if s.analysis and s.analysis not in labels[key]:
            labels[key].append(s.analysis)
        sources[key].append(s.id)
    for label, _ in trial.quoted_cuts:
        key = resolve(label, trial, dates)
        sources.setdefault(key, [])
        if label not in labels[key]:
            labels[key].append(label)
    for key, source in row_keys:
        if key == UNKNOWN:
            continue
        sources.setdefault(key, [])
        if source not in sources[key]:
            sources[key].append(source)
        if not names.is_date(key) and key not in labels[key]:
            labels[key].append(key)
    order = {s.id: i for i, s in enumerate(trial.sources)}
    published = {s.id: s.published for s in trial.sources}

    def when(key: str) -> tuple[float, int]:
        """A cut's time: its date, else the first publication of a source reporting it."""
        first = min((order.get(s, 10**6) for s in sources[key]), default=10**6)
        if names.is_date(key):
            return names.date_months(key), first
        pub = [names.date_months(published[s]) for s in sources[key] if published.get(s)]
        return min(pub, default=float("inf")), first

    keys = sorted(sources, key=when)
    return tuple(DataCut(key=k, date=k if names.is_date(k) else "",
                         labels=tuple(x for x in labels.get(k, []) if x != k or
                                      not names.is_date(k)),
                         order=i, sources=tuple(sources[k])) for i, k in enumerate(keys))


# --------------------------------------------------------------------------- refusals

START_QUANTITIES = ("study_start", "enrollment_start")


def after(a: str, b: str) -> bool:
    """Date ``a`` surely after date ``b``, compared at the coarser precision of the two."""
    n = min(len(a), len(b))
    return a[:n] > b[:n]


def _named_dates(trial: Trial) -> dict[str, list[tuple[str, str]]]:
    """Each analysis name with the dates given to it and who gives them."""
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for s in trial.sources:
        if s.analysis and s.data_cut:
            out[s.analysis].append((s.data_cut, f"source '{s.id}'"))
    for i, (label, date) in enumerate(trial.quoted_cuts, start=1):
        if label and date:
            out[label].append((date, f"entry {i} of 'data_cuts'"))
    return out


def name_problems(trial: Trial, fname: str) -> list[Problem]:
    """Analysis names dated twice, or named like a date other than their own (an undated
    analysis named like a date is that date's cut, which is no ambiguity)."""
    out = []
    for name, given in _named_dates(trial).items():
        dates = sorted({d for d, _ in given})
        if len(dates) > 1:
            where = ", ".join(f"{d} ({who})" for d, who in given)
            out.append(Problem(fname, None, "sources", "cut-name-two-dates",
                               f"analysis '{name}' is dated twice: {where}; one analysis has "
                               "one cut-off, so give the two analyses different names"))
        elif names.is_date(name) and name != dates[0]:
            out.append(Problem(fname, None, "sources", "cut-name-is-date",
                               f"analysis '{name}' reads as a date but is dated {dates[0]} "
                               f"({given[0][1]}); rows naming '{name}' would be moved to the "
                               "wrong cut, so name the analysis in words"))
    return out


def trial_start(rows: Iterable[dict[str, str]]) -> str:
    """The earliest start of the trial the rows print (``study_start``, ``enrollment_start``)."""
    starts = [r["value"] for r in rows if r["quantity"] in START_QUANTITIES
              and r["statistic"] == "date" and not r["marker"] and names.is_date(r["value"])]
    return min(starts, default="")  # ISO dates sort as text


def date_problems(trial: Trial, fname: str,
                  rows: list[tuple[str, int, dict[str, str]]],
                  today: dt.date | None = None) -> list[Problem]:
    """Cuts after the publication that reports them, or before the trial started.

    Rows' own cuts are checked against their source's publication by the row rules of
    :mod:`.values`; here are the cuts of ``trial.yaml`` and every cut against the start.
    ``today`` is only read when no source of the dossier has a publication date.
    """
    out: list[Problem] = []
    published = [s.published for s in trial.sources if s.published]
    last = max(published, key=lambda d: d.ljust(10, "9"), default="")
    bound = f"the last publication of the dossier ({last})" if last else "today"
    last = last or (today or dt.date.today()).isoformat()
    for s in trial.sources:
        if s.data_cut and after(s.data_cut, s.published or last):
            out.append(Problem(fname, None, "sources", "cut-after-publication",
                               f"source '{s.id}': data_cut {s.data_cut} is after "
                               + (f"its publication ({s.published})" if s.published else bound)))
    for i, (label, date) in enumerate(trial.quoted_cuts, start=1):
        if date and after(date, last):
            out.append(Problem(fname, None, "data_cuts", "cut-after-publication",
                               f"entry {i} of 'data_cuts' ('{label}'): data_cut {date} is "
                               f"after {bound}"))
    start = trial_start(r for _, _, r in rows)
    if not start:
        return out
    dated = [(f"source '{s.id}'", s.data_cut, "sources") for s in trial.sources if s.data_cut]
    dated += [(f"entry {i} of 'data_cuts' ('{label}')", date, "data_cuts")
              for i, (label, date) in enumerate(trial.quoted_cuts, start=1) if date]
    for who, cut, key in dated:
        if after(start, cut):
            out.append(Problem(fname, None, key, "cut-before-start",
                               f"{who}: data_cut {cut} is before the trial started ({start}, "
                               "the earliest study or enrollment start)"))
    for f, line, row in rows:
        cut = row["data_cut"]
        if cut and names.is_date(cut) and after(start, cut):
            out.append(Problem(f, line, "data_cut", "cut-before-start",
                               f"data_cut {cut} is before the trial started ({start}, the "
                               "earliest study or enrollment start)"))
    return out

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
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from trialrecon.dossier import names
from trialrecon.dossier.model import DataCut, Trial

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

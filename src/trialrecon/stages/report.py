"""The single entry page of a pipeline run: ``results/report/index.html``.

The page gathers, for every trial in the config, the dossier summary, the
reconciliation summary (counts by severity and the most severe findings, with a
link to the full report), the design result and the Kaplan-Meier figures; then
the cross-trial figures, the validation stage and the notebooks. Figures are
embedded as data URIs so the page works offline as one file; the full reports it
links to sit beside it under ``results/``. It states the versions of the package
and its dependencies and the SHA-256 of every input file, so a reviewer can cite
exactly what was run. Nothing in it depends on the clock.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import platform
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import jinja2

from trialrecon import __version__
from trialrecon.checks.titles import humanize, quantity_label
from trialrecon.dossier import load_dossier
from trialrecon.dossier.model import Trial
from trialrecon.report.files import atomic_write_text
from trialrecon.report.html import (
    Figure,
    data_uri,
    human_header,
    inline_images,
    reader_html,
    rebase_links,
    relative,
    render_markdown,
    responsive_tables,
)
from trialrecon.report.names import Names, names_of

SEVERITY_ORDER = ("error", "inconsistent", "questionable", "note", "consistent")
DEPENDENCIES = ("snakemake", "lifelines", "pandas", "numpy", "scipy", "matplotlib", "jinja2",
                "pyyaml", "jsonschema", "papermill", "nbconvert", "mistune", "latex2mathml")
MAX_TOP_FINDINGS = 10
MAX_INLINE_COLUMNS = 10
LEFT_OUT = ("false_alarm", "explained")
TRIAGE_WORDS = {"false_alarm": "false alarm", "explained": "explained", "confirmed": "confirmed"}
# Figures named by their file (stage outputs): what each one shows, in words.
FIGURE_WORDS = {
    "power_curve": "Power of the single-stage design against the true response rate",
    "rejection_region": "Binomial distributions under p0 and p1 and the rejection region",
    "hazard_ratios": "Hazard ratios of the primary endpoints across trials",
    "response_rates": "Response rates across trials",
    "ae_grade3": "Grade 3 or higher adverse events across trials",
    "validation_km": "Validation of the Kaplan-Meier reconstruction on data with known patients",
}

@dataclass(frozen=True)
class Link:
    title: str
    href: str


@dataclass
class TrialSection:
    id: str
    title: str
    design: str
    sources: list[str]
    n_values: int
    severity_counts: list[tuple[str, int]] = field(default_factory=list)
    top_findings: list[dict[str, str]] = field(default_factory=list)
    triaged_away: int = 0
    reconciliation: Link | None = None
    letter: Link | None = None
    letter_text: Link | None = None
    fragments: list[tuple[str, str]] = field(default_factory=list)  # (heading, safe HTML)
    figures: list[tuple[str, list[Figure]]] = field(default_factory=list)
    tables: list[Link] = field(default_factory=list)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def input_hashes(data_dir: Path, trials: list[str]) -> list[tuple[str, str]]:
    """(path, SHA-256) of every input file of the configured dossiers, sorted by path."""
    files = [p for t in trials for p in sorted((data_dir / t).rglob("*")) if p.is_file()]
    return [(p.as_posix(), sha256_of(p)) for p in files]


def environment_versions() -> list[tuple[str, str]]:
    """The versions of Python, trialrecon and the dependencies that produced the outputs."""
    versions = [("python", platform.python_version()), ("trialrecon", __version__)]
    for name in DEPENDENCIES:
        try:
            versions.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            versions.append((name, "not installed"))
    return versions


def reconciliation_summary(path: Path, names: Names | None = None
                           ) -> tuple[list[tuple[str, int]], list[dict[str, str]], int]:
    """Causes by severity, the most important causes and how many were triaged away.

    Causes a triage calls false alarms or explained are neither counted nor listed: the
    counts are those of the points for the authors, and the ranks shown are those of the
    causes kept (1, 2, 3 ... without gaps), in the report's order.
    """
    names = names or Names()
    data = json.loads(path.read_text(encoding="utf-8"))
    causes = sorted(data.get("causes", []), key=lambda c: int(c.get("rank", 0)))
    kept = [c for c in causes if (c.get("triage") or {}).get("verdict") not in LEFT_OUT]
    counts = {s: 0 for s in SEVERITY_ORDER if s != "consistent"}
    for c in kept:
        counts[c.get("severity", "error")] = counts.get(c.get("severity", "error"), 0) + 1
    top = [
        {
            "id": str(c.get("id", "")),
            "rank": str(shown),
            "severity": str(c.get("severity", "")),
            "checks": ", ".join(c.get("checks", [])),
            "title": names.words(str(c.get("title", ""))),
            "findings": str(len(c.get("members", []))),
            "triage": TRIAGE_WORDS.get(str((c.get("triage") or {}).get("verdict", "")), ""),
        }
        for shown, c in enumerate(kept, start=1)
        if c.get("severity") in ("error", "inconsistent", "questionable")
    ][:MAX_TOP_FINDINGS]
    return [(s, n) for s, n in counts.items() if n], top, len(causes) - len(kept)


def figure_title(path: Path, trial: Trial | None = None) -> str:
    """What a figure shows, from its file name: ``km_pfs_panNET`` -> ``Kaplan-Meier curves:
    PFS, Pancreatic NET``."""
    stem = path.stem
    if stem in FIGURE_WORDS:
        return FIGURE_WORDS[stem]
    cohorts = {c.id: c.label for c in trial.cohorts} if trial else {}
    if stem.startswith("km_"):
        for cohort in sorted(cohorts, key=len, reverse=True):
            if stem.endswith("_" + cohort):
                endpoint = stem[3:-len(cohort) - 1]
                return f"Kaplan-Meier curves: {quantity_label(endpoint)}, {cohorts[cohort]}"
        return "Kaplan-Meier curves: " + humanize(stem[3:]).replace("_", " ")
    text = humanize(stem).replace("_", " ")
    return text[:1].upper() + text[1:]


def stage_content(stage_dir: Path, link_base: Path, page_dir: Path, top: int = 4,
                  trial: Trial | None = None) -> tuple[list[str], list[Figure]]:
    """A stage folder's Markdown fragments (figures inlined) and its other PNG figures.

    Image and file links in a fragment are resolved against ``link_base``: images go
    inside the page, other links are rewritten to work from ``page_dir``. Every PNG of
    the folder that no fragment shows is returned as a separate figure.
    """
    if not stage_dir.is_dir():
        return [], []
    fragments, inlined = [], set()
    for fragment in sorted(stage_dir.glob("*.md")):
        html, used = inline_images(reader_html(responsive_tables(render_markdown(
            fragment.read_text("utf-8"), top)), humanize), link_base)
        fragments.append(rebase_links(html, link_base, page_dir))
        inlined |= used
    figs = [Figure(figure_title(p, trial), data_uri(p)) for p in sorted(stage_dir.glob("*.png"))
            if p.resolve() not in inlined]
    return fragments, figs


def trial_section(trial_id: str, data_dir: Path, results: Path, page_dir: Path) -> TrialSection:
    dossier = load_dossier(data_dir / trial_id)
    trial = dossier.trial
    section = TrialSection(
        id=trial.id,
        title=trial.title,
        design=trial.design.replace("_", "-"),
        sources=[s.citation for s in trial.sources],
        n_values=len(dossier.values),
    )
    folder = results / trial_id
    recon = folder / "reconciliation.json"
    if recon.is_file():
        section.severity_counts, section.top_findings, section.triaged_away = \
            reconciliation_summary(recon, names_of(trial))
        section.reconciliation = Link("full reconciliation report",
                                      relative(folder / "reconciliation.html", page_dir))
        if (folder / "review_letter.md").is_file():
            section.letter = Link("review letter (Markdown)",
                                  relative(folder / "review_letter.md", page_dir))
        if (folder / "review_letter.txt").is_file():
            section.letter_text = Link("review letter (plain text)",
                                       relative(folder / "review_letter.txt", page_dir))
    for stage, heading in (("design", "Design and power"), ("km", "Kaplan-Meier curves")):
        stage_dir = folder / stage
        fragments, figs = stage_content(stage_dir, folder, page_dir, 4, trial)
        section.fragments += [(heading, html) for html in fragments]
        if figs:
            section.figures.append((heading, figs))
        if stage_dir.is_dir():
            section.tables += [Link(p.name, relative(p, page_dir))
                               for p in sorted(stage_dir.glob("*.csv"))]
    return section


def notebook_title(path: Path) -> str:
    """A notebook's first heading (``# Why 55 patients?``), else its name in words."""
    ipynb = path.with_suffix(".ipynb")
    try:
        cells = json.loads(ipynb.read_text(encoding="utf-8")).get("cells", [])
        for cell in cells:
            if cell.get("cell_type") == "markdown":
                for line in "".join(cell.get("source", "")).splitlines():
                    if line.startswith("# "):
                        return line[2:].strip()
    except (OSError, ValueError):
        pass
    return path.stem.replace("_", " ")


def csv_as_rows(path: Path, limit: int = 60) -> tuple[list[str], list[list[str]]]:
    """Header and the first ``limit`` rows of a small CSV, for an HTML table."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(io.StringIO(handle.read())))
    return (rows[0], rows[1 : limit + 1]) if rows else ([], [])


def build_index(results: Path, data_dir: Path, trials: list[str], out: Path) -> Path:
    """Write ``out`` (the index page) from what the pipeline wrote under ``results``."""
    page_dir = out.parent
    sections = [trial_section(t, data_dir, results, page_dir) for t in trials]
    cross = results / "crosstrial"
    validation = results / "validation" / "km"
    notebooks = sorted((results / "notebooks").glob("*.html")) if (
        results / "notebooks").is_dir() else []
    tables = [(p, *csv_as_rows(p)) for p in sorted(validation.glob("*.csv"))] \
        if validation.is_dir() else []
    # Narrow tables go on the page; wide ones (one row per replicate) are linked, so no table
    # is wider than the page.
    validation_tables = [(p.name, [human_header(h) for h in header], rows)
                         for p, header, rows in tables if len(header) <= MAX_INLINE_COLUMNS]
    validation_links = [Link(f"{p.name} ({len(rows)} rows, {len(header)} columns)",
                             relative(p, page_dir))
                        for p, header, rows in tables if len(header) > MAX_INLINE_COLUMNS]
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("trialrecon.report", "templates"),
        autoescape=True,
        keep_trailing_newline=True,
    )
    cross_fragments, cross_figures = stage_content(cross, cross, page_dir, 3)
    html = env.get_template("index.html.j2").render(
        version=__version__,
        sections=sections,
        cross_fragments=cross_fragments,
        cross_figures=cross_figures,
        cross_tables=[Link(p.name, relative(p, page_dir)) for p in sorted(cross.glob("*.csv"))]
        if cross.is_dir() else [],
        validation_figures=[Figure(figure_title(p), data_uri(p))
                            for p in sorted(validation.glob("*.png"))] if validation.is_dir()
        else [],
        validation_tables=validation_tables,
        validation_links=validation_links,
        notebooks=[Link(notebook_title(p), relative(p, page_dir)) for p in notebooks],
        versions=environment_versions(),
        hashes=input_hashes(data_dir, trials),
        severity_order=SEVERITY_ORDER,
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out, html)
    return out

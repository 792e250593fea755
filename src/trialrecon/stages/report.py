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
from trialrecon.dossier import load_dossier
from trialrecon.report.files import atomic_write_text
from trialrecon.report.html import (
    Figure,
    data_uri,
    figures_in,
    human_header,
    inline_images,
    rebase_links,
    relative,
    render_markdown,
    responsive_tables,
    title_of,
)

SEVERITY_ORDER = ("error", "inconsistent", "questionable", "note", "consistent")
DEPENDENCIES = ("snakemake", "lifelines", "pandas", "numpy", "scipy", "matplotlib", "jinja2",
                "pyyaml", "jsonschema", "papermill", "nbconvert", "mistune", "latex2mathml")
MAX_TOP_FINDINGS = 10
MAX_INLINE_COLUMNS = 10

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
    reconciliation: Link | None = None
    letter: Link | None = None
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


def reconciliation_summary(path: Path) -> tuple[list[tuple[str, int]], list[dict[str, str]]]:
    """Causes by severity and the most important causes of a reconciliation JSON.

    The report ranks its causes (severity, then what they touch); the page keeps that order
    and shows each cause's triage verdict.
    """
    data = json.loads(path.read_text(encoding="utf-8"))
    causes = data.get("causes", [])
    counts = {s: 0 for s in SEVERITY_ORDER if s != "consistent"}
    for c in causes:
        counts[c.get("severity", "error")] = counts.get(c.get("severity", "error"), 0) + 1
    serious = [c for c in causes if c.get("severity") in ("error", "inconsistent",
                                                          "questionable")]
    serious.sort(key=lambda c: int(c.get("rank", 0)))
    top = [
        {
            "id": str(c.get("id", "")),
            "rank": str(c.get("rank", "")),
            "severity": str(c.get("severity", "")),
            "checks": ", ".join(c.get("checks", [])),
            "title": str(c.get("title", "")),
            "findings": str(len(c.get("members", []))),
            "triage": str((c.get("triage") or {}).get("verdict", "")),
        }
        for c in serious[:MAX_TOP_FINDINGS]
    ]
    return [(s, n) for s, n in counts.items() if n], top


def stage_content(stage_dir: Path, link_base: Path,
                  page_dir: Path) -> tuple[list[str], list[Figure]]:
    """A stage folder's Markdown fragments (figures inlined) and its other PNG figures.

    Image and file links in a fragment are resolved against ``link_base``: images go
    inside the page, other links are rewritten to work from ``page_dir``. Every PNG of
    the folder that no fragment shows is returned as a separate figure.
    """
    if not stage_dir.is_dir():
        return [], []
    fragments, inlined = [], set()
    for fragment in sorted(stage_dir.glob("*.md")):
        html, used = inline_images(responsive_tables(render_markdown(
            fragment.read_text("utf-8"))), link_base)
        fragments.append(rebase_links(html, link_base, page_dir))
        inlined |= used
    figs = [Figure(title_of(p), data_uri(p)) for p in sorted(stage_dir.glob("*.png"))
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
        section.severity_counts, section.top_findings = reconciliation_summary(recon)
        section.reconciliation = Link("full reconciliation report",
                                      relative(folder / "reconciliation.html", page_dir))
        if (folder / "review_letter.md").is_file():
            section.letter = Link("review letter (Markdown)",
                                  relative(folder / "review_letter.md", page_dir))
    for stage, heading in (("design", "Design and power"), ("km", "Kaplan-Meier curves")):
        stage_dir = folder / stage
        fragments, figs = stage_content(stage_dir, folder, page_dir)
        section.fragments += [(heading, html) for html in fragments]
        if figs:
            section.figures.append((heading, figs))
        if stage_dir.is_dir():
            section.tables += [Link(p.name, relative(p, page_dir))
                               for p in sorted(stage_dir.glob("*.csv"))]
    return section


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
    cross_fragments, cross_figures = stage_content(cross, cross, page_dir)
    html = env.get_template("index.html.j2").render(
        version=__version__,
        sections=sections,
        cross_fragments=cross_fragments,
        cross_figures=cross_figures,
        cross_tables=[Link(p.name, relative(p, page_dir)) for p in sorted(cross.glob("*.csv"))]
        if cross.is_dir() else [],
        validation_figures=figures_in(validation),
        validation_tables=validation_tables,
        validation_links=validation_links,
        notebooks=[Link(title_of(p), relative(p, page_dir)) for p in notebooks],
        versions=environment_versions(),
        hashes=input_hashes(data_dir, trials),
        severity_order=SEVERITY_ORDER,
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out, html)
    return out

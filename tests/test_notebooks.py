"""The teaching notebooks execute without error, deterministically; a failing cell is shown.

Each notebook is run with :func:`trialrecon.stages.notebooks.execute_notebook` from the repository
root into a temporary folder. Notebook 4 is told not to read ``results/`` so that it computes
the reconciliation through the package and does not depend on an earlier pipeline run.
A notebook run with the test parameters is run once per module (``executed``) and read by
every test that checks that run; a test with other parameters or cells runs its own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from trialrecon.dossier.paths import find_repo_root
from trialrecon.stages.notebooks import NotebookCellError, execute_notebook, strip_volatile

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
# Parameters that make a notebook independent of results/ (the pipeline passes none).
TEST_PARAMETERS = {"04_reading_critically": {"use_results": False}}


def _outputs_text(source: Path | nbformat.NotebookNode) -> str:
    """The text outputs of a notebook (a file, or one already read)."""
    nb = nbformat.read(str(source), as_version=4) if isinstance(source, Path) else source
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                parts.append(out["text"])
            elif "text/plain" in out.get("data", {}):
                parts.append(out["data"]["text/plain"])
    return "\n".join(parts)


def _write(tmp_path: Path, name: str, sources: list[str], parameters: str = "x = 1") -> Path:
    cell = new_code_cell(parameters)
    cell.metadata["tags"] = ["parameters"]
    nb = new_notebook(cells=[new_markdown_cell("# test"), cell,
                             *(new_code_cell(s) for s in sources)])
    for i, c in enumerate(nb.cells):
        c["id"] = f"cell-{i}"
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    path = tmp_path / name
    nbformat.write(nb, str(path))
    return path


def test_the_five_notebooks_are_present_and_stored_without_outputs():
    names = [p.stem for p in NOTEBOOKS]
    assert names == ["01_why_55_patients", "02_kaplan_meier", "03_hazard_ratios",
                     "04_reading_critically", "05_events_phase3"]
    for path in NOTEBOOKS:
        nb = nbformat.read(str(path), as_version=4)
        nbformat.validate(nb)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(c.outputs == [] and c.execution_count is None for c in code), path.name
        assert "parameters" in code[0].metadata.get("tags", []), path.name
        assert "papermill" not in nb.metadata, path.name


@dataclass(frozen=True)
class Executed:
    """One run of a notebook with its test parameters: the written files' text (immutable),
    and the folder they were written to."""

    notebook: str
    html: str
    folder: Path


@pytest.fixture(scope="module")
def executed(tmp_path_factory) -> Callable[[str], Executed]:
    """``executed(stem)``: the notebook's run with TEST_PARAMETERS, made on first use."""
    runs: dict[str, Executed] = {}

    def get(stem: str) -> Executed:
        if stem not in runs:
            folder = tmp_path_factory.mktemp(stem)
            out_nb, out_html = folder / f"{stem}.ipynb", folder / f"{stem}.html"
            execute_notebook(ROOT / "notebooks" / f"{stem}.ipynb", out_nb, out_html,
                             TEST_PARAMETERS.get(stem, {}), cwd=ROOT)
            runs[stem] = Executed(out_nb.read_text(encoding="utf-8"),
                                  out_html.read_text(encoding="utf-8"), folder)
        return runs[stem]

    return get


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_executes(path: Path, executed):
    run = executed(path.stem)
    nb = nbformat.reads(run.notebook, as_version=4)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.get("output_type") == "error"]
    assert errors == []
    assert all(c.execution_count is not None for c in nb.cells if c.cell_type == "code")
    html = run.html
    assert html.lstrip().lower().startswith("<!doctype html")
    assert not _remote_assets(html), _remote_assets(html)
    # No absolute path of this machine leaks into what students see.
    assert str(run.folder) not in _outputs_text(nb)


_REMOTE = re.compile(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=[\"']?(?:https?:)?//"
                     r"|import\(\s*[\"'](?:https?:)?//|@import", re.I)


def _remote_assets(html: str) -> list[str]:
    """Scripts, style sheets, images or modules the page would load from the network."""
    return _REMOTE.findall(html)


def test_every_notebook_ends_with_things_to_try():
    for path in NOTEBOOKS:
        nb = nbformat.read(str(path), as_version=4)
        last = nb.cells[-1]
        assert last.cell_type == "markdown", path.name
        assert last.source.lstrip().startswith("## Things to try"), path.name
        assert last.source.count("\n* ") >= 2, path.name


def test_html_renders_formulas_offline():
    """Formulas become MathML at build time; nothing is fetched (no MathJax, require.js)."""
    from trialrecon.stages.notebooks import render_html

    nb = new_notebook(cells=[new_markdown_cell(
        "Inline $\\alpha(r) = P(X \\ge r)$, a dollar in code `$x$`, and\n\n"
        "$$ n = \\left(\\frac{z_{1-\\alpha}}{p_1 - p_0}\\right)^2 $$\n\nand $5 for tea."),
        new_code_cell("1 + 1")])
    html = render_html(nb)
    assert not _remote_assets(html), _remote_assets(html)
    assert "cdnjs" not in html and "mathjax" not in html.lower()
    assert html.count("<math") == 2 and 'display="block"' in html
    assert "<mfrac>" in html and "$x$" in html and "$5 for tea" in html


def test_why_55_reproduces_the_stated_design(executed):
    """TALENT (Capdevila 2021, J Clin Oncol 39:2304), Statistical Considerations: 55 patients
    per cohort for p0 = 10%, p1 = 25%, alpha 5%, power 90%. The exact design needs >= 10
    responders; reference values from R (alpha and power of n = 55, and n = 54 falling short):

        1 - pbinom(9, 55, 0.10)   # 0.04441671433  attained alpha, r = 10
        1 - pbinom(8, 55, 0.10)   # 0.09436302563  r = 9 would exceed alpha
        1 - pbinom(9, 55, 0.25)   # 0.91118736682  attained power
        1 - pbinom(9, 54, 0.25)   # 0.89908417080  n = 54 misses 90% power
    """
    text = _outputs_text(nbformat.reads(executed("01_why_55_patients").notebook, as_version=4))
    assert "search by hand: smallest n = 55, reject when X >= 10" in text
    assert "exact_single_stage: n = 55, r = 10, attained alpha = 0.0444, power = 0.9112" in text


def test_why_55_parameters_change_the_design(tmp_path: Path):
    """With p1 = 0.30 (other inputs as stated) A'Hern's search gives a smaller trial. R:

        n <- 2:100; r <- sapply(n, function(m) min(which(1 - pbinom(0:m - 1, m, .1) <= .05)) - 1)
        pw <- 1 - pbinom(r - 1, n, .3); i <- min(which(pw >= .9)); c(n[i], r[i])   # 33 7
    """
    src = ROOT / "notebooks" / "01_why_55_patients.ipynb"
    execute_notebook(src, tmp_path / "o.ipynb", tmp_path / "o.html", {"p1": 0.30}, cwd=ROOT)
    text = _outputs_text(tmp_path / "o.ipynb")
    assert "(changed by you)" in text
    assert "search by hand: smallest n = 33, reject when X >= 7" in text
    _decisions_agree(text)


def _decisions_agree(text: str) -> None:
    """Every cohort's decision says one thing: it reaches the critical count of its own n
    exactly when the exact test is significant (never "reaches" beside "not significant").

    TALENT's GI-NET cohort, 9 responders of 55 evaluable, p0 = 0.10, one-sided alpha 0.05: the
    critical count for 55 patients is 10 whatever p1 is (R: ``min(which(1 - pbinom(0:55 - 1,
    55, .1) <= .05)) - 1`` is 10), and ``1 - pbinom(8, 55, .1)`` = 0.0944 > 0.05.
    """
    lines = [line for line in text.splitlines() if "responders (" in line]
    assert len(lines) >= 4
    for line in lines:
        reaches = " reaches " in line
        significant = ", significant at" in line
        assert reaches == significant, line
    gi = next(line for line in lines if line.startswith("GI-NET (evaluable for response)"))
    assert "does not reach the critical count 10 for 55 patients" in gi
    assert "P = 0.094, not significant" in gi


@pytest.mark.parametrize("changes", [{"power": 0.80}, {"alpha": 0.025}, {"p1": 0.20}],
                         ids=["power", "alpha", "p1-0.20"])
def test_why_55_decision_is_one_rule_for_any_suggested_change(tmp_path: Path, changes):
    """The changes "Things to try" suggests: the decision stays self-consistent."""
    src = ROOT / "notebooks" / "01_why_55_patients.ipynb"
    execute_notebook(src, tmp_path / "o.ipynb", tmp_path / "o.html", changes, cwd=ROOT)
    text = _outputs_text(tmp_path / "o.ipynb")
    lines = [line for line in text.splitlines() if "responders (" in line]
    assert lines and all((" reaches " in x) == (", significant at" in x) for x in lines)


def test_kaplan_meier_by_hand_on_eight_patients(executed):
    """Eight patients (times 2, 3, 3+, 5, 6+, 8, 9, 12+; + censored). By hand:
    S(9) = 7/8 * 6/7 * 4/5 * 2/3 * 1/2 = 0.2, and the median is 8 months (S(8) = 0.4 is the
    first value at or below 0.5). The notebook asserts agreement with lifelines itself; the
    log-log ("exponential Greenwood") bands and the median's CI are checked against R:

        library(survival)
        f <- survfit(Surv(c(2, 3, 3, 5, 6, 8, 9, 12), c(1, 1, 0, 1, 0, 1, 1, 0)) ~ 1,
                     conf.type = "log-log")
        summary(f)          # lower .38700 .31481 .19550 .06603 .00958
                            # upper .981   .931   .852   .734   .573
        quantile(f, 0.5)    # median 8, lower 2, upper NA
    """
    text = _outputs_text(nbformat.reads(executed("02_kaplan_meier").notebook, as_version=4))
    assert "the hand calculation, lifelines and trialrecon agree" in text
    assert "median by hand: 8; lifelines: 8; trialrecon: 8" in text
    # R's upper NA is a limit not reached, and the notebook says so in words
    assert "95% CI by hand: 2 to not reached; lifelines: 2 to not reached" in text
    assert "inf" not in text.replace("information", "")
    for bound in ("0.3870", "0.3148", "0.1955", "0.0660", "0.0096",
                  "0.9814", "0.9309", "0.8523", "0.7342", "0.5727"):
        assert bound in text


def test_events_notebook_by_hand_and_by_the_package(executed):
    """Notebook 5, Schoenfeld's events for HR 0.6, one-sided 0.025, power 0.9, 2:1:
    (1.959964 + 1.281552)^2 / (2/9 * log(0.6)^2) = 181.20 (rpact's getSampleSizeSurvival
    gives 181.202166, see tests/test_events.py); 1:1 needs 161.07, 9/8 of it at 2:1.
    CABINET epNET, HR 0.38 (0.25 to 0.59), 134:69: se = 0.219050, events = 1 / (se^2 *
    0.6601 * 0.3399) = 92.9, detectable HR (80%, two-sided 0.05) exp(-2.801585 * 0.219050)
    = 0.541."""
    text = _outputs_text(nbformat.reads(executed("05_events_phase3").notebook, as_version=4))
    assert "by hand: 181.20 events; trialrecon: 181.20 events -> 182 events" in text
    assert "1:1 allocation needs 161.07 events: 2:1 costs 12.5% more" in text
    assert "se = 0.219050; p = 0.6601; events ~ 1 / (se^2 p (1 - p)) = 92.9" in text
    assert "HR 0.541" in text
    assert "trials read: cabinet, a021202" in text


def test_parameters_are_injected_and_output_is_byte_identical(tmp_path: Path):
    src = _write(tmp_path, "tiny.ipynb", [
        "%matplotlib inline\nimport matplotlib.pyplot as plt\n"
        "from trialrecon.report.figures import apply_style\napply_style()\n"
        "plt.plot([0, 1], [0, x]); plt.show()",
        "print('x is', x)",
    ])
    runs = []
    for run in ("a", "b"):
        out_nb, out_html = tmp_path / run / "tiny.ipynb", tmp_path / run / "tiny.html"
        execute_notebook(src, out_nb, out_html, {"x": 7}, cwd=tmp_path)
        runs.append((out_nb.read_bytes(), out_html.read_bytes()))
    assert runs[0] == runs[1]
    assert "x is 7" in _outputs_text(tmp_path / "a" / "tiny.ipynb")
    meta = json.loads(runs[0][0])["metadata"]
    assert meta["papermill"] == {"parameters": {"x": 7}}


def test_failing_cell_raises_with_the_cell_shown(tmp_path: Path):
    src = _write(tmp_path, "bad.ipynb", ["y = 2", "ratio = y / (x - 1)  # x = 1: division by 0"])
    out_nb, out_html = tmp_path / "out" / "bad.ipynb", tmp_path / "out" / "bad.html"
    with pytest.raises(NotebookCellError) as info:
        execute_notebook(src, out_nb, out_html, {}, cwd=tmp_path)
    message = str(info.value)
    assert "ratio = y / (x - 1)  # x = 1: division by 0" in message
    assert "ZeroDivisionError" in message
    assert "bad.ipynb" in message
    assert not out_nb.exists() and not out_html.exists()


def test_strip_volatile_removes_run_times():
    nb = new_notebook(cells=[new_code_cell("1")])
    nb.metadata["papermill"] = {"start_time": "t0", "end_time": "t1", "duration": 1.0,
                                "parameters": {"a": 1}, "input_path": "/tmp/x"}
    nb.cells[0].metadata["papermill"] = {"duration": 0.5}
    nb.cells[0].metadata["execution"] = {"iopub.execute_input": "t"}
    nb.cells[0].metadata["tags"] = ["injected-parameters"]
    strip_volatile(nb)
    assert nb.metadata["papermill"] == {"parameters": {"a": 1}}
    assert nb.cells[0].metadata == {"tags": ["injected-parameters"]}
    assert nb.cells[0]["id"] == "injected-parameters-0"


def test_find_repo_root(tmp_path: Path, monkeypatch):
    monkeypatch.delenv("TRIALRECON_ROOT", raising=False)
    assert find_repo_root(ROOT / "notebooks") == ROOT
    assert find_repo_root(ROOT) == ROOT
    # a copied notebook: the error says how to point it at the repository
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FileNotFoundError, match="repo_root = .*TRIALRECON_ROOT"):
        find_repo_root()
    monkeypatch.setenv("TRIALRECON_ROOT", str(ROOT / "notebooks"))
    assert find_repo_root() == ROOT


def test_the_forest_plot_of_notebook_3_has_no_colliding_labels(tmp_path: Path):
    """The log axis once labelled its minor ticks too ("0.2 3x10^-1 4x10^-1"); the texts of
    the notebook's last figure are measured after the run (tests/figure_text.py)."""
    nb = nbformat.read(str(ROOT / "notebooks" / "03_hazard_ratios.ipynb"), as_version=4)
    check = new_code_cell(
        "import sys\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from figure_text import overlapping, smallest_points\n"
        "print('overlapping texts:', overlapping(fig))\n"
        "print('smallest text:', smallest_points(fig))")
    check["id"] = "test-check"
    nb.cells.append(check)
    src = tmp_path / "03.ipynb"
    nbformat.write(nb, str(src))
    execute_notebook(src, tmp_path / "o.ipynb", tmp_path / "o.html", {}, cwd=ROOT)
    text = _outputs_text(tmp_path / "o.ipynb")
    assert "overlapping texts: []" in text

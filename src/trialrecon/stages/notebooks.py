"""Execute the teaching notebooks with papermill and render them to HTML, deterministically.

The notebooks in ``notebooks/`` are stored without outputs. :func:`execute_notebook` runs one
in a kernel of the *current* interpreter (so the project's virtual environment is used whatever
kernelspecs the machine has), removes everything that changes from run to run (papermill's
start/end times and durations, nbclient's per-cell timestamps, the random id of the injected
parameters cell), writes the executed notebook and an HTML rendering of it. A failing cell
raises :class:`NotebookCellError` whose message shows the cell's source and the exception.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import nbformat
from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager

from trialrecon.report.files import atomic_write_text
from trialrecon.report.notebook_html import render_offline_html
from trialrecon.stages.config_check import parameter_name_problem

# Cell metadata keys that hold run times or run state, never content.
_VOLATILE_CELL_KEYS = ("execution", "papermill")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class NotebookCellError(RuntimeError):
    """A cell of a notebook raised; the message names the notebook and shows cell and error."""


class _InterpreterKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel always runs in this Python interpreter.

    A 'python3' kernelspec in the user's Jupyter folders may point to another Python; the
    notebooks must import this environment's trialrecon, so the spec is built from ipykernel's
    own description of the running interpreter instead of being looked up.
    """

    @property
    def kernel_spec(self) -> KernelSpec | None:
        if self._kernel_spec is None:
            from ipykernel.kernelspec import RESOURCES, get_kernel_dict

            self._kernel_spec = KernelSpec(resource_dir=RESOURCES, **get_kernel_dict())
        return self._kernel_spec


def merge_streams(outputs: list[Any]) -> list[Any]:
    """Join consecutive stream outputs of the same name (stdout, stderr) into one.

    How a ``print`` is split into stream messages depends on when the kernel flushes, so
    the same cell can give one output or two; joined, the bytes no longer depend on timing.
    """
    merged: list[Any] = []
    for out in outputs:
        last = merged[-1] if merged else None
        if (out.get("output_type") == "stream" and last is not None
                and last.get("output_type") == "stream" and last.get("name") == out.get("name")):
            last["text"] = _text(last["text"]) + _text(out["text"])
        else:
            merged.append(out)
    return merged


def _text(text: str | list[str]) -> str:
    return text if isinstance(text, str) else "".join(text)


def strip_volatile(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Remove run times and run-dependent ids from an executed notebook (in place, returned).

    Stream outputs are merged (:func:`merge_streams`) so they do not depend on flush timing.
    """
    papermill_meta = nb.metadata.get("papermill", {})
    nb.metadata["papermill"] = {"parameters": papermill_meta.get("parameters", {})}
    for index, cell in enumerate(nb.cells):
        for key in _VOLATILE_CELL_KEYS:
            cell.metadata.pop(key, None)
        # papermill gives the cell it injects a fresh random id on every run
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell["id"] = f"injected-parameters-{index}"
        if cell.get("outputs"):
            cell["outputs"] = merge_streams(cell["outputs"])
    return nb


def _error_message(src: Path, nb: nbformat.NotebookNode | None, exc: Any) -> str:
    source = getattr(exc, "source", "") or ""
    index = getattr(exc, "cell_index", None)
    if not source and nb is not None and index is not None and 0 <= index < len(nb.cells):
        source = nb.cells[index].source
    trace = _ANSI.sub("", "\n".join(getattr(exc, "traceback", []) or []))
    header = f"notebook {src} failed"
    if index is not None:
        header += f" in cell {index}"
    return (f"{header}\n----- cell source -----\n{source}\n----- error -----\n"
            f"{getattr(exc, 'ename', type(exc).__name__)}: {getattr(exc, 'evalue', exc)}\n"
            f"{trace}")


def render_html(nb: nbformat.NotebookNode) -> str:
    """HTML of an executed notebook that works offline (no CDN; formulas as MathML).

    See :func:`trialrecon.report.notebook_html.render_offline_html`.
    """
    return render_offline_html(nb)


def execute_notebook(
    src: Path, out_ipynb: Path, out_html: Path, parameters: dict[str, Any] | None = None,
    cwd: Path | None = None, timeout: int = 600,
) -> None:
    """Run notebook ``src`` with papermill and write the executed copy and its HTML rendering.

    ``parameters`` replace the defaults of the cell tagged ``parameters`` (a name that is not
    a Python identifier is refused: papermill writes ``name = value``); ``cwd`` is the
    kernel's working directory (default: the folder of ``src``). Raises
    :class:`NotebookCellError` showing the failing cell's source and the exception; nothing
    is written then.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    for name in parameters or {}:  # papermill writes "name = value": a name is code
        why = parameter_name_problem(name)
        if why:
            raise ValueError(f"notebook {src}: {why}")
    src = Path(src)
    workdir = Path(cwd) if cwd is not None else src.parent
    try:
        nb = papermill.execute_notebook(
            str(src), None, parameters=dict(parameters or {}), kernel_name="python3",
            progress_bar=False, log_output=False, cwd=str(workdir),
            kernel_manager_class=_InterpreterKernelManager,
            # no IPython history database: parallel kernels would contend for it
            # and no log lines on stderr about transport security or the shutdown interrupt
            extra_arguments=["--HistoryManager.enabled=False", "--IPKernelApp.log_level=CRITICAL"],
            record_timing=False, execution_timeout=timeout,
        )
    except PapermillExecutionError as exc:
        raise NotebookCellError(_error_message(src, None, exc)) from None
    strip_volatile(nb)
    out_ipynb, out_html = Path(out_ipynb), Path(out_html)
    out_ipynb.parent.mkdir(parents=True, exist_ok=True)
    out_html.parent.mkdir(parents=True, exist_ok=True)
    text = nbformat.writes(nb)
    atomic_write_text(out_ipynb, text if text.endswith("\n") else text + "\n")
    atomic_write_text(out_html, render_html(nb))

"""Random survival data sets with near-tied times, and R ``survival``'s answers for them.

Shared by ``tests/test_timefix.py`` and ``benchmarks/r_agreement.py``. The data sets are
drawn with a fixed seed; times are written to R as hexadecimal floats (``0x1.8p+3``), so R
reads the very doubles numpy holds, and R writes its answers back the same way
(``sprintf("%a")``). R is not a dependency of the project: :func:`run_r` needs ``Rscript``
with the ``survival`` package (Debian: ``apt-get install r-base-core r-cran-survival``).

Near ties are made the ways real data make them: a time recomputed through another unit
(days / 30.4375 against days * 12 / 365.25), and offsets of a few units of R's tolerance
``sqrt(.Machine$double.eps)`` times the mean time, some inside it (R makes them ties),
some outside (R keeps them apart), some in chains.
"""

from __future__ import annotations

import math
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np

TOL = math.sqrt(np.finfo(float).eps)
# offsets in units of TOL * mean time: well inside, just inside, just outside, well outside
OFFSETS = (1e-4, 0.05, 0.3, 0.8, 1.3, 3.0, 20.0)

R_SCRIPT = r"""
suppressPackageStartupMessages(library(survival))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1], colClasses = c("integer", "character", "integer", "integer"))
d$t <- as.numeric(d$t)
fix <- as.logical(args[3])
hx <- function(x) ifelse(is.na(x), "NA", sprintf("%a", x))
out <- file(args[2], "w")
for (s in unique(d$set)) {
  x <- d[d$set == s, ]
  f <- survfit(Surv(t, e) ~ 1, data = x, conf.type = "log-log", timefix = fix)
  k <- f$n.event > 0
  writeLines(paste("km", s, hx(f$time[k]), f$n.risk[k], f$n.event[k], hx(f$surv[k]),
                   hx(f$std.err[k]), sep = ","), out)
  tb <- summary(f)$table
  writeLines(paste("median", s, hx(tb["median"]), hx(tb["0.95LCL"]), hx(tb["0.95UCL"]),
                   sep = ","), out)
  if (length(unique(x$arm)) == 2) {
    w <- ""
    m <- withCallingHandlers(
      coxph(Surv(t, e) ~ arm, data = x, control = coxph.control(timefix = fix)),
      warning = function(c) { w <<- "warn"; invokeRestart("muffleWarning") })
    # survival 3.5-3's survdiff fails when given timefix = FALSE ("variable lengths
    # differ"): without the fix, the statistic from survdiff.fit, which survdiff calls
    chisq <- if (fix) survdiff(Surv(t, e) ~ arm, data = x)$chisq else {
      ff <- survival:::survdiff.fit(Surv(x$t, x$e), factor(x$arm), rep(1, nrow(x)), 0)
      (ff$observed[2] - ff$expected[2])^2 / ff$var[2, 2] }
    writeLines(paste("cox", s, hx(coef(m)), hx(sqrt(vcov(m))), hx(chisq),
                     if (w == "") "ok" else w, sep = ","), out)
  }
}
close(out)
"""


@dataclass(frozen=True)
class DataSet:
    """One sample: times, 1/0 events and 0/1 arms (both arms present)."""

    time: np.ndarray
    event: np.ndarray
    arm: np.ndarray


def _near(base: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A copy of ``base`` with about a third of the times moved by a few tolerances."""
    time = base.copy()
    scale = TOL * float(np.mean(np.unique(base)))
    pick = rng.random(time.size) < 0.35
    steps = rng.choice(OFFSETS, size=time.size) * rng.choice((-1.0, 1.0), size=time.size)
    time[pick] = base[pick] + steps[pick] * scale
    if time.size > 3 and rng.random() < 0.3:  # a chain: each gap inside, the span outside
        i = int(rng.integers(0, time.size - 3))
        time[i + 1], time[i + 2] = time[i] + 0.8 * scale, time[i] + 1.6 * scale
    return time


def _unit_pairs(n: int, rng: np.random.Generator) -> np.ndarray:
    """Days converted to months two ways; the same day gives times an ulp or two apart."""
    days = rng.integers(1, 900, size=n).astype(float)
    days[rng.random(n) < 0.4] = days[0]
    two_ways = rng.random(n) < 0.5
    return np.where(two_ways, days / 30.4375, days * 12.0 / 365.25)


def data_sets(count: int, seed: int = 20250) -> list[DataSet]:
    """``count`` random data sets with near-tied times (fixed ``seed``)."""
    rng = np.random.default_rng(seed)
    out = []
    for k in range(count):
        n = int(rng.integers(6, 70))
        if k % 4 == 3:
            time = _unit_pairs(n, rng)
        else:
            unit = (1.0, 1.0 / 12.0, 30.4375)[k % 3]
            base = (np.round(rng.exponential(12.0, size=n), 1) + 0.1) * unit
            time = _near(base, rng)
        event = (rng.random(n) < 0.7).astype(int)
        event[int(rng.integers(0, n))] = 1
        arm = rng.integers(0, 2, size=n)
        arm[0], arm[1] = 0, 1
        out.append(DataSet(time, event, arm))
    return out


@dataclass
class RAnswers:
    """R's outputs per data set: KM rows, median and CI, Cox and log-rank."""

    km: dict[int, np.ndarray]  # columns time, n.risk, n.event, surv, std.err
    median: dict[int, tuple[float, float, float]]
    cox: dict[int, tuple[float, float, float, str]]  # coef, se, survdiff chisq, ok/warn


def _num(text: str) -> float:
    return math.nan if text == "NA" else float.fromhex(text)


def rscript() -> str | None:
    """The path of Rscript with the survival package, or None."""
    path = shutil.which("Rscript")
    if path is None:
        return None
    probe = subprocess.run([path, "-e", "library(survival)"], capture_output=True, check=False)
    return path if probe.returncode == 0 else None


def run_r(sets: list[DataSet], workdir: Path, timefix: bool = True) -> RAnswers:
    """Write ``sets`` to ``workdir``, run R's survfit, coxph and survdiff, read the answers."""
    data = workdir / "sets.csv"
    rows = ["set,t,e,arm"]
    for s, ds in enumerate(sets):
        rows += [f"{s},{t.hex()},{int(e)},{int(a)}"
                 for t, e, a in zip(ds.time, ds.event, ds.arm, strict=True)]
    data.write_text("\n".join(rows) + "\n", encoding="utf-8")
    script = workdir / "answers.R"
    script.write_text(R_SCRIPT, encoding="utf-8")
    out = workdir / f"answers_{timefix}.csv"
    exe = rscript()
    if exe is None:
        raise RuntimeError("Rscript with the survival package is not installed")
    subprocess.run([exe, str(script), str(data), str(out), "TRUE" if timefix else "FALSE"],
                   check=True, capture_output=True)
    return parse_answers(out.read_text(encoding="utf-8"))


def parse_answers(text: str) -> RAnswers:
    km: dict[int, list[list[float]]] = {}
    median: dict[int, tuple[float, float, float]] = {}
    cox: dict[int, tuple[float, float, float, str]] = {}
    for line in text.splitlines():
        kind, s, *vals = line.split(",")
        if kind == "km":
            km.setdefault(int(s), []).append([_num(vals[0]), float(vals[1]), float(vals[2]),
                                              _num(vals[3]), _num(vals[4])])
        elif kind == "median":
            median[int(s)] = (_num(vals[0]), _num(vals[1]), _num(vals[2]))
        elif kind == "cox":
            cox[int(s)] = (_num(vals[0]), _num(vals[1]), _num(vals[2]), vals[3])
    return RAnswers({k: np.array(v) for k, v in km.items()}, median, cox)


def _same(a: np.ndarray | float, b: np.ndarray | float, tol: float) -> bool:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        return False
    return bool(np.all(np.isclose(a, b, rtol=tol, atol=tol, equal_nan=True)
                       | ((a == b) & np.isinf(a))))


def km_disagrees(ds: DataSet, r_rows: np.ndarray, r_median: tuple[float, float, float],
                 timefix: bool, lifelines: bool = False) -> bool:
    """Whether the project's Kaplan-Meier (times, counts, S, Greenwood SE, median and its
    log-log CI) differs from R's beyond floating error: the numpy code, or with
    ``lifelines`` the lifelines adapter."""
    from trialrecon.stats import km, lifelines_fit

    if lifelines:
        fit = lifelines_fit.kaplan_meier(ds.time, ds.event, timefix=timefix)
        mine = lifelines_fit.median_ci(ds.time, ds.event, 0.95, "log-log", timefix=timefix)
    else:
        fit = km.kaplan_meier(ds.time, ds.event, timefix=timefix)
        mine = km.median_ci(fit, 0.95, "log-log")
    if fit.time.size != r_rows.shape[0]:
        return True
    ours = np.array([mine.median, mine.ci_low, mine.ci_high])
    theirs = np.where(np.isnan(r_median), np.inf, r_median)  # R's NA: not reached
    return not (_same(fit.time, r_rows[:, 0], 1e-14) and _same(fit.n_risk, r_rows[:, 1], 0)
                and _same(fit.n_event, r_rows[:, 2], 0)
                and _same(fit.survival, r_rows[:, 3], 1e-12)
                and _same(np.sqrt(fit.var_cumhaz), r_rows[:, 4], 1e-10)
                and _same(ours, theirs, 1e-12))


def cox_disagrees(ds: DataSet, r_cox: tuple[float, float, float, str], timefix: bool,
                  lifelines: bool = False) -> bool:
    """Whether the project's Cox coefficient, its SE or the log-rank chi-square differ from
    R's (coxph, survdiff) beyond 1e-8, or only one of the two flags the fit.

    Where both flag a monotone likelihood the coefficient is the last iterate of a diverging
    Newton sequence (about 22 after R's 20 iterations, SE about 2e4), whose last digits are
    floating noise: there 1e-6 (coefficient) and 1e-4 (SE) relative. lifelines (with
    ``lifelines``) iterates differently and stops elsewhere on such a likelihood: there only
    the flag and the log-rank test are compared.
    """
    from trialrecon.stats import lifelines_fit, twoarm

    if lifelines:
        cox = lifelines_fit.cox(ds.time, ds.event, ds.arm, timefix=timefix)
        lr = lifelines_fit.logrank(ds.time, ds.event, ds.arm, timefix=timefix)
    else:
        cox = twoarm.cox_binary(ds.time, ds.event, ds.arm, timefix=timefix)
        lr = twoarm.logrank(ds.time, ds.event, ds.arm, timefix=timefix)
    coef, se, chisq, flag = r_cox
    if cox.converged != (flag == "ok"):
        return True
    if lifelines and not cox.converged:
        return not _same(lr.chi2, chisq, 1e-8)
    tol_coef, tol_se = (1e-8, 1e-8) if cox.converged else (1e-6, 1e-4)
    return not (_same(cox.log_hr, coef, tol_coef) and _same(cox.se, se, tol_se)
                and _same(lr.chi2, chisq, 1e-8))

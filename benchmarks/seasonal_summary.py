"""Summary over seeds of bench_real_variants' seasonal-technique runs (REAL_SEASONAL*.json).

Each technique ran with seeds 0, 1, 2 (variants ``name``, ``name_s1``, ``name_s2``, one fit each); the
table gives the mean over the three seeds of each figure, and the spread (min-max) of the overall one.

    python benchmarks/seasonal_summary.py [--out benchmarks/REAL_SEASONAL_SUMMARY.md]
                                          [--main REAL_SEASONAL.json] [--holdout REAL_HOLDOUT_SEASONAL.json]
                                          [--techniques defaults deseason ...]   (the first is the reference)
"""

from __future__ import annotations

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_real as br  # noqa: E402
import bench_real_variants as brv  # noqa: E402

TECHNIQUES = [
    "defaults",
    "deseason",
    "deseason_3m",
    "deseason_notest",
    "deseason_mix",
    "slag",
    "l1",
    "log",
    "log_deseason",
]


def _load(main, anchors):
    with open(anchors) as fh:
        results = json.load(fh)
    with open(main) as fh:
        stored = json.load(fh)
    stored.pop("_commands", None)
    for name, per_case in stored.items():
        for case_name, r in per_case.items():
            results.setdefault(case_name, {})[name] = r
    return results


def figures(results, names, freq_of):
    """Per seed: overall gmean, per-group gmeans, wins over AutoETS, seconds."""
    out = []
    for name in names:
        cases = [c for c in results if results[c].get(name, {}).get("status") == "ok"]
        if not cases:
            return None
        ratio = {c: results[c][name]["mase"] / results[c]["snaive"]["mase"] for c in cases}
        g = {"overall": br.gmean(ratio.values())}
        for grp in ("monthly", "quarterly"):
            g[grp] = br.gmean([ratio[c] for c in cases if freq_of[c] == grp])
        g["wins"] = sum(results[c][name]["mase"] < results[c]["AutoETS"]["mase"] for c in cases)
        g["n"] = len(cases)
        g["seconds"] = sum(results[c][name]["seconds"] for c in cases)
        out.append(g)
    return out


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=os.path.join(br.HERE, "REAL_SEASONAL_SUMMARY.md"))
    parser.add_argument(
        "--main",
        default=os.path.join(br.HERE, "REAL_SEASONAL.json"),
        help="bench_real_variants' store on the 33 cases",
    )
    parser.add_argument(
        "--holdout",
        default=os.path.join(br.HERE, "REAL_HOLDOUT_SEASONAL.json"),
        help="bench_real_variants' store on the held-out series",
    )
    parser.add_argument(
        "--techniques",
        nargs="+",
        default=TECHNIQUES,
        help="variants run as name, name_s1, name_s2 in both stores; the first is the reference",
    )
    args = parser.parse_args(argv)
    main_res = _load(args.main, os.path.join(br.HERE, "REAL.json"))
    hold_res = _load(args.holdout, os.path.join(br.HERE, "REAL_HOLDOUT.json"))
    freq_of = {f"{c().name}": c().freq for c in list(br.CASES.values()) + list(brv.HOLDOUT.values())}
    rows = []
    base_main = base_hold = None
    for t in args.techniques:
        names = [t, f"{t}_s1", f"{t}_s2"]
        fm, fh = figures(main_res, names, freq_of), figures(hold_res, names, freq_of)
        if fm is None or fh is None:
            continue
        mean = lambda fs, k: sum(f[k] for f in fs) / len(fs)  # noqa: E731
        if t == args.techniques[0]:
            base_main, base_hold = fm, fh
        paired = [f["overall"] / b["overall"] for f, b in zip(fm, base_main, strict=False)]
        paired_h = [f["overall"] / b["overall"] for f, b in zip(fh, base_hold, strict=False)]
        rows.append(
            [
                f"`{t}`",
                f"{mean(fm, 'overall'):.3f} ({min(f['overall'] for f in fm):.3f}-{max(f['overall'] for f in fm):.3f})",
                f"{mean(fm, 'monthly'):.3f}",
                f"{mean(fm, 'quarterly'):.3f}",
                f"{mean(fh, 'overall'):.3f} ({min(f['overall'] for f in fh):.3f}-{max(f['overall'] for f in fh):.3f})",
                f"{mean(fh, 'monthly'):.3f}",
                f"{mean(fh, 'quarterly'):.3f}",
                " / ".join(f"{r:.2f}" for r in paired),
                " / ".join(f"{r:.2f}" for r in paired_h),
                f"{mean(fm, 'wins'):.1f}/{fm[0]['n']}",
                f"{mean(fh, 'wins'):.1f}/{fh[0]['n']}",
                f"{mean(fm, 'seconds') / mean(base_main, 'seconds'):.2f}x",
                f"{mean(fh, 'seconds') / mean(base_hold, 'seconds'):.2f}x",
            ]
        )
    for anchor in ("AutoARIMA", "AutoETS", "AutoTheta"):
        fm, fh = figures(main_res, [anchor], freq_of)[0], figures(hold_res, [anchor], freq_of)[0]
        rows.append(
            [
                anchor,
                f"{fm['overall']:.3f}",
                f"{fm['monthly']:.3f}",
                f"{fm['quarterly']:.3f}",
                f"{fh['overall']:.3f}",
                f"{fh['monthly']:.3f}",
                f"{fh['quarterly']:.3f}",
                "",
                "",
                f"{fm['wins']}/{fm['n']}" if anchor != "AutoETS" else "-",
                f"{fh['wins']}/{fh['n']}" if anchor != "AutoETS" else "-",
                "",
                "",
            ]
        )
    head = [
        "technique",
        "33 cases: gmean, mean of seeds 0-2 (range)",
        "monthly (9)",
        "quarterly (10)",
        "holdout (19): gmean (range)",
        "holdout monthly (9)",
        "holdout quarterly (5)",
        f"33 cases / {args.techniques[0]}, seed by seed",
        f"holdout / {args.techniques[0]}, seed by seed",
        "better than AutoETS (33), mean",
        "better than AutoETS (holdout), mean",
        f"time / {args.techniques[0]} (33)",
        f"time / {args.techniques[0]} (holdout)",
    ]
    lines = [
        "# Variants on real series: summary over seeds 0, 1, 2",
        "",
        f"From {os.path.basename(args.main)} and {os.path.basename(args.holdout)} (bench_real_variants.py; see "
        "the matching .md files for the variants and the per-case figures, seed 0 as `name`, seeds 1, 2 "
        "as `name_s1`, `name_s2`). Figures: geometric mean over cases of MASE / seasonal-naive MASE, lower "
        "is better; each technique's figure is the mean over its three seeds (one fit each), the range in "
        "brackets; 'seed by seed' divides each seed's overall figure by the reference's with the same seed.",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
    ] + ["| " + " | ".join(r) + " |" for r in rows]
    with open(args.out, "w") as fh:
        fh.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

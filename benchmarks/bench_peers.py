"""tsrnn against its peers on the anchor job, each contender in its own subprocess.

The job (/work/shared/bench/anchors_bench.py): a 3-feature sine (periods 50, 37, 23, phases and
noise sigma 0.1 from numpy seed 0), 4000 steps, the first 3200 to train, the last 800 one-step
targets to test; window 20, horizon 1; a 2-layer tanh RNN of hidden 15 and a linear head, Adam lr
1e-3, batch 64, 30 epochs, 2 threads.  Contenders:

  tsrnn     Forecaster on that fixed recipe (no scaling, validation, early stop, clipping or highway)
  lean      the minimal hand-written PyTorch loop (anchors_bench's "lean")
  darts     darts BlockRNNModel        } only when importable; otherwise the table refers to
  nf        neuralforecast RNN          } anchors_results.md, measured on this kind of machine
  defaults  Forecaster() with its own defaults (only window=20, horizon=1 and the seed set)

Run k uses model seed k (the data never change); contenders alternate within each run, so drift in
the machine's load hits all alike.  Peak memory is each subprocess's ru_maxrss.  Two reference rows
are computed in-process: a per-feature linear autoregression on the same 20 steps, and the oracle
that knows the clean signal.  The table goes to stdout and to benchmarks/results/peers.md (its section
there replaced, anything below it kept).

    python benchmarks/bench_peers.py [--runs 3] [--only tsrnn lean defaults] [--out PATH] [--threads 2]
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import json
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time

import record

N, N_TRAIN, WINDOW, HORIZON, HIDDEN, LAYERS, LR, BATCH, EPOCHS = 4000, 3200, 20, 1, 15, 2, 1e-3, 64, 30
PERIODS, SIGMA = (50.0, 37.0, 23.0), 0.1
NOISE_FLOOR = SIGMA**2
N_TEST = N - N_TRAIN  # 800 test targets, t = 3200 .. 3999
PREDICT_REPEATS = 200
HERE = os.path.dirname(os.path.abspath(__file__))
ANCHORS = os.environ.get("TSRNN_ANCHORS_DIR", "/work/shared/bench")

CONTENDERS = {
    "tsrnn": "(a) tsrnn, fixed recipe",
    "lean": "(b) hand-written PyTorch loop",
    "darts": "(c) darts BlockRNNModel",
    "nf": "(d) neuralforecast RNN",
    "defaults": "(e) tsrnn, its defaults",
}
OPTIONAL = {"darts": "darts", "nf": "neuralforecast"}  # contender -> module that must be importable
PEER_IMPORTS = {
    "darts": ("darts:TimeSeries", "darts.models:BlockRNNModel"),  # what each peer's job uses, imported
    "nf": (
        "neuralforecast:NeuralForecast",
        "neuralforecast.models:RNN",  # (and resolved: some load
        "neuralforecast.losses.pytorch:MSE",
    ),
}  # lazily) in its import time


def series(noise: float = SIGMA):
    """(4000, 3) float32 from tsrnn.multi_sine: the anchor data (``noise=0``: the clean signal)."""
    import tsrnn

    return tsrnn.multi_sine(N, 3, periods=PERIODS, noise=noise, seed=0).to_numpy().copy()


def plain_series():
    """The same data with numpy alone (anchors_bench.make_data's recipe): every contender reads this
    array, so none loads pandas for the data alone; :func:`check_data` shows it equals :func:`series`."""
    import numpy as np

    rng = np.random.default_rng(0)
    phases = rng.uniform(0.0, 2.0 * np.pi, size=3)
    t = np.arange(N, dtype=np.float64)[:, None]
    clean = np.sin(2.0 * np.pi * t / np.asarray(PERIODS)[None, :] + phases[None, :])
    return (clean + rng.normal(0.0, SIGMA, size=clean.shape)).astype(np.float32)


def best_of(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


# ---- workers (one per subprocess) -----------------------------------------------------------
def fit_lean(data, seed, epochs: int = EPOCHS):
    import torch
    from torch import nn
    from torch.nn import functional as F

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.rnn = nn.RNN(3, HIDDEN, num_layers=LAYERS, nonlinearity="tanh", batch_first=True)
            self.head = nn.Linear(HIDDEN, 3)

        def forward(self, x):
            out, _ = self.rnn(x)
            return self.head(out[:, -1, :])

    torch.manual_seed(seed)
    s = torch.from_numpy(data)
    w = s[:N_TRAIN].unfold(0, WINDOW + HORIZON, 1).permute(0, 2, 1).contiguous()
    X, Y = w[:, :WINDOW], w[:, WINDOW]  # (3180, 20, 3), (3180, 3)
    model = Net()
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    n = X.shape[0]
    for _ in range(epochs):
        perm = torch.randperm(n)
        for i in range(0, n, BATCH):
            idx = perm[i : i + BATCH]
            opt.zero_grad(set_to_none=True)
            loss = F.mse_loss(model(X[idx]), Y[idx])
            loss.backward()
            opt.step()
    model.eval()
    return bare_forward(model, data), epochs


def fit_tsrnn(data, seed, defaults: bool, epochs: int = EPOCHS, clip_norm: float | None = None):
    import tsrnn

    if defaults:
        model = tsrnn.Forecaster(window=WINDOW, horizon=HORIZON, seed=seed)
    else:
        # every setting named, so the recipe stays the hand loop's when the defaults change (an RNN on
        # absolute inputs, no seasonal indices: the defaults became an LSTM on relative inputs)
        model = tsrnn.Forecaster(
            hidden=HIDDEN,
            layers=LAYERS,
            cell="rnn",
            window=WINDOW,
            horizon=HORIZON,
            epochs=epochs,
            batch_size=BATCH,
            lr=LR,
            val_fraction=0.0,
            patience=None,
            clip_norm=clip_norm,
            scale=False,
            highway=False,
            relative=False,
            deseason=False,
            seed=seed,
        )
    model.fit(data[:N_TRAIN], progress=False)
    predict = lambda: model.predict(data[N_TRAIN - WINDOW :])[:N_TEST, 0]  # noqa: E731
    predict.bare = bare_forward(model.model_, data)  # the same network, called as the hand loop calls its own
    return predict, len(model.history_.records)


def bare_forward(net, data):
    """The hand loop's prediction code around ``net`` -> a function returning (800, 3).  Around
    tsrnn's network (no scaling: the fixed recipe has none) one process times tsrnn's predict and the
    bare network call alike, free of process noise."""
    import torch

    s = torch.from_numpy(data)

    def predict():
        with torch.inference_mode():
            wt = s[N_TRAIN - WINDOW :].unfold(0, WINDOW + HORIZON, 1).permute(0, 2, 1)
            return net(wt[:, :WINDOW]).numpy()

    return predict


def fit_darts(data, seed):  # as anchors_bench; runs only where darts is installed
    from darts import TimeSeries
    from darts.models import BlockRNNModel

    ts = TimeSeries.from_values(data, columns=["f0", "f1", "f2"])
    model = BlockRNNModel(
        input_chunk_length=WINDOW,
        output_chunk_length=HORIZON,
        model="RNN",
        hidden_dim=HIDDEN,
        n_rnn_layers=LAYERS,
        hidden_fc_sizes=None,
        dropout=0.0,
        batch_size=BATCH,
        n_epochs=EPOCHS,
        optimizer_kwargs={"lr": LR},
        random_state=seed,
        work_dir=tempfile.mkdtemp(prefix="bench-darts-"),
        pl_trainer_kwargs={
            "accelerator": "cpu",
            "devices": 1,
            "enable_progress_bar": False,
            "enable_model_summary": False,
        },
    )
    model.fit(ts[:N_TRAIN], verbose=False)
    return (
        lambda: model.historical_forecasts(
            ts,
            start=N_TRAIN,
            forecast_horizon=HORIZON,
            stride=1,
            retrain=False,
            last_points_only=True,
            verbose=False,
            show_warnings=False,
        ).values(),
        int(model.model.epochs_trained),
    )


def fit_nf(data, seed):  # as anchors_bench's "nf"; runs only where neuralforecast is installed
    import numpy as np
    import pandas as pd
    from neuralforecast import NeuralForecast
    from neuralforecast.losses.pytorch import MSE
    from neuralforecast.models import RNN

    ids = [f"f{k}" for k in range(3)]
    df = pd.DataFrame(
        {"unique_id": np.repeat(ids, N), "ds": np.tile(np.arange(N), 3), "y": data.T.reshape(-1)}
    )
    model = RNN(
        h=HORIZON,
        input_size=WINDOW,
        encoder_n_layers=LAYERS,
        encoder_hidden_size=HIDDEN,
        encoder_activation="tanh",
        encoder_dropout=0.0,
        decoder_layers=1,
        recurrent=False,
        loss=MSE(),
        max_steps=EPOCHS * -(-(N_TRAIN - WINDOW) // BATCH),
        learning_rate=LR,
        num_lr_decays=-1,
        early_stop_patience_steps=-1,
        batch_size=3,
        windows_batch_size=BATCH,
        scaler_type="identity",
        random_seed=seed,
        accelerator="cpu",
        devices=1,
        enable_progress_bar=False,
        enable_model_summary=False,
        logger=False,
    )
    nf = NeuralForecast(models=[model], freq=1)
    nf.fit(df=df[df["ds"] < N_TRAIN].reset_index(drop=True), val_size=0)

    def predict():
        cv = nf.cross_validation(df=df, n_windows=N_TEST, step_size=1, refit=False, use_fitted=True)
        cv = cv.sort_values(["unique_id", "ds"])
        return np.stack([cv.loc[cv["unique_id"] == k, "RNN"].to_numpy() for k in ids], 1)

    return predict, EPOCHS


def worker(name: str, seed: int, threads: int) -> dict:
    t0 = time.perf_counter()
    import numpy as np
    import torch

    if name in ("tsrnn", "defaults"):
        import tsrnn

        tsrnn.Forecaster  # noqa: B018  (the lazy import of the estimator and torch.nn)
    elif name in OPTIONAL:
        for spec in PEER_IMPORTS[name]:
            module, attr = spec.split(":")
            getattr(importlib.import_module(module), attr)
    import_s = time.perf_counter() - t0
    torch.set_num_threads(threads)
    rss_import = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    data = plain_series()
    fit = {
        "lean": fit_lean,
        "darts": fit_darts,
        "nf": fit_nf,
        "tsrnn": lambda d, s: fit_tsrnn(d, s, False),
        "defaults": lambda d, s: fit_tsrnn(d, s, True),
    }[name]
    t0 = time.perf_counter()
    predict, epochs = fit(data, seed)
    train_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    pred = np.asarray(predict(), dtype=np.float64).reshape(N_TEST, 3)
    predict_s = time.perf_counter() - t0
    predict_best_s = best_of(predict, PREDICT_REPEATS)
    bare = getattr(predict, "bare", None)
    if bare is not None:  # interleaved, so both meet the same machine state
        times = [(best_of(predict, 1), best_of(bare, 1)) for _ in range(PREDICT_REPEATS)]
        extra = {"predict_paired_s": min(t for t, _ in times), "bare_paired_s": min(b for _, b in times)}
    else:
        extra = {}
    mse = float(np.mean((pred - data[N_TRAIN:]) ** 2))
    return {
        "name": name,
        "seed": seed,
        "import_s": import_s,
        "train_s": train_s,
        "predict_s": predict_s,
        "predict_best_s": predict_best_s,
        "rss_import_mb": rss_import,
        **extra,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "ratio": mse / NOISE_FLOOR,
        "epochs": epochs,
    }


def run_worker(name: str, seed: int, threads: int) -> dict:
    env = dict(
        os.environ, OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads), PYTHONWARNINGS="ignore"
    )
    p = subprocess.run(
        [
            sys.executable,
            os.path.abspath(__file__),
            "--worker",
            name,
            "--seed",
            str(seed),
            "--threads",
            str(threads),
        ],
        env=env,
        capture_output=True,
        text=True,
        cwd=tempfile.gettempdir(),
    )
    lines = [line for line in p.stdout.splitlines() if line.startswith("RESULT ")]
    if p.returncode or not lines:
        sys.stderr.write(f"--- {name} seed {seed} failed (rc {p.returncode}) ---\n{p.stderr[-3000:]}\n")
        return {"name": name, "seed": seed, "error": f"rc {p.returncode}"}
    return json.loads(lines[-1][len("RESULT ") :])


# ---- in-process references ------------------------------------------------------------------
def references() -> list[dict]:
    """Per-feature linear autoregression on the same 20 steps, and the oracle (the clean signal)."""
    import numpy as np

    data, clean = series().astype(np.float64), series(noise=0.0).astype(np.float64)
    t0 = time.perf_counter()
    coefs = []
    for f in range(3):
        lagged = np.lib.stride_tricks.sliding_window_view(data[: N_TRAIN - HORIZON, f], WINDOW)  # (3180, 20)
        A = np.column_stack([np.ones(len(lagged)), lagged])
        coefs.append(np.linalg.lstsq(A, data[WINDOW:N_TRAIN, f], rcond=None)[0])
    train_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    pred = np.empty((N_TEST, 3))
    for f in range(3):
        lagged = np.lib.stride_tricks.sliding_window_view(data[N_TRAIN - WINDOW : N - HORIZON, f], WINDOW)
        pred[:, f] = coefs[f][0] + lagged @ coefs[f][1:]
    predict_s = time.perf_counter() - t0
    ar = {
        "name": "linear AR(20) per feature, least squares",
        "train_s": train_s,
        "predict_s": predict_s,
        "ratio": float(np.mean((pred - data[N_TRAIN:]) ** 2)) / NOISE_FLOOR,
    }
    oracle = {
        "name": "oracle (knows the clean signal)",
        "ratio": float(np.mean((clean[N_TRAIN:] - data[N_TRAIN:]) ** 2)) / NOISE_FLOOR,
    }
    return [ar, oracle]


def check_data() -> str:
    """Confirm tsrnn.multi_sine reproduces anchors_bench.make_data bit for bit."""
    import numpy as np

    if not np.array_equal(series(), plain_series()):
        raise SystemExit("tsrnn.multi_sine no longer reproduces the anchor data; fix the benchmark data")
    if not os.path.exists(os.path.join(ANCHORS, "anchors_bench.py")):
        return f"data: multi_sine == the anchor recipe; anchors_bench.py not found in {ANCHORS}, not compared"
    sys.path.insert(0, ANCHORS)
    try:
        import anchors_bench
    finally:
        sys.path.pop(0)
    if not np.array_equal(series(), anchors_bench.make_data()[0]):
        raise SystemExit(
            "tsrnn.multi_sine no longer reproduces anchors_bench.make_data; fix the benchmark data"
        )
    return (
        "data: tsrnn.multi_sine(4000, 3, periods=(50, 37, 23), noise=0.1, seed=0) == "
        "anchors_bench.make_data() (bit for bit)"
    )


def anchor_figures() -> dict[str, str]:
    """'train s a-b, ...' per optional contender from anchors_results.md's raw JSON, for skipped rows."""
    try:
        with open(os.path.join(ANCHORS, "anchors_results.md")) as fh:
            raw = json.loads(re.search(r"```json\n(.*?)\n```", fh.read(), re.S).group(1))
    except (OSError, AttributeError, ValueError):
        return {}
    out = {}
    for name, key in (("darts", "darts"), ("nf", "nf")):
        rs = [r for r in raw if r["name"] == key]
        if rs:

            def span(k, f, rs=rs):
                return f"{min(r[k] for r in rs):{f}}-{max(r[k] for r in rs):{f}}"

            out[name] = (
                f"train {span('train_s', '.2f')} s, predict {span('infer_s', '.3f')} s, import "
                f"{span('import_s', '.2f')} s, peak {span('peak_rss_mb', '.0f')} MiB, MSE/0.01 "
                f"{span('ratio', '.2f')}, {len(rs)} seeds"
            )
    return out


# ---- report ---------------------------------------------------------------------------------
def summarize(rs: list[dict]) -> dict:
    """Best (min) times and the spread (max/min - 1) over seeds; mean error ratio."""
    s = {
        k: min(r[k] for r in rs)
        for k in ("train_s", "predict_s", "predict_best_s", "import_s", "rss_import_mb")
    }
    s["peak_mb"] = max(r["peak_mb"] for r in rs)
    s["train_spread"] = max(r["train_s"] for r in rs) / s["train_s"] - 1
    s["ratio"] = sum(r["ratio"] for r in rs) / len(rs)
    s["ratios"] = [r["ratio"] for r in rs]
    s["epochs"] = sorted({r["epochs"] for r in rs})
    return s


def render(results: list[dict], skipped: dict[str, str], refs: list[dict]) -> tuple[str, dict]:
    rows = [
        f"| contender | train s (best; spread) | predict ms 800 windows (first; best of {PREDICT_REPEATS}) | import s "
        "| peak MiB (after import) | test MSE / 0.01 (mean; per seed) | epochs run |",
        "|---|---|---|---|---|---|---|",
    ]
    summary = {}
    for name, label in CONTENDERS.items():
        rs = [r for r in results if r["name"] == name and "error" not in r]
        if name in skipped:
            rows.append(f"| {label} | skipped: {skipped[name]} | | | | | |")
        elif rs:
            s = summary[name] = summarize(rs)
            rows.append(
                f"| {label} | {s['train_s']:.2f}; +{100 * s['train_spread']:.0f}% | "
                f"{1e3 * s['predict_s']:.1f}; {1e3 * s['predict_best_s']:.2f} | {s['import_s']:.2f} | "
                f"{s['peak_mb']:.0f} ({s['rss_import_mb']:.0f}) | {s['ratio']:.3f}; "
                f"{', '.join(f'{x:.3f}' for x in s['ratios'])} | {', '.join(map(str, s['epochs']))} |"
            )
        elif any(r["name"] == name for r in results):
            rows.append(f"| {label} | failed (see stderr) | | | | | |")
    for r in refs:
        train = f"{r['train_s']:.4f} (fit)" if "train_s" in r else "-"
        predict = f"{1e3 * r['predict_s']:.2f}" if "predict_s" in r else "-"
        rows.append(f"| ref: {r['name']} | {train} | {predict} | - | - | {r['ratio']:.3f} | - |")
    return "\n".join(rows), summary


def paired(results: list[dict], a: str, b: str, key: str) -> list[float]:
    """``a``'s / ``b``'s value run by run (same seed, run back to back), so slow drift cancels."""
    by = {(r["name"], r["seed"]): r for r in results if "error" not in r}
    return sorted(by[a, k][key] / by[b, k][key] for n, k in by if n == a and (b, k) in by)


def targets(summary: dict, results: list[dict]) -> list[str]:
    out = []
    a, b, e = summary.get("tsrnn"), summary.get("lean"), summary.get("defaults")
    if a and b:
        for label, key in (
            ("training time", "train_s"),
            (f"prediction time (best of {PREDICT_REPEATS})", "predict_best_s"),
            ("prediction time (first call)", "predict_s"),
            ("peak memory", "peak_mb"),
        ):
            r, runs = a[key] / b[key], paired(results, "tsrnn", "lean", key)
            out.append(
                f"- tsrnn fixed recipe / hand loop, {label}: best/best {r:.3f} -> "
                f"{'met' if r <= 1.05 else 'MISSED'} (target <= 1.05); run by run "
                f"{', '.join(f'{x:.2f}' for x in runs)}"
            )
        extra_a, extra_b = a["peak_mb"] - a["rss_import_mb"], b["peak_mb"] - b["rss_import_mb"]
        out.append(
            f"- peak minus after-import RSS (the job's own memory): tsrnn {extra_a:.0f} MiB, "
            f"hand loop {extra_b:.0f} MiB; after-import RSS {a['rss_import_mb']:.0f} vs {b['rss_import_mb']:.0f} MiB"
        )
    runs = [r for r in results if r["name"] == "tsrnn" and "predict_paired_s" in r]
    if runs:
        ratios = [r["predict_paired_s"] / r["bare_paired_s"] for r in runs]
        out.append(
            f"- in one process, tsrnn's predict / the hand loop's prediction code on the same trained "
            f"network (best of {PREDICT_REPEATS}, interleaved): {min(ratios):.3f} best, run by run "
            f"{', '.join(f'{x:.3f}' for x in sorted(ratios))} (target <= 1.05 met on "
            f"{sum(x <= 1.05 for x in ratios)} of {len(ratios)} runs): the library's own overhead, "
            f"{1e6 * min(r['predict_paired_s'] - r['bare_paired_s'] for r in runs):.0f} us a call at best"
        )
    if e and a:
        ok_mse, ok_time = e["ratio"] <= 1.15, e["train_s"] <= a["train_s"]
        out.append(
            f"- tsrnn defaults: test MSE {e['ratio']:.3f} x noise floor ({'met' if ok_mse else 'MISSED'}, "
            f"target <= 1.15; worst seed {max(e['ratios']):.3f}) in {e['train_s']:.2f} s against the fixed "
            f"recipe's {a['train_s']:.2f} s ({'met' if ok_time else 'MISSED'}, target <= 1.00x: "
            f"{e['train_s'] / a['train_s']:.2f}x)"
        )
    return out


def versions() -> str:
    from importlib.metadata import version

    peers = [p for p in OPTIONAL.values() if importlib.util.find_spec(p) is not None]
    return f"python {platform.python_version()}, " + ", ".join(
        f"{p} {version(p)}" for p in ("torch", "numpy", "pandas", "tsrnn", *peers)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--worker", choices=list(CONTENDERS), help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--runs", type=int, default=3, help="runs per contender, seeds 0..N-1")
    parser.add_argument("--only", nargs="+", choices=list(CONTENDERS), default=list(CONTENDERS))
    parser.add_argument(
        "--out", default=record.result_path("peers"), help="default benchmarks/results/peers.md"
    )
    parser.add_argument("--threads", type=int, default=2, help="torch threads per contender (the job says 2)")
    args = parser.parse_args()
    if args.worker:
        print("RESULT " + json.dumps(worker(args.worker, args.seed, args.threads)), flush=True)
        return

    data_note = check_data()
    figures = anchor_figures()
    skipped = {
        n: f"{OPTIONAL[n]} not installed; anchors_results.md: {figures.get(n, 'no figures found')}"
        for n in args.only
        if n in OPTIONAL and importlib.util.find_spec(OPTIONAL[n]) is None
    }
    results = []
    for seed in range(args.runs):  # contenders alternate within each run
        for name in args.only:
            if name not in skipped:
                results.append(run_worker(name, seed, args.threads))
                print(json.dumps(results[-1]), file=sys.stderr, flush=True)
    table, summary = render(results, skipped, references())
    now = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    text = "\n".join(
        [
            f"# tsrnn peer benchmark ({now})",
            "",
            f"Versions: {versions()}.",
            f"Machine: {platform.machine()}, {os.cpu_count()} cores, CPU only, torch threads {args.threads}; "
            f"{args.runs} runs (seeds 0..{args.runs - 1}), contenders alternating, each in its own subprocess.",
            f"Job: anchors_bench.py's (window {WINDOW}, horizon {HORIZON}, RNN {LAYERS}x{HIDDEN}, Adam {LR}, batch "
            f"{BATCH}, {EPOCHS} epochs, train on the first {N_TRAIN} of {N} steps, test {N_TEST} one-step targets). "
            f"{data_note}.",
            "",
            table,
            "",
            "Columns: train s = fit wall time, best over seeds (spread = slowest/best - 1); tsrnn's includes "
            "validation, scaling and its baselines, the hand loop's its window copy. predict = the 800 test "
            f"windows (tsrnn: Forecaster.predict over series[3180:], first 800 rows); first call, then best of {PREDICT_REPEATS}. "
            "import s = numpy + torch (+ tsrnn and its Forecaster; + the classes the darts or neuralforecast job uses). peak = ru_maxrss of the subprocess, max over "
            "seeds; after import = ru_maxrss right after the imports. Noise floor = sigma^2 = 0.01.",
            "",
            "Targets:",
            *targets(summary, results),
            "",
        ]
    )
    print(text)
    record.write(args.out, record.replace_section(args.out, text, "# tsrnn peer benchmark"))


if __name__ == "__main__":
    main()

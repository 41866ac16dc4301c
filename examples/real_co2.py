"""A real series: weekly CO2 at Mauna Loa (1958-2001), shipped inside statsmodels, not downloaded.

The file has 59 missing weeks and a rising trend that leaves the range seen in training, so the
model fills the gaps by interpolation and reads each window relative to its last value.  It prints
the test errors beside the naive, seasonal-naive (52 weeks), drift and linear-AR baselines.

Needs statsmodels (pip install statsmodels).  Run: python examples/real_co2.py [--fast]
"""

import argparse
import os

import torch

import tsrnn

torch.set_num_threads(1)  # a model this small trains fastest on one thread

parser = argparse.ArgumentParser(description="Forecast weekly Mauna Loa CO2 and compare with the baselines.")
parser.add_argument("--fast", action="store_true", help="a few epochs (also TSRNN_EXAMPLE_FAST=1)")
args = parser.parse_args()
fast = args.fast or os.environ.get("TSRNN_EXAMPLE_FAST") == "1"

from statsmodels.datasets import co2  # noqa: E402  (optional dependency, imported once argparse is done)

frame = co2.load_pandas().data.rename_axis("week").reset_index()  # columns: week (dates), co2
test_start = int(len(frame) * 0.8)
model = tsrnn.Forecaster(window=52, horizon=4, hidden=15, relative=True, epochs=5 if fast else 60, seed=0)
model.fit(tsrnn.read(frame.iloc[:test_start], fill="interpolate"), progress=False)  # new data: the same fill
report = model.data_report_
print(
    f"co2: {len(frame)} weeks, {report['missing']} missing, filled by {report['fill']}; "
    f"fit on the first {test_start} weeks ({len(model.history_.records)} epochs)"
)

scores = model.evaluate(frame, start=test_start)
print(
    f"test: {scores['n_windows']} origins x {scores['horizon']} weeks ahead, ppm "
    f"(season found: {scores['seasons']['co2']} weeks)"
)
print(f"{'method':<16}{'RMSE':>8}{'MAE':>8}{'MASE':>8}")
for method in ("model", "naive", "seasonal_naive", "drift", "linear_ar"):
    m = scores[method]
    print(f"{method:<16}{m['rmse']:>8.3f}{m['mae']:>8.3f}{m['mase']:>8.3f}")
print(f"skill vs the best baseline ({scores['best_baseline']}): RMSE {scores['skill']['rmse']:+.3f}")
print(model.forecast(4).to_string(index=False))  # unique_id, ds, tsrnn: ppm in the data's precision

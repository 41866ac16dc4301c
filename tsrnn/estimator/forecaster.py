"""`Forecaster`: the scikit-learn-style estimator users import, a facade.

Each method forwards to the module that owns the job: :mod:`.planning` (what the parameters
imply), :mod:`.fitting`, :mod:`.inference` (predict, forecast, quantiles, paths, hidden
states), :mod:`.origins`, :mod:`.streaming` and :mod:`.persistence`; the parameters' own
documentation is :mod:`.parameters`, the fitted state :mod:`.fitted` and its views :mod:`.views`.
The fitted state is one frozen :class:`~tsrnn.estimator.fitted.Fitted` (``fitted_``) that ``fit``
and ``load`` build whole, holding one :class:`~tsrnn.estimator.state.PanelState` (``state_``)
whatever the data: a single series is a panel of one, and ``series_model`` views one series of
long data.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import numpy as np

from ..base.checks import invalid
from ..nn import checkpoint
from . import inference, parameters, planning, streaming
from .parameters import STRATEGIES, Parameters
from .persistence import model_files, read_model
from .streaming import StreamState
from .views import FittedViews

if TYPE_CHECKING:
    import pandas as pd

    from ..evaluation.backtest import BacktestResult

__all__ = ["Forecaster", "StreamState", "STRATEGIES"]


class Forecaster(Parameters, FittedViews):
    __doc__ = parameters.DOC

    # -- scikit-learn contract --------------------------------------------------------------------
    def get_params(self, deep: bool = True) -> dict:
        """The constructor's parameters and their current values."""
        return {name: getattr(self, name) for name, _, _ in parameters.specs()}

    def set_params(self, **params) -> Forecaster:
        valid = self.get_params()
        for name, value in params.items():
            if name not in valid:
                raise invalid(
                    name, f"invalid parameter {name!r} for Forecaster; valid ones are {sorted(valid)}"
                )
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        defaults = type(self)().get_params()
        changed = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items() if v != defaults[k])
        return f"Forecaster({changed})"

    # -- what the parameters imply -------------------------------------------------------------------
    def validation_steps(self, length: int) -> int:
        """Steps at the end of a ``length``-step series that validate (early stopping).

        ``val_fraction=None`` (the default) adapts to the horizon and the length: 10% of the steps,
        but at least ``horizon`` so that one full forecast is validated, and none (train every
        epoch, no early stopping) when the rest could not hold one training window.  A given
        ``val_fraction`` takes that share, which must then hold at least ``horizon`` steps.
        """
        return planning.validation_steps(self, length)

    def describe_validation(self, length: int) -> str:
        """What :meth:`validation_steps` chose for ``length`` steps, in words (for reports)."""
        return planning.describe_validation(self, length)

    def check_length(self, length: int) -> tuple[int, int]:
        """Check that ``length`` steps suffice to fit; return (training steps, training windows).

        The last :meth:`validation_steps` validate; the rest must hold at least one window of
        ``window`` inputs and ``horizon`` targets, and the validation span at least ``horizon`` steps.
        """
        return planning.check_length(self, length)

    # -- fit, predict, forecast, evaluate -------------------------------------------------------------
    def fit(
        self,
        data,
        progress: bool | None = None,
        checkpoint_dir: str | os.PathLike | None = None,
        resume: bool = False,
        holdout: float | int = 0,
    ) -> Forecaster:
        """Train on ``data``: the :class:`~tsrnn.data.dataset.Dataset` that :func:`tsrnn.read`
        returns, an array (T,) / (T, F), a wide DataFrame (a time column or index and numeric
        columns), or a long one (``unique_id, ds, y`` and covariates).  A frame is read as
        ``tsrnn.read`` reads it by default; how data is read (time column, input columns, fill
        policy, frequency, dayfirst, ...) is ``tsrnn.read``'s to decide, never the estimator's, and
        a refusal whose remedy is one of its options says so (:class:`~tsrnn.data.reading.ReadingRefused`).

        The last :meth:`validation_steps` validate (early stopping); the scaler sees only the
        steps before them.  ``progress`` shows a bar (default: when stderr is a terminal).
        With ``checkpoint_dir`` the training state is written there (atomically) after every epoch,
        and ``resume=True`` continues from it: given the same data and parameters, the result equals
        an uninterrupted fit.  Launched by torchrun, every rank calls ``fit`` and trains its shard.

        ``holdout`` (a fraction in (0, 1) of each series' steps, or a number of steps) first fits
        a copy on the steps before each series' last ``holdout`` ones and scores it there
        (``holdout_``: that model, where each series' held-out span starts, the metrics of
        :meth:`evaluate`, the epochs), then fits this estimator on *all* the steps, with the same
        settings and window, for the evaluated fit's best epoch count and no validation span: the
        model kept has read the data up to its last timestamp.  This is what ``tsrnn fit --data
        FILE --holdout H`` does (its default is 0.2), so both give the same model; ``holdout=0``
        (the default here) fits on all the data as described above, and for long data (a panel),
        whose validation spans choose the epochs on every series at once, the model kept is then
        refit on *all* the steps for that fit's best epoch count, as with a holdout (measured on
        the real-data benchmarks' 16 panels: better on 13, 3-4% over three seeds; a single series
        keeps its one fit, where the refit lost 3%).

        The fit ends with the calibration of the conformal intervals of :meth:`forecast`
        (``level``; ``calibration_``): with ``holdout``, from the evaluated copy's forecasts at every
        origin of the held-out steps, at no further cost; with ``holdout=0``, a copy fitted on each
        series less its last ``max(validation span, horizon)`` steps forecasts them, which costs
        one more fit on slightly shorter series (see :mod:`tsrnn.estimator.calibration`).
        """
        from .holdout import fit_with_holdout

        parameters.check(self)  # every value against the parameter table, before any work
        return fit_with_holdout(self, data, holdout, progress, checkpoint_dir, resume)

    def predict(self, data, future=None) -> np.ndarray:
        """Forecasts from every window of ``data``, in the data's units.

        ``data`` is read as the fitted data was (its time column, features, fill policy and
        frequency: ``reading_``) and checked against the fitted state: another frequency, other
        columns, unknown series or a calendar the fitted one does not continue are refused.  No
        method but ``fit`` changes the estimator.

        A model with known covariates reads their values over each window's forecast steps; for the
        last windows those lie past ``data``: give them with ``future`` (see :meth:`forecast`).

        Returns
        -------
        ndarray of shape (N, K, O), N = T - W + 1
            Row ``i`` reads steps ``i .. i+W-1`` and forecasts steps ``i+W .. i+W+K-1``; the last row
            forecasts beyond the end of ``data``.  For long data (several series), a dict of such
            arrays by ``unique_id``, all series in batched passes.
        """
        return inference.predict(self._fitted(), data, future)

    def forecast(self, steps: int, data=None, future=None, level=None) -> pd.DataFrame:
        """Continue the series ``steps`` into the future, in the data's units.

        Starts from the end of the fitted series, or of ``data`` when given.  Beyond the horizon the
        forecast is recursive: each forecast is fed back as input, which needs every input feature
        to be a target.  A model with ``known`` covariates needs their values over the horizon's
        steps: ``future``, a DataFrame with those columns and a time column (the fitted one, ``ds``,
        a column of dates or a date index; for long data ``unique_id`` and ``ds``), whose rows are
        matched to the forecast steps by time (and id) in any order, a step without a row being
        refused by name; or, without timestamps, an array (K, Fk) or a frame of just those columns,
        read by position: its first ``horizon`` rows.

        Returns
        -------
        DataFrame of shape (S * O * steps, 3 [+ Q])
            One long frame whatever the data: ``unique_id`` (a wide series' target column name;
            long data's series id, ``id/target`` for several targets), ``ds`` (the time steps that
            follow each series, as dates or integers) and ``tsrnn`` (the forecast), a row per
            series, target and step in that order.  A model fitted with ``loss="gaussian"`` or
            ``"quantile"`` adds a ``tsrnn-q{level}`` column per level (``tsrnn-q0.1``; see
            :meth:`predict_quantiles` for where they come from).  With ``level`` (percent, e.g.
            ``[80, 95]``), conformal intervals for any model: ``tsrnn-lo-95, tsrnn-lo-80,
            tsrnn-hi-80, tsrnn-hi-95``, from the residuals of forecasts of steps a copy of the
            model never read (see :meth:`fit`), scaled per series and per step ahead, so they
            widen where those errors widen (:mod:`tsrnn.evaluation.conformal`); they reach as
            many steps as the calibration held out.  Values are float64, rounded to
            the decimals the series' values are written with (at least three significant digits
            of their level; see :func:`tsrnn.data.precision.decimals`).
            ``frame.attrs["tsrnn.form"]`` records how the input wrote its dates
            (:func:`tsrnn.data.dates.labelled` writes them back that way).
        """
        return inference.forecast(self._fitted(), steps, data, future, level)

    def plot(self, data, forecast: pd.DataFrame, ids=None):
        """A figure of the history and the forecast of each series, dates on the axis.

        ``data`` is what :meth:`fit` accepts (a frame with a date column, a pandas Series, an
        array, long data): the history drawn before the forecast; None draws the last window the
        model keeps of each series.  ``forecast`` is a frame :meth:`forecast` returned (its
        ``tsrnn-lo-80`` / ``tsrnn-hi-80`` columns, or central pairs of ``tsrnn-q`` quantiles, are
        drawn as bands).  One panel per ``unique_id`` in ``ids`` (one id or a list; default the
        first six, and the title says which are shown when not all are).  At most the last 500
        steps of history are drawn (or 5 x the forecast steps).

        Returns a matplotlib ``Figure`` (no pyplot: save it with ``fig.savefig(path)``).  Ids the
        forecast does not hold, or a frame that is no forecast, raise :class:`~tsrnn.base.errors.DataError`
        naming what is known; nothing raises from inside matplotlib.
        """
        from . import picture  # matplotlib: loaded by figures only

        return picture.plot(self._fitted(), data, forecast, ids)

    def predict_quantiles(self, data, steps: int | None = None, future=None) -> np.ndarray:
        """Quantiles of the forecasts from every window of ``data``, in the data's units.

        Needs ``loss="gaussian"`` or ``"quantile"``.  The steps the network's head emits get its own
        quantiles (a Gaussian's at the levels); later steps (a recursive strategy, or ``steps``
        beyond the horizon) the empirical quantiles of ``samples`` Monte-Carlo paths drawn with
        ``seed`` (see :meth:`sample_paths`).

        Returns
        -------
        ndarray of shape (N, K, O, Q), N = T - W + 1, K = ``steps`` (default ``horizon``)
            At the levels of :attr:`quantile_levels_`, non-decreasing along the last axis; rows as
            in :meth:`predict` (for long data a dict of them by ``unique_id``).
        """
        return inference.predict_quantiles(self._fitted(), data, steps, future)

    def sample_paths(
        self, steps: int, data=None, samples: int | None = None, seed: int | None = None, future=None
    ) -> np.ndarray | dict:
        """Monte-Carlo paths continuing the series ``steps`` into the future, in the data's units.

        Each path draws every step from the head's distribution and feeds its draw back as the
        next input; all paths run as one batch.  The same ``seed`` (default the Forecaster's) gives
        the same paths.  Starts from the end of the fitted series, or of ``data``.

        Returns
        -------
        ndarray of shape (S, steps, O), S = ``samples`` (default the Forecaster's ``samples``)
            For long data, a dict of such arrays by ``unique_id``: every series' paths in one
            batched draw.  The same data and ``seed`` give the same paths, but a series' paths
            depend on the other series drawn with it (one random stream serves the whole batch),
            so they differ from that series' paths drawn alone (``series_model``); their
            distribution is the same.
        """
        return inference.sample_paths(self._fitted(), steps, data, samples, seed, future)

    def hidden_states(self, window, cell: bool = False, future=None) -> list[np.ndarray] | dict:
        """Every layer's hidden state at every step of one input window, for plots.

        ``window`` is an array, tensor or DataFrame (T, F) or (1, T, F) in the data's units (any
        T >= 1, usually ``window`` steps); it is scaled as :meth:`predict` scales it.  Returns one
        array of shape (T, D*H) per layer, the first layer first (forward half, then backward half).
        With ``cell=True`` an LSTM's cell states instead.  See :meth:`RNNForecaster.layer_states`.
        A model with known covariates also reads their values over the K steps after the window:
        ``future``, as for :meth:`forecast`.  Fitted on long data, ``window`` is long data and
        every step of each series in it is read from a zero state (pass each series' last
        ``window`` rows for one window each); returns a dict ``unique_id -> list of L arrays
        (T_s, D*H)``, series of one length in one batched pass.
        """
        return inference.hidden_states(self._fitted(), window, cell, future)

    def evaluate(self, data, start=None) -> dict:
        """Errors of the model's forecasts on ``data`` beside every baseline, with the skill.

        Each origin ``t`` from ``start`` on (default: the first with enough history, see
        :attr:`context_needed_`) is forecast ``horizon`` steps ahead from the steps before it.
        Returns a dict: per method (``model`` and each of :data:`~tsrnn.evaluation.baselines.BASELINES`) MAE,
        RMSE, MAPE, sMAPE and MASE overall and per target, in the data's units; ``skill`` (1 - model
        error / best baseline error) for RMSE and MAE; ``best_baseline``; ``n_windows``; ``seasons``;
        for a probabilistic model ``calibration`` (interval coverage, pinball loss, CRPS; see
        :meth:`BacktestResult.calibration <tsrnn.evaluation.backtest.BacktestResult.calibration>`);
        ``in_sample``: how many origins forecast a step inside the span the model was fitted on
        (its training and validation steps; ``data`` read from its beginning), whose scores are
        in-sample.  :meth:`cross_validation` scores out of sample.
        """
        return self.backtest(data, start=self.context_needed_ if start is None else start).overall()

    def backtest(
        self, data, start=0.8, stride: int = 1, horizon: int | None = None, refit=False
    ) -> BacktestResult:
        """Rolling-origin evaluation: forecast from origins ``start, start + stride, ...``.

        Parameters
        ----------
        data : array or DataFrame (T, F), or long data
            The series, from its beginning (the history before each origin is its context).
        start : int or float
            First origin: a step position, a fraction of the series (0.8: the last 20%), or a
            negative number of steps counted from each series' end (-12: its last 12 steps).
        stride : int
            Steps between origins.
        horizon : int, optional
            Steps ahead per origin; default the model's horizon (beyond it, recursive).
        refit : bool or int
            False uses this fitted model at every origin (every origin of every series in one
            batched pass); True refits a copy (same parameters and window) on the steps before
            each origin; an integer n refits before every n-th origin and forecasts the origins
            up to the next refit with that copy.  For long data the refits are of the global model
            on every series' steps before each n-th origin time (series too short to fit there
            are left out, unless they have origins to forecast: then it is an error), and each
            copy forecasts its origins of every series in one batched pass.

        Notes
        -----
        For a probabilistic model the result also holds the forecast quantiles (and Monte-Carlo
        samples past the head's steps): ``result.calibration()`` scores them per step ahead.
        Without ``refit``, ``result.in_sample`` marks the origins whose first forecast step lies
        inside the span this model was fitted on (their scores are in-sample); refitted copies
        forecast out of sample, with baselines fitted by each copy on the steps before its refit.
        """
        from . import origins  # pandas: loaded by backtests, not by NumPy-only work

        return origins.backtest(self._fitted(), data, start, stride, horizon, refit)

    def cross_validation(
        self, data, h: int, n_windows: int = 1, step: int | None = None, refit: bool | int = True
    ) -> pd.DataFrame:
        """Cross-validation out of sample: forecast the last ``n_windows`` windows of ``h`` steps of
        every series, each by a copy fitted only on the steps before its cutoff.

        Parameters
        ----------
        data : array or DataFrame (T, F), or long data
            What :meth:`fit` accepts; this estimator need not be fitted, and is left as it is.
        h : int
            Steps forecast per window (beyond ``horizon`` the forecast is recursive).
        n_windows : int
            Windows per series; the last ends with the series.
        step : int, optional
            Steps between the windows' cutoffs (default ``h``: windows side by side).
        refit : bool or int
            True fits a copy (these parameters) before every window; an integer n before every
            n-th window, that copy forecasting the windows up to the next fit from the data before
            their own cutoffs; False fits once, on the data before the first cutoff.  A window is
            never forecast by a copy that saw its steps.  For long data the copies are global
            models fitted on every series' steps before each cutoff time.  Each copy costs a fit.

        Returns
        -------
        DataFrame
            ``unique_id, ds, cutoff, y, tsrnn`` and one column per baseline (``naive``,
            ``seasonal_naive``, ``drift``, ``linear_ar``, fitted by the same copies): one row per
            series, target, window and step, in the data's precision; ``cutoff`` is the last step
            each window's copy read.  ``unique_id`` names the series as :meth:`forecast` does.
            Score it with :func:`tsrnn.evaluation.cv_scores.cv_metrics` (the MASE scales of each
            series' first window are in ``frame.attrs["tsrnn.mase_scale"]``).
        """
        from .crossval import cross_validation  # pandas: loaded by cross-validation only

        return cross_validation(self, data, h, n_windows, step, refit)

    # -- streaming ------------------------------------------------------------------------------------
    def start(self, history, warmup: int | None = None) -> StreamState:
        """Read the last ``warmup`` steps of ``history`` (T, F) and return the recurrent state after them.

        ``state.prediction`` holds the forecast (K, O) that follows ``history``; by default
        (``warmup=window``) it equals :meth:`predict` on the last window.  Continue with :meth:`step`,
        which costs one recurrent step per new observation, where re-running a window costs
        ``window`` steps.  The state then carries a context longer than the training windows; for
        a well-trained network the far past fades, so streamed and windowed forecasts stay close.
        A model with the linear highway also carries the last ``window`` steps it reads
        (``state.lags``), so ``history`` needs at least that many whatever ``warmup`` is.
        Fitted on long data, ``history`` is long data: every series in it is read once and the
        state carries them all (``state.ids``; ``h_n`` (L, S, H), ``lags`` (S, k, F)), and
        ``state.prediction`` is a dict ``unique_id -> (K, O)``.
        """
        return streaming.start(self._fitted(), history, warmup)

    def step(self, x_t, state: StreamState) -> tuple[np.ndarray | dict, StreamState]:
        """Feed one new observation ``x_t`` (F,) and return the next forecast (K, O) and the new state.

        For long data ``x_t`` holds one new observation of every series the state carries: a long
        DataFrame with one row per series (``unique_id`` and the features; ``ds`` is not read) or
        an array (S, F) in the order of ``state.ids``; one recurrent step runs them all and the
        forecast is a dict ``unique_id -> (K, O)``.  A missing, unknown or repeated series is an error.
        """
        return streaming.step(self._fitted(), x_t, state)

    # -- model files --------------------------------------------------------------------------------
    def save(self, path: str | os.PathLike, overwrite: bool = False) -> None:
        """Write ``model.safetensors`` and ``config.json`` to directory ``path`` (atomically).

        A non-empty ``path`` is replaced only with ``overwrite=True``, and only when it holds nothing
        but a tsrnn model or run (see :func:`tsrnn.base.outputs.check_replaceable`).
        """
        tensors, config = model_files(self)
        with checkpoint.run_directory(path, overwrite=overwrite) as tmp:
            checkpoint.save_model(tmp, tensors, config)

    @classmethod
    def load(cls, path: str | os.PathLike) -> Forecaster:
        """Rebuild a Forecaster saved by :meth:`save`; no pickle is read (see :mod:`tsrnn.estimator.persistence`)."""
        return read_model(cls, path)

"""Layer 4: metrics, baselines, probabilistic scores and sampling, backtest results."""

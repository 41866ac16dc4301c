"""Layer 4: metrics, seasons, baselines, probabilistic scores and sampling, backtest results."""

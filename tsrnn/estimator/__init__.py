"""Layer 5: the Forecaster facade and what it is made of: per-series state, fitting, forecasting, streaming, persistence."""

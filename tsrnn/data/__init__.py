"""Layer 1: series and panels, DataFrames and files, calendars, windows, generators, known covariates. No torch at import time."""

"""Layer 6: shape reports, figures, run directories, hidden-size comparisons."""

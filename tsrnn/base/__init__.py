"""Layer 0: errors, argument checks, the frozen configs, the rule for replacing outputs. No torch."""

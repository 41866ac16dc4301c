"""Layer 2: the recurrent module and its heads, model and run files as typed models with their
migrations, safetensors + JSON checkpoints."""

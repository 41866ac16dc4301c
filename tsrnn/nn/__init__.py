"""Layer 2: the recurrent module and its heads, the schema of model files, safetensors + JSON checkpoints."""

"""Layer 3: the training loop (batches by index, early stopping, checkpoints, resume, DDP)."""

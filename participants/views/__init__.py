"""The participants app\x27s views, one module per feature."""

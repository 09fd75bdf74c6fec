"""The participants app's forms, one module per feature."""

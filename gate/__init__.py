"""model-gate: discover, pin, allow and verify every model and dataset a repository loads."""

__version__ = "0.1.0"

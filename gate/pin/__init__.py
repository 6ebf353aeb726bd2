"""`model-gate pin`: rewrite unpinned Hub references to commit shas (see docs/pin.md)."""

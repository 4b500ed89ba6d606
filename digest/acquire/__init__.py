"""Acquisition: bytes in, raw items out, then into the store.  One bad source never stops a run."""

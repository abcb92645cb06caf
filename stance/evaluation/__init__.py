"""Evaluations: attribution (PolNeAR spans, diplomatic gold set) and stance (NewsMTSC, VAST, dev)."""

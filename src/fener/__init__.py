"""Fener: a counter-trafficking platform for North Macedonia's anti-trafficking system."""

__version__ = "0.1.0"

"""Thin pages of the network module."""

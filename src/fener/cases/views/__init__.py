"""Thin HTML views of case management."""

"""Pages of ad monitoring: insight (see the module's urls.py)."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []

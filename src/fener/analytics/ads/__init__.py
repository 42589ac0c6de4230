"""Recruitment-ad analysis: entities, red-flag indicators, the risk model, template clusters.

Pure Python (no Django). Start with :class:`fener.analytics.ads.screening.Screener` for
screening and :class:`fener.analytics.ads.clustering.TemplateClusterer` for clustering.
"""

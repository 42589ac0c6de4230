"""The ad monitoring entries in the main navigation."""

from django.utils.translation import gettext_lazy as _

from fener.core.modules import Module, register_module

register_module(
    Module(
        "adwatch",
        _("Ad monitoring"),
        "adwatch:queue",
        ("adwatch.review_ads", "adwatch.view_referrals"),
        order=20,
    )
)

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
register_module(
    Module(
        "adwatch_dashboard",
        _("Ad dashboard"),
        "adwatch:dashboard",
        ("adwatch.view_dashboard",),
        order=21,
    )
)
register_module(
    Module(
        "adwatch_sources",
        _("Ad sources"),
        "adwatch:source_list",
        ("adwatch.manage_sources",),
        order=40,
        administration=True,
    )
)

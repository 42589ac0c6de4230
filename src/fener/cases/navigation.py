"""The case-management entries in the main navigation."""

from django.utils.translation import gettext_lazy as _

from fener.core.modules import Module, register_module

register_module(
    Module(
        "cases",
        _("Cases"),
        "cases:worklist",
        ("cases.work_on_cases", "cases.receive_referrals", "cases.supervise_cases"),
        order=10,
    )
)
register_module(
    Module(
        "cases_statistics",
        _("Case statistics"),
        "cases:statistics",
        ("cases.view_statistics",),
        order=11,
    )
)
register_module(
    Module(
        "cases_overview",
        _("Referral mechanism overview"),
        "cases:overview",
        ("cases.national_overview",),
        order=12,
    )
)
register_module(
    Module(
        "cases_services",
        _("Support services"),
        "cases:provider_list",
        ("cases.manage_services",),
        order=41,
        administration=True,
    )
)
register_module(
    Module(
        "cases_forms",
        _("Forms of exploitation"),
        "cases:form_list",
        ("cases.review_forms",),
        order=42,
        administration=True,
    )
)

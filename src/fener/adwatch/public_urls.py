"""The public "check a job offer" pages (under /<language>/check/), for anyone."""

from fener.adwatch.views import public

app_name = "check"

urlpatterns = [*public.urlpatterns]

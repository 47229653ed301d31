"""Catalogue URLs: public pages (anyone) and management pages (staff with catalogue posts)."""

from shebao.catalogue.urls_manage import urlpatterns as manage_urls
from shebao.catalogue.urls_public import urlpatterns as public_urls

app_name = "catalogue"

urlpatterns = public_urls + manage_urls

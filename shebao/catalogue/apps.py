from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "shebao.catalogue"
    label = "catalogue"
    verbose_name = "Catalogue"

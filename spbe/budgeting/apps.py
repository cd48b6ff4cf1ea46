from django.apps import AppConfig


class BudgetingConfig(AppConfig):
    name = "spbe.budgeting"
    label = "budgeting"
    verbose_name = "Penganggaran"

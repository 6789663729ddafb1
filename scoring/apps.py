from django.apps import AppConfig


class ScoringConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "scoring"
    verbose_name = "Chấm điểm chỉ số CCHC"

    def ready(self):
        from django.db.models.signals import post_migrate

        from scoring import roles  # registers the object rules

        post_migrate.connect(roles.ensure_roles, sender=self)

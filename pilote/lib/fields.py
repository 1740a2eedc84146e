from django.db import models


class WebsiteField(models.URLField):
    """A URL field whose form assumes https:// when the user types a bare domain (Django 6 default)."""

    def formfield(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        return super().formfield(**kwargs)

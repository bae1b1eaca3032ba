from django.db import models


class Notice(models.Model):
    """A site-wide message (maintenance, a class starting) pushed live to every open page."""

    text = models.CharField(max_length=280)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.text

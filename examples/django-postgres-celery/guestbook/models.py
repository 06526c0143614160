from django.db import models


class Entry(models.Model):
    """A guestbook message. ``word_count`` is filled in later by a Celery task."""

    name = models.CharField(max_length=80)
    message = models.TextField(max_length=2000)
    word_count = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name}: {self.message[:40]}"

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "message": self.message,
            "word_count": self.word_count,
            "created_at": self.created_at.isoformat(),
        }

from celery import shared_task

from .models import Entry


@shared_task
def count_words(entry_id: int) -> int | None:
    """Store the number of words of an entry; runs in the Celery worker, after the request returned."""
    entry = Entry.objects.filter(pk=entry_id).first()
    if entry is None:  # deleted before the worker got to it
        return None
    entry.word_count = len(entry.message.split())
    entry.save(update_fields=["word_count"])
    return entry.word_count

"""Text folded for comparison and search: no case, no accents, đ as d, single spaces.

Search columns (`search_text` on units, frameworks and framework nodes) hold their model's fields folded, so a
plain `LIKE '%…%'` on the folded query finds «Cần Thơ» for "can tho" or "CẦN THƠ" on SQLite and PostgreSQL
alike, with no database extension (unaccent, ICU collations). The column is filled on every save (pre_save, so
`loaddata` and fixtures fill it too) and by the models' `bulk_create` and `bulk_update` (FoldedSearchQuerySet);
a raw `QuerySet.update()` of a source field does not refill it.

This module lives in `units` because `units` never imports `scoring`; `scoring` imports it.
"""

import unicodedata

from django.db import models
from django.db.models.signals import pre_save

SEPARATOR = " | "


def fold(text) -> str:
    """Text compared without case, accents or extra spaces: «Thành phố Cần Thơ» ~ «thanh pho can tho».

    NFC first (files typed on different systems mix composed and decomposed letters), then accents removed;
    đ has no decomposition and is mapped by hand.
    """
    text = unicodedata.normalize("NFC", str(text or "")).strip().lower().replace("đ", "d")
    text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    return " ".join(text.split())


def folded_parts(*parts) -> str:
    """What a search column holds: each non-empty part folded, joined by " | " (so a query never matches
    across two fields)."""
    return SEPARATOR.join(folded for folded in (fold(part) for part in parts) if folded)


def fill_search_text(instance) -> None:
    """Set `instance.search_text` from the fields its model names in SEARCH_SOURCES."""
    instance.search_text = folded_parts(*(getattr(instance, name) for name in instance.SEARCH_SOURCES))


def _on_pre_save(sender, instance, **kwargs):
    fill_search_text(instance)


def keep_search_text(model) -> None:
    """Fill `model.search_text` on every save, `loaddata` included (it sends pre_save but skips save())."""
    pre_save.connect(_on_pre_save, sender=model, dispatch_uid=f"search_text:{model._meta.label}")


class FoldedSearchQuerySet(models.QuerySet):
    """Bulk writes fill the folded search column as save() does."""

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for obj in objs:
            fill_search_text(obj)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        if set(fields) & set(self.model.SEARCH_SOURCES):
            for obj in objs:
                fill_search_text(obj)
            fields = [*fields, "search_text"]
        return super().bulk_update(objs, fields, *args, **kwargs)


FoldedSearchManager = models.Manager.from_queryset(FoldedSearchQuerySet)

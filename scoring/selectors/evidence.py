"""The evidence the assessment pages show: a unit's documents, and the documents cited for each entry."""

from collections import defaultdict

from scoring.models import EvidenceDocument, EvidenceLink


def unit_documents(unit_id) -> list[EvidenceDocument]:
    """The unit's documents, newest first: what its officers can cite."""
    return list(EvidenceDocument.objects.filter(unit_id=unit_id).order_by("-issue_date", "title"))


def links_by_entry(**filters) -> defaultdict[int, list[EvidenceLink]]:
    """The citations matching `filters` (e.g. entry__assessment=…), with their documents, by entry id; one query."""
    links = defaultdict(list)
    for link in EvidenceLink.objects.filter(**filters).select_related("document"):
        links[link.entry_id].append(link)
    return links

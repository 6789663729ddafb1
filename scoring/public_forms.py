"""Query strings of the public pages, parsed by forms: the ranking's sort, search and page, the site search."""

from django import forms

from scoring.formatting import shown
from scoring.selectors.ranking import ASCENDING, DESCENDING, QUERY_MAX_LENGTH, Listing

MAX_PAGE_DIGITS = 6


def _search_text(value: str) -> str:
    """A search as typed, without control characters (a NUL breaks PostgreSQL), cut to the length cap."""
    return "".join(c for c in value if c.isprintable() or c == " ").strip()[:QUERY_MAX_LENGTH]


class RankingQueryForm(forms.Form):
    """`?q=` search, `?sap-xep=` column, `?chieu=tang|giam`, `?trang=N`. Which columns exist depends on the
    group (its domains), so the selector checks the column; this form checks the shape of every value."""

    q = forms.CharField(required=False, strip=False)
    sort = forms.CharField(required=False)
    direction = forms.CharField(required=False)
    page = forms.CharField(required=False)

    PARAMETERS = {"q": "q", "sap-xep": "sort", "chieu": "direction", "trang": "page"}

    def __init__(self, query_dict):
        super().__init__({field: query_dict.get(name, "") for name, field in self.PARAMETERS.items()})
        # Django's CharField refuses a NUL with its own message; the checks below say what is wrong in
        # Vietnamese, and a search simply drops control characters.
        for field in self.fields.values():
            field.validators = []

    def clean_q(self):
        return _search_text(self.data.get("q", ""))

    def clean_sort(self):
        return self.cleaned_data["sort"] or "hang"

    def clean_direction(self):
        direction = self.cleaned_data["direction"]
        if direction and direction not in (ASCENDING, DESCENDING):
            raise forms.ValidationError(
                f"Không có chiều sắp xếp «{shown(direction)}»: dùng ?chieu=tang (tăng dần) hoặc ?chieu=giam "
                "(giảm dần)."
            )
        return direction or None

    def clean_page(self):
        raw = self.cleaned_data["page"]
        if not raw:
            return 1
        if not (raw.isascii() and raw.isdigit() and len(raw) <= MAX_PAGE_DIGITS and int(raw) >= 1):
            raise forms.ValidationError(
                f"Số trang «{shown(raw)}» không hợp lệ: trang là số nguyên dương, ví dụ ?trang=2."
            )
        return int(raw)

    def listing(self, *, whole: bool = False) -> Listing:
        """The cleaned parameters (`whole`: every row, for a download)."""
        data = self.cleaned_data
        return Listing(
            sort=data["sort"],
            direction=data["direction"],
            search=data["q"],
            page=None if whole else data["page"],
        )

    def problem(self) -> str:
        return " ".join(str(message) for messages in self.errors.values() for message in messages)


class SiteSearchForm(forms.Form):
    """`?q=` of the site search: any text, control characters dropped, at most 100 characters."""

    q = forms.CharField(required=False, strip=False)

    def __init__(self, query_dict):
        super().__init__({"q": query_dict.get("q", "")})
        self.fields["q"].validators = []

    def clean_q(self):
        return _search_text(self.data.get("q", ""))

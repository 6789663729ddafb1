"""Display filters of the year-on-year comparison (issue 8)."""

from django import template

register = template.Library()


@register.filter
def bac(rank_change):
    """A change of rank in words, positive = moved up: "lên 3 bậc", "xuống 2 bậc", "giữ nguyên"; a dash for none."""
    if rank_change is None:
        return "–"
    if rank_change == 0:
        return "giữ nguyên hạng"
    return f"{'lên' if rank_change > 0 else 'xuống'} {abs(rank_change)} bậc"

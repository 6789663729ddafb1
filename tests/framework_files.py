"""Framework files for the framework tests: a small valid tree, CSV bytes, parsing, the acting account."""

from scoring.framework_io import parse_nodes, read_table

HEADER = "level,code,parent,name_vi,max_points,method,verified,note"
FULL_HEADER = HEADER + ",guidance,evidence_requirement,advising_agency"
GOOD_ROWS = [
    "domain,1,,Lĩnh vực một,2,appraisal,yes,",
    "criterion,1.1,1,Tiêu chí một,1.5,appraisal,no,",
    "subcriterion,1.1.1,1.1,Thành phần một,1,appraisal,no,",
    'subcriterion,1.1.2,1.1,Thành phần hai,"0,5",appraisal,no,',
    "criterion,1.2,1,Tiêu chí hai,0.5,appraisal,no,",
]


def csv_bytes(*rows, header=HEADER):
    return "\n".join([header, *rows]).encode("utf-8")


def parse(content, filename="f.csv"):
    return parse_nodes(read_table(content, filename))


def _actor():
    """The demo's secretariat account: framework services act as someone."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="sonoivu")

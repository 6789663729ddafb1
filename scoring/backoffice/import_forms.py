"""Forms of the data imports: the uploaded file (bounded before it is read) and what goes with it."""

from django import forms
from django.core.exceptions import ValidationError

from scoring.backoffice.fields import PointsField
from scoring.national_io import COLUMNS, MEAN_COLUMNS
from scoring.services.national import check_year
from scoring.spreadsheets import size_problem

ACCEPT = ".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"


class DataFileForm(forms.Form):
    data_file = forms.FileField(
        label="Tệp dữ liệu",
        help_text="Excel (.xlsx) hoặc CSV (.csv, mã UTF-8). Tệp có công thức, ô gộp ở dòng tiêu đề, hoặc quá lớn "
        "sẽ bị từ chối và không có gì thay đổi.",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    def clean_data_file(self):
        """Refused before it is read, with the reader's own words (scoring.spreadsheets)."""
        upload = self.cleaned_data["data_file"]
        problem = size_problem(upload.size)
        if problem:
            raise ValidationError(problem)
        return upload

    def file(self) -> tuple[str, bytes]:
        upload = self.cleaned_data["data_file"]
        upload.seek(0)
        return upload.name, upload.read()


class NationalUploadForm(DataFileForm):
    year = forms.IntegerField(
        label="Năm đánh giá",
        help_text="Năm được đánh giá, ví dụ 2017 cho PAR INDEX 2017 (công bố năm 2018).",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 6}),
    )
    title = forms.CharField(
        label="Tên bảng",
        max_length=255,
        required=False,
        help_text="Để trống: «Chỉ số cải cách hành chính cấp tỉnh năm … (PAR INDEX …)».",
    )
    source = forms.CharField(
        label="Nguồn công bố",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Văn bản, báo cáo hoặc trang công bố bảng (số, ngày, nơi công bố).",
    )
    field_order = ["year", "title", "source", "data_file"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key in MEAN_COLUMNS:
            self.fields[f"mean_{key}"] = PointsField(
                label=f"Bình quân công bố: {COLUMNS[key].label}",
                places=4,
                help_text="Khi tệp không có dòng bình quân: nhập bình quân đã công bố để đối chiếu (không bắt buộc).",
            )

    def clean_year(self):
        return check_year(self.cleaned_data["year"])

    def published_means(self) -> dict:
        return {
            key: self.cleaned_data[f"mean_{key}"]
            for key in MEAN_COLUMNS
            if self.cleaned_data.get(f"mean_{key}") is not None
        }

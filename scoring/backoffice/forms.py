"""Forms and formsets of the back-office pages: they do all the parsing; views hand cleaned data to services."""

from django import forms

from scoring import codes
from scoring.backoffice.fields import DateField, DocumentChoiceField, PointsField, TextField, VersionField
from scoring.models import ADJUSTMENT_METHODS, Method


class RowFormSet(forms.BaseFormSet):
    """One form per object of a fixed list, in its order; each form gets its object as the keyword `row_name`
    (and knows it by that name), plus the keyword arguments `per_row` maps the object's id to."""

    row_name = "entry"
    default_prefix = "tc"

    def __init__(self, *args, rows, per_row=None, **kwargs):
        self.rows = list(rows)
        self.per_row = per_row or {}
        kwargs.setdefault("prefix", self.default_prefix)
        super().__init__(*args, **kwargs)

    def total_form_count(self):
        return len(self.rows)

    def initial_form_count(self):
        return len(self.rows)

    def get_form_kwargs(self, index):
        row = self.rows[index]
        return {**super().get_form_kwargs(index), self.row_name: row, **self.per_row.get(row.pk, {})}


class EntryFormSet(RowFormSet):
    """One form per score entry (form.entry)."""

    def errors_by_code(self, errors: dict) -> list[str]:
        """Attach a service's {code: messages} errors to the rows; returns the messages of no row."""
        forms_by_code = {form.entry.node.code: form for form in self.forms}
        rest = []
        for key, messages in errors.items():
            form = forms_by_code.get(key)
            if form is None:
                rest.extend(messages)
            else:
                for message in messages:
                    form.add_error(None, message)
        return rest


def entry_formset(form_class, data=None, *, entries, **kwargs):
    formset_class = forms.formset_factory(form_class, formset=EntryFormSet, extra=0)
    return formset_class(data, rows=entries, **kwargs)


# ---------------------------------------------------------------- self-assessment


class SelfAssessmentRowForm(forms.Form):
    version = VersionField()
    self_points = PointsField(label="Tự chấm", places=2)
    declared_figures = TextField(label="Số liệu kê khai")
    explanation = TextField(label="Thuyết minh")
    document = DocumentChoiceField(label="Thêm tài liệu")
    locator = forms.CharField(label="Trang, mục", max_length=255, required=False)
    unlink = forms.TypedMultipleChoiceField(
        label="Bỏ liên kết", coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, entry, documents=(), links=(), **kwargs):
        self.entry = entry
        kwargs.setdefault(
            "initial",
            {
                "version": entry.version,
                "self_points": entry.self_points,
                "declared_figures": entry.declared_figures,
                "explanation": entry.explanation,
            },
        )
        super().__init__(*args, **kwargs)
        code = entry.node.code
        self.fields["self_points"].max_points = entry.node.max_points
        self.fields["self_points"].widget.attrs.update(
            {"data-domain": codes.domain_of(code), "aria-label": f"Tự chấm {code}"}
        )
        if entry.node.method in ADJUSTMENT_METHODS:
            # Bonus and deduction points stay out of the typed total of the base (backoffice.js).
            self.fields["self_points"].widget.attrs["data-adjustment"] = entry.node.method
            if entry.node.method == Method.DEDUCTION:
                self.fields["self_points"].widget.attrs["aria-label"] = f"Điểm bị trừ {code}"
        self.fields["declared_figures"].widget.attrs["aria-label"] = f"Số liệu {code}"
        self.fields["explanation"].widget.attrs["aria-label"] = f"Thuyết minh {code}"
        self.fields["document"].set_documents(documents)
        self.fields["document"].widget.attrs["aria-label"] = f"Thêm tài liệu cho {code}"
        self.fields["locator"].widget.attrs.update(
            {"aria-label": f"Trang, mục cho {code}", "placeholder": "trang, mục"}
        )
        self.links = list(links)
        self.fields["unlink"].choices = [(link.pk, f"bỏ {link.document}") for link in self.links]

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "self_points": data["self_points"],
            "declared_figures": data["declared_figures"],
            "explanation": data["explanation"],
        }


class EvidenceUploadForm(forms.Form):
    """A new document of the unit, optionally cited for one node of the assessment at once."""

    title = forms.CharField(label="Trích yếu / tên tài liệu", max_length=500)
    number = forms.CharField(
        label="Số, ký hiệu", max_length=100, required=False, help_text="Ví dụ: 125/KH-STP."
    )
    issue_date = DateField(label="Ngày ban hành", required=False)
    issuer = forms.CharField(label="Cơ quan ban hành", max_length=255, required=False)
    upload = forms.FileField(
        label="Tệp",
        required=False,
        help_text="PDF, Word, Excel, OpenDocument, JPG hoặc PNG; tối đa theo cấu hình (mặc định 20 MB).",
    )
    link = forms.URLField(label="Hoặc đường dẫn", max_length=1000, required=False, assume_scheme="https")
    node = forms.ChoiceField(label="Dùng cho tiêu chí", required=False)
    locator = forms.CharField(label="Trang, mục chứng minh", max_length=255, required=False)

    def __init__(self, *args, entries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.entries = {entry.node.code: entry for entry in entries}
        self.fields["node"].choices = [("", "– chỉ lưu vào kho tài liệu –")] + [
            (code, f"{code}. {entry.node.name[:80]}") for code, entry in self.entries.items()
        ]

    def clean(self):
        data = super().clean()
        if not data.get("upload") and not data.get("link"):
            raise forms.ValidationError("Cần có tệp đính kèm hoặc đường dẫn tới tài liệu.")
        return data

    def cite(self):
        code = self.cleaned_data.get("node")
        return (self.entries[code], self.cleaned_data.get("locator", "")) if code else None


class ReasonForm(forms.Form):
    reason = TextField(label="Lý do", required=True, widget=forms.Textarea(attrs={"rows": 3}))


# ---------------------------------------------------------------- appraisal


class AppraisalRowForm(forms.Form):
    version = VersionField()
    points = PointsField(label="Điểm thẩm định", places=2)
    reason = TextField(label="Lý do")
    explanation_request = TextField(label="Yêu cầu giải trình")
    not_applicable = forms.BooleanField(label="Không áp dụng", required=False)
    not_applicable_reason = TextField(label="Lý do không áp dụng")

    def __init__(self, *args, entry, round_, **kwargs):
        self.entry = entry
        self.round = round_
        kwargs.setdefault(
            "initial",
            {
                "version": entry.version,
                "points": getattr(entry, f"appraised_points_r{round_}"),
                "reason": getattr(entry, f"appraisal_reason_r{round_}"),
                "explanation_request": entry.explanation_request,
                "not_applicable": entry.not_applicable,
                "not_applicable_reason": entry.not_applicable_reason,
            },
        )
        super().__init__(*args, **kwargs)
        code = entry.node.code
        self.fields["points"].max_points = entry.node.max_points
        self.fields["points"].widget.attrs["aria-label"] = f"Điểm thẩm định lần {round_} {code}"
        for name in ("reason", "explanation_request", "not_applicable", "not_applicable_reason"):
            self.fields[name].widget.attrs["aria-label"] = f"{self.fields[name].label} {code}"
        if round_ != 1:
            del self.fields["explanation_request"]  # requests are made in round 1; round 2 answers them

    def clean(self):
        """The rules of services.appraisal._check that concern one row, so that every error shows at once."""
        data = super().clean()
        points = data.get("points")
        compared = self.entry.self_points if self.round == 1 else self.entry.appraised_points_r1
        if points is not None and points != compared and not data.get("reason"):
            against = "điểm tự đánh giá" if self.round == 1 else "điểm thẩm định lần 1"
            self.add_error("reason", f"Nhập lý do khi điểm thẩm định khác {against}.")
        if data.get("not_applicable"):
            if not data.get("not_applicable_reason"):
                self.add_error("not_applicable_reason", "Nhập lý do khi xác định tiêu chí không áp dụng.")
            if points is not None:
                self.add_error("points", "Tiêu chí không áp dụng thì để trống điểm thẩm định.")
        return data


class ReturnForm(forms.Form):
    note = TextField(
        label="Ý kiến chung gửi đơn vị",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Đơn vị thấy ý kiến này cùng các yêu cầu giải trình từng tiêu chí.",
    )


class RoundForm(forms.Form):
    """The round a page was made for, posted back so that a phase change in between is noticed."""

    round = forms.TypedChoiceField(choices=[("1", "1"), ("2", "2")], coerce=int, widget=forms.HiddenInput)


# ---------------------------------------------------------------- explanation


class ExplanationRowForm(forms.Form):
    version = VersionField()
    response = TextField(label="Giải trình của đơn vị", widget=forms.Textarea(attrs={"rows": 3}))
    document = DocumentChoiceField(label="Bổ sung tài liệu")
    locator = forms.CharField(label="Trang, mục", max_length=255, required=False)

    def __init__(self, *args, entry, documents=(), **kwargs):
        self.entry = entry
        kwargs.setdefault("initial", {"version": entry.version, "response": entry.unit_response})
        super().__init__(*args, **kwargs)
        code = entry.node.code
        self.fields["response"].widget.attrs["aria-label"] = f"Giải trình {code}"
        self.fields["document"].set_documents(documents)
        self.fields["document"].widget.attrs["aria-label"] = f"Tài liệu cho {code}"
        self.fields["locator"].widget.attrs.update(
            {"aria-label": f"Trang, mục cho {code}", "placeholder": "trang, mục"}
        )


class SendForm(forms.Form):
    confirm_unanswered = forms.BooleanField(
        label="Tôi xác nhận gửi giải trình khi còn yêu cầu chưa trả lời", required=False
    )

"""Forms of the secretariat's period pages: creating and setting up a period, steps, assignments, extensions,
exclusions, the survey grid and corrections."""

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Count, Q

from scoring import policy
from scoring.backoffice.fields import (
    DateField,
    PointsField,
    StrictModelChoiceField,
    StrictModelMultipleChoiceField,
    TextField,
    VersionField,
)
from scoring.backoffice.forms import RowFormSet
from scoring.models import CODE_VALIDATOR, Assessment, Framework, FrameworkStatus, Method, Period, Phase
from scoring.roles import APPRAISER_GROUP
from scoring.services.periods import CAP_LABELS, CAP_LIMIT, DEADLINE_LABELS, BandSpec
from scoring.services.survey import SurveyValue
from units.models import Unit, UnitGroup

WIDE = forms.TextInput(attrs={"class": "vTextField"})
CODE_HELP = "Dùng trong đường dẫn công khai: chữ cái không dấu, chữ số, dấu gạch ngang, ví dụ 2026-so."


class PeriodCodeMixin:
    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if Period.objects.filter(code=code).exists():
            raise forms.ValidationError("Mã này đã được dùng cho một kỳ đánh giá khác.")
        return code


class PeriodNewForm(PeriodCodeMixin, forms.Form):
    code = forms.CharField(
        label="Mã kỳ đánh giá", max_length=64, validators=[CODE_VALIDATOR], help_text=CODE_HELP
    )
    year = forms.IntegerField(label="Năm đánh giá", min_value=2000, max_value=2100)
    title = forms.CharField(label="Tên kỳ đánh giá", max_length=255, widget=WIDE)


class PeriodFromPreviousForm(PeriodNewForm):
    previous = StrictModelChoiceField(
        label="Tạo từ kỳ đánh giá", queryset=Period.objects.order_by("-year", "title")
    )
    field_order = ["previous", "code", "year", "title"]

    def clean(self):
        data = super().clean()
        if data.get("previous") and data.get("year") and data["year"] <= data["previous"].year:
            self.add_error("year", "Năm của kỳ mới phải sau năm của kỳ được sao chép.")
        return data


class CapField(PointsField):
    """A cap on bonus or deduction points: empty (no cap), or 0 to 100 with at most 2 decimals."""

    def __init__(self, **kwargs):
        super().__init__(max_points=CAP_LIMIT, places=2, **kwargs)

    def to_python(self, value):
        if isinstance(value, str) and value.strip().startswith("-"):
            raise forms.ValidationError(
                "Mức tối đa không được âm: nhập một số từ 0 đến 100, hoặc để trống nếu không giới hạn.",
                code="negative",
            )
        return super().to_python(value)


class PeriodSettingsForm(forms.Form):
    title = forms.CharField(label="Tên kỳ đánh giá", max_length=255, widget=WIDE)
    self_assessment_deadline = DateField(label=DEADLINE_LABELS["self_assessment_deadline"], required=False)
    appraisal_deadline = DateField(label=DEADLINE_LABELS["appraisal_deadline"], required=False)
    explanation_deadline = DateField(label=DEADLINE_LABELS["explanation_deadline"], required=False)
    final_appraisal_deadline = DateField(label=DEADLINE_LABELS["final_appraisal_deadline"], required=False)
    bonus_cap = CapField(
        label=CAP_LABELS["bonus_cap"],
        help_text="Tổng điểm thưởng cộng cho một đơn vị không vượt mức này; để trống nếu chỉ giới hạn theo điểm "
        "tối đa của từng tiêu chí điểm thưởng.",
    )
    deduction_cap = CapField(
        label=CAP_LABELS["deduction_cap"],
        help_text="Tổng điểm bị trừ của một đơn vị không vượt mức này; để trống nếu chỉ giới hạn theo điểm tối "
        "đa của từng tiêu chí điểm trừ.",
    )
    note = TextField(label="Ghi chú", widget=forms.Textarea(attrs={"rows": 2}))

    def deadlines(self) -> dict:
        return {field: self.cleaned_data[field] for field in DEADLINE_LABELS}

    def caps(self) -> dict:
        return {field: self.cleaned_data[field] for field in CAP_LABELS}


class BandForm(forms.Form):
    name = forms.CharField(label="Tên mức xếp loại", max_length=64)
    min_index = PointsField(label="Chỉ số tối thiểu (%)", max_points=100, places=2, required=True)


class BaseBandFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        names, thresholds = set(), set()
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            name, minimum = form.cleaned_data["name"].strip(), form.cleaned_data["min_index"]
            if name in names:
                raise forms.ValidationError(f"Tên mức xếp loại «{name}» bị trùng.")
            if minimum in thresholds:
                raise forms.ValidationError("Hai mức xếp loại không được cùng ngưỡng.")
            names.add(name)
            thresholds.add(minimum)
        if not names:
            raise forms.ValidationError("Cần ít nhất một mức xếp loại.")

    def bands(self) -> list[BandSpec]:
        return [
            BandSpec(form.cleaned_data["name"], form.cleaned_data["min_index"])
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


BandFormSet = forms.formset_factory(BandForm, formset=BaseBandFormSet, extra=2, can_delete=True, max_num=20)


class GroupAddForm(forms.Form):
    unit_group = StrictModelChoiceField(label="Nhóm đơn vị", queryset=UnitGroup.objects.order_by("name"))
    framework = StrictModelChoiceField(
        label="Bộ tiêu chí",
        queryset=Framework.objects.exclude(status=FrameworkStatus.DRAFT).order_by("-decision_date", "code"),
    )


class RankingGroupsForm(forms.Form):
    """The period's named ranking groups (nhóm xếp hạng riêng): groups in use in the period's year, other than
    its own; the service checks that each holds at least two of the period's units."""

    ranking_groups = StrictModelMultipleChoiceField(
        label="Nhóm xếp hạng riêng",
        queryset=UnitGroup.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Mỗi đơn vị thuộc nhóm được xếp hạng thêm trong nhóm (ví dụ khối quận, khối huyện), bên cạnh "
        "thứ hạng chung. Bỏ chọn hết để không xếp hạng riêng.",
    )

    def __init__(self, *args, period, **kwargs):
        super().__init__(*args, **kwargs)
        start, end = datetime.date(period.year, 1, 1), datetime.date(period.year, 12, 31)
        # Offered: groups holding at least two of the period's units (others could rank nothing).
        taking_part = Unit.objects.filter(unit_groups__in=period.groups.values("unit_group"))
        self.fields["ranking_groups"].queryset = (
            UnitGroup.objects.exclude(pk__in=period.groups.values("unit_group"))
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=start))
            .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=end))
            .annotate(taking_part=Count("members", filter=Q(members__in=taking_part), distinct=True))
            .filter(taking_part__gte=2)
            .order_by("name")
        )


class StepForm(forms.Form):
    """Confirmation of a step seen in its preview: the phase it was seen in travels with the form."""

    expected_status = forms.CharField(widget=forms.HiddenInput, max_length=20)
    reason = TextField(label="Ghi chú (không bắt buộc)")
    confirm = forms.BooleanField(label="Tôi đã xem danh sách trên và xác nhận", required=True)


class PublishForm(forms.Form):
    reason = TextField(label="Số, ngày quyết định công bố hoặc ghi chú (không bắt buộc)")
    confirm = forms.BooleanField(
        label="Tôi xác nhận công bố kết quả; kết quả đã công bố không sửa được", required=True
    )


class ConfirmForm(forms.Form):
    """A required tick box saying what is confirmed (`label`)."""

    confirm = forms.BooleanField(label="Tôi xác nhận", required=True)

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["confirm"].label = label


class ExcludeForm(forms.Form):
    assessment = StrictModelChoiceField(label="Đơn vị", queryset=Assessment.objects.none())
    reason = TextField(
        label="Lý do không xếp hạng", required=True, help_text="Ví dụ: đơn vị sáp nhập từ 01/07/2025."
    )

    def __init__(self, *args, period, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessment"].queryset = (
            period.assessments.exclude(status=policy.EXCLUDED_STATUS)
            .select_related("unit")
            .order_by("unit__name")
        )
        self.fields["assessment"].label_from_instance = lambda a: str(a.unit)


class ExtensionForm(forms.Form):
    unit = StrictModelChoiceField(label="Đơn vị", queryset=Unit.objects.none())
    phase = forms.ChoiceField(label="Giai đoạn", choices=Phase.choices)
    deadline = DateField(label="Hạn mới")
    reason = TextField(label="Lý do gia hạn", required=True)

    def __init__(self, *args, period, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(assessments__period=period).order_by("name")

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline < datetime.date(2000, 1, 1):
            raise forms.ValidationError("Ngày không hợp lệ.")
        return deadline


class AssignmentForm(forms.Form):
    appraiser = StrictModelChoiceField(label="Thẩm định viên", queryset=get_user_model().objects.none())
    units = StrictModelMultipleChoiceField(
        label="Đơn vị",
        queryset=Unit.objects.none(),
        required=False,
        help_text="Để trống: mọi đơn vị của kỳ. Giữ Ctrl (⌘ trên Mac) để chọn nhiều.",
    )
    domains = forms.MultipleChoiceField(
        label="Lĩnh vực",
        required=False,
        help_text="Để trống: mọi lĩnh vực.",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, period, domain_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["appraiser"].queryset = (
            get_user_model().objects.filter(groups__name=APPRAISER_GROUP, is_active=True).order_by("username")
        )
        self.fields["appraiser"].label_from_instance = lambda u: (
            f"{u.get_full_name() or u.username} ({u.username})"
        )
        self.fields["units"].queryset = (
            Unit.objects.filter(unit_groups__in=period.groups.values("unit_group"))
            .distinct()
            .order_by("name")
        )
        self.fields["domains"].choices = domain_choices


class CorrectionOpenForm(forms.Form):
    reason = TextField(
        label="Lý do đính chính", required=True, help_text="Ví dụ: số liệu tiêu chí 3.3.1 nhập nhầm."
    )
    entries = forms.TypedMultipleChoiceField(
        label="Tiêu chí cần đính chính", coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {entry.pk: entry for entry in candidates}
        self.fields["entries"].choices = [
            (entry.pk, f"{entry.assessment.unit} – {entry.node.code}. {entry.node.name[:80]}")
            for entry in candidates
        ]

    def chosen(self):
        return [self.candidates[pk] for pk in self.cleaned_data["entries"]]


class CorrectionRowForm(forms.Form):
    points = PointsField(label="Điểm mới", places=4, required=True)
    reason = TextField(label="Lý do thay đổi", required=True)

    def __init__(self, *args, item, **kwargs):
        self.item = item
        kwargs.setdefault(
            "initial", {"points": item.new_points, "reason": item.change_reason} if item.changed_at else {}
        )
        super().__init__(*args, **kwargs)
        node = item.entry.node
        self.fields["points"].max_points = node.max_points
        self.fields["points"].places = 4 if node.method == Method.SURVEY else 2
        label = f"{item.entry.assessment.unit} {node.code}"
        self.fields["points"].widget.attrs["aria-label"] = f"Điểm mới {label}"
        self.fields["reason"].widget.attrs["aria-label"] = f"Lý do thay đổi {label}"


class CorrectionFormSet(RowFormSet):
    """One form per reopened item of a correction (form.item)."""

    row_name = "item"
    default_prefix = "dc"


def correction_formset(data=None, *, items):
    return forms.formset_factory(CorrectionRowForm, formset=CorrectionFormSet, extra=0)(data, rows=items)


class SurveyGridForm(forms.Form):
    """The survey grid: a points field per open cell (`d_<entry id>`), its version, and an "unwaive" box for
    waived cells."""

    def __init__(self, *args, grid, **kwargs):
        super().__init__(*args, **kwargs)
        self.cells = []
        for row in grid["rows"]:
            if row["closed"]:
                continue
            for entry in row["cells"]:
                if entry is None:
                    continue
                self.cells.append(entry)
                label = f"{row['assessment'].unit} {entry.node.code}"
                self.fields[f"v_{entry.pk}"] = VersionField(initial=entry.version, required=False)
                if entry.not_applicable:
                    self.fields[f"u_{entry.pk}"] = forms.BooleanField(
                        required=False, label=f"Bỏ miễn {label}"
                    )
                else:
                    field = PointsField(
                        max_points=entry.node.max_points, places=4, initial=entry.survey_points
                    )
                    field.widget.attrs["aria-label"] = f"Điểm điều tra {label}"
                    self.fields[f"d_{entry.pk}"] = field

    def values(self):
        """SurveyValue for every cell whose value changed."""
        out = []
        for entry in self.cells:
            version = self.cleaned_data[f"v_{entry.pk}"]
            if f"d_{entry.pk}" not in self.data and f"u_{entry.pk}" not in self.data:
                continue  # a cell the page did not send is left as it is
            if version is None:
                version = -1  # refused by the service as changed meanwhile
            if entry.not_applicable:
                if self.cleaned_data.get(f"u_{entry.pk}"):
                    out.append(SurveyValue(entry.pk, version, None))
                continue
            points = self.cleaned_data.get(f"d_{entry.pk}")
            if points != entry.survey_points:
                out.append(SurveyValue(entry.pk, version, points))
        return out


class SurveyWaiveForm(forms.Form):
    assessment = StrictModelChoiceField(label="Đơn vị", queryset=Assessment.objects.none())
    node = forms.ChoiceField(label="Tiêu chí điều tra")
    reason = TextField(label="Lý do miễn", required=True, help_text="Ví dụ: không đủ phiếu khảo sát hợp lệ.")

    def __init__(self, *args, grid, **kwargs):
        super().__init__(*args, **kwargs)
        ids = [row["assessment"].pk for row in grid["rows"] if not row["closed"]]
        self.fields["assessment"].queryset = (
            Assessment.objects.filter(pk__in=ids).select_related("unit").order_by("unit__name")
        )
        self.fields["assessment"].label_from_instance = lambda a: str(a.unit)
        self.fields["node"].choices = [
            (node.code, f"{node.code}. {node.name[:70]}") for node in grid["nodes"]
        ]

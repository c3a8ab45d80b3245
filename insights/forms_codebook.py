"""Forms of the codebook workbench: editing themes, judging candidates, importing files and
starting discovery runs. Validation here is about what a person typed; the rules of the
codebook itself (what may sit under what, what may be merged) live in the services."""

from __future__ import annotations

from django import forms

from .models import CoreQuestion, Theme
from .services.codebook import clean_label, clean_list, parent_choices
from .services.codebook_restructure import merge_targets

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_SPLIT_PARTS = 3


class ThemeChoiceField(forms.ModelChoiceField):
    """Themes named as people know them, by key in the form so URLs and posts stay readable."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "key")
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return str(obj)


class LinesField(forms.CharField):
    """One entry per line (key phrases, example quotes); "|" is kept for CSV and REFI-QDA."""

    widget = forms.Textarea(attrs={"rows": 4})

    def to_python(self, value):
        lines = clean_list((super().to_python(value) or "").splitlines())
        for line in lines:
            if "|" in line:
                raise forms.ValidationError(
                    "Entries cannot contain “|”: it separates them in exported files"
                )
        return lines

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value


class ThemeForm(forms.Form):
    """Adding a theme, or editing one (its name is changed through renaming)."""

    label = forms.CharField(label="Name", max_length=160)
    parent = ThemeChoiceField(
        label="Sits under",
        queryset=Theme.objects.none(),
        required=False,
        empty_label="Nothing: it is a top-level theme",
        help_text="Themes have sub-themes, one level deep.",
    )
    kind = forms.ChoiceField(label="Kind", choices=Theme.Kind.choices, widget=forms.RadioSelect)
    definition = forms.CharField(
        label="Definition",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the theme means, in a sentence or two.",
    )
    include_notes = forms.CharField(
        label="Include",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="What counts as this theme.",
    )
    exclude_notes = forms.CharField(
        label="Exclude",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="What belongs to another theme instead.",
    )
    key_phrases = LinesField(
        label="Key phrases",
        required=False,
        help_text="One a line. The engine looks for these words when it suggests codes.",
    )
    examples = LinesField(
        label="Example quotes",
        required=False,
        help_text="One a line. Write examples; do not paste what a real person said.",
    )
    core_questions = forms.ModelMultipleChoiceField(
        label="Core questions it informs",
        queryset=CoreQuestion.objects.order_by("number"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, theme: Theme | None = None, **kwargs):
        if theme is not None:
            kwargs.setdefault(
                "initial",
                {
                    "label": theme.label,
                    "parent": theme.parent.key if theme.parent_id else None,
                    "kind": theme.kind,
                    "definition": theme.definition,
                    "include_notes": theme.include_notes,
                    "exclude_notes": theme.exclude_notes,
                    "key_phrases": theme.key_phrases,
                    "examples": theme.examples,
                    "core_questions": list(theme.core_questions.all()),
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parent_choices(theme)
        self.fields["core_questions"].label_from_instance = lambda q: (
            f"Question {q.number}: {q.short_title}"
        )
        if theme is not None:
            del self.fields["label"]  # renaming is its own, recorded, action

    def clean_label(self):
        label = clean_label(self.cleaned_data["label"])
        if not label:
            raise forms.ValidationError("Enter the theme's name")
        return label


class RenameForm(forms.Form):
    label = forms.CharField(label="New name", max_length=160)

    def clean_label(self):
        label = clean_label(self.cleaned_data["label"])
        if not label:
            raise forms.ValidationError("Enter the new name")
        return label


class ApproveForm(forms.Form):
    """Approving a candidate: a person names and defines it, and places it in the tree."""

    label = forms.CharField(label="Name", max_length=160)
    definition = forms.CharField(
        label="Definition",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the theme means. Reviewers read this when they code.",
        error_messages={"required": "Write a definition before approving the theme"},
    )
    kind = forms.ChoiceField(label="Kind", choices=Theme.Kind.choices, widget=forms.RadioSelect)
    parent = ThemeChoiceField(
        label="Sits under",
        queryset=Theme.objects.none(),
        required=False,
        empty_label="Nothing: it is a top-level theme",
    )

    def __init__(self, *args, theme: Theme, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "label": theme.label,
                "definition": theme.definition,
                "kind": theme.kind,
                "parent": theme.nearest_theme.parent.key
                if theme.nearest_theme and theme.nearest_theme.parent_id
                else None,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parent_choices(theme)


class MergeForm(forms.Form):
    target = ThemeChoiceField(
        label="Merge into",
        queryset=Theme.objects.none(),
        empty_label="Choose a theme",
        help_text="Its codes move to this theme, and it is retired.",
        error_messages={"required": "Choose the theme to merge into"},
    )

    def __init__(self, *args, theme: Theme, **kwargs):
        if theme.nearest_theme_id and "initial" not in kwargs:
            kwargs["initial"] = {"target": theme.nearest_theme.key}
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = merge_targets(theme).select_related("parent")


class ConfirmForm(forms.Form):
    """Reject and retire ask only for a confirmation (the button press)."""


class SplitForm(forms.Form):
    """Splitting a theme into two or three, and saying where each representative quote goes."""

    approve = forms.BooleanField(
        label="Approve the new themes now",
        required=False,
        help_text="Otherwise they become candidates to look at again.",
    )

    def __init__(self, *args, theme: Theme, quotes, **kwargs):
        super().__init__(*args, **kwargs)
        self.quotes = list(quotes)
        for n in range(1, MAX_SPLIT_PARTS + 1):
            self.fields[f"label_{n}"] = forms.CharField(
                label=f"Name of new theme {n}",
                max_length=160,
                required=n <= 2,
                error_messages={"required": f"Enter a name for new theme {n}"},
            )
            self.fields[f"definition_{n}"] = forms.CharField(
                label=f"Definition of new theme {n}",
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
            )
        choices = [(str(n), f"New theme {n}") for n in range(1, MAX_SPLIT_PARTS + 1)]
        for segment in self.quotes:
            self.fields[f"quote_{segment.pk}"] = forms.ChoiceField(
                label=f"“{segment.text}”",
                choices=[*choices, ("", "Neither")],
                widget=forms.RadioSelect,
                required=False,
            )
        # The approve box goes last, next to the button.
        self.order_fields([f for f in self.fields if f != "approve"] + ["approve"])

    def part_fields(self):
        return [
            (self[f"label_{n}"], self[f"definition_{n}"]) for n in range(1, MAX_SPLIT_PARTS + 1)
        ]

    def quote_fields(self):
        return [self[f"quote_{segment.pk}"] for segment in self.quotes]

    def clean(self):
        data = super().clean()
        named = {
            n for n in range(1, MAX_SPLIT_PARTS + 1) if clean_label(data.get(f"label_{n}") or "")
        }
        for segment in self.quotes:
            choice = data.get(f"quote_{segment.pk}")
            if choice and int(choice) not in named:
                self.add_error(
                    f"quote_{segment.pk}",
                    f"New theme {choice} has no name: name it or choose another",
                )
        return data

    def parts(self):
        """The split as the service takes it."""
        from .services.codebook_restructure import SplitPart

        data = self.cleaned_data
        parts = []
        for n in range(1, MAX_SPLIT_PARTS + 1):
            label = clean_label(data.get(f"label_{n}") or "")
            if not label:
                continue
            parts.append(
                SplitPart(
                    label=label,
                    definition=data.get(f"definition_{n}") or "",
                    segment_ids=[s.pk for s in self.quotes if data.get(f"quote_{s.pk}") == str(n)],
                )
            )
        return parts


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Codebook file",
        help_text="A CSV file exported from here or a spreadsheet, or a REFI-QDA codebook "
        "(.qdc) from NVivo, ATLAS.ti, MAXQDA or QualCoder.",
        error_messages={"required": "Choose a codebook file", "empty": "The file is empty"},
    )
    approve = forms.BooleanField(
        label="Approve on import",
        required=False,
        help_text="New themes take the status the file gives them (approved if it gives none). "
        "Otherwise they arrive as candidates for you to approve one by one.",
    )

    def clean_file(self):
        """Size first, then content: a CSV or a REFI-QDA codebook is UTF-8 text whatever the
        file is called; which of the two it is comes from the content too (see `format`)."""
        from engagement.uploads import check_text_upload, form_check

        upload = self.cleaned_data["file"]
        form_check(check_text_upload, upload, max_bytes=MAX_UPLOAD_BYTES, what="codebook file")
        upload.seek(0)
        head = upload.read(512).lstrip(b"\xef\xbb\xbf \t\r\n")
        upload.seek(0)
        self._is_xml = head.startswith(b"<")
        return upload

    @property
    def format(self) -> str:
        return "qdc" if getattr(self, "_is_xml", False) else "csv"

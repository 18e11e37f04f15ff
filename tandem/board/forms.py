"""Parsing for the board's pages; the rules themselves live in the services."""

from typing import Any

from django import forms

from tandem.accounts.models import Organization
from tandem.board.models import Question, Report
from tandem.board.services.moderation import NOTE_MAX, REASON_MAX
from tandem.board.services.posts import ANSWER_MAX, BODY_MAX, MAX_TOPICS, TITLE_MAX
from tandem.core.forms import IdsChoiceField
from tandem.programs.models import Topic


class QuestionForm(forms.Form):
    title = forms.CharField(
        label="Your question, in one line",
        max_length=TITLE_MAX,
        help_text="For example: “How did you prepare for your first presentation to the board?”",
    )
    body = forms.CharField(
        label="More detail",
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text="What you tried, what you are unsure about. Leave out other people's private "
        "details.",
    )
    topics = IdsChoiceField(
        queryset=Topic.objects.none(),
        label="Topics",
        widget=forms.CheckboxSelectMultiple,
        help_text=f"Up to {MAX_TOPICS}. Mentors who offer them hear of your question.",
        error_messages={
            "required": "Choose at least one topic, so the right mentors hear of it.",
            "invalid_choice": "Choose topics from the list.",
            "invalid_pk_value": "Choose topics from the list.",
        },
    )
    is_anonymous = forms.BooleanField(
        label="Ask anonymously",
        required=False,
        help_text="Other participants will not see your name. The board's moderators (the "
        "program's admins) always can.",
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["topics"]
        assert isinstance(field, IdsChoiceField)
        field.queryset = Topic.objects.filter(organization=organization).order_by("name")


class AnswerForm(forms.Form):
    body = forms.CharField(
        label="Your answer",
        max_length=ANSWER_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Share what worked for you, kindly and concretely.",
    )


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label="What is wrong with it?",
        choices=Report.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose why you are reporting this.",
            "invalid_choice": "Choose one of the reasons listed.",
        },
    )
    note = forms.CharField(
        label="Anything the moderators should know (optional)",
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The author is never told who reported the post.",
    )


class ModerateForm(forms.Form):
    action = forms.ChoiceField(
        label="What to do",
        widget=forms.RadioSelect,
        choices=[],
        error_messages={
            "required": "Choose what to do.",
            "invalid_choice": "Choose one of the actions listed.",
        },
    )
    reason = forms.CharField(
        label="Reason",
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The author reads it: say kindly what was wrong. It never names who reported.",
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["action"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices


class QuestionEditForm(forms.Form):
    title = forms.CharField(label="Title", max_length=TITLE_MAX)
    body = forms.CharField(
        label="Question", max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 7})
    )
    reason = forms.CharField(
        label="Reason for the edit",
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The author reads it. The text before the edit is kept for moderators.",
    )


class AnswerEditForm(forms.Form):
    body = forms.CharField(
        label="Answer", max_length=ANSWER_MAX, widget=forms.Textarea(attrs={"rows": 6})
    )
    reason = forms.CharField(
        label="Reason for the edit",
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The author reads it. The text before the edit is kept for moderators.",
    )


class OrganizationBoardForm(forms.Form):
    is_open = forms.BooleanField(
        label="Open a board to every member of the organization",
        required=False,
        help_text="Beside each program's own board. You and the other organization admins "
        "moderate it.",
    )


def question_state_choices(question: Question) -> list[tuple[str, str]]:
    if question.state == Question.State.HIDDEN:
        return [("unhide", "Show it on the board again")]
    choices = [("hide", "Hide it from the board")]
    if question.state == Question.State.LOCKED:
        return [*choices, ("unlock", "Unlock: take answers again")]
    return [*choices, ("lock", "Lock: keep it visible, take no new answers")]

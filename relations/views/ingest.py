"""Article ingestion pages: submit an article, follow its extraction, review and approve the proposal."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ..ingest.approve import approve_article
from ..ingest.intake import Intake, IntakeError, Outcome, check_size, intake_file, intake_text, intake_url
from ..ingest.queue import queue_extraction
from ..ingest.review import FACT_KINDS, highlight, review_forms
from ..models import Article

EDITOR = "relations.add_article"
REVIEWER = ("relations.add_article", "relations.add_meeting")
IN_PROGRESS = (Article.Status.PENDING, Article.Status.QUEUED, Article.Status.PROCESSING)


class ArticleSubmitForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Paste the article"), required=False, widget=forms.Textarea(attrs={"rows": 12})
    )
    file = forms.FileField(
        label=gettext_lazy("…or upload a .txt or .html file"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.html,.htm,text/plain,text/html"}),
    )
    url = forms.URLField(label=gettext_lazy("…or give its address"), required=False, assume_scheme="https")
    title = forms.CharField(label=gettext_lazy("Title"), required=False, max_length=500)
    published_on = forms.DateField(
        label=gettext_lazy("Published on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    outlet = forms.CharField(label=gettext_lazy("Outlet"), required=False, max_length=200)

    def clean(self):
        data = super().clean()
        given = [name for name in ("text", "file", "url") if data.get(name)]
        # A source refused by its own field (an empty file, an address that is not one) has its error already.
        refused = any(name in self.errors for name in ("text", "file", "url"))
        if len(given) != 1 and not (refused and not given):
            raise ValidationError(_("Give the article one way: paste its text, upload a file, or give its address."))
        return data

    def intake(self) -> Intake:
        data = self.cleaned_data
        meta = {key: data[key] for key in ("title", "published_on", "outlet") if data.get(key)}
        if data.get("file"):
            upload = data["file"]
            check_size(upload.size)  # before reading it into memory
            return intake_file(upload.read(), filename=upload.name, content_type=upload.content_type or "", **meta)
        if data.get("url"):
            return intake_url(data["url"], **meta)
        return intake_text(data["text"], **meta)


@permission_required(EDITOR)
def article_list(request: HttpRequest) -> HttpResponse:
    articles = Article.objects.defer("text", "proposal").annotate(meeting_count=Count("meetings")).order_by("-id")
    return render(request, "relations/article_list.html", {"articles": articles[:100]})


@permission_required(EDITOR)
def article_create(request: HttpRequest) -> HttpResponse:
    form = ArticleSubmitForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            intake = form.intake()
        except IntakeError as exc:
            form.add_error(None, str(exc))
        else:
            if intake.needs_extraction:
                queue_extraction(intake.article.pk)
            notice = {
                Outcome.CREATED: _("Article stored; extraction is under way."),
                Outcome.EXISTING: _("This article was already imported; here it is."),
                Outcome.NEAR_DUPLICATE: _("A near-duplicate of an article already imported; it is linked to it."),
            }[intake.outcome]
            messages.success(request, notice)
            return redirect("relations:article-detail", pk=intake.article.pk)
    return render(request, "relations/article_form.html", {"form": form}, status=400 if form.errors else 200)


@permission_required("relations.view_article")
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.select_related("duplicate_of"), pk=pk)
    context = {
        "article": article,
        "in_progress": article.status in IN_PROGRESS and not article.duplicate_of_id,
        "can_requeue": article.status in (Article.Status.PENDING, Article.Status.FAILED)
        and not article.duplicate_of_id,
        "meetings": article.meetings.all(),
    }
    return render(request, "relations/article_detail.html", context)


@require_POST
@permission_required(EDITOR)
def article_requeue(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=pk, duplicate_of__isnull=True)
    if article.status in (Article.Status.PENDING, Article.Status.FAILED):
        queue_extraction(article.pk)
    return redirect("relations:article-detail", pk=pk)


@permission_required(REVIEWER)
def article_review(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=pk)
    if article.status != Article.Status.PROPOSED:
        return redirect("relations:article-detail", pk=pk)
    reviews = review_forms(article.proposal, request.POST or None)
    if request.method == "POST":
        included = [review for review in reviews if review.is_valid() and review.form.cleaned_data.get("include")]
        if all(review.is_valid() for review in reviews):
            try:
                recorded = approve_article(article, [review.cleaned() for review in included])
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("Approved: %(n)s meeting(s) recorded.") % {"n": len(recorded)})
                if recorded:
                    return redirect("relations:meeting-detail", pk=recorded[0].meeting.pk)
                return redirect("relations:article-detail", pk=pk)
    context = {
        "article": article,
        "reviews": reviews,
        "marked_text": highlight(article.text, article.proposal).render(),
        "fact_kinds": FACT_KINDS,
        "detail_url": reverse("relations:article-detail", args=[pk]),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "relations/article_review.html", context, status=status)

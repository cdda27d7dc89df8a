"""The officer console: login, my unit's queue, the report page and its actions, photos, the validator queue.

Views parse input, call one selector or service, render. Every listing, report view and photo view is
written to the access log, exactly as the officer API does.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.db.models import F, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from sigap.core.errors import DomainError, NotFound
from sigap.core.language import error_text, in_english, name_in_language
from sigap.organization.roles import unit_ids_where
from sigap.privacy.access_log import Action, access_record, access_record_many
from sigap.reports import deadlines, desk, escalation, photoserve, proofcheck, questions, selectors, services
from sigap.reports.models import Escalation, Photo, Report, StatusChange
from sigap.reports.states import Status
from sigap.routing.cache import routing_data
from sigap.routing.places import kelurahan_choosable, place_data

from . import exports, flow
from .access import (
    console_view,
    forbidden,
    is_htmx,
    user_can_enter_reports,
    user_can_open_validation_queue,
    user_can_use_queue,
)
from .actions import ACTIONS, BY_NAME, BY_SLUG, allowed_actions, perform
from .forms import ALL, CLOSED, SORTS, QueueFilterForm
from .listing import RowText
from .signin import SignInForm

PAGE_SIZE = 25
EXPORT_FILE_ROWS = exports.DEFAULT_LIMIT  # reports per file exported from the console


class CappedPaginator(Paginator):
    """Page numbers over a queue whose count stops at ``selectors.COUNT_CAP`` (closed reports are history:
    counting them all would grow with it); ``capped`` says the real total is larger."""

    capped = False

    def __init__(self, object_list, per_page, *, size=None):
        super().__init__(object_list, per_page)
        self._size = size or (lambda: selectors.capped_count(self.object_list))

    @cached_property
    def count(self) -> int:
        n, self.capped = self._size()
        return n


VALIDATION_PAGE_SIZE = 10
ESCALATION_PAGE_SIZE = 50
REFUSAL_HEADER = "X-Sigap-Refusal"


# --- login / logout ----------------------------------------------------------------------------


class ConsoleLoginView(auth_views.LoginView):
    """Django's LoginView with our labels, the second factor for roles above officer (``signin``), and the
    sign-in lockout per account and address (django-axes, ``sigap.core.throttles``)."""

    template_name = "officers/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        if getattr(self.request, "axes_locked_out", False):
            form.errors.clear()
            form.add_error(None, _("Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam beberapa menit."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_invalid(form)


class ConsoleLogoutView(auth_views.LogoutView):
    next_page = "officers:login"


# --- the queue ---------------------------------------------------------------------------------


def _category_label(k) -> str:
    return name_in_language(k.name, k.name_en)


def _count_label(n: int, capped: bool) -> str:
    """A count as the console shows it: "27", or "1.000+" past the cap (Indonesian thousands separator)."""
    return f"{n:,}".replace(",", ".") + "+" if capped else str(n)


def _queue_filters(request, user, scope) -> tuple[QueueFilterForm, dict]:
    """The queue's filter form over the request and the filters it gives (status, category, kelurahan, overdue;
    an invalid filter is simply not applied). The queue page and its exports read them alike."""
    # by the name shown, in the reader's language (by the Indonesian name, the English list looked unordered)
    categories = sorted(
        ((k.code, _category_label(k)) for k in routing_data().category_by_code.values()), key=lambda c: c[1].casefold()
    )
    query = request.GET
    if "kategori" in query and "category" not in query:  # a bookmark made before the parameter was renamed
        query = query.copy()
        query["category"] = query["kategori"]
    form = QueueFilterForm(
        query,
        category_choices=categories,
        kelurahan_choices=selectors.kelurahan_choices(user=user, scope=scope),
    )
    form.is_valid()
    value = form.value
    overdue = {"1": True, "0": False}.get(value("overdue") or "")
    return form, {
        "status": value("status"),
        "category": value("category"),
        "kelurahan": value("kelurahan"),
        "overdue": overdue,
    }


def _filter_params(filters: dict) -> dict:
    """The filters as the console's query values (``overdue``: 1 or 0), empty ones left out."""
    overdue = filters["overdue"]
    values = {**filters, "overdue": None if overdue is None else ("1" if overdue else "0")}
    return {k: v for k, v in values.items() if v}


def _queue_rows(reports, now) -> list[dict]:
    """The queue's rows with their cells' texts (``listing.RowText``: no per-row filter in the template)."""
    text = RowText()
    rows = []
    for r in reports:
        category = r.category
        cells = text.cells(
            r.number,
            r.status,
            r.due_at,
            r.hop_deadline,
            category.name if category is not None else None,
            category.name_en if category is not None else None,
        )
        rows.append(
            {
                "report": r,
                "overdue": deadlines.is_overdue(r, now),
                "new": deadlines.awaits_acceptance(r),
                "answered": deadlines.answered_since_moved(r),
                # why it waits, on the desk's rows only (a unit the desk passed an unplaced report to cannot triage)
                "triage": TRIAGE_REASONS.get(r.triage_reason, "")
                if r.triage_reason and services.at_the_desk(r)
                else "",
                **cells,
            }
        )
    return rows


def _queue(request, *, export_links: bool = False) -> dict:
    """The console queue. Open reports by default (bounded by the workload, so exact counts and page numbers);
    closed ones behind the status filter, with counts that stop at 1,000. A fixed number of statements.
    ``export_links``: the download links of the page too (``_export_links``)."""
    user = request.user
    scope = selectors.scope_of(user)
    form, chosen = _queue_filters(request, user, scope)
    value = form.value
    status, category, kelurahan, overdue = (chosen[k] for k in ("status", "category", "kelurahan", "overdue"))
    sort = value("sort") or "urgent"
    now = timezone.now()
    qs = selectors.report_queue(
        user=user, status=status, category=category, kelurahan=kelurahan, overdue=overdue, now=now, scope=scope
    ).only(*selectors.QUEUE_COLUMNS)
    if sort != "urgent":
        ordering = [
            F(f[1:]).desc(nulls_last=True) if f.startswith("-") else F(f).asc(nulls_last=True) for f in SORTS[sort]
        ]
        qs = qs.order_by(*ordering, "-pk")
    counts = selectors.queue_counts(user=user, category=category, kelurahan=kelurahan, scope=scope)

    def size():
        return selectors.queue_size(
            user=user,
            status=status,
            category=category,
            kelurahan=kelurahan,
            overdue=overdue,
            now=now,
            scope=scope,
            counts=counts,
        )

    page = CappedPaginator(qs, PAGE_SIZE, size=size).get_page(value("page") or 1)
    rows = list(page.object_list)
    filters = {
        k: v
        for k, v in {
            "status": status,
            "category": category,
            "kelurahan": kelurahan,
            "overdue": overdue,
            "sort": sort,
            "page": page.number,
        }.items()
        if v is not None
    }
    access_record(
        actor=user, action=Action.LIST_REPORTS, reports=[r.number for r in rows], filters=filters, view="console"
    )
    params = {
        k: v
        for k, v in {
            "status": status,
            "category": category,
            "kelurahan": kelurahan,
            "overdue": value("overdue"),
            "sort": sort if sort != "urgent" else None,
        }.items()
        if v
    }

    def qs_with(**changes) -> str:
        merged = {**params, **changes}
        return urlencode({k: v for k, v in merged.items() if v})

    by_status = counts.by_status
    context = {
        "form": form,
        "page": page,
        "now": now,
        "status": status,
        "rows": _queue_rows(rows, now),
        "counts": [
            {"status": s, "n": by_status[s.value], "query": qs_with(status=s.value)}
            for s in Status
            if by_status.get(s.value)
        ],
        "total": counts.open + counts.closed,
        "total_label": _count_label(counts.open + counts.closed, counts.closed_capped),
        "page_total_label": _count_label(page.paginator.count, page.paginator.capped),
        "all_query": qs_with(status=ALL),
        "closed_total": counts.closed,
        "closed_query": qs_with(status=CLOSED),
        "open_total": counts.open,
        "open_query": qs_with(status=None),
        "show_all": status == ALL,
        "show_closed": status == CLOSED,
        "query": qs_with(page=page.number if page.number > 1 else None),
        "prev_query": qs_with(page=page.previous_page_number()) if page.has_previous() else None,
        "next_query": qs_with(page=page.next_page_number()) if page.has_next() else None,
        "filtered": bool(params.keys() - {"sort"}),
    }
    if export_links:
        context.update(_export_links(request, chosen, page.paginator, scope, now))
    return context


def _export_links(request, filters: dict, paginator: CappedPaginator, scope, now) -> dict:
    """The queue page's "Unduh CSV" / "Unduh XLSX" links: the page's filters (not its sort: a file follows the
    queue's order, which the keyset reads), at most EXPORT_FILE_ROWS reports per file. A longer queue is exported
    file by file: ``ekspor`` (a cursor) on the queue page makes the links take the file that starts there.

    The queue page itself never reads past its own page: from the first file, "Berkas berikutnya" goes to
    ``export_next_view``, which finds where the second file starts (one read of at most EXPORT_FILE_ROWS + 1
    index rows) only when it is clicked. A page that shows a later file (``ekspor`` given: an officer walking the
    files) finds the next position itself, so that it can say when a file is the last."""
    base = _filter_params(filters)
    start = request.GET.get("ekspor") or None
    page_params = _export_page_params(request, filters)
    next_url = None
    if start:
        following = None
        try:
            qs = selectors.report_queue(user=request.user, cursor=start, scope=scope, now=now, **filters)
        except DomainError:  # a broken link: from the first file
            start = None
        else:
            following = _next_file_start(qs)
        if following:
            next_url = reverse("officers:queue") + "?" + urlencode({**page_params, "ekspor": following})
    if not start and (paginator.count > EXPORT_FILE_ROWS or paginator.capped):
        next_url = reverse("officers:export_next") + ("?" + urlencode(page_params) if page_params else "")
    return {
        "export_query": urlencode({**base, **({"cursor": start} if start else {})}),
        "export_rows": number_format(EXPORT_FILE_ROWS, force_grouping=True),
        "export_split": bool(start or next_url),
        "export_first_query": urlencode(page_params) if start else None,
        "export_next_url": next_url,
    }


@require_GET
@console_view(user_can_use_queue)
def export_next_view(request):
    """ "Berkas berikutnya" from the queue page's first file: where the second file starts, found now (the
    queue page does not read that far on every view), then the queue page showing that file's links."""
    user = request.user
    scope = selectors.scope_of(user)
    _form, filters = _queue_filters(request, user, scope)
    params = _export_page_params(request, filters)
    following = _next_file_start(selectors.report_queue(user=user, scope=scope, now=timezone.now(), **filters))
    if following:
        params["ekspor"] = following
    return redirect(reverse("officers:queue") + ("?" + urlencode(params) if params else ""))


def _export_page_params(request, filters: dict) -> dict:
    """The queue page's own query (its filters and a sort other than the default) for the export links."""
    sort = request.GET.get("sort")
    return {**_filter_params(filters), **({"sort": sort} if sort and sort != "urgent" else {})}


def _next_file_start(qs) -> str | None:
    """Where the export file after the one that starts at ``qs`` begins (a cursor), or None if that is the last:
    one read of at most EXPORT_FILE_ROWS + 1 index rows."""
    edge = list(qs[EXPORT_FILE_ROWS - 1 : EXPORT_FILE_ROWS + 1])
    return selectors.cursor_of(edge[0], qs) if len(edge) == 2 else None


@require_GET
@console_view()
def queue_view(request):
    if not user_can_use_queue(request):
        if user_can_enter_reports(request):
            return redirect("intake:operator")
        return forbidden(request)
    return render(request, "officers/queue.html", _queue(request, export_links=True))


@require_GET
@console_view(user_can_use_queue)
def queue_partial_view(request):
    return render(request, "officers/_queue.html", _queue(request))


@require_GET
@console_view(user_can_use_queue)
def export_view(request, fmt: str):
    """The queue as a file (CSV or XLSX) with the queue page's filters: the first EXPORT_FILE_ROWS reports, or
    those after ``cursor`` (the queue page links each following file). Same rows, paging and access log as the
    API's export; a file that is not the last carries ``Link`` and ``X-Next-Cursor`` like the API's."""
    user = request.user
    scope = selectors.scope_of(user)
    _form, filters = _queue_filters(request, user, scope)
    cursor = request.GET.get("cursor") or None
    try:
        page = exports.page_read(
            user=user, fmt=fmt, limit=EXPORT_FILE_ROWS, cursor=cursor, scope=scope, view="console", **filters
        )
    except DomainError as exc:
        return HttpResponse(error_text(exc), status=exc.status, content_type="text/plain; charset=utf-8")
    return exports.file_response(request, page, fmt, _filter_params(filters))


# --- the report page ---------------------------------------------------------------------------


def _visible(request, number: str) -> Report:
    try:
        return selectors.report_get_visible(user=request.user, number=number)
    except NotFound:
        raise Http404 from None


def _not_found(request) -> HttpResponse:
    if is_htmx(request):
        response = render(request, "officers/_not_found.html", status=404)
        response[REFUSAL_HEADER] = "not_found"
        return response
    return render(request, "officers/not_found.html", status=404)


def _question_choices() -> list[tuple[str, str]]:
    """The list of questions for an Anonim reporter (``reports.questions``), in the page's language."""
    english = (translation.get_language() or "id").startswith("en")
    return [(code, texts[1] if english else texts[0]) for code, texts in questions.catalog().items()]


TRIAGE_REASONS = {
    "location": gettext_lazy("lokasinya belum diketahui"),
    "category": gettext_lazy("kategorinya belum pasti"),
    "location+category": gettext_lazy("lokasi dan kategorinya belum diketahui"),
    "returned": gettext_lazy("unit yang menerimanya mengirimnya kembali ke desk"),
}


MIN_SUGGESTED = 0.05  # a category the categorizer gives less than this is not offered as a suggestion


def _triage_context(report: Report) -> dict:
    """What the desk chooses from: the suggestions stored when the report was written (``reports.desk``), every
    active category, and, for a report without the reporter's own point, every kelurahan by kecamatan (one query;
    the categories are reference data held in memory)."""
    data = routing_data()
    english = in_english()
    names = {code: name_in_language(c.name, c.name_en, english) for code, c in data.category_by_code.items()}
    places = place_data()
    found = desk.suggestions(report, names, places)
    placeable = services.desk_may_place(report)
    groups: dict[str, list[tuple[str, str]]] = {}
    if placeable:
        # the kelurahan a report can be placed in (in the service area, with a boundary): the list the server checks
        for code, name, kecamatan in kelurahan_choosable().values_list("code", "name", "parent__name"):
            groups.setdefault(kecamatan or "", []).append((code, name))
    suggested_places = found["places"] if placeable else []
    categories = [c for c in found["categories"] if c["confidence"] >= MIN_SUGGESTED]
    return {
        "reason": TRIAGE_REASONS.get(report.triage_reason, report.triage_reason),
        "categories": categories,
        "suggested_categories": {c["code"] for c in categories},
        "current_category": report.category.code if report.category_id else "",
        "places": suggested_places,
        "suggested_places": {p["kelurahan"]["code"] for p in suggested_places},
        "all_categories": sorted(names.items(), key=lambda item: item[1]),
        "kelurahan_groups": [(kec, sorted(items, key=lambda i: i[1])) for kec, items in sorted(groups.items())],
        # for a complaint about officials: the unit it concerns, which then never sees it (default: the unit the
        # reporter named, else the kelurahan of the location)
        "units": sorted(((u.code, u.name) for u in data.units_by_code.values() if u.active), key=lambda u: u[1]),
        "about_unit": report.concerned_unit.name if report.concerned_unit_id else "",
    }


def _report_context(
    request,
    report: Report,
    *,
    bound: tuple[str, object] | None = None,
    errors: dict[str, str] | None = None,
    result: str = "",
    open_action: str = "",
) -> dict:
    user = request.user
    now = timezone.now()
    allowed = allowed_actions(user, report)
    forms = {a.name: a.form() for a in ACTIONS if a.name in allowed}
    if bound is not None:
        forms[bound[0]] = bound[1]
    suggestions = flow.report_suggestions(report) if {"coordinate", "dispose"} & set(allowed) else None
    triage = _triage_context(report) if "triage" in allowed else None
    unit_q = request.GET.get("unit_q", "").strip()[:80] if request.method == "GET" else ""
    unit_results = list(flow.units_search(unit_q)) if unit_q and "coordinate" in allowed else None
    if unit_q:
        open_action = open_action or "coordinate"
    candidates = []
    if "merge" in allowed and report.kelurahan_id:
        # open reports of the same category and kelurahan at the handling unit (the caller's: only it may
        # merge): one range of the open-queue index, never the unit's history
        barred = selectors.scope_of(user).barred
        candidates = list(
            Report.objects.filter(
                unit_rows__unit_id=report.unit_id,
                unit_rows__holds=True,
                unit_rows__is_open=True,
                unit_rows__category_id=report.category_id,
                unit_rows__kelurahan_id=report.kelurahan_id,
            )
            .exclude(pk=report.pk)
            .exclude(concerned_unit_id__in=barred)
            .order_by("-pk")
            .values_list("number", flat=True)[:8]
        )
        if candidates:
            access_record(
                actor=user,
                action=Action.LIST_REPORTS,
                reports=candidates,
                filters={"duplicates_of": report.number},
                view="console",
            )
    photos = list(report.photos.select_related("unit"))
    proof_kinds = {p.kind for p in photos if p.unit_id == report.unit_id}
    # the proof's flags in words, for a validator only (as on the validation queue's cards): accepting a flagged
    # proof asks for a reason, and the page must show why
    proofs = [p for p in photos if p.kind in (Photo.Kind.BEFORE, Photo.Kind.AFTER)]
    flagged = _flags_worded(user, proofs)
    hops = selectors.report_hops(report)
    history = selectors.report_history(report)
    actor_ids = {h.actor_id for h in history if h.actor_id} | {h.actor_id for h in hops if h.actor_id}
    usernames = dict(get_user_model().objects.filter(pk__in=actor_ids).values_list("pk", "username"))
    return {
        "report": report,
        # the category's own working hours to accept or pass on ("6" was written into the page: a fire's is 1)
        "hop_hours": f"{deadlines.hop_hours(report.category):g}" if report.category_id else "",
        "questions": _question_choices() if "ask" in allowed else [],
        "now": now,
        "allowed": allowed,
        "forms": forms,
        "errors": errors or {},
        "result": result,
        "open_action": open_action,
        "suggestions": suggestions,
        "triage": triage,
        "unit_q": unit_q,
        "unit_results": unit_results,
        "merge_candidates": candidates,
        "history": history,
        "hops": hops,
        "usernames": usernames,
        "revisits": sum(1 for h in hops if h.revisit),
        "overdue": deadlines.is_overdue(report, now),
        "report_photos": [p for p in photos if p.kind == Photo.Kind.REPORT],
        "before_photos": [p for p in photos if p.kind == Photo.Kind.BEFORE],
        "after_photos": [p for p in photos if p.kind == Photo.Kind.AFTER],
        "proof_flagged": flagged,
        "validation_seen": report.round_shown(proofs),
        "titles": {a.name: a.title for a in ACTIONS},
        "slugs": {a.name: a.slug for a in ACTIONS},
        "merged_into": report.merged_into.number if report.merged_into_id else "",
        "photo_kind": Photo.Kind.AFTER
        if Photo.Kind.BEFORE in proof_kinds and Photo.Kind.AFTER not in proof_kinds
        else Photo.Kind.BEFORE,
    }


@require_GET
@console_view()
def report_view(request, number: str):
    try:
        report = _visible(request, number)
    except Http404:
        return _not_found(request)
    access_record(actor=request.user, action=Action.VIEW_REPORT, report_number=report.number, view="console")
    return render(request, "officers/report.html", _report_context(request, report))


@require_GET
@console_view()
def report_panel_view(request, number: str):
    try:
        report = _visible(request, number)
    except Http404:
        return _not_found(request)
    access_record(actor=request.user, action=Action.VIEW_REPORT, report_number=report.number, view="console")
    return render(request, "officers/_report_panel.html", _report_context(request, report))


def _form_errors(form) -> str:
    return " ".join(str(e) for errs in form.errors.values() for e in errs)


@require_POST
@console_view()
def report_action_view(request, number: str, slug: str):
    action = BY_SLUG.get(slug)
    if action is None:
        return _not_found(request)
    in_validation_queue = request.POST.get("context") == "validation"
    try:
        report = _visible(request, number)
    except Http404:
        response = _not_found(request)
        if in_validation_queue and is_htmx(request):
            response.content += _validation_count_oob(request)
        return response
    form = action.form(request.POST, request.FILES)
    error, status, code = "", 200, ""
    if form.is_valid():
        try:
            result = perform(action, user=request.user, report=report, data=form.cleaned_data)
        except DomainError as exc:
            error, status, code = error_text(exc), exc.status, exc.code
    else:
        error, status, code = _form_errors(form), 422, "invalid_input"

    if in_validation_queue:
        return _validation_answer(
            request, number, action, error=error, status=status, code=code, result="" if error else result
        )
    if not error:
        if not is_htmx(request):
            messages.success(request, result)
            return redirect("officers:report", number=number)
        try:
            report = _visible(request, number)
        except Http404:  # the action took the report out of this user's sight
            return render(request, "officers/_report_gone.html", {"result": result, "number": number})
        access_record(
            actor=request.user,
            action=Action.VIEW_REPORT,
            report_number=report.number,
            view="console",
            after=action.name,
        )
        keep_open = action.name if action.name == "add_photo" else ""  # the next photo is usually the "after" one
        context = _report_context(request, report, result=result, open_action=keep_open)
        response = render(request, "officers/_report_panel.html", context)
        if action.name == "triage" and is_htmx(request):
            # placed or categorized: the report's side (category, kelurahan, map) changes too; it stayed "—" and
            # without a map until a reload (a CRM team's walk)
            response.content += render_to_string(
                "officers/_report_main.html", {**context, "oob": True}, request=request
            ).encode()
        return response

    report = _visible(request, number)
    context = _report_context(
        request, report, bound=(action.name, form), errors={action.name: error}, open_action=action.name
    )
    access_record(
        actor=request.user, action=Action.VIEW_REPORT, report_number=report.number, view="console", refused=action.name
    )
    if is_htmx(request):
        return _refusal(render(request, "officers/_report_panel.html", context), action.name, status, code)
    return render(request, "officers/report.html", context, status=status)


def _refusal(response: HttpResponse, name: str, status: int, code: str) -> HttpResponse:
    """An htmx refusal is a normal answer (200) that replaces the panel; the headers carry what was refused and
    the status a JSON client would get, so the browser logs no failed request for an everyday refusal."""
    response[REFUSAL_HEADER] = name
    response["X-Sigap-Refusal-Status"] = str(status)
    response["X-Sigap-Refusal-Code"] = code
    return response


@require_GET
@console_view()
def photo_view(request, number: str, photo_id: int):
    try:
        report = _visible(request, number)
    except Http404:
        return _not_found(request)
    photo = Photo.objects.filter(report=report, pk=photo_id).first()
    if photo is None:
        return _not_found(request)
    access_record(
        actor=request.user, action=Action.VIEW_PHOTO, report_number=report.number, photo=photo.pk, view="console"
    )
    # every look goes through the access log: never cached
    return photoserve.photo_response(
        photo, cache_control="private, no-store", filename=f"{report.number}-{photo.kind}-{photo.pk}.jpg"
    )


@require_GET
@console_view()
def unit_search_view(request):
    q = request.GET.get("unit_q", "").strip()[:80]
    units = list(flow.units_search(q)) if q else None
    return render(request, "officers/_unit_results.html", {"unit_results": units, "unit_q": q})


# --- escalations ------------------------------------------------------------------------------


@require_GET
@console_view(user_can_use_queue)
def escalations_view(request):
    """The reports escalated to the user's units (a missed hop deadline below them), oldest first: open ones only,
    from a partial index, so the page costs the same whatever the history."""
    unit_ids = sorted(unit_ids_where(request.user, *escalation.WATCHERS))
    qs = (
        Escalation.objects.filter(to_unit_id__in=unit_ids, resolved_at__isnull=True)
        # only what the user may open: the unit above was given sight of it; never a complaint about their unit
        .filter(report__in=selectors.reports_visible_to(request.user).values("pk"))
        .select_related("report", "report__category", "report__unit", "to_unit")
        .order_by("created_at", "pk")
    )
    page = Paginator(qs, ESCALATION_PAGE_SIZE).get_page(request.GET.get("page") or 1)
    rows = list(page.object_list)
    access_record(
        actor=request.user,
        action=Action.LIST_REPORTS,
        reports=[e.report.number for e in rows],
        filters={"escalated": True, "page": page.number},
        view="escalations",
    )
    return render(request, "officers/escalations.html", {"rows": rows, "page": page})


# --- the validator queue -----------------------------------------------------------------------


def _validation_items(reports: list[Report], user) -> list[dict]:
    """The cards of a page; the proof flags' words for the whole page at once (a constant number of statements)."""
    items = [_validation_item(r) for r in reports]
    # the reporter's last dispute, beside the proof that follows it: a validator closed a disputed report again
    # without knowing it had been disputed (found by a CRM team's walk); one statement for the page
    disputed = [r.pk for r in reports if r.disputes]
    last_dispute = {}
    for report_id, note in (
        StatusChange.objects.filter(report_id__in=disputed, new_status=Status.REOPENED)
        .order_by("report_id", "-created_at")
        .values_list("report_id", "public_note")
    ):
        last_dispute.setdefault(report_id, note)
    for item in items:
        item["dispute"] = last_dispute.get(item["report"].pk, "")
    _flags_worded(user, [p for item in items for p in item["before"] + item["after"]])
    return items


def _flags_worded(user, proofs: list[Photo]) -> bool:
    """Each proof photo's flags in words for this viewer (``flag_texts``: a validator's only), for a page of them at
    once; whether any is shown."""
    texts = proofcheck.texts_for(user, proofs)
    for p in proofs:
        p.flag_texts = texts.get(p.pk, [])
    return bool(texts)


def _validation_item(report: Report) -> dict:
    photos = list(report.photos.all())
    proofs = [p for p in photos if p.kind in (Photo.Kind.BEFORE, Photo.Kind.AFTER)]
    return {
        "report": report,
        "resident": [p for p in photos if p.kind == Photo.Kind.REPORT],  # what the resident saw, beside the proof
        "before": [p for p in proofs if p.kind == Photo.Kind.BEFORE],
        "after": [p for p in proofs if p.kind == Photo.Kind.AFTER],
        "flagged": any(p.proof_flags for p in proofs),
        "last_note": report.public_note,
        "seen": report.round_shown(proofs),
    }


@require_GET
@console_view(user_can_open_validation_queue)
def validation_view(request):
    qs = selectors.report_queue(user=request.user, status=Status.AWAITING_VALIDATION).order_by(
        "status_changed_at", "pk"
    )
    qs = qs.prefetch_related(Prefetch("photos", queryset=Photo.objects.select_related("unit")))
    page = Paginator(qs, VALIDATION_PAGE_SIZE).get_page(request.GET.get("page") or 1)
    items = _validation_items(list(page.object_list), request.user)
    numbers = [i["report"].number for i in items]
    # the listing, then each card (it shows the whole report: a view of it), written as one INSERT
    access_record_many(
        actor=request.user,
        entries=[
            (
                Action.LIST_REPORTS,
                "",
                {
                    "reports": numbers,
                    "filters": {"status": Status.AWAITING_VALIDATION.value, "page": page.number},
                    "view": "validation",
                },
            ),
            *[(Action.VIEW_REPORT, number, {"view": "validation"}) for number in numbers],
        ],
    )
    return render(
        request, "officers/validation.html", {"items": items, "page": page, "form": BY_NAME["validate"].form()}
    )


def _validation_answer(
    request, number: str, action, *, error: str, status: int, code: str, result: str
) -> HttpResponse:
    if not is_htmx(request) and not error:
        messages.success(request, f"{number}: {result}")
        return redirect("officers:validation")
    report = (
        Report.objects.select_related("category", "unit", "kelurahan")
        .prefetch_related(Prefetch("photos", queryset=Photo.objects.select_related("unit")))
        .get(number=number)
    )
    access_record(
        actor=request.user,
        action=Action.VIEW_REPORT,
        report_number=number,
        view="validation",
        **({"refused": action.name} if error else {"after": action.name}),
    )
    context = {
        "item": _validation_items([report], request.user)[0],
        "error": error,
        "result": result,
        "form": BY_NAME["validate"].form(request.POST) if error else BY_NAME["validate"].form(),
    }
    if not error:
        context["done"] = True
    if not is_htmx(request):  # refused without JavaScript: the page again, with this card, its error and what was typed
        page = Paginator([context["item"]], 1).get_page(1)
        response = render(request, "officers/validation.html", {**context, "items": [context["item"]], "page": page})
        response.status_code = status
        return response
    response = render(request, "officers/_validation_card.html", context)
    response.content += _validation_count_oob(request)
    return _refusal(response, action.name, status, code) if error else response


def _validation_count_oob(request) -> bytes:
    """The validation queue's heading, swapped out of band: it follows the decision, or another validator's taken
    meanwhile, or a report that left the caller's sight."""
    waiting = selectors.report_queue(user=request.user, status=Status.AWAITING_VALIDATION).count()
    return render_to_string(
        "officers/_validation_count.html", {"count": waiting, "oob": True}, request=request
    ).encode()

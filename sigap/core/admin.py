"""Admin registrations of the core tables, and the rule every admin page of Sigap follows: a list is filtered only
by what it offers.

Django's changelist accepts a filter on any column of the model in the query string (``?body__startswith=A``),
whether or not the page shows or offers it, and its count of results then answers yes or no: column by column,
character by character, a staff member could read what the page hides (an outbox message's tracking code and an
Anonim reporter's secret, a privacy officer's authenticator key, a password hash). ``guard_lookups`` lets every
registered admin, Sigap's and the libraries', accept only the filters its page offers (``list_filter``,
``date_hierarchy``) and the raw-id popups' ``limit_choices_to``; anything else is refused with 400."""

import ipaddress
from collections.abc import Callable
from functools import partial

from django.contrib import admin
from django.contrib.admin import widgets
from django.contrib.admin.filters import AllValuesFieldListFilter, FieldListFilter, ListFilter
from django.contrib.admin.options import ShowFacets
from django.contrib.admin.views.main import ORDER_VAR
from django.core.exceptions import FieldDoesNotExist, SuspiciousOperation
from django.core.paginator import Paginator
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy

from .models import AuditEvent, Holiday

# what Django's own list filters and date hierarchy put after a field in the query string
FILTER_SUFFIXES = frozenset(
    {"exact", "isnull", "isempty", "in", "gt", "gte", "lt", "lte", "year", "month", "day", "iso_year", "week"}
)


def _offered(model_admin, request) -> tuple[set[str], set[str]]:
    """(field paths the page filters by, parameter names of its own filter classes)."""
    paths, params = set(), set()
    list_filter = model_admin.get_list_filter(request) if request is not None else model_admin.list_filter
    for item in list_filter:
        if isinstance(item, type) and issubclass(item, ListFilter):
            params.add(getattr(item, "parameter_name", None) or "")
        elif isinstance(item, (list, tuple)):
            paths.add(item[0])
        else:
            paths.add(item)
    if model_admin.date_hierarchy:
        paths.add(model_admin.date_hierarchy)
    return paths, params


def _target_keys(model, path: str) -> set[str]:
    """The names a related filter may put between a relational field path and its suffix (the related key)."""
    try:
        for part in path.split("__"):
            field = model._meta.get_field(part)
            if not field.is_relation:
                return set()
            model = field.related_model
    except FieldDoesNotExist:
        return set()
    pk = model._meta.pk
    return {"pk", pk.name, pk.attname}


def lookup_offered(model_admin, lookup: str, value, request=None) -> bool:
    """True for a filter the admin page offers: one of its filter classes' parameters, a field path of
    ``list_filter`` or ``date_hierarchy`` bare or with a filter suffix (``__exact``, ``__isnull``, a date
    bound, the related key then ``__exact``), or a raw-id popup's ``limit_choices_to``."""
    paths, params = _offered(model_admin, request)
    if lookup in params or lookup in paths:
        return True
    for path in paths:
        if not lookup.startswith(path + "__"):
            continue
        rest = lookup[len(path) + 2 :].split("__")
        if rest[-1] in FILTER_SUFFIXES and all(p in _target_keys(model_admin.model, path) for p in rest[:-1]):
            return True
    for fk_lookup in model_admin.model._meta.related_fkey_lookups:
        if callable(fk_lookup):
            fk_lookup = fk_lookup()
        if (lookup, value) in widgets.url_params_from_lookup_dict(fk_lookup).items():
            return True
    return False


# a date drill-down's parts: past a C int, Django's changelist met an OverflowError (500); at the calendar's edges
# (year 9999's end, year 1 moved to UTC) its period's bounds fall outside what ``datetime`` holds (500, a review)
DATE_PARTS = {"year": (1900, 2999), "iso_year": (1900, 2999), "month": (1, 12), "day": (1, 31), "week": (1, 53)}
INT64 = 1 << 63
# longer than any search a person types; SQLite cannot compile a LIKE pattern of 50,000 bytes, and answered a
# search of 100,000 characters as a database outage (a fuzzing review)
SEARCH_MAX = 500


def _field_at(model, lookup: str):
    """The column a lookup's value is compared with (a relation's target key), or None."""
    field = None
    for part in lookup.split("__"):
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            break
        if field.is_relation and field.related_model is not None:
            model = field.related_model
            field = model._meta.pk
    return field


def value_fits(model, lookup: str, value) -> bool:
    """False for a value no column can hold: a date part out of its range, or an integer past 64 bits for an
    integer column (SQLite raised OverflowError, a 500). Other malformed values are left to Django, which
    answers them as an invalid filter."""
    suffix = lookup.rpartition("__")[2]
    tokens = str(value).split(",") if suffix == "in" else [str(value)]
    bounds = DATE_PARTS.get(suffix)
    if bounds is None and not isinstance(_field_at(model, lookup), models.IntegerField):
        return True
    for token in tokens:
        try:
            number = int(token)
        except ValueError:
            if bounds is not None:
                return False
            continue
        if (bounds is not None and not bounds[0] <= number <= bounds[1]) or abs(number) >= INT64:
            return False
    return True


def _guarded(model_admin, original, lookup, value, request=None) -> bool:
    return (
        lookup_offered(model_admin, lookup, value, request)
        and value_fits(model_admin.model, lookup, value)
        and original(lookup, value, request)
    )


class SearchTooLong(SuspiciousOperation):
    """A 400: an admin search longer than ``SEARCH_MAX`` characters."""


def _search_bounded(original, request, queryset, search_term):
    if len(search_term or "") > SEARCH_MAX:
        raise SearchTooLong(f"admin search longer than {SEARCH_MAX} characters")
    return original(request, queryset, search_term)


def guard_lookups(site: admin.AdminSite) -> None:
    """Give every admin registered on ``site`` the rule above, values no column can hold refused too, and a bound on
    the search's length (called once the URL map is built, when every app's and library's admin module has
    registered its pages)."""
    for model_admin in site._registry.values():
        if getattr(model_admin.lookup_allowed, "offered_only", False):
            continue
        guarded = partial(_guarded, model_admin, model_admin.lookup_allowed)
        guarded.offered_only = True
        model_admin.lookup_allowed = guarded
        model_admin.get_search_results = partial(_search_bounded, model_admin.get_search_results)


# An admin list counts its rows for the paginator, and Django counts the unfiltered table again for "N total":
# at year five the outbox holds millions of rows and the access log more (every officer's look is a row), and
# each COUNT(*) read all of them, on every list page, filtered or not. Counting stops here; past it the page says
# so and offers the first COUNT_CAP / list_per_page pages (a deeper OFFSET would read as much): narrow the list
# with its filters, search or dates. A filter by a column's values offers those of the newest VALUES_FROM rows.
COUNT_CAP = 10_000
VALUES_FROM = 2_000


class BoundedCountPaginator(Paginator):
    """Counts at most ``COUNT_CAP`` rows (``SELECT COUNT(*) FROM (… LIMIT cap + 1)``, bounded on both databases).
    ``capped``: the list holds more than that."""

    capped = False

    @cached_property
    def count(self) -> int:
        cap = COUNT_CAP
        counted = self.object_list.order_by()[: cap + 1].count()  # a count needs no order (an unindexed ?o=)
        self.capped = counted > cap
        return min(counted, cap)


class RecentValuesFilter(AllValuesFieldListFilter):
    """A filter by a column's values, offering those of the newest ``VALUES_FROM`` rows and the one chosen: Django's
    offers the ``DISTINCT`` of the whole table (the outbox's message kinds: 0.43 s over its 4 million rows at a
    million reports, on every look at the outbox). Any value may still be asked for in the query string."""

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        newest = model_admin.get_queryset(request).order_by("-pk").values("pk")[:VALUES_FROM]
        seen = set(
            model._default_manager.filter(pk__in=newest).order_by().values_list(field.name, flat=True).distinct()
        )
        seen.update(self.lookup_val or ())
        self.lookup_choices = sorted(seen, key=lambda v: (v is None, str(v)))


def _plain_filter(model, item) -> bool:
    """True for a ``list_filter`` entry Django would give its all-values filter (a column without choices that is
    no relation, boolean or date)."""
    if isinstance(item, (list, tuple)):
        return item[1] is AllValuesFieldListFilter
    if not isinstance(item, str) or "__" in item:
        return False
    field = model._meta.get_field(item)
    for test, filter_class in FieldListFilter._field_list_filters:
        if test(field):
            return filter_class is AllValuesFieldListFilter
    return False


def _shown_fields(model, list_display):
    """(name, model field) of each column of a list that is one of its model's fields."""
    for name in list_display:
        try:
            field = model._meta.get_field(name) if isinstance(name, str) else None
        except FieldDoesNotExist:
            continue
        if field is not None:
            yield name, field


def _related_columns(model, list_display) -> tuple[str, ...]:
    """The foreign keys a list shows: each row read its related row again (the reports list: 212 statements)."""
    return tuple(name for name, field in _shown_fields(model, list_display) if field.many_to_one or field.one_to_one)


def _grows(model_admin) -> bool:
    """A table that grows with the years: service-written rows (``ReadOnlyAdmin``: reports, the outbox, the logs,
    the vault's records, tokens) and django-axes' sign-in logs."""
    return isinstance(model_admin, ReadOnlyAdmin) or model_admin.model._meta.app_label == "axes"


def _indexed_columns(model, list_display) -> tuple[str, ...]:
    """The columns of a list that an index orders (a key, a unique or indexed column, an index's first column):
    sorted by any other, a list of millions of rows is sorted whole for its first 100 (the outbox by kind: 1.6 s at
    a million reports). A relation is not one: Django sorts it by the related table's own order, through a join."""
    leading = {str(index.fields[0]).lstrip("-") for index in model._meta.indexes if index.fields}
    return tuple(
        name
        for name, field in _shown_fields(model, list_display)
        if not field.is_relation and (field.primary_key or field.unique or field.db_index or field.name in leading)
    )


class UnsortableColumn(SuspiciousOperation):
    """A 400: a list sorted (``?o=``) by a column it does not offer to sort by."""


def _sorted_as_offered(model_admin, original, request, *args, **kwargs):
    """The list of a growing table sorted only by the columns it offers (``sortable_by``): Django sorts by any
    position of ``?o=`` typed into the address, whatever the page offers."""
    asked = request.GET.get(ORDER_VAR)
    if asked:
        display = list(model_admin.get_list_display(request))
        if model_admin.get_actions(request):
            display = ["action_checkbox", *display]
        offered = set(model_admin.get_sortable_by(request))
        for token in asked.split("."):
            try:
                position = int(token.lstrip("-"))
            except ValueError:
                continue  # Django ignores what is not a number
            if 0 <= position < len(display) and display[position] not in offered:
                raise UnsortableColumn(f"admin list sorted by {display[position]!r}, which it does not offer")
    return original(request, *args, **kwargs)


def _sign_in_log_q(terms: list[str]) -> models.Q:
    """A django-axes list searched by whole usernames or addresses (their indexed columns). An address is compared
    as one (a text that is none is no address: PostgreSQL refuses it as ``inet``)."""
    addresses = []
    for term in terms:
        try:
            addresses.append(str(ipaddress.ip_address(term)))
        except ValueError:
            continue
    return models.Q(username__in=terms) | models.Q(ip_address__in=addresses)


def bound_counts(site: admin.AdminSite) -> None:
    """Every admin registered on ``site``, Sigap's and the libraries': its list counts through
    ``BoundedCountPaginator``, never the whole table for a "total" (``show_full_result_count``) nor per filter
    choice (``show_facets``, which ``?_facets`` turned on for anyone), and says when it stopped counting; its
    filters by a column's values read the newest rows (``RecentValuesFilter``); the related rows it shows are
    joined, not read one per row; and a date drill-down, which reads the distinct years of the whole table, is
    kept only where the table is small by nature (``small_table``): the date filter stays. A list in the order of
    its key shows the newest rows first, and the sign-in logs (django-axes) are searched by whole username or address
    through their indexes (Django's ``LIKE '%term%'`` read every attempt ever logged). A growing table's list is
    sorted only by the columns an index orders (``_indexed_columns``)."""
    for model_admin in site._registry.values():
        model = model_admin.model
        if model_admin.paginator is Paginator:
            model_admin.paginator = BoundedCountPaginator
        model_admin.show_full_result_count = False
        model_admin.show_facets = ShowFacets.NEVER
        if model_admin.change_list_template is None:
            model_admin.change_list_template = "admin/sigap_change_list.html"
        model_admin.list_filter = tuple(
            ((item[0] if isinstance(item, (list, tuple)) else item), RecentValuesFilter)
            if _plain_filter(model, item)
            else item
            for item in model_admin.list_filter
        )
        related = _related_columns(model, model_admin.list_display)
        if related and model_admin.list_select_related is not True:
            joined = tuple(model_admin.list_select_related or ())
            model_admin.list_select_related = tuple(dict.fromkeys(joined + related))
        if model_admin.date_hierarchy and not getattr(model_admin, "small_table", False):
            model_admin.date_hierarchy = None
        if not model_admin.ordering and list(model._meta.ordering) in ([], ["id"], ["pk"]):
            model_admin.ordering = ("-pk",)  # the newest first: past the bound, the oldest pages are all one reaches
        if _grows(model_admin) and model_admin.sortable_by is None:
            model_admin.sortable_by = _indexed_columns(model, model_admin.list_display)
            model_admin.changelist_view = partial(_sorted_as_offered, model_admin, model_admin.changelist_view)
        if model._meta.app_label == "axes":  # the sign-in logs grow with every attempt: their indexed columns, whole
            model_admin.search_fields = ("username", "ip_address")
            model_admin.search_help_text = WholeValueSearch.search_help_text
            model_admin.get_search_results = partial(_search_bounded, partial(whole_value_results, _sign_in_log_q))


def whole_value_results(q_of: Callable[[list[str]], models.Q], request, queryset, search_term):
    """An admin's search results (``get_search_results``) by whole values: the words typed, each without the quotes
    around it, matched by ``q_of(words)``; no words, no filter."""
    terms = [t for t in (w.strip("\"'") for w in str(search_term or "").split()) if t]
    return (queryset.filter(q_of(terms)), False) if terms else (queryset, False)


class WholeValueSearch:
    """A list over a growing table searched by whole values through their indexes (``whole_value_q``, one term or
    several, any of them): Django's search is ``UPPER(column) LIKE '%term%'``, which reads the whole table (a
    report number in the reports list or the outbox: 0.8–1.3 s at a million reports, longer on the access log)."""

    search_help_text = gettext_lazy("Cari dengan nilai utuh (nomor laporan, nama pengguna, alamat IP), bukan sebagian.")

    def whole_value_q(self, terms: list[str]) -> models.Q:
        raise NotImplementedError

    def get_search_results(self, request, queryset, search_term):
        return whole_value_results(self.whole_value_q, request, queryset, search_term)


class ReadOnlyAdmin(admin.ModelAdmin):
    """For append-only or service-written rows: the admin may look, never add, change or delete."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


_record_read: Callable[..., object] | None = None


def record_reads_with(access_record: Callable[..., object]) -> None:
    """Called once by ``sigap.privacy`` at start-up (its access log is a layer above this one)."""
    global _record_read
    _record_read = access_record


class LoggedReadAdmin(ReadOnlyAdmin):
    """Read-only, and every look is an access-log row, as the same look elsewhere is: a report, a queue of reports,
    the reveal requests, the access log itself. A superuser read any report (a complaint about their own office
    too), the reveal requests and who looked at what in the admin without a trace (a review).

    ``list_action`` / ``view_action``: the access log's actions for a page of rows and for one row; ``report_of``:
    the report number a row is about ("" when none)."""

    list_action = "list_reports"
    view_action = "view_report"

    def report_of(self, obj) -> str:
        return ""

    def _record(self, request, action: str, **detail) -> None:
        if _record_read is None:
            raise RuntimeError("no access log registered (is sigap.privacy installed?)")
        filters = {k: v for k, v in request.GET.items() if k not in ("p", "o")}
        _record_read(actor=request.user, action=action, view=f"admin:{self.opts.model_name}", filters=filters, **detail)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        listed = getattr(response, "context_data", None) and response.context_data.get("cl")
        if listed is not None and response.status_code == 200:
            numbers = [n for n in (self.report_of(obj) for obj in listed.result_list) if n]
            self._record(request, self.list_action, reports=numbers, rows=len(listed.result_list))
        return response

    def _record_shown(self, request, response, key: str, **detail):
        """The row a page showed (its context's ``key``), once the page is answered 200."""
        shown = getattr(response, "context_data", None) and response.context_data.get(key)
        if shown is not None and response.status_code == 200:
            self._record(request, self.view_action, report_number=self.report_of(shown), row=str(shown.pk), **detail)
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        return self._record_shown(request, response, "original")

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        return self._record_shown(request, response, "object", page="history")


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    small_table = True  # a calendar's days: its date drill-down may read the whole table (``bound_counts``)
    list_display = ("date", "name")
    date_hierarchy = "date"
    search_fields = ("name",)


@admin.register(AuditEvent)
class AuditEventAdmin(WholeValueSearch, LoggedReadAdmin):
    """Read-only: the audit trail has no edit or delete path. Who did what to which report: a look is an audit query."""

    list_action = view_action = "audit_query"

    list_display = ("created_at", "action", "actor", "actor_kind", "report_id")
    list_filter = ("action", "actor_kind")
    search_fields = ("action", "report_id")

    def whole_value_q(self, terms):
        """An action's name, or a report's id."""
        return models.Q(action__in=terms) | models.Q(
            report_id__in=[int(t) for t in terms if t.isascii() and t.isdigit() and len(t) < 19]
        )

"""``field__anyof=[…]``: membership in a list of values sent as one parameter.

``field__in=[…]`` writes one placeholder per value. On PostgreSQL, psycopg's client-side binding (Django's default)
then splits the statement's text and quotes every value into it in Python, and the server parses a list as long
as the page: for the thousand reports of an Open311 page, each of its two follow-up statements (hops, first
photos) spent about 9 ms more than the same statement with the list as one array (measured at 1M reports).
``anyof`` writes ``field = ANY(%s)`` with the list as a single array parameter on PostgreSQL, and an ordinary
``IN (…)`` elsewhere (SQLite). Values are prepared by the field as ``__in`` prepares them; an empty list matches
nothing, as ``__in`` does.
"""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db.models import Field, ForeignObject, Lookup, Model


class AnyOf(Lookup):
    lookup_name = "anyof"
    prepare_rhs = False  # a list, prepared value by value below

    def get_prep_lookup(self):
        field = self.lhs.output_field
        # a foreign key (``unit__anyof=[…]`` or ``unit_id__anyof=[…]``): rows or their keys, as ``__in`` takes
        values = [v.pk if isinstance(v, Model) else v for v in self.rhs]
        return [field.get_prep_value(v) for v in values]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        field = self.lhs.output_field
        values = [field.get_db_prep_value(v, connection, prepared=True) for v in dict.fromkeys(self.rhs)]
        if not values:
            raise EmptyResultSet
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*lhs_params, values]
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]


# on every field, and on foreign keys (which take only the lookups registered on them)
Field.register_lookup(AnyOf)
ForeignObject.register_lookup(AnyOf)

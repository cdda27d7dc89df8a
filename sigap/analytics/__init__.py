"""Dashboards and statistics: selectors only (a plain package, not a Django app).

Every function takes a report queryset the caller is entitled to (``dashboard_scope``) and never joins
anything about the reporter: there is nothing about the reporter to join.
"""

"""Dashboards and statistics: selectors only (a plain package, not a Django app).

Every function takes what the caller is entitled to (``summary_scope``: units and the conflict-of-interest
exclusions; ``dashboard_scope``: the same as a report queryset) and reads the summaries the write path keeps
(``sigap.reports.summaries``) or open reports only. Nothing about the reporter is joined: there is nothing
about the reporter to join.
"""

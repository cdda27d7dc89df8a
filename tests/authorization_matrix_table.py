"""The expected answers of the authorization matrix (``tests/test_authorization_matrix.py``).

One line per route: ``"METHOD route": "t t t t t t t t t t"``, one token per role in ``ROLES`` order. A route
that concerns one report (its number, tracking code, photo or reveal request in the URL or the body, or a listing
that may show it) has three-letter tokens, one letter per relation in ``RELATIONS`` order; a one-letter token on
such a route means the same for all three. Other routes have one-letter tokens.

The route is the OpenAPI path for the JSON API, otherwise the pattern as Django's URL resolver prints it; a
``#variant`` names one value of a path argument (a console action, a channel).

The table says what *should* happen. Where today's code does something else, the cell is listed in
``FINDINGS`` with the reason: the test marks it ``xfail(strict=True)`` until the code is fixed, and then fails
until the finding is removed from this file.
"""

from __future__ import annotations

ROLES = (
    "anon",
    "officer",
    "unit_admin",
    "validator",
    "operator",
    "supervisor",
    "privacy",
    "auditor",
    "superuser",
    "reporter",
)
RELATIONS = ("own", "other", "about")

LEGEND = {
    "2": "a 2xx answer",
    "S": "a 2xx answer that lists the report",
    "H": "a 2xx answer that does not list the report",
    "G": "access granted: 2xx/3xx, or a refusal after the access check (400, 405, 409, 410, 413, 422, 429)",
    "R": "a redirect that is not to a login page",
    "L": "a redirect to a login page",
    "D": "refused: 401 or 403",
    "N": "404: not visible (as if it did not exist)",
    "U": "whatever the answer (below 500), the write changed nothing (report states, tokens, roles, accounts)",
}
REFUSED = {"D", "N", "L", "R", "H"}  # a write with one of these must change nothing

EXPECTED: dict[str, str] = {
    # tokens: anon officer unit_admin validator operator supervisor privacy auditor superuser reporter
    # --- the citizen API: open to all; a tracking code is the reporter's key (others hold a code of no report)
    "POST /api/v1/reports": "2 2 2 2 2 2 2 2 2 2",
    "GET /api/v1/categories": "2 2 2 2 2 2 2 2 2 2",
    "GET /api/v1/locate": "2 2 2 2 2 2 2 2 2 2",
    "GET /api/v1/track/{code}": "N N N N N N N N N S",
    "GET /api/v1/track/{code}/photos/{photo_id}": "N N N N N N N N N 2",
    "POST /api/v1/track/{code}/rating": "N N N N N N N N N G",
    "POST /api/v1/track/{code}/dispute": "N N N N N N N N N G",
    "POST /api/v1/track/{code}/confirm": "N N N N N N N N N G",
    "POST /api/v1/track/{code}/answer": "N N N N N N N N N G",
    # --- the officer API: a token; a report outside the caller's sight is 404; acting needs a working role at the
    # unit now holding the report (validation: a validator)
    "POST /api/v1/officer/auth/token": "D D D D D D D D D D",
    "GET /api/v1/officer/reports": "D SHH SHH SSH H SHH H H H D",
    "GET /api/v1/officer/reports/{number}": "D 2NN 2NN 22N N 2NN N N N D",
    "GET /api/v1/officer/reports/{number}/photos/{photo_id}": "D 2NN 2NN 22N N 2NN N N N D",
    "GET /api/v1/officer/reports/{number}/suggestions": "D 2NN 2NN 22N N 2NN N N N D",
    "GET /api/v1/officer/units": "D 2 2 2 2 2 2 2 2 D",
    "POST /api/v1/officer/reports/{number}/accept": "D GNN GNN DDN N DNN N N N D",
    "POST /api/v1/officer/reports/{number}/coordinate": "D GNN GNN DDN N DNN N N N D",
    "POST /api/v1/officer/reports/{number}/dispose": "D GNN GNN DDN N DNN N N N D",
    "POST /api/v1/officer/reports/{number}/reject": "D GNN GNN DDN N DNN N N N D",
    "POST /api/v1/officer/reports/{number}/forward": "D GNN GNN DDN N DNN N N N D",
    "POST /api/v1/officer/reports/{number}/merge": "D GNN GNN DDN N DNN N N N D",
    "POST /api/v1/officer/reports/{number}/ask": "D GNN GNN DDN N DNN N N N D",
    "POST /api/v1/officer/reports/{number}/resume": "D GNN GNN DDN N DNN N N N D",
    "POST /api/v1/officer/reports/{number}/photos": "D GNN GNN DDN N DNN N N N D",
    "POST /api/v1/officer/reports/{number}/request-validation": "D GNN GNN DDN N DNN N N N D",
    "POST /api/v1/officer/reports/{number}/validate": "D DNN DNN GGN N DNN N N N D",
    "POST /api/v1/officer/reports/{number}/triage": "D GNN GNN DDN N DNN N N N D",
    "GET /api/v1/officer/desk/triage": "D H H H H H H H H D",
    "POST /api/v1/officer/desk/triage/{number}": "D GNN GNN DDN N DNN N N N D",
    "GET /api/v1/officer/desk/duplicates/{number}": "D 2NN 2NN 22N N 2NN N N N D",
    "POST /api/v1/officer/desk/duplicates/{number}/{candidate_id}/dismiss": "D GNN GNN DDN N DNN N N N D",
    "GET /api/v1/officer/export/reports.csv": "D SHH SHH SSH H SHH H H H D",
    "GET /api/v1/officer/export/reports.xlsx": "D SHH SHH SSH H SHH H H H D",
    # --- audit (auditors and privacy officers) and the two-person reveal (privacy officers)
    "GET /api/v1/audit/access": "D D D D D D 2 2 D D",
    "GET /api/v1/audit/verify": "D D D D D D 2 2 D D",
    "POST /api/v1/audit/verify": "D D D D D D 2 2 D D",
    "GET /api/v1/audit/checkpoint": "D D D D D D 2 2 D D",
    "GET /api/v1/privacy/reveal": "D D D D D D 2 D D D",
    "GET /api/v1/privacy/notices": "D D D D D D 2 D D D",
    "POST /api/v1/privacy/reveal": "D D D D D D GGN D D D",
    "POST /api/v1/privacy/reveal/{request_id}/decide": "D D D D D D GGN D D D",
    "POST /api/v1/privacy/reveal/{request_id}/show": "D D D D D D DDN D D D",
    # --- the API's own pages
    "GET api/openapi.json": "2 2 2 2 2 2 2 2 2 2",
    "GET api/docs": "2 2 2 2 2 2 2 2 2 2",
    "GET api/": "N N N N N N N N N N",
    # --- health, language, channel webhooks (no channel is configured here: an unknown channel is 404)
    "GET healthz": "2 2 2 2 2 2 2 2 2 2",
    "POST i18n/setlang/": "R R R R R R R R R R",
    "GET channels/<slug:channel>/webhook#whatsapp": "N N N N N N N N N N",
    "POST channels/<slug:channel>/webhook#whatsapp": "N N N N N N N N N N",
    "POST channels/<slug:channel>/webhook#telegram": "N N N N N N N N N N",
    # --- the officer console: a login and a staff role; the queue for working roles, supervisors and validators
    # (an operator is sent to the operator page); a report outside the caller's sight is 404
    "GET petugas/": "L SHH SHH SSH R SHH D D D L",
    "GET petugas/antrean/": "L SHH SHH SSH D SHH D D D L",
    "GET petugas/unduh/laporan.csv": "L SHH SHH SSH D SHH D D D L",
    "GET petugas/unduh/laporan.xlsx": "L SHH SHH SSH D SHH D D D L",
    "GET petugas/unduh/berikutnya/": "L R R R D R D D D L",
    "GET petugas/masuk/": "2 R R R R R R R R 2",
    "POST petugas/keluar/": "L L L L L L L L L L",
    "GET petugas/unit/cari/": "L 2 2 2 2 2 2 2 D L",
    "GET petugas/validasi/": "L D D SSH D D D D D L",
    "GET petugas/eskalasi/": "L H H H D H D D D L",  # escalated to the caller's units only (none in the matrix)
    "GET petugas/dasbor/": "L D D 2 D 2 D D D L",
    "GET petugas/dasbor/peta.json": "L D D SSH D SHH D D D L",
    "GET petugas/dasbor/unduh.csv": "L D D 2 D 2 D D D L",  # the dashboard's counts, no report
    "GET petugas/dasbor/unduh.xlsx": "L D D 2 D 2 D D D L",
    "GET petugas/kinerja/": "L D D 2 D 2 D D D L",  # counts per unit, no report
    "GET petugas/kinerja/unduh.csv": "L D D 2 D 2 D D D L",
    "GET petugas/kinerja/unduh.xlsx": "L D D 2 D 2 D D D L",
    "GET petugas/kinerja/unit/<str:code>/": "L D D 2 D 2 D D D L",  # a unit in the supervisor's kota
    "GET petugas/laporan/<str:number>/": "L 2NN 2NN 22N N 2NN N N D L",
    "GET petugas/laporan/<str:number>/panel/": "L 2NN 2NN 22N N 2NN N N D L",
    "GET petugas/laporan/<str:number>/foto/<int:photo_id>/": "L 2NN 2NN 22N N 2NN N N D L",
    "POST petugas/laporan/<str:number>/<slug:slug>/#terima": "L GNN GNN DDN N DNN N N D L",
    "POST petugas/laporan/<str:number>/<slug:slug>/#koordinasi": "L GNN GNN DDN N DNN N N D L",
    "POST petugas/laporan/<str:number>/<slug:slug>/#disposisi": "L GNN GNN DDN N DNN N N D L",
    "POST petugas/laporan/<str:number>/<slug:slug>/#tanya": "L GNN GNN DDN N DNN N N D L",
    "POST petugas/laporan/<str:number>/<slug:slug>/#lanjutkan": "L GNN GNN DDN N DNN N N D L",
    "POST petugas/laporan/<str:number>/<slug:slug>/#foto": "L GNN GNN DDN N DNN N N D L",
    "POST petugas/laporan/<str:number>/<slug:slug>/#ajukan-validasi": "L GNN GNN DDN N DNN N N D L",
    "POST petugas/laporan/<str:number>/<slug:slug>/#tolak": "L GNN GNN DDN N DNN N N D L",
    "POST petugas/laporan/<str:number>/<slug:slug>/#teruskan": "L GNN GNN DDN N DNN N N D L",
    "POST petugas/laporan/<str:number>/<slug:slug>/#gabungkan": "L GNN GNN DDN N DNN N N D L",
    "POST petugas/laporan/<str:number>/<slug:slug>/#validasi": "L DNN DNN GGN N DNN N N D L",
    "POST petugas/laporan/<str:number>/<slug:slug>/#triase": "L GNN GNN DDN N DNN N N D L",
    "GET petugas/operator/": "L D D D 2 D D D D L",
    "POST petugas/operator/": "L D D D G D D D D L",
    "GET petugas/operator/lokasi/": "L D D D 2 D D D D L",
    "POST petugas/operator/lokasi/alamat/": "L D D D 2 D D D D L",
    # --- the citizen portal: public pages show Publik reports only; the journey needs the tracking code in the
    # session (the reporter); "similar reports" lists and follows Publik reports only
    "GET ": "2 2 2 2 2 2 2 2 2 2",
    "GET lapor/": "2 2 2 2 2 2 2 2 2 2",
    "POST lapor/": "2 2 2 2 2 2 2 2 2 2",
    "GET lapor/terkirim/": "2 2 2 2 2 2 2 2 2 2",
    "GET lapor/wilayah/": "2 2 2 2 2 2 2 2 2 2",
    "POST lapor/serupa/": "HSH HSH HSH HSH HSH HSH HSH HSH HSH HSH",
    "POST lapor/serupa/<str:number>/": "NGN NGN NGN NGN NGN NGN NGN NGN NGN NGN",
    "POST lapor/cek-foto/": "2 2 2 2 2 2 2 2 2 2",
    "POST lapor/cek-alamat/": "2 2 2 2 2 2 2 2 2 2",
    "GET lacak/": "2 2 2 2 2 2 2 2 2 2",
    "POST lacak/": "2 2 2 2 2 2 2 2 2 R",
    "POST lacak/lupakan/": "R R R R R R R R R R",
    "GET lacak/laporan/<str:number>/": "R R R R R R R R R S",
    "GET lacak/laporan/<str:number>/foto/<int:photo_id>/": "N N N N N N N N N 2",
    "POST lacak/laporan/<str:number>/<str:action>/#jawab": "R R R R R R R R R G",
    "POST lacak/laporan/<str:number>/<str:action>/#nilai": "R R R R R R R R R G",
    "POST lacak/laporan/<str:number>/<str:action>/#sanggah": "R R R R R R R R R G",
    "POST lacak/laporan/<str:number>/<str:action>/#beres": "R R R R R R R R R G",
    "GET lacak/<str:code>/": "N N N N N N N N N R",
    "GET publik/": "HSH HSH HSH HSH HSH HSH HSH HSH HSH HSH",
    "GET publik/peta.json": "HSH HSH HSH HSH HSH HSH HSH HSH HSH HSH",
    "GET publik/<str:number>/": "N2N N2N N2N N2N N2N N2N N2N N2N N2N N2N",
    "GET publik/<str:number>/foto/<int:photo_id>/": "N2N N2N N2N N2N N2N N2N N2N N2N N2N N2N",
    "GET statistik/": "2 2 2 2 2 2 2 2 2 2",
    "GET statistik/kinerja/": "2 2 2 2 2 2 2 2 2 2",
    "GET wilayah/kota.json": "2 2 2 2 2 2 2 2 2 2",
    "GET wilayah/<str:code>/batas.json": "2 2 2 2 2 2 2 2 2 2",
    # --- Open311: reading needs no key and shows Publik reports only; filing needs a client app's key
    r"GET open311/v2/^discovery\.(?P<fmt>json|xml)$": "2 2 2 2 2 2 2 2 2 2",
    r"GET open311/v2/^services\.(?P<fmt>json|xml)$": "2 2 2 2 2 2 2 2 2 2",
    r"GET open311/v2/^services/(?P<service_code>[^/]+?)\.(?P<fmt>json|xml)$": "2 2 2 2 2 2 2 2 2 2",
    r"GET open311/v2/^requests\.(?P<fmt>json|xml)$": "HSH HSH HSH HSH HSH HSH HSH HSH HSH HSH",
    r"POST open311/v2/^requests\.(?P<fmt>json|xml)$": "D D D D D D D D D D",
    r"GET open311/v2/^requests/(?P<service_request_id>[^/]+?)\.(?P<fmt>json|xml)$": "N2N N2N N2N N2N N2N N2N N2N N2N N2N N2N",
    r"GET open311/v2/^tokens/(?P<token_id>[^/]+?)\.(?P<fmt>json|xml)$": "N N N N N N N N N N",
    r"GET open311/v2/^media/(?P<number>[A-Za-z0-9]{1,64})/(?P<photo_id>[0-9]{1,18})\.jpg$": "N2N N2N N2N N2N N2N N2N N2N N2N N2N N2N",
    r"GET open311/v2/^(?P<rest>.*)$": "N N N N N N N N N N",
}

# --- the admin: per registered model, what a superuser gets on each page; everyone else is sent to the
# admin login (no staff account here has is_staff). Pages: changelist, add, history, delete, change, and the bare
# object URL (a redirect to change).
ADMIN_MODELS = {
    #                             list add history delete change bare
    "auth/group": "2 2 2 2 2 R",
    "auth/user": "2 2 2 D 2 R",  # the object is a privacy officer's account
    "axes/accessattempt": "2 D R R R R",  # no row: pages of a missing id go back to the list
    "axes/accesslog": "2 D 2 2 2 R",
    "axes/accessfailurelog": "2 D R R R R",  # no row
    "core/holiday": "2 2 2 2 2 R",
    "core/auditevent": "2 D 2 D 2 R",  # read-only
    "privacy/identityrecord": "2 D 2 D 2 R",  # read-only, metadata only
    "privacy/vaultblob": "2 D 2 D 2 R",  # read-only, metadata only
    "privacy/accessevent": "2 D 2 D 2 R",  # read-only
    "privacy/revealrequest": "2 D 2 D 2 R",  # read-only
    "organization/wilayah": "2 2 2 2 2 R",
    "organization/category": "2 2 2 2 2 R",
    "organization/unit": "2 2 2 2 2 R",
    "organization/tupoksi": "2 2 2 2 2 R",
    "organization/staffrole": "2 2 2 2 2 R",
    "organization/rolechange": "2 2 R D R R",  # no row
    "reports/report": "2 D 2 D 2 R",  # read-only
    "reports/notification": "2 D 2 D 2 R",  # read-only
    "officers/apitoken": "2 D 2 2 2 R",  # read-only but revocable
    "otp_totp/totpdevice": "2 D 2 2 2 R",  # read-only; deletable (a lost phone; enrolling is on the server)
    "open311/apiclient": "2 2 2 D 2 R",
    "open311/serviceattribute": "2 2 2 2 2 R",
    "open311/clientreport": "2 D 2 D 2 R",
}
ADMIN_APPS = (
    "axes",
    "core",
    "privacy",
    "organization",
    "reports",
    "officers",
    "otp_totp",
    "auth",
    "open311",
)  # as registered
ADMIN_PAGES = (
    "",
    "add/",
    "<path:object_id>/history/",
    "<path:object_id>/delete/",
    "<path:object_id>/change/",
    "<path:object_id>/",
)
ADMIN_OTHER = {  # "anon staff superuser" (staff: every StaffRole; the reporter answers as anon)
    "GET admin/": "L L 2",
    "GET admin/login/": "2 2 R",
    "POST admin/logout/": "R R R",
    "GET admin/password_change/": "L L 2",
    "GET admin/password_change/done/": "L L 2",
    "GET admin/jsi18n/": "L L 2",
    "GET admin/autocomplete/": "L L 2",
    "GET admin/auth/user/<id>/password/": "L L 2",
    "GET admin/r/<path:content_type_id>/<path:object_id>/": "L L N",
    "GET admin/(?P<url>.*)$": "L L N",
    # side doors to an identity: moving a token to another account, granting a role alone
    "POST admin/officers/apitoken/<path:object_id>/change/": "L L D",
    "POST admin/organization/staffrole/add/": "L L U",
}


def _admin_rows() -> dict[str, str]:
    rows = {}
    others = " ".join("L" for _r in ROLES[1:8])
    for model, superuser in ADMIN_MODELS.items():
        for page, token in zip(ADMIN_PAGES, superuser.split(), strict=True):
            rows[f"GET admin/{model}/{page}"] = f"L {others} {token} L"
    for label in ADMIN_APPS:
        rows[f"GET admin/^(?P<app_label>{'|'.join(ADMIN_APPS)})/$#{label}"] = f"L {others} 2 L"
    for key, superuser in ADMIN_OTHER.items():
        anon, staff, su = superuser.split()
        rows[key] = f"{anon} {' '.join(staff for _r in ROLES[1:8])} {su} {anon}"
    return rows


EXPECTED.update(_admin_rows())

# (route, role, relation) → why today's answer is wrong. Relation "-" for routes without a report.
FINDINGS: dict[tuple[str, str, str], str] = {}


def cells(key: str, relational: bool) -> list[tuple[str, str, str]]:
    """(role, relation, expected class) for every cell of one route; ``relational``: the route takes a report."""
    tokens = EXPECTED[key].split()
    if len(tokens) != len(ROLES):
        raise ValueError(f"{key}: {len(tokens)} tokens for {len(ROLES)} roles")
    if not relational and any(len(t) != 1 for t in tokens):
        raise ValueError(f"{key}: a route without a report has one letter per role")
    out = []
    for role, token in zip(ROLES, tokens):
        if len(token) not in (1, 3) or any(c not in LEGEND for c in token):
            raise ValueError(f"{key}: bad token {token!r} for {role}")
        if relational:
            out.extend((role, rel, token[i] if len(token) == 3 else token) for i, rel in enumerate(RELATIONS))
        else:
            out.append((role, "-", token))
    return out

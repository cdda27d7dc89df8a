"""The public statistics show a median days to Selesai only when at least ``SIGAP_STATS_MIN_COUNT`` reports are done,
as every public table does (an attacker's review: a kelurahan whose one Selesai report was Privat showed that
report's own handling time)."""

from __future__ import annotations

import pytest

from sigap.portal import selectors
from sigap.portal.tests.conftest import PB

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("done, shown", [(1, False), (4, False), (5, True)])
def test_a_median_resting_on_fewer_than_the_minimum_is_not_shown(client, settings, done, shown):
    from sigap.organization.models import Wilayah
    from sigap.reports.models import AreaDoneDays, AreaStatus

    settings.SIGAP_STATS_MIN_COUNT = 5
    kel = Wilayah.objects.get(code=PB)
    AreaStatus.objects.create(kelurahan_id=kel.pk, status="done", n=done)
    AreaDoneDays.objects.create(kelurahan_id=kel.pk, days=4, n=done)
    snapshot = selectors.statistics_snapshot()
    row = {r["code"]: r for r in snapshot.figures["kelurahan"]["31.75"]}[PB]
    assert row["done"] == done
    assert (row["median_days"] is not None) is shown, row
    kota = {r["code"]: r for r in snapshot.figures["kota"]}["31.75"]
    assert (kota["median_days"] is not None) is shown, kota
    page = client.get("/statistik/?kota=31.75").content.decode()
    assert "sedikitnya 5 laporan selesai" in page

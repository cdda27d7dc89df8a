"""A validation records whether the unit's proof carried a flag as the validator decided
(``StatusChange.proof_flagged``): the summaries' "flagged proofs validated" no longer follow a later recheck of the
photos. The validations already stored get what the summaries counted for them until now: a flagged proof photo of
the unit's stay that the validation ended, as its flags stand today."""

from django.db import migrations, models
from django.db.models import Exists, F, OuterRef, Subquery
from django.db.models.functions import Coalesce


def fill(apps, schema_editor):
    StatusChange = apps.get_model("reports", "StatusChange")
    UnitStay = apps.get_model("reports", "UnitStay")
    Photo = apps.get_model("reports", "Photo")
    Report = apps.get_model("reports", "Report")
    stay = UnitStay.objects.filter(
        report_id=OuterRef(OuterRef("report_id")),
        unit_id=OuterRef(OuterRef("unit_id")),
        arrived_at__lte=OuterRef(OuterRef("created_at")),
    ).order_by("-arrived_at")
    filed = Report.objects.filter(pk=OuterRef(OuterRef("report_id"))).values("created_at")[:1]
    flagged_proof = Photo.objects.filter(
        report_id=OuterRef("report_id"),
        unit_id=OuterRef("unit_id"),
        kind__in=("before", "after"),
        created_at__lte=OuterRef("created_at"),
        created_at__gte=Coalesce(Subquery(stay.values("arrived_at")[:1]), Subquery(filed)),
    ).exclude(proof_flags=[])
    validations = StatusChange.objects.filter(
        unit_id__isnull=False, new_status__in=("done", "followup_rejected")
    ).exclude(old_status=F("new_status"))
    validations.update(proof_flagged=Exists(flagged_proof))


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0033_stays_keep_their_deadlines"),
    ]

    operations = [
        migrations.AddField(
            model_name="statuschange",
            name="proof_flagged",
            field=models.BooleanField(blank=True, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]

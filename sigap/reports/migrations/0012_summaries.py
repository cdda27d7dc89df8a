"""Counters and summaries behind the dashboard and public statistics (``sigap.reports.summaries``):
the tables, then their rows for the reports already stored, counted set-based by ``summaries.rebuild``."""

import django.db.models.deletion
from django.db import migrations, models


def populate(apps, schema_editor):
    """Nothing here any more: the live ``summaries.rebuild`` counts columns added by later migrations, so it
    runs once at the end of the summaries' migrations (``0023_unit_performance``)."""


class Migration(migrations.Migration):
    dependencies = [("reports", "0011_duplicate_features")]

    operations = [
        migrations.CreateModel(
            name='AreaDoneDays',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kelurahan_id', models.IntegerField()),
                ('days', models.IntegerField()),
                ('n', models.IntegerField(default=0)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('kelurahan_id', 'days'), name='areadonedays_key')],
            },
        ),
        migrations.CreateModel(
            name='AreaStatus',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kelurahan_id', models.IntegerField()),
                ('status', models.CharField(max_length=30)),
                ('n', models.IntegerField(default=0)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('kelurahan_id', 'status'), name='areastatus_key')],
            },
        ),
        migrations.CreateModel(
            name='UnitDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('unit_id', models.IntegerField()),
                ('concerned_id', models.IntegerField(default=0)),
                ('created', models.IntegerField(default=0)),
                ('received', models.IntegerField(default=0)),
                ('done', models.IntegerField(default=0)),
                ('rejected', models.IntegerField(default=0)),
            ],
            options={
                'indexes': [models.Index(fields=['unit_id', 'day'], name='unitday_unit_day')],
                'constraints': [models.UniqueConstraint(fields=('day', 'unit_id', 'concerned_id'), name='unitday_key')],
            },
        ),
        migrations.CreateModel(
            name='DoneTime',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('unit_id', models.IntegerField()),
                ('concerned_id', models.IntegerField(default=0)),
                ('done_at', models.DateTimeField()),
                ('seconds', models.FloatField(null=True)),
                ('report', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='reports.report')),
            ],
            options={
                'indexes': [models.Index(fields=['done_at', 'unit_id'], name='donetime_at_unit'), models.Index(fields=['unit_id', 'done_at'], name='donetime_unit_at')],
            },
        ),
        migrations.AddIndex(
            model_name="report",
            index=models.Index(fields=["privacy", "created_at", "id"], name="report_public_recent"),
        ),
        migrations.AddIndex(
            model_name="reportunit",
            index=models.Index(condition=models.Q(("is_open", True)), fields=["unit", "report"],
                               name="reportunit_open_any"),
        ),
        migrations.RunPython(populate, migrations.RunPython.noop),
    ]

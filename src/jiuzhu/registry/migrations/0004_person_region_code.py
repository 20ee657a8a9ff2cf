from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_region_codes(apps, schema_editor):
    Person = apps.get_model("registry", "Person")
    Household = apps.get_model("registry", "Household")
    Person.objects.update(
        region_code=Subquery(Household.objects.filter(pk=OuterRef("household_id")).values("region_code")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_importjob")]

    operations = [
        migrations.AddField(
            model_name="person",
            name="region_code",
            field=models.CharField(default="", editable=False, max_length=12, verbose_name="区划代码"),
            preserve_default=False,
        ),
        migrations.RunPython(copy_region_codes, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["name_initials", "region_code"], name="registry_pe_name_in_01b78b_idx"),
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(fields=["region_code"], name="registry_pe_region__058dbe_idx"),
        ),
    ]

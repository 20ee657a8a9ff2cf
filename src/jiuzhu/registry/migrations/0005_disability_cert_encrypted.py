"""残疾证号 (the ID number plus two digits) is stored encrypted and masked, like the ID number itself (issue #11, 4).
The numbers already stored in clear are encrypted in place, then the clear column is dropped."""

from typing import Any

from django.db import migrations, models


def encrypt_existing(apps: Any, schema_editor: Any) -> None:
    from jiuzhu.core import pii

    person = apps.get_model("registry", "Person")
    batch: list[Any] = []
    for row in person.objects.exclude(disability_cert="").only("pk", "disability_cert").iterator(chunk_size=5000):
        value = row.disability_cert.strip().upper()
        row.disability_cert_enc, row.disability_cert_masked = pii.encrypt(value), pii.mask_id(value)
        batch.append(row)
        if len(batch) >= 5000:
            person.objects.bulk_update(batch, ["disability_cert_enc", "disability_cert_masked"])
            batch.clear()
    person.objects.bulk_update(batch, ["disability_cert_enc", "disability_cert_masked"])


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_person_region_code")]

    operations = [
        migrations.AddField(
            model_name="person",
            name="disability_cert_enc",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="person",
            name="disability_cert_masked",
            field=models.CharField(blank=True, editable=False, max_length=30, verbose_name="残疾证号"),
        ),
        migrations.RunPython(encrypt_existing, migrations.RunPython.noop),
        migrations.RemoveField(model_name="person", name="disability_cert"),
    ]

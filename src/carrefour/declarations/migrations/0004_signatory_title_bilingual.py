"""The signatory's title in English and in French; the single title stored so far goes to both."""

from django.db import migrations, models


def copy_title(apps, schema_editor):
    Endorsement = apps.get_model("declarations", "Endorsement")
    Endorsement.objects.update(signatory_title_en=models.F("signatory_title"), signatory_title_fr=models.F("signatory_title"))


def copy_back(apps, schema_editor):
    Endorsement = apps.get_model("declarations", "Endorsement")
    for endorsement in Endorsement.objects.all():
        endorsement.signatory_title = endorsement.signatory_title_en or endorsement.signatory_title_fr
        endorsement.save(update_fields=["signatory_title"])


class Migration(migrations.Migration):
    dependencies = [("declarations", "0003_invitation_reminders")]

    operations = [
        migrations.AddField(
            model_name="endorsement", name="signatory_title_en",
            field=models.CharField(blank=True, max_length=300, verbose_name="title of the signatory (English)"),
        ),
        migrations.AddField(
            model_name="endorsement", name="signatory_title_fr",
            field=models.CharField(blank=True, max_length=300, verbose_name="title of the signatory (French)"),
        ),
        migrations.RunPython(copy_title, copy_back),
        migrations.RemoveField(model_name="endorsement", name="signatory_title"),
    ]

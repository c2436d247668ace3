from django.db import migrations, models


class Migration(migrations.Migration):
    """A table member's name or position in both languages; the single name becomes the English one."""

    dependencies = [("portfolio", "0006_initiative_list_order")]

    operations = [
        migrations.RenameField(model_name="tablemember", old_name="name", new_name="name_en"),
        migrations.AlterField(
            model_name="tablemember", name="name_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="name or position (English)"),
        ),
        migrations.AddField(
            model_name="tablemember", name="name_fr",
            field=models.CharField(blank=True, max_length=200, verbose_name="name or position (French)"),
        ),
    ]

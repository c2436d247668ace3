from django.db import migrations


def load_facets(apps, schema_editor):
    from carrefour.portfolio.facets import FACETS

    Facet = apps.get_model("portfolio", "Facet")
    for order, data in enumerate(FACETS):
        Facet.objects.update_or_create(code=data["code"], defaults={**data, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("portfolio", "0001_initial")]

    operations = [migrations.RunPython(load_facets, migrations.RunPython.noop)]

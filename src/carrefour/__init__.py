"""Carrefour: the bilingual platform for Canada's public-sector innovation system."""

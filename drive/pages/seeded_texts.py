"""Names that data migrations and reference loaders store in English (scoring method,
risk model, risk indices), marked here so that the catalogue carries their translation.
Templates show them through ``{{ name|translated }}`` (drive/core/templatetags/drive_format),
which looks the stored text up in the catalogue and leaves other text (a buyer's own
method or model name) as it is."""

from django.utils.translation import gettext_noop

SEEDED_TEXTS = (
    gettext_noop("DRiVE default scoring"),
    gettext_noop("DRiVE default"),
    gettext_noop(
        "ITUC 2025, CPI 2025, WGI 2022 (rule of law, control of corruption), GSI 2023; "
        "country 0.7 / sector 0.3."
    ),
    gettext_noop("ITUC Global Rights Index"),
    gettext_noop("Corruption Perceptions Index"),
    gettext_noop("WGI voice and accountability (percentile rank)"),
    gettext_noop("WGI political stability and absence of violence (percentile rank)"),
    gettext_noop("WGI government effectiveness (percentile rank)"),
    gettext_noop("WGI regulatory quality (percentile rank)"),
    gettext_noop("WGI rule of law (percentile rank)"),
    gettext_noop("WGI control of corruption (percentile rank)"),
    gettext_noop("Global Slavery Index (prevalence per 1,000)"),
)

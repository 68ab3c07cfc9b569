"""DRiVE's date and number formats per language (settings.FORMAT_MODULE_PATH).

One date style per language on every page, e-mail and PDF: templates write ``{{ d|date }}``
(DATE_FORMAT) or ``{{ d|date:"DATETIME_FORMAT" }}``, never a hand-written pattern. What a
module here leaves out falls back to Django's own format module for that language.
"""

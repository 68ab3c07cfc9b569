"""The API docs page (/api/docs/) under DRiVE's Content-Security-Policy.

drf-spectacular's split view serves Swagger UI's start-up script as a separate same-origin
file (``?script``) instead of an inline ``<script>``; our template drops the inline
``<style>`` for a static stylesheet. So the page needs no CSP allowance of its own.
"""

from __future__ import annotations

from drf_spectacular.views import SpectacularSwaggerSplitView


class SwaggerDocsView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"

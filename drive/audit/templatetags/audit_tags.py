from django import template

from drive.audit.selectors import events_for

register = template.Library()


@register.inclusion_tag("audit/_timeline.html")
def audit_timeline(target, limit: int = 50):
    """Render the timeline of ``target`` (the component every detail page reuses)."""
    return {"events": list(events_for(target)[:limit])}

"""The registry's kept figures follow its changes (imported by ``SuppliersConfig.ready``).

The filter's countries and sectors and the totals of unsearched lists are kept across
requests under the registry's generation (drive/suppliers/registry_cache.py); every event
that may change them starts a new generation. The services only record their events.
"""

from __future__ import annotations

from drive.events.models import DomainEvent
from drive.events.registry import subscribe
from drive.suppliers.registry_cache import registry_changed

# Events after which a registry may hold other suppliers, countries, sectors, sizes or
# women-owned flags (the agreements and certifications of a supplier change none of these).
REGISTRY_EVENTS = ("supplier.created", "supplier.updated", "supplier.deleted", "import.done")


def renew_registry_generation(event: DomainEvent) -> None:
    registry_changed()


for _name in REGISTRY_EVENTS:
    subscribe(_name, consumer="suppliers.registry_generation")(renew_registry_generation)

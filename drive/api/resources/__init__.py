"""API resources of the workflow apps, one module per app: explicit serializers and thin
viewsets over that app's selectors, services and permission predicates."""

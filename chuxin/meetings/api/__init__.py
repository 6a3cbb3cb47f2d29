"""Life meetings through the JSON API (/api/v1/meetings/...): meetings with their transitions,
participants and guides (``meetings``); the preparation: study, opinions, talks, checking
materials with versions and reviews, the gate override (``preparation``); the confidential
record, follow-up problems, the report and the rating (``records``); a campaign's settings and
a subtree's overview from the counters (``overview``). The typed schemas are in ``schemas``."""

from ninja import Router

from . import meetings, overview, preparation, records

router = Router(tags=["meetings"])


def _mount(area: Router) -> None:
    for path_view in area.path_operations.values():
        for operation in path_view.operations:
            # Clients generated from the schema name their methods after the operation id, which
            # ninja derives from the module: keep the ids the API had as a single module.
            operation.operation_id = f"chuxin_meetings_api_{operation.view_func.__name__}"
    router.add_router("", area)


# In the order the single module had them, so that the OpenAPI paths keep their order.
for area in (meetings, preparation, records, overview):
    _mount(area.router)

__all__ = ["router"]

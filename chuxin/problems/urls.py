from typing import Any

app_name = "problems"

urlpatterns: list[Any] = []

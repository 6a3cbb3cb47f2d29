from typing import Any

app_name = "rectification"

urlpatterns: list[Any] = []

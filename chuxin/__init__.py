"""Chuxin (初心): the system of record for a thematic education campaign."""

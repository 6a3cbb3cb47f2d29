"""Indicator schemes and frozen evaluations of units."""

"""Promotion conferences: venues, agenda, deployed work, the news release."""

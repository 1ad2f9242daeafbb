"""Numbers in the Chinese UI as the organizers publish them: thousands grouped by commas (¥30,000,
38,000), as in the English UI. Django's own Chinese format groups nothing (30000) while the
leaderboard, written by hand, grouped by commas: one format for every page, through Django's
localisation (intcomma, number_format)."""

from django.conf.locale.zh_Hans.formats import *  # noqa: F403

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3

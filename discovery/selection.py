"""Discovery listens to households' selection moments (households.selection, found by autodiscovery): a case's
conference decision or a service link's move settles the informant rewards waiting on it."""

from households.selection import register

from .services.rewards import rewards_on_selection

register(rewards_on_selection)

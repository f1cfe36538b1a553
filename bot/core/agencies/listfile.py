"""Old import path of the agency-list files: see `bot.core.agencies.listing.files`."""

from bot.core.agencies.listing.files import *  # noqa: F403
from bot.core.agencies.listing.files import __all__  # noqa: F401

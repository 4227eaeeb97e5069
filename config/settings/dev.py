from config.settings.base import *  # noqa: F403
from config.settings.env import env_bool

DEBUG = env_bool("DEBUG", True)
SITE_PORT = env("SITE_PORT", ":8000")  # noqa: F405
WHITENOISE_USE_FINDERS = True  # serve static/ directly; collectstatic is for production
WHITENOISE_AUTOREFRESH = True

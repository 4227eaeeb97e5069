"""Django Channels: WebSockets for live updates, through Redis when REDIS_URL is set."""

from config.settings.env import env

_redis_url = env("REDIS_URL")
CHANNEL_LAYERS = (
    {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [_redis_url]},
        }
    }
    if _redis_url
    # No Redis (embedded `make run`): one process serves HTTP and WebSockets, so an in-memory
    # layer reaches every socket of that process.
    else {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
)

"""The Channels layer: channels-redis's, blocking less than redis-py reads.

redis-py 8 gives every connection a 5 s socket read timeout by default, and
channels-redis's receive loop blocks in BZPOPMIN for 5 s too: an idle consumer then
loses the race, gets TimeoutError and is torn down (the page sees a 1011 close and
reconnects; a push in flight is lost). Blocking 2 s leaves the read 3 s of room.
See django/channels_redis#422.
"""

from channels_redis.core import RedisChannelLayer as _RedisChannelLayer


class RedisChannelLayer(_RedisChannelLayer):
    brpop_timeout = 2

"""Django's Redis cache with one client object per connection pool.

Django builds a new `redis.Redis` for every cache call (`RedisCacheClient.get_client`), about 0.1 ms each: more
than the call itself on loopback, and a page makes several. A client holds no connection of its own (it borrows
one from the pool for each command), so one per pool serves every call; Django already keeps a backend per thread.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusedClientCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        # By the pool Django picks (a read picks a replica at random): a client is bound to its pool.
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client


class ReusedClientRedisCache(RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = ReusedClientCacheClient

"""Django's Redis cache with one client object per connection pool.

Django builds a new `redis.Redis` for every cache call (`RedisCacheClient.get_client`), about 0.1 ms each: more
than the call itself on loopback, and a page makes several. A client holds no connection of its own (it borrows
one from the pool for each command), so one per pool serves every call; Django already keeps a backend per thread.
"""

import hashlib
from pathlib import Path

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


def caches(*, redis_url: str, testing: bool, database: dict, cache_dir: Path, key_prefix: str = "") -> dict:
    """The CACHES setting.

    Every process of a site must share the cache, for the dashboard's pages are kept under a data version that any
    process's write bumps (relations/freshness.py): Redis when it is configured; otherwise files (a command such as
    `ingest` run beside `make run` would otherwise write into a memory of its own, and the dashboard would not see
    it). Tests keep a memory of their own. Keys carry the database's identity (or `key_prefix`, CACHE_KEY_PREFIX):
    two sites on one Redis, or a benchmark database beside the dashboard's, never read each other's pages.
    """
    if redis_url:
        backend = {
            "BACKEND": "config.cache.ReusedClientRedisCache",
            "LOCATION": redis_url,
            # The cache only speeds pages up: when Redis is out of reach, fail fast and compute from the database
            # rather than hold the request.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    elif testing:
        backend = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    else:
        backend = {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(cache_dir),
            # Page bodies per language, period and data version: a small site's dashboard fits in a few hundred.
            "OPTIONS": {"MAX_ENTRIES": 2000},
            # Entries that should expire say when; the data version must not (this backend's incr() writes the
            # counter back with the default timeout).
            "TIMEOUT": None,
        }
    return {"default": {**backend, "KEY_PREFIX": key_prefix or database_key(database)}}


# Names of this machine in a DATABASE_URL: a worker configured with "localhost" and a web server with
# "127.0.0.1:5432" use one database, and must share one cache.
LOCAL_HOSTS = {"", "localhost", "127.0.0.1", "::1"}
DEFAULT_PORTS = {"django.db.backends.postgresql": "5432"}


def database_key(database: dict) -> str:
    engine = str(database.get("ENGINE") or "")
    host = str(database.get("HOST") or "").lower()
    port = str(database.get("PORT") or DEFAULT_PORTS.get(engine, ""))
    identity = "|".join([engine, "local" if host in LOCAL_HOSTS else host, port, str(database.get("NAME") or "")])
    return "db-" + hashlib.sha256(identity.encode()).hexdigest()[:12]

"""The Redis cache backend of config/cache.py: one client per connection pool, and Django's cache behaviour."""

import pytest
import redis

from config.cache import ReusedClientRedisCache


def backend(location: str) -> ReusedClientRedisCache:
    return ReusedClientRedisCache(location, {"OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.5}})


def test_every_call_uses_the_same_client_and_pool(redis_url):
    cache = backend(redis_url)
    first = cache._cache.get_client("a")
    assert cache._cache.get_client("b") is first
    assert cache._cache.get_client("c", write=True) is first  # one server: reads and writes share its pool
    assert first.connection_pool is cache._cache._get_connection_pool(write=True)


def test_values_round_trip_through_the_reused_client(redis_url):
    cache = backend(redis_url)
    key = "test-cache-backend-round-trip"
    try:
        cache.set(key, {"meetings": 3}, timeout=30)
        assert cache.get(key) == {"meetings": 3}
        assert cache.add(key + "-n", 1)
        assert cache.incr(key + "-n") == 2
        assert cache.get_many([key, "missing"]) == {key: {"meetings": 3}}
    finally:
        cache.delete_many([key, key + "-n"])
    assert cache.get(key) is None


def test_with_replicas_each_client_stays_bound_to_its_own_pool(redis_url):
    cache = backend(f"{redis_url},{redis_url},{redis_url}")  # a writer and two replicas, read at random
    writer = cache._cache.get_client(write=True)
    readers = {cache._cache.get_client() for _ in range(50)}
    assert writer not in readers
    assert len(readers) == 2
    pools = {id(pool): pool for pool in cache._cache._pools.values()}
    assert {id(reader.connection_pool) for reader in readers} | {id(writer.connection_pool)} == set(pools)
    for reader in readers:
        assert cache._cache._clients[id(reader.connection_pool)] is reader


def test_an_unreachable_server_still_raises_redis_errors():
    """relations.freshness catches these to serve pages from the database: the reused client must not hide them."""
    cache = backend("redis://127.0.0.1:1/0")
    for _ in range(2):  # a failed command leaves the client usable for the next attempt
        with pytest.raises(redis.exceptions.ConnectionError):
            cache.get("anything")

"""Which cache a site uses (config/cache.py): one every process of the site shares, keyed by its database."""

from __future__ import annotations

import tempfile

from django.core.cache import caches as django_caches
from django.core.cache.backends.filebased import FileBasedCache
from django.test import SimpleTestCase, override_settings

from config.cache import caches, database_key
from relations import freshness

SQLITE = {"ENGINE": "django.db.backends.sqlite3", "NAME": "/srv/tracker/db.sqlite3"}


class CacheSettingsTests(SimpleTestCase):
    def test_redis_when_configured(self):
        found = caches(redis_url="redis://cache:6379/0", testing=False, database=SQLITE, cache_dir="/tmp/x")["default"]
        self.assertEqual(
            (found["BACKEND"], found["LOCATION"]), ("config.cache.ReusedClientRedisCache", "redis://cache:6379/0")
        )

    def test_files_without_redis_and_memory_under_tests(self):
        embedded = caches(redis_url="", testing=False, database=SQLITE, cache_dir="/srv/tracker/var/cache")["default"]
        self.assertEqual(embedded["BACKEND"], "django.core.cache.backends.filebased.FileBasedCache")
        self.assertEqual(embedded["LOCATION"], "/srv/tracker/var/cache")
        tests = caches(redis_url="", testing=True, database=SQLITE, cache_dir="/srv/tracker/var/cache")["default"]
        self.assertEqual(tests["BACKEND"], "django.core.cache.backends.locmem.LocMemCache")

    def test_each_database_has_its_own_keys(self):
        other = {**SQLITE, "NAME": "/srv/tracker/bench-100k.sqlite3"}
        prefixes = {
            caches(redis_url=url, testing=False, database=database, cache_dir="/tmp/x")["default"]["KEY_PREFIX"]
            for url in ("", "redis://cache:6379/0")
            for database in (SQLITE, other)
        }
        self.assertEqual(len(prefixes), 2)  # by database, whatever the backend

    def test_one_database_named_two_ways_has_one_key(self):
        postgres = {"ENGINE": "django.db.backends.postgresql", "NAME": "relations"}
        spellings = [{"HOST": "localhost"}, {"HOST": "127.0.0.1", "PORT": 5432}, {"HOST": "LOCALHOST", "PORT": "5432"}]
        keys = {database_key({**postgres, **spelling}) for spelling in spellings}
        self.assertEqual(len(keys), 1)
        self.assertNotEqual(database_key({**postgres, "HOST": "db.example.org"}), keys.pop())

    def test_a_prefix_given_stands(self):
        found = caches(redis_url="", testing=False, database=SQLITE, cache_dir="/tmp/x", key_prefix="tracker")
        self.assertEqual(found["default"]["KEY_PREFIX"], "tracker")

    def test_a_write_in_one_process_reaches_the_pages_of_another(self):
        """A command's write (here through freshness, as every write path bumps) changes the data version another
        process reads from the same files: the embedded site's dashboard sees `manage.py ingest`."""
        directory = self.enterContext(tempfile.TemporaryDirectory())
        setting = caches(redis_url="", testing=False, database=SQLITE, cache_dir=directory)
        with override_settings(CACHES=setting):
            django_caches["default"].clear()
            before = freshness.data_version()
            # The dashboard's process: its own cache object over the same files and keys.
            options = setting["default"]
            other = FileBasedCache(options["LOCATION"], {**options["OPTIONS"], "KEY_PREFIX": options["KEY_PREFIX"]})
            self.assertEqual(other.get(freshness.VERSION_KEY), before)
            freshness.bump_data_version()
            self.assertNotEqual(other.get(freshness.VERSION_KEY), before)

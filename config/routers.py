"""Which models dumpdata and loaddata leave out."""

# Tables PostgreSQL keeps by triggers (relations/summaries.py), not managed by Django's migrations: a dump's rows
# would clash with those the triggers count from the loaded meetings, so dumps neither write nor load them.
KEPT_BY_THE_DATABASE = {("relations", "countrymonth"), ("relations", "countrymonthsector"),
                        ("relations", "monthsector"), ("relations", "countryofficial")}  # fmt: skip


class KeptTablesRouter:
    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if (app_label, model_name) in KEPT_BY_THE_DATABASE:
            return False
        return None

"""Views, one module per area of the product: the dashboard pages, the meetings pages, article ingestion."""

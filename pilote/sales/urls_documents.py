"""URLs of quotes, orders and deliveries (views_quotes.py, views_orders.py)."""

urlpatterns: list = []

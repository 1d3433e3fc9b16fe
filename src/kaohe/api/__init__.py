"""The JSON API (django-ninja) at /api/: every operation checks kaohe.accounts.policy, then
calls a selector or a service (docs/api.md)."""

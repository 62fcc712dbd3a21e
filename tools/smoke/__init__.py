"""Post-deploy smoke test: send sample events to a stream's event hub, report what reached bronze, silver and gold.

Standard library only (urllib): every call is HTTPS behind `Transport`, so tests replay recorded responses.
See docs/smoke-test.md.
"""

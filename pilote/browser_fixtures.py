"""Fixtures for browser tests (marked `browser`): Playwright driving Debian's Chromium."""

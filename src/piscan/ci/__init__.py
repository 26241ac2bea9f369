"""CI integration: gates, config files, allowlists, inline ignores, baselines, changed-files mode, progress.

Each module has one job; :mod:`piscan.ci.pipeline` strings them together for ``piscan scan`` and
``piscan baseline``. See ``docs/ci.md``.
"""

"""Renderers: turn a scan result (or a saved JSON report) into JSON, text, and later HTML/SARIF/Markdown."""

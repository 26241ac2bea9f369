"""Signed, verifiable reports for regulators: Ed25519 over RFC 8785 (JCS) canonical JSON.

See ``docs/signing.md`` for the exact bytes signed and ``docs/threat-model.md`` for what it proves.
"""

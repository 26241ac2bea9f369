"""Detection: recognizers built from rule packs, validators, context scoring and the scan engines."""

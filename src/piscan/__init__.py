"""piscan: find Chinese personal information where enterprises leak it.

The pipeline is visible in the package layout:

* :mod:`piscan.sources` read inputs into located text (chunks of lines, or cells with table/column);
* :mod:`piscan.detection` runs the recognizers and validators defined by the rule packs in ``rules/``;
* :mod:`piscan.risk` classifies findings (collection / storage / use);
* :mod:`piscan.reports` renders them.

Importing :mod:`piscan` is cheap on purpose: heavy libraries are imported lazily.
"""

__version__ = "0.1.0"

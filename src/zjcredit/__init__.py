"""zjcredit: check and merge Zhejiang credit-bank training declarations, catalogs and outcomes."""

__version__ = "0.1.0"

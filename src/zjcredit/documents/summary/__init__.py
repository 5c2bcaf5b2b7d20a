"""`zjcredit summary build`: Annex 2 declarations merged into the regional summary (Annex 1)."""

"""Facts and normalisers: document descriptions, the notice's vocabularies, Zhejiang's divisions, catalog
periods, resident IDs, and cell values turned into clean values (scalar and column-wise). Imports nothing of
zjcredit but :mod:`zjcredit.errors`."""

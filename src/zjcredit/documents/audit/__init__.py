"""The province's verification (浙学银〔2019〕2号 三（三）, 四（五）): `zjcredit audit` and `zjcredit stats`.

Outcome files are read and checked record by record as `outcomes check` does, their records stored
(:mod:`zjcredit.store`, in memory without ``--store``), and every query of :mod:`zjcredit.screens` then runs
over everything stored, across counties and periods. Each institution is judged (``verdicts``), the yearly
figures counted (``figures``), and the report workbook written (``workbook``).
"""

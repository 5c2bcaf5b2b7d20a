"""Process ledgers (过程性台账, 浙学银〔2019〕2号 规范内容 二(二)): one per project, five parts — 学员信息表, 签到表,
项目课程设计表, 开展情况记录, 学习成果评价表 — kept as one workbook or as one folder of files.

- :mod:`.parts` — the parts and how a sheet or file is recognised as one; :mod:`.title` — the title block;
  :mod:`.dates` — session dates with or without a year; :mod:`.signin` — sign-in sheets in three layouts;
- :mod:`.read` — finding ledgers under the PATH arguments and reading them into :mod:`.model`;
- :mod:`.rules`, :mod:`.session_rules`, :mod:`.catalog_rules`, :mod:`.outcome_rules` — the rules, each beside
  its check; :mod:`.screens` — the screens across ledgers (DuckDB), run by :mod:`.screening`;
- :mod:`.check` — ``zjcredit ledger check`` (:func:`~.check.check_ledgers`, :func:`~.check.run_ledger_check`)
  and ``zjcredit validate --kind ledger``; :mod:`.readiness` — each project's readiness;
- :mod:`.blank` — ``zjcredit template ledger --catalog … --project …``.
"""

"""Findings and what is made of them: the rule and check registry (``findings``), rendering (``render``),
annotated copies (``annotate``), page layout (``layout``) and atomic, formula-safe output (``output``)."""

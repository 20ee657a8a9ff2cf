"""External registers (deaths, poverty register, disability certificates, vehicles…), exact and fuzzy linkage
against the registry, the anomaly rules and the findings ledger (疑似问题台账)."""

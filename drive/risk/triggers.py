"""The triggers that mark an enrolment's stored current score stale (``CohortScore``) in the
transaction of every change to its scores (``drive.risk.cohort``; migration 0004 creates them).

SQLite drops a table's triggers when a migration rebuilds the table (an altered field of
``scoring_score``), so ``ensure_cohort_triggers`` runs after every ``migrate`` (``apps.py``)
and creates any that is missing: the stored figures never silently stop following the scores.
"""

from __future__ import annotations

# Mark the enrolment's row stale (creating it when missing): an upsert, so that a reader
# computing a new row at the same moment cannot store a result that misses this change.
_UPSERT = """
    INSERT INTO risk_cohortscore (enrolment_id, programme_id, band, red_flag, dirty, version)
    SELECT a.enrolment_id, e.programme_id, NULL, FALSE, TRUE, 1
    FROM assessments_assessment a JOIN programmes_enrolment e ON e.id = a.enrolment_id
    WHERE a.id IN ({ids})
    ORDER BY a.enrolment_id
    ON CONFLICT (enrolment_id) DO UPDATE
    SET dirty = TRUE, version = risk_cohortscore.version + 1
"""

POSTGRESQL = [
    f"""
    CREATE FUNCTION risk_cohort_score_stale() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        {_UPSERT.format(ids="SELECT assessment_id FROM changed_scores")};
        RETURN NULL;
    END $$;
    """,  # noqa: S608 - constant SQL, no value from outside
    # Statement triggers (one upsert per statement, COPY included); a transition table
    # serves one event only, hence three.
    """CREATE TRIGGER risk_cohort_score_ins AFTER INSERT ON scoring_score
    REFERENCING NEW TABLE AS changed_scores
    FOR EACH STATEMENT EXECUTE FUNCTION risk_cohort_score_stale()""",
    """CREATE TRIGGER risk_cohort_score_upd AFTER UPDATE ON scoring_score
    REFERENCING NEW TABLE AS changed_scores
    FOR EACH STATEMENT EXECUTE FUNCTION risk_cohort_score_stale()""",
    """CREATE TRIGGER risk_cohort_score_del AFTER DELETE ON scoring_score
    REFERENCING OLD TABLE AS changed_scores
    FOR EACH STATEMENT EXECUTE FUNCTION risk_cohort_score_stale()""",
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS risk_cohort_score_ins ON scoring_score",
    "DROP TRIGGER IF EXISTS risk_cohort_score_upd ON scoring_score",
    "DROP TRIGGER IF EXISTS risk_cohort_score_del ON scoring_score",
    "DROP FUNCTION IF EXISTS risk_cohort_score_stale()",
]
SQLITE = [
    f"""CREATE TRIGGER risk_cohort_score_{name} AFTER {event} ON scoring_score
    BEGIN {_UPSERT.format(ids=f"{row}.assessment_id")}; END"""
    for name, event, row in (
        ("ins", "INSERT", "NEW"),
        ("upd", "UPDATE", "OLD.assessment_id, NEW"),
        ("del", "DELETE", "OLD"),
    )
]
SQLITE_REVERSE = [
    f"DROP TRIGGER IF EXISTS risk_cohort_score_{name}" for name in ("ins", "upd", "del")
]

NAMES = ("risk_cohort_score_ins", "risk_cohort_score_upd", "risk_cohort_score_del")


def _present(connection) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'scoring_score'::regclass"
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'scoring_score'"
            )
        return {row[0] for row in cursor.fetchall()}


def ensure_cohort_triggers(connection) -> list[str]:
    """Create the triggers that are missing (and their function on PostgreSQL); the names
    of those created."""
    if connection.vendor not in ("postgresql", "sqlite"):
        return []
    missing = [name for name in NAMES if name not in _present(connection)]
    if not missing:
        return []
    statements = POSTGRESQL if connection.vendor == "postgresql" else SQLITE
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(statements[0].replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"))
            statements = statements[1:]
        for name, statement in zip(NAMES, statements, strict=True):
            if name in missing:
                cursor.execute(statement)
    return missing

"""Progress reports and their photos are a record: the database refuses to rewrite or delete them.

A report's content (project, date, %, note, problems, the report it corrects, who submitted it, its photo
flags) is fixed at insert; only its check may move (``state``, ``verified_by``, ``updated_at``). A photo
row never changes. Both on SQLite and PostgreSQL, so even a direct query cannot rewrite the field's word.
"""

from django.db import migrations

FIXED = [
    "project_id",
    "reported_on",
    "percent",
    "note",
    "problems",
    "corrects_id",
    "submitted_by_id",
    "pemda_id",
    "created_at",
    "photo_far",
    "photo_old",
    "photo_no_position",
    "photo_no_time",
    "no_photo",
]
CHANGED = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in FIXED)
PG_CHANGED = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in FIXED)

SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS monitoring_report_fixed BEFORE UPDATE ON monitoring_progressreport
       WHEN {CHANGED}
       BEGIN SELECT RAISE(ABORT, 'monitoring_progressreport: a report is never rewritten'); END""",
    """CREATE TRIGGER IF NOT EXISTS monitoring_report_no_delete BEFORE DELETE ON monitoring_progressreport
       BEGIN SELECT RAISE(ABORT, 'monitoring_progressreport is append-only: DELETE refused'); END""",
    """CREATE TRIGGER IF NOT EXISTS monitoring_photo_no_update BEFORE UPDATE ON monitoring_reportphoto
       BEGIN SELECT RAISE(ABORT, 'monitoring_reportphoto is append-only: UPDATE refused'); END""",
    """CREATE TRIGGER IF NOT EXISTS monitoring_photo_no_delete BEFORE DELETE ON monitoring_reportphoto
       BEGIN SELECT RAISE(ABORT, 'monitoring_reportphoto is append-only: DELETE refused'); END""",
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS monitoring_report_fixed",
    "DROP TRIGGER IF EXISTS monitoring_report_no_delete",
    "DROP TRIGGER IF EXISTS monitoring_photo_no_update",
    "DROP TRIGGER IF EXISTS monitoring_photo_no_delete",
]
POSTGRES_INSTALL = [
    f"""CREATE OR REPLACE FUNCTION monitoring_report_guard() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'UPDATE' THEN
           IF NOT ({PG_CHANGED}) THEN
             RETURN NEW;
           END IF;
         END IF;
         RAISE EXCEPTION 'monitoring_progressreport is append-only: % refused', TG_OP;
       END;
       $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER monitoring_report_guard BEFORE UPDATE OR DELETE ON monitoring_progressreport
       FOR EACH ROW EXECUTE FUNCTION monitoring_report_guard()""",
    """CREATE TRIGGER monitoring_report_no_truncate BEFORE TRUNCATE ON monitoring_progressreport
       FOR EACH STATEMENT EXECUTE FUNCTION monitoring_report_guard()""",
    """CREATE OR REPLACE FUNCTION monitoring_photo_refuse() RETURNS trigger AS $$
       BEGIN
         RAISE EXCEPTION 'monitoring_reportphoto is append-only: % refused', TG_OP;
       END;
       $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER monitoring_photo_no_change BEFORE UPDATE OR DELETE ON monitoring_reportphoto
       FOR EACH ROW EXECUTE FUNCTION monitoring_photo_refuse()""",
    """CREATE TRIGGER monitoring_photo_no_truncate BEFORE TRUNCATE ON monitoring_reportphoto
       FOR EACH STATEMENT EXECUTE FUNCTION monitoring_photo_refuse()""",
]
POSTGRES_REMOVE = [
    "DROP TRIGGER IF EXISTS monitoring_photo_no_truncate ON monitoring_reportphoto",
    "DROP TRIGGER IF EXISTS monitoring_photo_no_change ON monitoring_reportphoto",
    "DROP FUNCTION IF EXISTS monitoring_photo_refuse()",
    "DROP TRIGGER IF EXISTS monitoring_report_no_truncate ON monitoring_progressreport",
    "DROP TRIGGER IF EXISTS monitoring_report_guard ON monitoring_progressreport",
    "DROP FUNCTION IF EXISTS monitoring_report_guard()",
]


def _run(schema_editor, statements):
    with schema_editor.connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    _run(schema_editor, SQLITE_INSTALL if vendor == "sqlite" else POSTGRES_INSTALL)


def remove(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    _run(schema_editor, SQLITE_REMOVE if vendor == "sqlite" else POSTGRES_REMOVE)


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_projects_reports")]

    operations = [migrations.RunPython(install, remove)]

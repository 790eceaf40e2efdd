"""The access log partitioned by month on PostgreSQL (declarative RANGE partitioning on ``at``): at a city's scale
it grows by millions of rows a day, and the legal period is kept by dropping whole months, never by deleting rows.

- The table is rebuilt as a partitioned table with the same columns, defaults, indexes (same names) and the
  append-only triggers of 0002 and 0006 (row triggers are cloned to every partition). The primary key becomes
  (id, at), as PostgreSQL asks of a partitioned table; ``id`` stays unique (one identity sequence).
- One partition per month from the oldest row's month to three months ahead, and a DEFAULT partition so a row
  with an unexpected time (a test at a frozen date, a clock gone wrong) is never refused.
- ``welfare_accesslog_partitions(ahead, keep_months)`` is the only way to add and drop partitions: a SECURITY
  DEFINER function owned by the migration's role, so the application's role (not the owner, see the README's
  Security section) can run the nightly maintenance but cannot drop the table or its triggers. It never drops a
  month younger than 24 months, whatever it is asked.

SQLite (the embedded default) keeps a plain table: the partition job says so and does nothing.
"""

from django.db import migrations

TABLE = "welfare_accesslog"

FUNCTION = """
CREATE OR REPLACE FUNCTION welfare_accesslog_partitions(ahead integer, keep_months integer)
RETURNS text[] LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    done text[] := '{}';
    month date;
    cutoff date;
    part record;
    upper_bound timestamptz;
    name text;
BEGIN
    -- Partitions for this month and the months ahead (a month that already has one is left alone; a month whose
    -- rows already went to the DEFAULT partition is left there).
    FOR i IN 0..GREATEST(ahead, 1) LOOP
        month := (date_trunc('month', now() AT TIME ZONE 'Asia/Seoul') + make_interval(months => i))::date;
        name := 'welfare_accesslog_p' || to_char(month, 'YYYYMM');
        IF to_regclass(name) IS NULL THEN
            BEGIN
                EXECUTE format('CREATE TABLE %I PARTITION OF welfare_accesslog FOR VALUES FROM (%L) TO (%L)',
                               name, (month::timestamp AT TIME ZONE 'Asia/Seoul'),
                               ((month + interval '1 month')::timestamp AT TIME ZONE 'Asia/Seoul'));
                done := done || ('created ' || name);
            EXCEPTION WHEN others THEN
                done := done || ('kept in default ' || name);
            END;
        END IF;
    END LOOP;
    -- Months past the legal period are dropped whole (never fewer than 24 months are kept).
    cutoff := (date_trunc('month', now() AT TIME ZONE 'Asia/Seoul')
               - make_interval(months => GREATEST(keep_months, 24)))::date;
    FOR part IN
        SELECT c.relname AS relname, pg_get_expr(c.relpartbound, c.oid) AS bound
        FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'welfare_accesslog'::regclass AND c.relname ~ '^welfare_accesslog_p[0-9]{6}$'
    LOOP
        upper_bound := substring(part.bound from 'TO \\(''([^'']+)''\\)')::timestamptz;
        IF upper_bound <= (cutoff::timestamp AT TIME ZONE 'Asia/Seoul') THEN
            EXECUTE format('ALTER TABLE welfare_accesslog DETACH PARTITION %I', part.relname);
            EXECUTE format('DROP TABLE %I', part.relname);
            done := done || ('dropped ' || part.relname);
        END IF;
    END LOOP;
    RETURN done;
END;
$$;
"""

TRIGGERS = """
CREATE TRIGGER welfare_accesslog_no_update_delete
    BEFORE UPDATE OR DELETE ON welfare_accesslog
    FOR EACH ROW EXECUTE FUNCTION welfare_accesslog_append_only();
CREATE TRIGGER welfare_accesslog_no_truncate
    BEFORE TRUNCATE ON welfare_accesslog
    FOR EACH STATEMENT EXECUTE FUNCTION welfare_accesslog_no_truncate();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass(%s)", [TABLE])
        if cursor.fetchone():
            return
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname <> %s",
                       [TABLE, f"{TABLE}_pkey"])
        indexes = cursor.fetchall()
        cursor.execute(f"SELECT COALESCE(MIN(at), now()), COALESCE(MAX(id), 0) FROM {TABLE}")
        oldest, last_id = cursor.fetchone()
    def ex(sql: str) -> None:  # no parameters: the function bodies hold format()'s % signs
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(sql)

    ex(f"CREATE TABLE {TABLE}_new (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING CONSTRAINTS) "
       "PARTITION BY RANGE (at)")
    ex(f"ALTER TABLE {TABLE}_new ADD CONSTRAINT {TABLE}_new_pkey PRIMARY KEY (id, at)")
    ex(f"CREATE TABLE {TABLE}_pdefault PARTITION OF {TABLE}_new DEFAULT")
    for month in _months(oldest):  # from the oldest row's month to three ahead
        ex(f"CREATE TABLE {partition_name(month)} PARTITION OF {TABLE}_new "
           f"FOR VALUES FROM ('{month:%Y-%m-%d} 00:00:00+09') TO ('{_next(month):%Y-%m-%d} 00:00:00+09')")
    ex(f"INSERT INTO {TABLE}_new SELECT * FROM {TABLE}")
    ex(f"DROP TABLE {TABLE}")  # its triggers and indexes go with it; the functions stay
    ex(f"ALTER TABLE {TABLE}_new RENAME TO {TABLE}")
    ex(f"ALTER TABLE {TABLE} RENAME CONSTRAINT {TABLE}_new_pkey TO {TABLE}_pkey")
    ex(f"ALTER SEQUENCE IF EXISTS {TABLE}_new_id_seq RENAME TO {TABLE}_id_seq")  # the name the README grants
    for _name, definition in indexes:
        ex(definition)  # the same names and columns, now on the partitioned table (cascading to each month)
    ex(f"SELECT setval(pg_get_serial_sequence('{TABLE}', 'id'), {max(last_id, 1)}, {'true' if last_id else 'false'})")
    ex(TRIGGERS)
    ex(FUNCTION)


def partition_name(month) -> str:
    return f"{TABLE}_p{month:%Y%m}"


def _next(month):
    return month.replace(year=month.year + 1, month=1) if month.month == 12 else month.replace(month=month.month + 1)


def _months(oldest):
    import datetime as dt
    from zoneinfo import ZoneInfo

    seoul = ZoneInfo("Asia/Seoul")
    month = oldest.astimezone(seoul).date().replace(day=1)
    last = dt.datetime.now(seoul).date().replace(day=1)
    for _ in range(3):
        last = _next(last)
    while month <= last:
        yield month
        month = _next(month)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP FUNCTION IF EXISTS welfare_accesslog_partitions(integer, integer)")
    # The partitioned table stays: a plain table would need the same rebuild the other way, and nothing depends
    # on the difference (the primary key (id, at) keeps id unique).


class Migration(migrations.Migration):
    atomic = True
    dependencies = [("welfare", "0011_release_messages_schedule")]
    operations = [migrations.RunPython(forward, backward)]

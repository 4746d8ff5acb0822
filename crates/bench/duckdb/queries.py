"""The benchmark's three queries in DuckDB, on the CSV solieu-bench writes.

Usage: python3 queries.py VALUES.csv FIRST_MONTH_OF_YEAR RUNS
Prints one line per query: RESULT Qn MEDIAN_MS CHECKSUM. Values are DECIMAL(18,2), exact like
solieu's; DuckDB gets two threads, as solieu does. For reference it also times the same queries
over the values as DOUBLE (binary floating point, which solieu never uses for stored figures):
lines DOUBLE Qn MEDIAN_MS CHECKSUM.
"""
import statistics
import sys
import time

import duckdb

csv, first, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
con = duckdb.connect()
con.execute("SET threads = 2")
started = time.perf_counter()
con.execute(
    f"""CREATE TABLE v AS SELECT * FROM read_csv('{csv}', header = true, columns = {{
        'indicator': 'SMALLINT', 'commune': 'INTEGER', 'district': 'SMALLINT',
        'month': 'SMALLINT', 'value': 'DECIMAL(18,2)'}})"""
)
print(f"DuckDB {duckdb.__version__} loaded {con.execute('SELECT COUNT(*) FROM v').fetchone()[0]} rows in {time.perf_counter() - started:.1f} s")
con.execute("CREATE TABLE vd AS SELECT indicator, commune, district, month, value::DOUBLE AS value FROM v")

last = first + 11
queries = {
    "Q1": f"""SELECT SUM(t) FROM (SELECT indicator, district, SUM(value) AS t FROM v
              WHERE month BETWEEN {first} AND {last} GROUP BY indicator, district)""",
    "Q2": f"""SELECT SUM(ROUND(growth, 6)) FROM (
                SELECT commune,
                       (SUM(value) FILTER (WHERE month BETWEEN {first} AND {first + 8})
                        / SUM(value) FILTER (WHERE month BETWEEN {first - 12} AND {first - 4}) - 1) * 100 AS growth
                FROM v WHERE indicator = 0 AND month BETWEEN {first - 12} AND {first + 8}
                GROUP BY commune)""",
    "Q3": f"""SELECT SUM(t) FROM (SELECT indicator, district, SUM(value) AS t FROM v
              WHERE month = {first + 5} GROUP BY GROUPING SETS ((indicator, district), (indicator)))""",
}
def timed(sql):
    con.execute(sql).fetchall()  # warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        check = con.execute(sql).fetchone()[0]
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), check


for name, sql in queries.items():
    median, check = timed(sql)
    print(f"RESULT {name} {median:.2f} {check}")
for name, sql in queries.items():
    median, check = timed(sql.replace(" FROM v", " FROM vd"))
    print(f"DOUBLE {name} {median:.2f} {check:.2f}")

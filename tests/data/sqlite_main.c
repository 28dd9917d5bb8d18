/* A program around SQLite's amalgamation as the libsqlite3-sys crate bundles it (the test
   includes it from that crate's source): a table of 20,000 rows built by a recursive query,
   an index, grouping, aggregates over text and floats. Every line it prints depends on
   SQLite's virtual machine, its B-tree and its printf. */
#define SQLITE_THREADSAFE 0
#define SQLITE_OMIT_LOAD_EXTENSION 1
#include "sqlite3.c"
#include <stdio.h>

static int row(void *unused, int n, char **values, char **names) {
  (void)unused;
  for (int i = 0; i < n; i++) printf("%s=%s ", names[i], values[i] ? values[i] : "NULL");
  printf("\n");
  return 0;
}

int main(void) {
  sqlite3 *db;
  char *err = 0;
  if (sqlite3_open(":memory:", &db) != SQLITE_OK) return 1;
  const char *sql =
      "CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT, c REAL);"
      "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 20000) "
      "INSERT INTO t SELECT x, 'row' || (x * 7 % 13), x * 0.5 FROM n;"
      "CREATE INDEX tb ON t(b);"
      "SELECT b, count(*), sum(c), max(a) FROM t GROUP BY b ORDER BY b;"
      "SELECT printf('%.3f', avg(c)), group_concat(a % 10, '') FROM t WHERE a % 997 = 0;"
      "SELECT upper(b), length(group_concat(a)) FROM t WHERE b LIKE 'row1%' GROUP BY b;";
  if (sqlite3_exec(db, sql, row, 0, &err) != SQLITE_OK) {
    printf("error: %s\n", err);
    return 1;
  }
  sqlite3_close(db);
  return 0;
}

/**
 * A table the SQL warehouse reads: a Unity Catalog name `catalog.schema.table`, or a Delta path
 * ``delta.`abfss://…` `` when tables live under lake paths.
 */
export const TABLE_NAME = {
  pattern: /^([A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*|delta\.`abfss:\/\/[^`\s]+`)$/,
  rule: "a three-part Unity Catalog name such as 'main.gold.orders_anomalies', or delta.`abfss://<container>@<account>.dfs.core.windows.net/<path>`",
} as const;

/** A workspace folder: absolute, no trailing slash. */
export const WORKSPACE_FOLDER = {
  pattern: /^\/[^\s/][^\s]*[^/]$|^\/[^\s/]$/,
  rule: "an absolute workspace folder without a trailing slash, such as '/Shared/streaming/dev/monitoring'",
} as const;

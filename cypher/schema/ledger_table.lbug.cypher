// name: schema/ledger_table
// description: Create the embedded store's load ledger: one row per loaded issue, keyed by its id, listing the nodes the issue supports, the relationship types it asserts and its relationships' keys in the relationship index, so that replacing or retracting an issue finds what it wrote by key lookups instead of scanning every table (LadybugDB has no secondary index).
// params: none
// dialect: lbug
CREATE NODE TABLE IF NOT EXISTS _kg_ledger(issue_id STRING, nodes STRING[], types STRING[], edges INT64[], PRIMARY KEY(issue_id))

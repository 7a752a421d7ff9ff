// name: schema/edge_index_table
// description: Create the embedded store's relationship index: one row per relationship, keyed by a 128-bit hash of its identity (type, endpoints and id) split into the key and a check, with the issue that asserts it, so that a load finds which of its relationships already exist by key lookups instead of walking the relationships of every endpoint (which grow with the store). Integers keep the table small: every checkpoint rewrites it.
// params: none
// dialect: lbug
CREATE NODE TABLE IF NOT EXISTS _kg_edge(key INT64, verify INT64, issue_id STRING, PRIMARY KEY(key))

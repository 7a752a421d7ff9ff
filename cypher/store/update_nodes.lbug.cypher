// name: store/update_nodes
// description: Write the merged properties and support list of existing nodes of one label. LadybugDB variant: rows are passed as one list per column (see cypher/README.md, "Columnar parameters"), the key bound by WITH so the primary-key index is used; only the columns that changed are set, and the support list is computed in place from the issue (bound by WITH: a lambda cannot read a parameter) instead of passing every node's whole list.
// params: $row_count (int) number of rows; $keys (list of strings) node keys; $issue_id (string) the issue being loaded; $v_<property> / $f_,$s_,$e_<property> column lists named in set_clause
// template: label, key, set_clause
// dialect: lbug
UNWIND range(1, $row_count) AS i
WITH i, $keys[i] AS k, $issue_id AS issue
MATCH (n:{label} {{key}: k})
SET {set_clause}

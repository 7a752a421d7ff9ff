// name: store/index_edges
// description: Add the relationships a load created to the embedded store's relationship index, owned by the issue (a key already there is a hash collision, and LadybugDB refuses the duplicate: the load fails instead of mixing up two relationships).
// params: $keys, $verify (lists of ints) the relationships' keys and checks; $issue_id (string) the issue that asserts them
// dialect: lbug
UNWIND range(1, size($keys)) AS i
CREATE (e:_kg_edge {key: $keys[i], verify: $verify[i], issue_id: $issue_id})

// name: store/claim_edges
// description: Make an issue the owner of relationships it restated (MERGEd onto ones another issue asserted) in the embedded store's relationship index, as the MERGE made it their issue_id.
// params: $keys (list of ints) keys of relationships that existed; $issue_id (string) the issue that now asserts them
// dialect: lbug
UNWIND $keys AS k
MATCH (e:_kg_edge {key: k})
SET e.issue_id = $issue_id

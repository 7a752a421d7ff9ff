// name: store/delete_issue_edges
// description: Delete every relationship of one type asserted by an issue (first step of load and retract).
// params: $issue_id (string) the issue whose assertions go
// template: type
// dialect: portable
MATCH ()-[r:{type}]->()
WHERE r.issue_id = $issue_id
DELETE r
RETURN count(r) AS deleted

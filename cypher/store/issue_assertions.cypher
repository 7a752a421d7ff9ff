// name: store/issue_assertions
// description: The relationships one issue asserts (id, article and evidence), in id order.
// params: $issue_id (string) an issue id
// dialect: portable
MATCH ()-[r]->()
WHERE r.issue_id = $issue_id
RETURN r.id AS id, r.article_id AS article_id, r.evidence AS evidence
ORDER BY id

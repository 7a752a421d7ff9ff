// name: queries/issue-new
// description: The facts (ISSUED, PILOTS_IN, IMPLEMENTS, SELECTED_IN, BASED_ON, AMENDS, REPEALS, DRAFT_OF) an issue asserts that no earlier issue asserted, with their article and evidence.
// params: $issue (string) an issue id
// example: kg query issue-new --param issue=sample-2025-05
// columns: issue_id, issue_date, article_id, source, relation, target, evidence
// dialect: lbug
MATCH (i:Issue {id: $issue})
MATCH (a)-[f:ISSUED|PILOTS_IN|IMPLEMENTS|SELECTED_IN|BASED_ON|AMENDS|REPEALS|DRAFT_OF]->(b)
WHERE f.issue_id = $issue
  AND NOT EXISTS {
    MATCH (a)-[g:ISSUED|PILOTS_IN|IMPLEMENTS|SELECTED_IN|BASED_ON|AMENDS|REPEALS|DRAFT_OF]->(b)
    WHERE label(g) = label(f)
      AND (g.issue_date < i.date OR (g.issue_date = i.date AND g.issue_id < i.id))
  }
RETURN i.id AS issue_id, i.date AS issue_date, f.article_id AS article_id, a.name AS source,
       label(f) AS relation, b.name AS target, f.evidence AS evidence
ORDER BY article_id, relation, source, target, evidence

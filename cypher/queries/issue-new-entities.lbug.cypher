// name: queries/issue-new-entities
// description: The policies, agencies, regions and drugs an issue mentions that no earlier issue mentioned, with the first article that mentions each.
// params: $issue (string) an issue id
// example: kg query issue-new-entities --param issue=sample-2025-05
// columns: issue_id, label, key, name, article_id, surfaces
// dialect: lbug
MATCH (i:Issue {id: $issue})<-[:PART_OF]-(art:Article)-[m:MENTIONS]->(e)
WHERE m.issue_id = i.id AND (label(e) = 'Policy' OR label(e) = 'Agency' OR label(e) = 'Region' OR label(e) = 'Drug')
  AND NOT EXISTS {
    MATCH (:Article)-[n:MENTIONS]->(e)
    WHERE n.issue_date < i.date OR (n.issue_date = i.date AND n.issue_id < i.id)
  }
WITH i, e, min(art.id) AS article_id
MATCH (first:Article {id: article_id})-[m:MENTIONS]->(e)
RETURN i.id AS issue_id, label(e) AS label, e.key AS key, e.name AS name, article_id,
       m.surfaces AS surfaces
ORDER BY label, key

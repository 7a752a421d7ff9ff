// name: queries/issue-dates
// description: The dates an issue's articles mention (an event timeline of the issue), with the article, its title and the words used, in date order.
// params: $issue (string) an issue id
// example: kg query issue-dates --param issue=sample-2025-03
// columns: date, precision, article_id, article_title, surfaces
// dialect: portable
MATCH (:Issue {id: $issue})<-[:PART_OF]-(art:Article)-[m:MENTIONS]->(d:Date)
WHERE m.issue_id = $issue
RETURN d.key AS date, d.precision AS precision, art.id AS article_id, art.name AS article_title,
       m.surfaces AS surfaces
ORDER BY date, article_id

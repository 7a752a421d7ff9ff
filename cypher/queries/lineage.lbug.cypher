// name: queries/lineage
// description: Every issue and article that reports a policy (matched by key, 文号, alias or a substring of its title), oldest issue first, with the words and character spans of the mention, and each fact the article states about the policy with its evidence sentence.
// params: $policy (title) a policy key, 文号, alias or part of its title
// example: kg query lineage --param policy=第十一批
// columns: issue_date, issue_id, article_id, article_title, policy, policy_name, surfaces, spans, relation, direction, other, evidence
// dialect: lbug
WITH $policy AS q
MATCH (p:Policy)
WHERE p.key = q OR p.doc_no = q OR p.key CONTAINS q OR p.name CONTAINS q
   OR any(alias IN coalesce(p.aliases, []) WHERE alias CONTAINS q)
MATCH (art:Article)-[m:MENTIONS]->(p)
MATCH (art)-[:PART_OF]->(i:Issue)
OPTIONAL MATCH (p)-[f:ISSUED|PILOTS_IN|IMPLEMENTS|SELECTED_IN|BASED_ON|AMENDS|REPEALS|DRAFT_OF]-(x)
  WHERE f.article_id = art.id
OPTIONAL MATCH (p)-[o:ISSUED|PILOTS_IN|IMPLEMENTS|SELECTED_IN|BASED_ON|AMENDS|REPEALS|DRAFT_OF]->(x)
  WHERE o.id = f.id
WITH i, art, m, p, f, x, CASE WHEN f IS NULL THEN null WHEN o IS NULL THEN 'in' ELSE 'out' END AS direction
RETURN i.date AS issue_date, i.id AS issue_id, art.id AS article_id, art.name AS article_title,
       p.key AS policy, p.name AS policy_name, m.surfaces AS surfaces, m.spans AS spans,
       label(f) AS relation, direction, x.name AS other, f.evidence AS evidence
ORDER BY issue_date, issue_id, article_id, policy, coalesce(relation, ''), coalesce(other, ''),
         coalesce(evidence, '')

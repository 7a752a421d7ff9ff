// name: queries/lineage
// description: Every issue and article that reports a policy (its exact key, 文号, title or alias; only when no policy matches exactly, every policy whose key, title or an alias contains the value), oldest issue first, with the words and character spans of the mention, and each fact the article states about the policy with its evidence sentence.
// params: $policy (title) a policy key, 文号, title or alias (exact match first), or part of one
// example: kg query lineage --param policy=第十一批
// columns: issue_date, issue_id, article_id, article_title, policy, policy_name, surfaces, spans, relation, direction, other, evidence
// dialect: neo4j
WITH $policy AS q
OPTIONAL MATCH (e:Policy)
  WHERE e.key = q OR e.doc_no = q OR e.name = q OR q IN coalesce(e.aliases, [])
WITH q, count(e) = 0 AS fuzzy
MATCH (p:Policy)
WHERE p.key = q OR p.doc_no = q OR p.name = q OR q IN coalesce(p.aliases, [])
   OR (fuzzy AND (p.key CONTAINS q OR p.name CONTAINS q
                  OR any(alias IN coalesce(p.aliases, []) WHERE alias CONTAINS q)))
MATCH (art:Article)-[m:MENTIONS]->(p)
OPTIONAL MATCH (p)-[f:ISSUED|PILOTS_IN|IMPLEMENTS|SELECTED_IN|BASED_ON|AMENDS|REPEALS|DRAFT_OF]-(x:Policy|Agency|Region|Drug)
  WHERE f.article_id = art.id
OPTIONAL MATCH (p)-[o:ISSUED|PILOTS_IN|IMPLEMENTS|SELECTED_IN|BASED_ON|AMENDS|REPEALS|DRAFT_OF]->(x)
  WHERE o.id = f.id
RETURN m.issue_date AS issue_date, m.issue_id AS issue_id, art.id AS article_id, art.name AS article_title,
       p.key AS policy, p.name AS policy_name, m.surfaces AS surfaces, m.spans AS spans,
       type(f) AS relation, CASE WHEN f.id IS NULL THEN null WHEN o.id IS NULL THEN 'in' ELSE 'out' END AS direction,
       x.name AS other, f.evidence AS evidence
ORDER BY issue_date, issue_id, article_id, policy, coalesce(relation, ''), coalesce(other, ''),
         coalesce(evidence, '')

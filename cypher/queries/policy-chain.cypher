// name: queries/policy-chain
// description: The BASED_ON / AMENDS / REPEALS / DRAFT_OF assertions around a policy (matched by key, 文号, alias or a substring of its title) up to $depth steps away (at most 4), nearest first, each with its issue and evidence.
// params: $policy (title) a policy key, 文号, alias or part of its title; $depth (int = 2) how many steps to follow, 1 to 4
// example: kg query policy-chain --param policy=智能监管规则库 --param depth=2
// columns: policy, depth, source, relation, target, issue_date, issue_id, article_id, evidence
// dialect: neo4j
WITH $policy AS q
MATCH (p:Policy)
WHERE p.key = q OR p.doc_no = q OR p.key CONTAINS q OR p.name CONTAINS q
   OR any(alias IN coalesce(p.aliases, []) WHERE alias CONTAINS q)
MATCH path = (p)-[:BASED_ON|AMENDS|REPEALS|DRAFT_OF*0..3]-(a:Policy)
WHERE length(path) < $depth
MATCH (a)-[r:BASED_ON|AMENDS|REPEALS|DRAFT_OF]-(b:Policy)
OPTIONAL MATCH (a)-[o:BASED_ON|AMENDS|REPEALS|DRAFT_OF]->(b)
  WHERE o.id = r.id
WITH p.key AS policy, r.id AS id, type(r) AS relation, length(path) AS hops,
     CASE WHEN o IS NULL THEN b.name ELSE a.name END AS source,
     CASE WHEN o IS NULL THEN a.name ELSE b.name END AS target,
     r.issue_date AS issue_date, r.issue_id AS issue_id, r.article_id AS article_id, r.evidence AS evidence
WITH policy, id, relation, source, target, issue_date, issue_id, article_id, evidence, min(hops) + 1 AS depth
RETURN policy, depth, source, relation, target, issue_date, issue_id, article_id, evidence
ORDER BY policy, depth, issue_date, source, relation, target, article_id, evidence

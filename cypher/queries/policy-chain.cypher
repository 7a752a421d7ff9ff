// name: queries/policy-chain
// description: The BASED_ON / AMENDS / REPEALS / DRAFT_OF assertions around a policy (its exact key, 文号, title or alias; only when no policy matches exactly, every policy whose key, title or an alias contains the value) up to $depth steps away (at most 4), nearest first, each with its issue and evidence.
// params: $policy (title) a policy key, 文号, title or alias (exact match first), or part of one; $depth (int = 2) how many steps to follow, 1 to 4
// example: kg query policy-chain --param policy=智能监管规则库 --param depth=2
// columns: policy, depth, source, relation, target, issue_date, issue_id, article_id, evidence
// dialect: neo4j
WITH $policy AS q
OPTIONAL MATCH (e:Policy)
  WHERE e.key = q OR e.doc_no = q OR e.name = q OR q IN coalesce(e.aliases, [])
WITH q, count(e) = 0 AS fuzzy
MATCH (p:Policy)
WHERE p.key = q OR p.doc_no = q OR p.name = q OR q IN coalesce(p.aliases, [])
   OR (fuzzy AND (p.key CONTAINS q OR p.name CONTAINS q
                  OR any(alias IN coalesce(p.aliases, []) WHERE alias CONTAINS q)))
OPTIONAL MATCH (p)-[:BASED_ON|AMENDS|REPEALS|DRAFT_OF]-(x1:Policy)
  WHERE $depth > 1
WITH p, collect(DISTINCT x1.key) AS n1
UNWIND [p.key] + n1 AS k1
OPTIONAL MATCH (:Policy {key: k1})-[:BASED_ON|AMENDS|REPEALS|DRAFT_OF]-(x2:Policy)
  WHERE $depth > 2
WITH p, n1, collect(DISTINCT x2.key) AS n2
UNWIND [p.key] + n2 AS k2
OPTIONAL MATCH (:Policy {key: k2})-[:BASED_ON|AMENDS|REPEALS|DRAFT_OF]-(x3:Policy)
  WHERE $depth > 3
WITH p, n1, n2, collect(DISTINCT x3.key) AS n3
MATCH (s:Policy)-[r:BASED_ON|AMENDS|REPEALS|DRAFT_OF]->(t:Policy)
WITH p, r, s, t,
     CASE WHEN s = p THEN 0 WHEN s.key IN n1 THEN 1 WHEN s.key IN n2 THEN 2 WHEN s.key IN n3 THEN 3 END AS hs,
     CASE WHEN t = p THEN 0 WHEN t.key IN n1 THEN 1 WHEN t.key IN n2 THEN 2 WHEN t.key IN n3 THEN 3 END AS ht
WITH p, r, s, t, CASE WHEN hs IS NULL OR ht < hs THEN ht ELSE hs END AS hops
WHERE hops < $depth
RETURN p.key AS policy, hops + 1 AS depth, s.name AS source, type(r) AS relation, t.name AS target,
       r.issue_date AS issue_date, r.issue_id AS issue_id, r.article_id AS article_id, r.evidence AS evidence
ORDER BY policy, depth, issue_date, source, relation, target, article_id, evidence

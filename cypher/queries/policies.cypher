// name: queries/policies
// description: Every policy with the first and last issue that mentions it and how many issues and articles do, optionally only those whose key, 文号, alias or title contains $policy; oldest first.
// params: $policy (title = "") part of a policy's key, 文号, alias or title, empty for all
// example: kg query policies --param policy=意见
// columns: policy, name, kind, doc_no, first_reported, last_reported, issues, articles
// dialect: portable
WITH $policy AS q
MATCH (art:Article)-[m:MENTIONS]->(p:Policy)
WHERE q = '' OR p.key = q OR p.doc_no = q OR p.key CONTAINS q
   OR p.name CONTAINS q OR any(alias IN coalesce(p.aliases, []) WHERE alias CONTAINS q)
RETURN p.key AS policy, p.name AS name, p.kind AS kind, p.doc_no AS doc_no,
       min(m.issue_date) AS first_reported, max(m.issue_date) AS last_reported,
       count(DISTINCT m.issue_id) AS issues, count(DISTINCT art.id) AS articles
ORDER BY first_reported, policy

// name: queries/co-issuers
// description: Pairs of agencies reported to have issued the same policy in the same article (joint issuance), with how many policies and articles, most frequent first; $agency limits the pairs to one agency (empty for all).
// params: $agency (string = "") an agency's full name, short name or display name, empty for all
// example: kg query co-issuers
// columns: agency, co_issuer, policies, articles, first_reported, last_reported
// dialect: portable
MATCH (a:Agency)-[r1:ISSUED]->(p:Policy)<-[r2:ISSUED]-(b:Agency)
WHERE a.key < b.key AND r1.article_id = r2.article_id
  AND ($agency = '' OR $agency IN [a.key, a.name, b.key, b.name]
       OR $agency IN coalesce(a.short_names, []) OR $agency IN coalesce(b.short_names, []))
RETURN a.name AS agency, b.name AS co_issuer, count(DISTINCT p.key) AS policies,
       count(DISTINCT r1.article_id) AS articles, min(r1.issue_date) AS first_reported,
       max(r1.issue_date) AS last_reported
ORDER BY policies DESC, articles DESC, agency, co_issuer

// name: queries/co-issuers
// description: Pairs of agencies reported to have issued the same policy in the same article (joint issuance), with how many policies and articles, most frequent first; $agency limits the pairs to one agency (empty for all).
// params: $agency (agency = "") an agency as articles name it (国家医保局 or 国家医疗保障局), empty for all
// example: kg query co-issuers
// columns: agency, co_issuer, policies, articles, first_reported, last_reported
// dialect: portable
MATCH (x:Agency)-[r:ISSUED]->(p:Policy)
WITH p.key AS policy, r.article_id AS article, r.issue_date AS issue_date,
     collect(DISTINCT {key: x.key, name: x.name,
                       wanted: $agency = '' OR x.key = $agency OR x.name = $agency
                               OR $agency IN coalesce(x.short_names, [])}) AS issuers
WHERE size(issuers) > 1
UNWIND issuers AS a
UNWIND issuers AS b
WITH a, b, policy, article, issue_date
WHERE a.key < b.key AND (a.wanted OR b.wanted)
RETURN a.name AS agency, b.name AS co_issuer, count(DISTINCT policy) AS policies,
       count(DISTINCT article) AS articles, min(issue_date) AS first_reported,
       max(issue_date) AS last_reported
ORDER BY policies DESC, articles DESC, agency, co_issuer
